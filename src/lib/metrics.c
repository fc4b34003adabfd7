/* Variability and collapse ratio of a landscape (docs/definitions.md,
 * "Normalisation", "Variability V_k", "Collapse ratio and C2C"). */
#include "mlpvar/metrics.h"

#include <math.h>
#include <stdlib.h>

static double rms(const double *F, size_t n)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += F[i] * F[i];
    return sqrt(s / (double)n);
}

/* Sum of |D^k| along one line of g values read with stride; tmp holds g values.
 * Iterated first differences, the same arithmetic as numpy.diff(n=k). */
static double line_abs_diff_sum(const double *F, int g, size_t stride, int k, double *tmp)
{
    for (int i = 0; i < g; i++) tmp[i] = F[(size_t)i * stride];
    for (int r = 0; r < k; r++)
        for (int i = 0; i + r + 1 < g; i++) tmp[i] = tmp[i + 1] - tmp[i];
    double s = 0.0;
    for (int i = 0; i < g - k; i++) s += fabs(tmp[i]);
    return s;
}

double mlpv_variability(const double *F, int g, int k)
{
    if (k < 1 || g <= k) return NAN;
    size_t n = (size_t)g * g;
    double r = rms(F, n);
    if (r == 0.0) return 0.0;
    double *tmp = malloc(sizeof(double) * (size_t)g);
    if (!tmp) return NAN;
    double ss = 0.0, st = 0.0;
    for (int j = 0; j < g; j++) ss += line_abs_diff_sum(F + j, g, (size_t)g, k, tmp); /* along s (rows) */
    for (int i = 0; i < g; i++) st += line_abs_diff_sum(F + (size_t)i * g, g, 1, k, tmp); /* along t */
    free(tmp);
    double count = (double)(g - k) * g;
    return 0.5 * (ss / count + st / count) / r;
}

double mlpv_collapse_ratio(const double *F, size_t n)
{
    if (n == 0) return 0.0;
    double r = rms(F, n);
    if (r == 0.0) return 0.0;
    double mean = 0.0;
    for (size_t i = 0; i < n; i++) mean += F[i];
    mean /= (double)n;
    double var = 0.0;
    for (size_t i = 0; i < n; i++) var += (F[i] - mean) * (F[i] - mean);
    double rho = sqrt(var / (double)n) / r;
    return rho > 1.0 ? 1.0 : rho;
}

int mlpv_collapsed(double rho, double tau) { return rho < tau; }

mlpv_measurement mlpv_measure_landscape(const double *F, int m, int g, int k, double tau)
{
    mlpv_measurement out = { 0.0, 0.0, 0 };
    size_t n = (size_t)g * g;
    for (int o = 0; o < m; o++) {
        out.variability += mlpv_variability(F + (size_t)o * n, g, k);
        out.collapse_ratio += mlpv_collapse_ratio(F + (size_t)o * n, n);
    }
    out.variability /= m;
    out.collapse_ratio /= m;
    out.collapsed = mlpv_collapsed(out.collapse_ratio, tau);
    return out;
}
