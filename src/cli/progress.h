/* Progress on stderr for long jobs: done/total, rate, ETA; at most twice a second. */
#ifndef MLPVAR_PROGRESS_H
#define MLPVAR_PROGRESS_H

typedef struct {
    const char *what;      /* "networks" */
    long total, done;
    double t0, last;
    int quiet;
} progress;

double now_seconds(void);
void progress_start(progress *p, const char *what, long total, int quiet);
void progress_add(progress *p, long n);     /* not thread-safe: call under a lock */
void progress_finish(progress *p);

#endif
