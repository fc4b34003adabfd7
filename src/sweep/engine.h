/* Private to the sweep engine (sweep_run.c, master.c, worker.c, monitor.c):
 * the messages between ranks, the work list, and the stop flag. */
#ifndef MLPVAR_ENGINE_H
#define MLPVAR_ENGINE_H

#include <signal.h>
#include <stdint.h>

#include "commit.h"
#include "plan.h"

enum { TAG_RESULTS = 1, TAG_WORK = 2 };

#define WORK_MAX 256 /* items per work message */

/* A work message: int64 count (0 = no more work), then count pairs of int64
 * (item index into plan.items, attempt). A results message: int64 count,
 * then count times a result_head followed by its record line's bytes. */
typedef struct {
    int64_t item;
    int32_t attempt, failed;
    double seconds; /* worker wall time of the item */
    int64_t len; /* bytes of the line that follows */
} result_head;

/* The work of this run: items to compute, most expensive first. */
typedef struct {
    long *item; /* indices into plan.items */
    int *attempt; /* the attempt each one will be */
    long n;
} work_list;

/* SIGINT/SIGTERM: stop handing out work; the records in flight are stored. */
extern volatile sig_atomic_t sweep_stop_signal;

/* Waits for a request without spinning a core: tests it, sleeping between
 * tests (50 us growing to 2 ms). */
void mpi_wait_politely(void *request);

/* The master with n_workers worker ranks: hands out work (several items to a
 * message when they are short, two messages ahead per worker) and queues every
 * record with the committer. Returns when every worker has been told to stop:
 * 0, or -1 when out of memory (it then stops handing out work). */
int master_run(const plan *p, const work_list *w, int n_workers, committer *c);
/* A worker rank: computes what the master sends until told to stop. */
void worker_run(const plan *p);
/* One rank: computes every item itself, queueing records with the committer.
 * 0, or -1 when out of memory (what was queued is still stored). */
int serial_run(const plan *p, const work_list *w, committer *c);

/* The record line of one item (computed here), with its commit entry; NULL
 * when out of memory. */
char *compute_item(const plan *p, long item, int attempt, size_t *len, commit_item *ci);

#endif
