/* Rank correlations (Pearson, Spearman, Kendall tau-b, partial Spearman) and
 * percentile bootstrap intervals over Philox-seeded resamples of the rows. */
#include "mlpvar/correlation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/rng.h"
#include "mlpvar/stats.h"

static int any_nan(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(x[i])) return 1;
    return 0;
}

/* Exact constancy test: a mean-based variance of a constant array can come out
 * as a tiny positive number through rounding. */
static int is_constant(const double *x, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (x[i] != x[0]) return 0;
    return 1;
}

typedef struct {
    double v;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *p = a, *q = b;
    if (p->v < q->v) return -1;
    if (p->v > q->v) return 1;
    return (p->i > q->i) - (p->i < q->i);
}

void mlpv_ranks(const double *x, size_t n, double *ranks)
{
    if (n == 0) return;
    keyed *k = any_nan(x, n) ? NULL : malloc(sizeof(keyed) * n);
    if (!k) {
        for (size_t i = 0; i < n; i++) ranks[i] = NAN;
        return;
    }
    for (size_t i = 0; i < n; i++) k[i] = (keyed){ x[i], i };
    qsort(k, n, sizeof(keyed), cmp_keyed);
    for (size_t s = 0; s < n;) {
        size_t e = s + 1;
        while (e < n && k[e].v == k[s].v) e++;
        /* sorted positions s..e-1 hold 1-based ranks s+1..e: their mean */
        double r = 0.5 * ((double)(s + 1) + (double)e);
        for (size_t j = s; j < e; j++) ranks[k[j].i] = r;
        s = e;
    }
    free(k);
}

double mlpv_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2 || any_nan(x, n) || any_nan(y, n)) return NAN;
    if (is_constant(x, n) || is_constant(y, n)) return NAN;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxx = 0.0, syy = 0.0, sxy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
    }
    if (!(sxx > 0.0) || !(syy > 0.0)) return NAN; /* also catches inf - inf */
    double r = sxy / sqrt(sxx * syy);
    if (r > 1.0) r = 1.0;
    if (r < -1.0) r = -1.0;
    return r;
}

double mlpv_spearman(const double *x, const double *y, size_t n)
{
    if (n < 2 || any_nan(x, n) || any_nan(y, n)) return NAN;
    double *r = malloc(sizeof(double) * 2 * n);
    if (!r) return NAN;
    mlpv_ranks(x, n, r);
    mlpv_ranks(y, n, r + n);
    double rho = mlpv_pearson(r, r + n, n);
    free(r);
    return rho;
}

static int sgn(double d) { return (d > 0.0) - (d < 0.0); }

/* tau_b = (C - D) / sqrt((n0 - n1)(n0 - n2)), n0 = n(n-1)/2, n1 / n2 the pairs
 * tied in x / in y, by direct enumeration of the n(n-1)/2 pairs. */
double mlpv_kendall_tau_b(const double *x, const double *y, size_t n)
{
    if (n < 2 || any_nan(x, n) || any_nan(y, n)) return NAN;
    long long s = 0, n1 = 0, n2 = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            int a = sgn(x[j] - x[i]), b = sgn(y[j] - y[i]);
            s += a * b;
            n1 += (a == 0);
            n2 += (b == 0);
        }
    }
    long long n0 = (long long)n * (long long)(n - 1) / 2;
    if (n1 == n0 || n2 == n0) return NAN; /* constant side */
    double tau = (double)s / sqrt((double)(n0 - n1) * (double)(n0 - n2));
    if (tau > 1.0) tau = 1.0;
    if (tau < -1.0) tau = -1.0;
    return tau;
}

