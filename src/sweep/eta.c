#include "eta.h"

#include <stdlib.h>
#include <string.h>

int eta_init(eta_model *m, int kinds, int workers)
{
    memset(m, 0, sizeof *m);
    m->kinds = kinds;
    m->workers = workers > 0 ? workers : 1;
    m->prior_rate = 1e-9; /* 1 GFLOP/s per worker until something is measured */
    m->seen_sec = calloc((size_t)kinds * 7, sizeof(double));
    if (!m->seen_sec) return -1;
    m->seen_cost = m->seen_sec + kinds;
    m->left_cost = m->seen_cost + kinds;
    m->left_n = m->left_cost + kinds;
    m->n = m->left_n + kinds;
    m->sxx = m->n + kinds;
    m->sxy = m->sxx + kinds;
    return 0;
}

void eta_free(eta_model *m)
{
    free(m->seen_sec);
    memset(m, 0, sizeof *m);
}

void eta_add_todo(eta_model *m, int kind, double cost)
{
    m->left_cost[kind] += cost;
    m->left_n[kind] += 1;
}

void eta_done(eta_model *m, int kind, double cost, double seconds)
{
    m->seen_sec[kind] += seconds;
    m->seen_cost[kind] += cost;
    m->n[kind] += 1;
    m->sxx[kind] += cost * cost;
    m->sxy[kind] += cost * seconds;
    m->left_cost[kind] -= cost;
    m->left_n[kind] -= 1;
    if (m->left_cost[kind] < 0) m->left_cost[kind] = 0;
}

static double pooled(const eta_model *m)
{
    double s = 0, c = 0;
    for (int k = 0; k < m->kinds; k++) {
        s += m->seen_sec[k];
        c += m->seen_cost[k];
    }
    return c > 0 && s > 0 ? s / c : m->prior_rate;
}

double eta_rate(const eta_model *m, int kind)
{
    /* shrinkage: the pooled rate weighs as half an average item of the kind,
     * so the kind's own items dominate from the first (every kind is sampled
     * early, sweep_run.c) */
    double n = m->left_n[kind], avg = n > 0 ? m->left_cost[kind] / n : m->seen_cost[kind];
    double w = 0.5 * avg;
    double num = m->seen_sec[kind] + pooled(m) * w, den = m->seen_cost[kind] + w;
    return den > 0 ? num / den : pooled(m);
}

/* The least-squares line of a kind, seconds = a flops + b: 0 when it has 3
 * items of different costs and a >= 0, b >= 0; else -1 (use the ratio). */
static int line(const eta_model *m, int k, double *a, double *b)
{
    double n = m->n[k];
    if (n < 3) return -1;
    double mx = m->seen_cost[k] / n, my = m->seen_sec[k] / n;
    double vxx = m->sxx[k] / n - mx * mx, vxy = m->sxy[k] / n - mx * my;
    if (!(vxx > 1e-9 * mx * mx)) return -1; /* every cost the same: no slope to fit */
    *a = vxy / vxx;
    *b = my - *a * mx;
    return *a >= 0 && *b >= 0 ? 0 : -1;
}

double eta_item_seconds(const eta_model *m, int kind, double cost)
{
    double a, b;
    if (line(m, kind, &a, &b) == 0) return a * cost + b;
    return eta_rate(m, kind) * cost;
}

double eta_seconds(const eta_model *m, double wall)
{
    double work = 0, seen = 0;
    for (int k = 0; k < m->kinds; k++) {
        double a, b;
        work += line(m, k, &a, &b) == 0 ? a * m->left_cost[k] + b * m->left_n[k] : m->left_cost[k] * eta_rate(m, k);
        seen += m->seen_sec[k];
    }
    if (seen <= 0) return -1;
    /* how much of the workers' wall time went into items (idle, messages, start-up) */
    double busy = wall > 0 ? seen / (wall * m->workers) : 1.0;
    if (busy > 1) busy = 1;
    if (busy < 0.2) busy = 0.2;
    return work / (m->workers * busy);
}
