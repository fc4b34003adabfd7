/* The sweep's progress, shown and published while it runs: a thread that
 * redraws the progress line on stderr and rewrites DIR/progress.json every
 * PROGRESS_EVERY seconds, from the committer's counts and the ETA model. */
#ifndef MLPVAR_MONITOR_H
#define MLPVAR_MONITOR_H

#include <pthread.h>

#include "commit.h"
#include "progress.h"
#include "progress_file.h"

typedef struct {
    committer *c;
    const char *dir; /* NULL: no progress.json (a dry run) */
    progress bar;
    progress_info info; /* the fixed fields; the thread fills the counts */
    long before_done, before_failed; /* stored before this run */
    long part_before_done[PROGRESS_MAX_PARTS], part_before_failed[PROGRESS_MAX_PARTS];
    long *part_done, *part_failed; /* scratch [n_parts] */
    double t0;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    int stopping, started;
} monitor;

/* Starts the thread. info holds the sweep's name, host, pid, totals and
 * workers, and in done / failed (total and per part) what the store held
 * when the run began. 0, or -1. */
int monitor_start(monitor *m, committer *c, const char *dir, const progress_info *info, int quiet);
/* Stops the thread, then shows and writes the final state ("finished",
 * "stopped by signal 15", "failed: ..."). */
void monitor_finish(monitor *m, const char *state);

#endif
