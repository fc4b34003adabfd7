#include "eta.h"

#include <stdlib.h>
#include <string.h>

int eta_init(eta_model *m, int kinds, int workers)
{
    memset(m, 0, sizeof *m);
    m->kinds = kinds;
    m->workers = workers > 0 ? workers : 1;
    m->prior_rate = 1e-9;            /* 1 GFLOP/s per worker until something is measured */
    m->seen_sec = calloc((size_t)kinds * 4, sizeof(double));
    if (!m->seen_sec) return -1;
    m->seen_cost = m->seen_sec + kinds;
    m->left_cost = m->seen_cost + kinds;
    m->left_n = m->left_cost + kinds;
    return 0;
}

void eta_free(eta_model *m) { free(m->seen_sec); memset(m, 0, sizeof *m); }

void eta_add_todo(eta_model *m, int kind, double cost)
{
    m->left_cost[kind] += cost;
    m->left_n[kind] += 1;
}

void eta_done(eta_model *m, int kind, double cost, double seconds)
{
    m->seen_sec[kind] += seconds;
    m->seen_cost[kind] += cost;
    m->left_cost[kind] -= cost;
    m->left_n[kind] -= 1;
    if (m->left_cost[kind] < 0) m->left_cost[kind] = 0;
}

static double pooled(const eta_model *m)
{
    double s = 0, c = 0;
    for (int k = 0; k < m->kinds; k++) { s += m->seen_sec[k]; c += m->seen_cost[k]; }
    return c > 0 && s > 0 ? s / c : m->prior_rate;
}

double eta_rate(const eta_model *m, int kind)
{
    /* shrinkage: a kind's own rate counts once its items weigh more than two
     * average items of that kind */
    double n = m->left_n[kind], avg = n > 0 ? m->left_cost[kind] / n : m->seen_cost[kind];
    double w = 2.0 * avg;
    double num = m->seen_sec[kind] + pooled(m) * w, den = m->seen_cost[kind] + w;
    return den > 0 ? num / den : pooled(m);
}

double eta_seconds(const eta_model *m, double wall)
{
    double work = 0, seen = 0;
    for (int k = 0; k < m->kinds; k++) { work += m->left_cost[k] * eta_rate(m, k); seen += m->seen_sec[k]; }
    if (seen <= 0) return -1;
    /* how much of the workers' wall time went into items (idle, messages, start-up) */
    double busy = wall > 0 ? seen / (wall * m->workers) : 1.0;
    if (busy > 1) busy = 1;
    if (busy < 0.2) busy = 0.2;
    return work / (m->workers * busy);
}
