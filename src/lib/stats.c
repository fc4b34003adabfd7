/* Quantiles, summaries and Wilson intervals. */
#include "mlpvar/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double mlpv_quantile_sorted(const double *x, size_t n, double q)
{
    if (n == 0) return NAN;
    double h = (double)(n - 1) * q;
    size_t lo = (size_t)floor(h);
    if (lo + 1 >= n) return x[n - 1];
    return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

mlpv_summary mlpv_summarize(const double *x, size_t n)
{
    mlpv_summary s = { NAN, NAN, NAN, NAN, NAN, NAN, n };
    if (n == 0) return s;
    double *t = malloc(sizeof(double) * n);
    if (!t) return s;
    memcpy(t, x, sizeof(double) * n);
    qsort(t, n, sizeof(double), cmp_double);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += t[i];
    s.mean = sum / (double)n;
    s.median = mlpv_quantile_sorted(t, n, 0.5);
    s.q25 = mlpv_quantile_sorted(t, n, 0.25);
    s.q75 = mlpv_quantile_sorted(t, n, 0.75);
    s.min = t[0];
    s.max = t[n - 1];
    free(t);
    return s;
}

void mlpv_wilson(long k, long n, double z, double *lo, double *hi)
{
    if (n <= 0) {
        *lo = 0.0;
        *hi = 1.0;
        return;
    }
    double p = (double)k / (double)n, z2 = z * z, nn = (double)n;
    double denom = 1.0 + z2 / nn;
    double center = (p + z2 / (2.0 * nn)) / denom;
    double half = z * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
    *lo = center - half < 0.0 ? 0.0 : center - half;
    *hi = center + half > 1.0 ? 1.0 : center + half;
}
