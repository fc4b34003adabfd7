/* Progress on stderr for long jobs: done/total, rate, ETA; at most twice a second. */
#ifndef MLPVAR_PROGRESS_H
#define MLPVAR_PROGRESS_H

typedef struct {
    const char *what;      /* "networks" */
    long total, done;
    double work_total, work_done;   /* estimated cost: the ETA comes from work, not counts */
    double t0, last;
    int quiet;
} progress;

double now_seconds(void);
void progress_start(progress *p, const char *what, long total, int quiet);
void progress_add(progress *p, long n);     /* not thread-safe: call under a lock */
/* For items of unequal cost: set the total estimated work once, then add each
 * item's work with it; the ETA extrapolates the work rate. */
void progress_set_work(progress *p, double work_total);
void progress_add_work(progress *p, long n, double work);
void progress_finish(progress *p);

#endif
