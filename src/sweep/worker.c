/* The worker side of the sweep engine, and the one-rank loop. */
#include "engine.h"

#include "mlpvar/grow.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void mpi_wait_politely(void *request)
{
    MPI_Request *req = request;
    long ns = 50000;
    for (;;) {
        int done = 0;
        MPI_Test(req, &done, MPI_STATUS_IGNORE);
        if (done) return;
        struct timespec ts = { 0, ns };
        nanosleep(&ts, NULL);
        if (ns < 2000000) ns = ns * 3 / 2;
    }
}

char *compute_item(const plan *p, long item, int attempt, size_t *len, commit_item *ci)
{
    const sweep_item *it = &p->items[item];
    const sweep_config *c = &p->configs[it->config];
    item_result r;
    record_compute(plan_part(p, it), c, it, attempt, &p->data[c->part], &r);
    uint64_t key = plan_key(p, item);
    char *line = record_line(plan_part(p, it), c, &r, key, len);
    *ci = (commit_item){ key, r.failed, attempt, plan_item_kind(p, item), c->part, plan_item_cost(p, item), r.seconds };
    item_result_free(&r);
    return line;
}

void worker_run(const plan *p)
{
    int64_t *work = malloc(sizeof(int64_t) * (1 + 2 * WORK_MAX)), batch[2 * WORK_MAX];
    char *out = NULL;
    size_t cap = 0;
    if (!work) MPI_Abort(MPI_COMM_WORLD, 1);
    MPI_Request req;
    MPI_Irecv(work, 1 + 2 * WORK_MAX, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, &req);
    for (;;) {
        mpi_wait_politely(&req);
        int64_t n = work[0];
        if (n <= 0) break;
        memcpy(batch, work + 1, sizeof(int64_t) * 2 * (size_t)n);
        /* the next message can land while this batch is computed */
        MPI_Irecv(work, 1 + 2 * WORK_MAX, MPI_INT64_T, 0, TAG_WORK, MPI_COMM_WORLD, &req);
        size_t len = sizeof(int64_t);
        for (int64_t k = 0; k < n; k++) {
            commit_item ci;
            size_t ll = 0;
            char *line = compute_item(p, (long)batch[2 * k], (int)batch[2 * k + 1], &ll, &ci);
            if (!line) ll = 0; /* no line (out of memory): the master stores nothing, a rerun retries */
            if (mlpv_grow(&out, &cap, len + sizeof(result_head) + ll, 1)) MPI_Abort(MPI_COMM_WORLD, 1);
            result_head h = { batch[2 * k], (int32_t)batch[2 * k + 1], ci.failed, ci.seconds, (int64_t)ll };
            memcpy(out + len, &h, sizeof h);
            if (ll) memcpy(out + len + sizeof h, line, ll);
            len += sizeof h + ll;
            free(line);
        }
        memcpy(out, &n, sizeof n);
        MPI_Send(out, (int)len, MPI_BYTE, 0, TAG_RESULTS, MPI_COMM_WORLD);
    }
    free(out);
    free(work);
}

int serial_run(const plan *p, const work_list *w, committer *c)
{
    for (long i = 0; i < w->n && !sweep_stop_signal; i++) {
        commit_item ci;
        size_t len = 0;
        char *line = compute_item(p, w->item[i], w->attempt[i], &len, &ci);
        int rc = line ? committer_push(c, line, len, &ci) : -1;
        free(line);
        if (rc) return -1;
    }
    return 0;
}
