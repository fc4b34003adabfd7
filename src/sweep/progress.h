/* Progress on stderr for long jobs: done/total, failed, rate, elapsed, ETA. A
 * terminal gets one line redrawn at most twice a second; a log file (Slurm's
 * output) a line every 5 seconds. */
#ifndef MLPVAR_PROGRESS_H
#define MLPVAR_PROGRESS_H

typedef struct {
    const char *what; /* "networks" */
    long total, done;
    double t0, last;
    int quiet;
} progress;

double now_seconds(void); /* CLOCK_MONOTONIC */
void progress_start(progress *p, const char *what, long total, int quiet);
/* Counts n more done; the ETA extrapolates the rate of counts. Not
 * thread-safe: call under a lock. */
void progress_add(progress *p, long n);
/* Shows done (of total) and failed with a given ETA in seconds (< 0: unknown),
 * rate-limited unless final. */
void progress_show(progress *p, long done, long failed, double eta, int final);
void progress_finish(progress *p);

#endif
