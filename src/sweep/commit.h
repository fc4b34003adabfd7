/* Group commit at the master: a writer thread that appends every record
 * waiting with one write and one fsync (store_commit), then counts them as
 * done. The master thread only queues lines, so handing out work never waits
 * for the disk; a crash loses at most the group in flight. */
#ifndef MLPVAR_COMMIT_H
#define MLPVAR_COMMIT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "eta.h"
#include "store.h"

typedef struct {
    uint64_t key;
    int failed, attempt, kind, part;
    double cost, seconds; /* predicted flops and measured worker seconds, for the ETA */
} commit_item;

typedef struct {
    long done, failed, retried; /* records stored by this run; of them failed; retries of failed keys */
    long *part_done; /* [n_parts] keys stored for the first time */
    long *part_failed; /* [n_parts] change in keys whose latest record failed */
    long groups; /* store_commit calls */
    int io_error; /* errno of a failed write or fsync, 0 if none */
} commit_counts;

typedef struct {
    store *st;
    eta_model *eta; /* updated after each fsync, under mu */
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t wake;
    char *buf;
    size_t len, cap; /* lines queued, not yet written */
    commit_item *items;
    size_t n, cap_items;
    int stopping, started, n_parts;
    commit_counts counts;
} committer;

/* Starts the writer thread over an open store. 0, or -1 (OOM, thread). */
int committer_start(committer *c, store *st, eta_model *eta, int n_parts);
/* Queues one record line (ending in '\n'); copies it. 0, or -1 (OOM). */
int committer_push(committer *c, const char *line, size_t len, const commit_item *it);
/* The counts so far: a copy, its part arrays copied into the caller's [n_parts]. */
void committer_counts(committer *c, commit_counts *out, long *part_done, long *part_failed);
/* The ETA's predicted seconds of n items (kinds and costs), under the lock. */
void committer_item_seconds(committer *c, const int *kind, const double *cost, int n, double *seconds);
/* eta_seconds under the lock; *work_fraction (may be NULL) gets the share of
 * this run's predicted flops done. */
double committer_eta(committer *c, double wall, double *work_fraction);
/* Writes what is queued, stops the thread, frees the queues; the counts stay
 * readable (committer_counts) until committer_free. 0, or -1 when a write failed. */
int committer_finish(committer *c);
void committer_free(committer *c);

#endif
