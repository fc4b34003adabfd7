/* DIR/progress.json: how a running sweep is doing, for `mlpvar status` from
 * any shell. The master replaces it atomically (write a temporary file,
 * rename) every few seconds and once at the end, when `state` says how the
 * run ended. A reader tells a live file from a stale one by `updated_at` and
 * by the folder's lock. */
#ifndef MLPVAR_PROGRESS_FILE_H
#define MLPVAR_PROGRESS_FILE_H

#include <stddef.h>

#define PROGRESS_MAX_PARTS 256 /* parts listed in the file; more are summed into the last */
#define PROGRESS_EVERY 2.0 /* seconds between rewrites while running */

typedef struct {
    long total, done, failed;
} progress_part;

typedef struct {
    char sweep[256];
    char state[64]; /* "running", "finished", "stopped by signal 15", "failed: ..." */
    char host[256];
    long pid;
    double started_at, updated_at; /* seconds since the epoch */
    double elapsed; /* seconds of this run */
    long total; /* networks in the sweep */
    long done, failed; /* stored: done counts failed ones; failed = latest record failed */
    long run_done; /* stored by this run */
    double rate; /* records per second in this run */
    double eta; /* seconds; < 0 when unknown */
    double work_fraction; /* share of this run's predicted work (flops) done */
    int workers;
    long fsyncs; /* group commits of this run */
    double master_cpu; /* CPU seconds of the master process */
    int n_parts;
    progress_part part[PROGRESS_MAX_PARTS];
} progress_info;

/* Writes DIR/progress.json atomically. 0, or -1 with errno. */
int progress_file_write(const char *dir, const progress_info *p);
/* Reads it. 0; 1 when there is none; -1 with err when it is not a progress file. */
int progress_file_read(const char *dir, progress_info *p, char *err, size_t errlen);

#endif
