/* The master side of the sweep engine: work out, records in. */
#include "engine.h"

#include "mlpvar/grow.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AHEAD 2 /* work messages in flight per worker */
#define BATCH_SECONDS 0.02 /* items go out several to a message up to this much predicted work */

typedef struct {
    const plan *p;
    const work_list *w;
    committer *c;
    long next; /* next index into w */
    int workers;
    int kind[WORK_MAX]; /* the candidates of the next batch: kinds, costs, predicted seconds */
    double cost[WORK_MAX], sec[WORK_MAX];
    int64_t msg[1 + 2 * WORK_MAX];
} dispatch;

/* Sends the next batch to worker `to`: items while their predicted time stays
 * under BATCH_SECONDS, at most WORK_MAX, and at most a quarter of what is left
 * per worker (so the ranks finish together). Returns the count sent (0: none left). */
static int send_batch(dispatch *d, int to)
{
    long left = d->w->n - d->next;
    if (left <= 0 || sweep_stop_signal) return 0;
    long cap = left / (4L * d->workers);
    if (cap < 1) cap = 1;
    if (cap > WORK_MAX) cap = WORK_MAX;
    for (long i = 0; i < cap; i++) {
        long item = d->w->item[d->next + i];
        d->kind[i] = plan_item_kind(d->p, item);
        d->cost[i] = plan_item_cost(d->p, item);
    }
    committer_item_seconds(d->c, d->kind, d->cost, (int)cap, d->sec);
    int n = 0;
    double t = 0;
    while (n < cap && d->next < d->w->n) {
        double s = d->sec[n];
        if (n > 0 && t + s > BATCH_SECONDS) break;
        d->msg[1 + 2 * n] = d->w->item[d->next];
        d->msg[2 + 2 * n] = d->w->attempt[d->next];
        t += s;
        n++;
        d->next++;
    }
    d->msg[0] = n;
    MPI_Send(d->msg, 1 + 2 * n, MPI_INT64_T, to, TAG_WORK, MPI_COMM_WORLD);
    return n;
}

static void send_stop(int to)
{
    int64_t zero = 0;
    MPI_Send(&zero, 1, MPI_INT64_T, to, TAG_WORK, MPI_COMM_WORLD);
}

/* Queues every record of one results message. 0, or -1 when out of memory. */
static int take_results(dispatch *d, const char *buf, size_t len)
{
    int64_t n;
    memcpy(&n, buf, sizeof n);
    size_t at = sizeof n;
    for (int64_t k = 0; k < n; k++) {
        result_head h;
        if (at + sizeof h > len) return 0; /* cannot happen: our own workers wrote it */
        memcpy(&h, buf + at, sizeof h);
        at += sizeof h;
        if (h.len > 0) {
            commit_item ci = { plan_key(d->p, (long)h.item),
                               h.failed,
                               h.attempt,
                               plan_item_kind(d->p, (long)h.item),
                               d->p->configs[d->p->items[h.item].config].part,
                               plan_item_cost(d->p, (long)h.item),
                               h.seconds };
            if (committer_push(d->c, buf + at, (size_t)h.len, &ci) != 0) return -1;
        }
        at += (size_t)h.len;
    }
    return 0;
}

int master_run(const plan *p, const work_list *w, int n_workers, committer *c)
{
    dispatch *d = calloc(1, sizeof *d);
    int *ahead = calloc((size_t)n_workers + 1, sizeof(int)), rc = 0;
    char *buf = NULL;
    size_t cap = 0;
    if (!d || !ahead) {
        free(d);
        free(ahead);
        sweep_stop_signal = SIGTERM;
        return -1;
    }
    d->p = p;
    d->w = w;
    d->c = c;
    d->workers = n_workers;
    int active = 0;
    for (int r = 1; r <= n_workers; r++) {
        for (int k = 0; k < AHEAD && send_batch(d, r); k++) ahead[r]++;
        if (ahead[r]) active++;
        else send_stop(r);
    }
    long sleep_ns = 20000;
    while (active > 0) {
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULTS, MPI_COMM_WORLD, &flag, &st);
        if (!flag) { /* nothing yet: sleep, do not spin */
            struct timespec ts = { 0, sleep_ns };
            nanosleep(&ts, NULL);
            if (sleep_ns < 1000000) sleep_ns = sleep_ns * 3 / 2;
            continue;
        }
        sleep_ns = 20000;
        int count;
        MPI_Get_count(&st, MPI_BYTE, &count);
        if (mlpv_grow(&buf, &cap, (size_t)count, 1)) MPI_Abort(MPI_COMM_WORLD, 1); /* stored records are safe */
        int from = st.MPI_SOURCE;
        MPI_Recv(buf, count, MPI_BYTE, from, TAG_RESULTS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        if (!rc && take_results(d, buf, (size_t)count) != 0) {
            rc = -1;
            sweep_stop_signal = SIGTERM;
        }
        ahead[from]--;
        if (send_batch(d, from)) ahead[from]++; /* before the disk sees this message's records */
        else if (!ahead[from]) {
            send_stop(from);
            active--;
        }
    }
    free(buf);
    free(ahead);
    free(d);
    return rc;
}
