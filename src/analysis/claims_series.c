/* mlpvar analyze: the at-init series behind claims C1-C4 and C3w (claims.c)
 * and the bootstrap over them. A series is the at-init aggregates of one
 * (activation, budget) by depth, or of one (activation, depth) at fixed widths
 * by width. Resampling: at-init statistics resample the draws of every depth
 * (or width; with replacement, each on its own) and recompute medians and C2C
 * fractions. */
#include "analysis_internal.h"

#include "mlpvar/rng.h"
#include "mlpvar/stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small reproducible generator for resampling ---- */

typedef struct {
    uint64_t key, ctr;
} boot_rng;

static double rng_u(boot_rng *r) { return (double)(mlpv_mix64(r->key + r->ctr++) >> 11) * 0x1p-53; }

int an_cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static int cmp_depth(const void *x, const void *y)
{
    const an_init *a = *(const an_init *const *)x, *b = *(const an_init *const *)y;
    return (a->depth > b->depth) - (a->depth < b->depth);
}

/* A series' size: its budget, or minus its width for fixed-width sweeps (budget 0). */
long an_size_key(const an_init *g) { return g->budget > 0 ? g->budget : -(long)g->width; }

/* The aggregates of (activation, size key) by depth, at the largest grid
 * present for them: one grid per series. */
series an_series_of(const analysis *a, const char *act, long key)
{
    series s;
    memset(&s, 0, sizeof s);
    snprintf(s.activation, sizeof s.activation, "%s", act);
    s.budget = key > 0 ? key : 0;
    s.width = key > 0 ? 0 : (int)-key;
    int grid = 0;
    for (int i = 0; i < a->n_init; i++)
        if (!strcmp(a->init[i].activation, act) && an_size_key(&a->init[i]) == key && a->init[i].grid > grid)
            grid = a->init[i].grid;
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        if (strcmp(g->activation, act) || an_size_key(g) != key || g->grid != grid) continue;
        assert(s.n < MAX_SERIES_DEPTHS); /* one aggregate per depth: the reader refuses deeper records */
        if (s.n < MAX_SERIES_DEPTHS) s.g[s.n++] = g;
    }
    qsort(s.g, (size_t)s.n, sizeof s.g[0], cmp_depth);
    return s;
}

static int cmp_width(const void *x, const void *y)
{
    const an_init *a = *(const an_init *const *)x, *b = *(const an_init *const *)y;
    return (a->width > b->width) - (a->width < b->width);
}

/* The fixed-width aggregates (budget 0) of (activation, depth) by width, at the
 * largest grid present for them. */
series an_widths_of(const analysis *a, const char *act, int depth)
{
    series s;
    memset(&s, 0, sizeof s);
    snprintf(s.activation, sizeof s.activation, "%s", act);
    s.depth = depth;
    int grid = 0;
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        if (!strcmp(g->activation, act) && g->budget <= 0 && g->depth == depth && g->grid > grid) grid = g->grid;
    }
    for (int i = 0; i < a->n_init && s.n < MAX_SERIES_DEPTHS; i++) {
        const an_init *g = &a->init[i];
        if (!strcmp(g->activation, act) && g->budget <= 0 && g->depth == depth && g->grid == grid) s.g[s.n++] = g;
    }
    qsort(s.g, (size_t)s.n, sizeof s.g[0], cmp_width);
    return s;
}

/* Point estimates (resample = 0) or one bootstrap resample of a series. */
static void series_values(const series *s, boot_rng *r, double *med, double *c2c, double *tmp)
{
    for (int k = 0; k < s->n; k++) {
        const an_init *g = s->g[k];
        if (!r) {
            med[k] = g->v_median;
            c2c[k] = g->c2c;
            continue;
        }
        long hits = 0;
        for (int i = 0; i < g->n; i++) {
            tmp[i] = g->v[(int)(rng_u(r) * g->n)];
            hits += rng_u(r) < g->c2c; /* a resampled collapse flag */
        }
        qsort(tmp, (size_t)g->n, sizeof(double), an_cmp_double);
        med[k] = mlpv_quantile_sorted(tmp, (size_t)g->n, 0.5);
        c2c[k] = (double)hits / g->n;
    }
}

/* Point estimate and percentile interval over a->bootstrap resamples. */
double an_boot_series(analysis *a, const series *s, int ns, series_stat f, const void *ctx, uint64_t stream, double *lo,
                      double *hi)
{
    double med[2][MAX_SERIES_DEPTHS] = { { 0 } }, c2c[2][MAX_SERIES_DEPTHS] = { { 0 } };
    double *mp[2] = { med[0], med[1] }, *cp[2] = { c2c[0], c2c[1] };
    int maxn = 1;
    assert(ns >= 1 && ns <= 2);
    for (int k = 0; k < ns; k++)
        for (int d = 0; d < s[k].n; d++)
            if (s[k].g[d]->n > maxn) maxn = s[k].g[d]->n;
    double *tmp = malloc(sizeof(double) * (size_t)maxn), *stats = malloc(sizeof(double) * (size_t)a->bootstrap);
    *lo = *hi = NAN;
    if (!tmp || !stats) {
        free(tmp);
        free(stats);
        a->failed = 1;
        return NAN;
    }
    for (int k = 0; k < ns; k++) series_values(&s[k], NULL, mp[k], cp[k], tmp);
    double value = f(s, ns, mp, cp, ctx);
    boot_rng r = { mlpv_mix64(a->seed ^ (stream * 0x9E3779B97F4A7C15ull)), 0 };
    int used = 0;
    for (int b = 0; b < a->bootstrap; b++) {
        for (int k = 0; k < ns; k++) series_values(&s[k], &r, mp[k], cp[k], tmp);
        double v = f(s, ns, mp, cp, ctx);
        if (!isnan(v)) stats[used++] = v;
    }
    qsort(stats, (size_t)used, sizeof(double), an_cmp_double);
    if (used) {
        *lo = mlpv_quantile_sorted(stats, (size_t)used, 0.025);
        *hi = mlpv_quantile_sorted(stats, (size_t)used, 0.975);
    }
    free(tmp);
    free(stats);
    return value;
}
