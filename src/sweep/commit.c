#include "commit.h"

#include "mlpvar/grow.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void *writer(void *arg)
{
    committer *c = arg;
    char *buf = NULL;
    commit_item *items = NULL;
    size_t cap = 0, cap_items = 0;
    pthread_mutex_lock(&c->mu);
    for (;;) {
        while (!c->n && !c->stopping) pthread_cond_wait(&c->wake, &c->mu);
        if (!c->n) break; /* stopping, and nothing left */
        /* take the queued group; the master fills the other buffer meanwhile */
        char *tb = c->buf;
        c->buf = buf;
        buf = tb;
        size_t tcap = c->cap;
        c->cap = cap;
        cap = tcap;
        commit_item *ti = c->items;
        c->items = items;
        items = ti;
        size_t tci = c->cap_items;
        c->cap_items = cap_items;
        cap_items = tci;
        size_t len = c->len, n = c->n;
        c->len = c->n = 0;
        pthread_mutex_unlock(&c->mu);
        int rc = c->counts.io_error ? -1 : store_commit(c->st, buf, len);
        int e = errno;
        pthread_mutex_lock(&c->mu);
        if (rc != 0) {
            if (!c->counts.io_error) c->counts.io_error = e ? e : EIO;
            continue; /* nothing counts as done; keep draining */
        }
        c->counts.groups++;
        for (size_t i = 0; i < n; i++) {
            const commit_item *it = &items[i];
            if (store_mark(c->st, it->key, it->failed, it->attempt) != 0 && !c->counts.io_error)
                c->counts.io_error = ENOMEM;
            int retry = it->attempt > 1; /* its key was stored before, as failed */
            c->counts.done++;
            c->counts.failed += it->failed;
            c->counts.retried += retry;
            c->counts.part_done[it->part] += !retry;
            c->counts.part_failed[it->part] += it->failed - retry;
            if (c->eta) eta_done(c->eta, it->kind, it->cost, it->seconds);
        }
    }
    pthread_mutex_unlock(&c->mu);
    free(buf);
    free(items);
    return NULL;
}

int committer_start(committer *c, store *st, eta_model *eta, int n_parts)
{
    memset(c, 0, sizeof *c);
    c->st = st;
    c->eta = eta;
    c->n_parts = n_parts;
    c->counts.part_done = calloc((size_t)n_parts * 2, sizeof(long));
    if (!c->counts.part_done) return -1;
    c->counts.part_failed = c->counts.part_done + n_parts;
    if (pthread_mutex_init(&c->mu, NULL) != 0) {
        free(c->counts.part_done);
        return -1;
    }
    if (pthread_cond_init(&c->wake, NULL) != 0) {
        pthread_mutex_destroy(&c->mu);
        free(c->counts.part_done);
        return -1;
    }
    if (pthread_create(&c->thread, NULL, writer, c) != 0) {
        pthread_cond_destroy(&c->wake);
        pthread_mutex_destroy(&c->mu);
        free(c->counts.part_done);
        return -1;
    }
    c->started = 1;
    return 0;
}

int committer_push(committer *c, const char *line, size_t len, const commit_item *it)
{
    pthread_mutex_lock(&c->mu);
    int rc = mlpv_grow(&c->buf, &c->cap, c->len + len, 1) || MLPV_GROW(c->items, c->cap_items, c->n + 1) ? -1 : 0;
    if (!rc) {
        memcpy(c->buf + c->len, line, len);
        c->len += len;
        c->items[c->n++] = *it;
        pthread_cond_signal(&c->wake);
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

void committer_counts(committer *c, commit_counts *out, long *part_done, long *part_failed)
{
    int locked = c->started; /* after committer_finish the counts are final */
    if (locked) pthread_mutex_lock(&c->mu);
    *out = c->counts;
    memcpy(part_done, c->counts.part_done, sizeof(long) * (size_t)c->n_parts);
    memcpy(part_failed, c->counts.part_failed, sizeof(long) * (size_t)c->n_parts);
    if (locked) pthread_mutex_unlock(&c->mu);
    out->part_done = part_done;
    out->part_failed = part_failed;
}

void committer_item_seconds(committer *c, const int *kind, const double *cost, int n, double *seconds)
{
    if (c->started) pthread_mutex_lock(&c->mu);
    for (int i = 0; i < n; i++) seconds[i] = c->eta ? eta_item_seconds(c->eta, kind[i], cost[i]) : 1e-9 * cost[i];
    if (c->started) pthread_mutex_unlock(&c->mu);
}

double committer_eta(committer *c, double wall, double *work_fraction)
{
    if (c->started) pthread_mutex_lock(&c->mu);
    double e = c->eta ? eta_seconds(c->eta, wall) : -1, seen = 0, left = 0;
    for (int k = 0; c->eta && k < c->eta->kinds; k++) {
        seen += c->eta->seen_cost[k];
        left += c->eta->left_cost[k];
    }
    if (c->started) pthread_mutex_unlock(&c->mu);
    if (work_fraction) *work_fraction = seen + left > 0 ? seen / (seen + left) : 1.0;
    return e;
}

int committer_finish(committer *c)
{
    if (!c->started) return -1;
    pthread_mutex_lock(&c->mu);
    c->stopping = 1;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->mu);
    free(c->buf);
    free(c->items);
    c->buf = NULL;
    c->items = NULL;
    c->started = 0;
    return c->counts.io_error ? -1 : 0;
}

void committer_free(committer *c)
{
    free(c->counts.part_done);
    c->counts.part_done = c->counts.part_failed = NULL;
}
