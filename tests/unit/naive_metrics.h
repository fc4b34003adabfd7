/* Independent reference metrics for the unit tests, straight from docs/definitions.md:
 * V_k as a binomial sum of forward differences of F / RMS(F), and the collapse
 * ratio as a two-pass std / RMS. No code shared with src/lib/metrics.c. */
#ifndef MLPVAR_TEST_NAIVE_METRICS_H
#define MLPVAR_TEST_NAIVE_METRICS_H

#include <math.h>
#include <stddef.h>

static inline double naive_rms(const double *F, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += F[i] * F[i];
    return sqrt(s / n);
}

/* Naive V_k straight from the definition: normalise by RMS, k-th forward
 * difference as a binomial sum sum_j (-1)^(k-j) C(k,j) f(i+j) along s (rows,
 * index i of F[i*g+j]) and along t (columns), mean of absolute values. */
static inline double naive_vk(const double *F, int g, int k)
{
    double r = naive_rms(F, (size_t)g * g);
    if (r == 0) return 0;
    double binom[32];
    binom[0] = 1;
    for (int j = 1; j <= k; j++) binom[j] = binom[j - 1] * (k - j + 1) / j;
    double ss = 0, st = 0;
    for (int i = 0; i + k < g; i++)
        for (int j = 0; j < g; j++) {
            double ds = 0, dt = 0;
            for (int q = 0; q <= k; q++) {
                double sgn = ((k - q) % 2) ? -1.0 : 1.0;
                ds += sgn * binom[q] * F[(size_t)(i + q) * g + j] / r;
                dt += sgn * binom[q] * F[(size_t)j * g + i + q] / r;
            }
            ss += fabs(ds);
            st += fabs(dt);
        }
    double cnt = (double)(g - k) * g;
    return 0.5 * (ss / cnt + st / cnt);
}

/* Naive two-pass collapse ratio: std (population, ddof = 0) over RMS. */
static inline double naive_rho(const double *F, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++) m += F[i];
    m /= n;
    double v = 0;
    for (size_t i = 0; i < n; i++) v += (F[i] - m) * (F[i] - m);
    double r = naive_rms(F, n);
    return r == 0 ? 0 : sqrt(v / n) / r;
}

#endif