double mlpv_partial_spearman(const double *x, const double *y, const double *z, size_t n)
{
    if (n < 2 || any_nan(x, n) || any_nan(y, n) || any_nan(z, n)) return NAN;
    double *r = malloc(sizeof(double) * 3 * n);
    if (!r) return NAN;
    double *rx = r, *ry = r + n, *rz = r + 2 * n;
    mlpv_ranks(x, n, rx);
    mlpv_ranks(y, n, ry);
    mlpv_ranks(z, n, rz);
    double rxy = mlpv_pearson(rx, ry, n), rxz = mlpv_pearson(rx, rz, n), ryz = mlpv_pearson(ry, rz, n);
    free(r);
    double den = (1.0 - rxz * rxz) * (1.0 - ryz * ryz);
    if (!(den > 0.0)) return NAN; /* NaN parts, or z's ranks determine x's or y's */
    double p = (rxy - rxz * ryz) / sqrt(den);
    if (p > 1.0) p = 1.0;
    if (p < -1.0) p = -1.0;
    return p;
}

double mlpv_stat_pearson(const double *x, const double *y, const double *z, size_t n)
{
    (void)z;
    return mlpv_pearson(x, y, n);
}

double mlpv_stat_spearman(const double *x, const double *y, const double *z, size_t n)
{
    (void)z;
    return mlpv_spearman(x, y, n);
}

double mlpv_stat_kendall_tau_b(const double *x, const double *y, const double *z, size_t n)
{
    (void)z;
    return mlpv_kendall_tau_b(x, y, n);
}

double mlpv_stat_partial_spearman(const double *x, const double *y, const double *z, size_t n)
{
    return mlpv_partial_spearman(x, y, z, n);
}

/* ---- bootstrap ---- */

static int cmp_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

static double mean_stat(const double *x, const double *y, const double *z, size_t n)
{
    (void)y;
    (void)z;
    if (n == 0) return NAN;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return s / (double)n;
}

/* Percentile bootstrap over rows of (x, y, z); y and z may be NULL. */
static double bootstrap(mlpv_pair_stat stat, const double *x, const double *y, const double *z, size_t n, int B,
                        uint64_t seed, double level, double *lo, double *hi, int *used)
{
    *lo = *hi = NAN;
    if (used) *used = 0;
    if (n == 0 || !stat || any_nan(x, n) || (y && any_nan(y, n)) || (z && any_nan(z, n))) return NAN;
    double est = stat(x, y, z, n);
    if (B < 1 || !(level > 0.0 && level < 1.0)) return est;

    size_t ncol = 1 + (y != NULL) + (z != NULL);
    double *buf = malloc(sizeof(double) * n * (ncol + 1));
    double *vals = malloc(sizeof(double) * (size_t)B);
    if (!buf || !vals) {
        free(buf);
        free(vals);
        return est;
    }
    double *u = buf, *xb = buf + n;
    double *yb = y ? xb + n : NULL;
    double *zb = z ? (y ? yb + n : xb + n) : NULL;
    uint64_t key = mlpv_mix64(seed);
    int k = 0;
    for (int b = 0; b < B; b++) {
        mlpv_rng_uniform(key, (uint64_t)b, 0, n, u);
        for (size_t j = 0; j < n; j++) {
            size_t i = (size_t)(u[j] * (double)n);
            if (i >= n) i = n - 1; /* u * n can round up to n */
            xb[j] = x[i];
            if (yb) yb[j] = y[i];
            if (zb) zb[j] = z[i];
        }
        double s = stat(xb, yb, zb, n);
        if (!isnan(s)) vals[k++] = s;
    }
    if (k > 0) {
        qsort(vals, (size_t)k, sizeof(double), cmp_double);
        *lo = mlpv_quantile_sorted(vals, (size_t)k, 0.5 * (1.0 - level));
        *hi = mlpv_quantile_sorted(vals, (size_t)k, 0.5 * (1.0 + level));
    }
    if (used) *used = k;
    free(buf);
    free(vals);
    return est;
}

double mlpv_bootstrap_ci(mlpv_pair_stat stat, const double *x, const double *y, const double *z, size_t n, int B,
                         uint64_t seed, double level, double *lo, double *hi, int *used)
{
    return bootstrap(stat, x, y, z, n, B, seed, level, lo, hi, used);
}

double mlpv_mean_ci(const double *x, size_t n, int B, uint64_t seed, double level, double *lo, double *hi)
{
    return bootstrap(mean_stat, x, NULL, NULL, n, B, seed, level, lo, hi, NULL);
}
