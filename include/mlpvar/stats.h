/* Small statistics: quantiles, summaries, Wilson intervals. */
#ifndef MLPVAR_STATS_H
#define MLPVAR_STATS_H

#include <stddef.h>

typedef struct {
    double median, mean, q25, q75, min, max;
    size_t n;
} mlpv_summary;

/* Quantile q in [0,1] of sorted x[n], linear interpolation (numpy's default, R type 7). */
double mlpv_quantile_sorted(const double *x, size_t n, double q);
/* Summary of x[n] (x is not modified). NaNs are not allowed. */
mlpv_summary mlpv_summarize(const double *x, size_t n);

/* Wilson score interval for k successes of n at normal quantile z (1.959964 for 95%). */
#define MLPV_Z95 1.959963984540054
void mlpv_wilson(long k, long n, double z, double *lo, double *hi);

#endif
