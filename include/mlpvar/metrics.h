/* Variability V_k and the collapse ratio of a landscape (docs/definitions.md). */
#ifndef MLPVAR_METRICS_H
#define MLPVAR_METRICS_H

#include <stddef.h>

/* V_k = 1/2 [mean |D_s^k F~| + mean |D_t^k F~|], F~ = F / RMS(F), F [g*g] row-major
 * with s along rows. 0 when RMS = 0. Needs g > k >= 1 (returns NaN otherwise). */
double mlpv_variability(const double *F, int g, int k);

/* rho = std(F) / RMS(F) in [0, 1]; 0 when RMS = 0. */
double mlpv_collapse_ratio(const double *F, size_t n);

/* A draw has collapsed to constant when rho < tau (default 0.01). */
#define MLPV_TAU_DEFAULT 0.01
int mlpv_collapsed(double rho, double tau);

/* One network's measurement: metrics averaged over its m outputs. */
typedef struct {
    double variability;
    double collapse_ratio;
    int collapsed;
} mlpv_measurement;

/* F [m][g*g] -> averages of V_k and rho over outputs; collapsed by the mean rho. */
mlpv_measurement mlpv_measure_landscape(const double *F, int m, int g, int k, double tau);

#endif
