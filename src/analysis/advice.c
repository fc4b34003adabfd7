/* advice.h: the advise score with a bootstrap interval over draws, and the
 * preference among candidates within the top one's noise. */
#include "advice.h"

#include "mlpvar/rng.h"
#include "mlpvar/stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

double advice_score(const double *v, const int *collapsed, int n, double *work)
{
    int m = 0;
    long c = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(v[i])) continue;
        work[m++] = v[i];
        c += collapsed[i] != 0;
    }
    if (!m) return NAN;
    qsort(work, (size_t)m, sizeof *work, cmp_double);
    return mlpv_quantile_sorted(work, (size_t)m, 0.5) * (1.0 - (double)c / m);
}

int advice_score_ci(const double *v, const int *collapsed, int n, int B, uint64_t seed, double *score, double *lo,
                    double *hi)
{
    double *work = malloc(sizeof(double) * ((size_t)n + 1)), *rv = malloc(sizeof(double) * ((size_t)n + 1));
    double *u = malloc(sizeof(double) * ((size_t)n + 1)), *stats = malloc(sizeof(double) * ((size_t)B + 1));
    int *rc = malloc(sizeof(int) * ((size_t)n + 1));
    *lo = *hi = NAN;
    if (!work || !rv || !u || !stats || !rc) {
        free(work);
        free(rv);
        free(u);
        free(stats);
        free(rc);
        return -1;
    }
    *score = advice_score(v, collapsed, n, work);
    int used = 0;
    uint64_t key = mlpv_mix64(seed);
    for (int b = 0; !isnan(*score) && b < B; b++) {
        mlpv_rng_uniform(key, (uint64_t)b, 0, (size_t)n, u);
        for (int i = 0; i < n; i++) {
            int j = (int)(u[i] * n);
            rv[i] = v[j];
            rc[i] = collapsed[j];
        }
        double s = advice_score(rv, rc, n, work);
        if (!isnan(s)) stats[used++] = s;
    }
    if (used) {
        qsort(stats, (size_t)used, sizeof *stats, cmp_double);
        *lo = mlpv_quantile_sorted(stats, (size_t)used, 0.025);
        *hi = mlpv_quantile_sorted(stats, (size_t)used, 0.975);
    }
    free(work);
    free(rv);
    free(u);
    free(stats);
    free(rc);
    return 0;
}

static int overlaps(const advice_candidate *x, const advice_candidate *y)
{
    return x->lo <= y->hi && y->lo <= x->hi; /* false when any end is NaN */
}

/* 1 when x is preferred to y: fewer layers, then fewer parameters, then a higher score. */
static int cheaper(const advice_candidate *x, const advice_candidate *y)
{
    if (x->depth != y->depth) return x->depth < y->depth;
    if (x->params != y->params) return x->params < y->params;
    return x->score > y->score;
}

int advice_prefer(advice_candidate *c, int n, int *top)
{
    *top = -1;
    for (int i = 0; i < n; i++)
        if (!isnan(c[i].score) && (*top < 0 || c[i].score > c[*top].score)) *top = i;
    if (*top < 0) {
        for (int i = 0; i < n; i++) c[i].near_top = 0;
        return -1;
    }
    int pref = *top;
    for (int i = 0; i < n; i++) {
        c[i].near_top = i == *top || (!isnan(c[i].score) && overlaps(&c[i], &c[*top]));
        if (c[i].near_top && cheaper(&c[i], &c[pref])) pref = i;
    }
    return pref;
}
