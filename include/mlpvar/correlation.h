/* Rank correlations, bootstrap intervals and partial correlations: how well an
 * at-init score predicts trained accuracy across configurations.
 *
 * NaN policy: if any input value is NaN the result is NaN (mlpv_ranks then
 * fills every rank with NaN, like scipy's nan_policy='propagate'); so are
 * n < 2 and a constant input (undefined correlation). Kendall's tau-b is the
 * O(n^2) pair count: fine for n (the number of configurations) up to a few
 * thousand. All functions are pure and thread-safe; intervals depend only on
 * (data, B, seed, level). */
#ifndef MLPVAR_CORRELATION_H
#define MLPVAR_CORRELATION_H

#include <stddef.h>
#include <stdint.h>

/* Average ranks (1-based; ties share the mean of their ranks), like scipy.stats.rankdata. */
void mlpv_ranks(const double *x, size_t n, double *ranks);

/* Pearson correlation; NaN when either side is constant or n < 2. */
double mlpv_pearson(const double *x, const double *y, size_t n);
/* Spearman rho with ties (Pearson of average ranks), as scipy.stats.spearmanr. */
double mlpv_spearman(const double *x, const double *y, size_t n);
/* Kendall tau-b (tie-corrected), as scipy.stats.kendalltau's default. */
double mlpv_kendall_tau_b(const double *x, const double *y, size_t n);
/* Spearman partial correlation of x and y controlling for z: Pearson partial
 * correlation of the ranks, (r_xy - r_xz r_yz) / sqrt((1 - r_xz^2)(1 - r_yz^2)). */
double mlpv_partial_spearman(const double *x, const double *y, const double *z, size_t n);

/* A statistic of paired samples (x, y) [and an optional z], for bootstrapping. */
typedef double (*mlpv_pair_stat)(const double *x, const double *y, const double *z, size_t n);

/* The correlations above as mlpv_pair_stat (z ignored except by the partial). */
double mlpv_stat_pearson(const double *x, const double *y, const double *z, size_t n);
double mlpv_stat_spearman(const double *x, const double *y, const double *z, size_t n);
double mlpv_stat_kendall_tau_b(const double *x, const double *y, const double *z, size_t n);
double mlpv_stat_partial_spearman(const double *x, const double *y, const double *z, size_t n);

/* Percentile bootstrap interval of stat over B resamples of the n pairs (rows
 * resampled with replacement, Philox-seeded so the interval is reproducible);
 * level e.g. 0.95. Resamples where stat is NaN are dropped (reported in *used).
 * z may be NULL. Returns the point estimate on the full sample.
 * Resample b (0..B-1) takes row j from u = mlpv_rng_uniform(mlpv_mix64(seed),
 * stream b, index j) as floor(u n): resample b does not depend on B. lo/hi are
 * mlpv_quantile_sorted of the kept statistics at (1-level)/2 and (1+level)/2.
 * *lo = *hi = NaN and *used = 0 when n == 0, B < 1, level is outside (0,1),
 * any x/y/z value is NaN (the estimate is then NaN too), or memory runs out;
 * *lo = *hi = NaN when every resample is NaN. used may be NULL. */
double mlpv_bootstrap_ci(mlpv_pair_stat stat, const double *x, const double *y, const double *z, size_t n, int B,
                         uint64_t seed, double level, double *lo, double *hi, int *used);

/* Bootstrap interval of a mean (percentile, B resamples; the same resamples as
 * mlpv_bootstrap_ci with the same seed and n). Returns the mean; NaN (and a
 * NaN interval) for n == 0 or any NaN in x. */
double mlpv_mean_ci(const double *x, size_t n, int B, uint64_t seed, double level, double *lo, double *hi);

#endif
