/* The sweep engine: rank 0 is the master (hands out work, stores records in
 * groups, publishes progress), every other rank a worker; with one rank the
 * same work runs serially. Records depend only on (sweep settings,
 * configuration, seed). */
#ifndef MLPVAR_SWEEP_RUN_H
#define MLPVAR_SWEEP_RUN_H

typedef struct {
    const char *sweep_path;
    const char *out_dir;
    int quiet;
    int dry_run; /* print what would run and exit */
    long max_items; /* stop after this many new records (0 = all); for tests */
    int retries; /* attempts in all for an item that fails (>= 1; default 2) */
} sweep_run_opts;

/* Runs under MPI (initialised and finalised inside). Returns the exit code:
 * 0 done, 2 bad input, 1 I/O failure, 128+signal when stopped by SIGINT/SIGTERM. */
int sweep_run(const sweep_run_opts *o, int *argc, char ***argv);

#endif
