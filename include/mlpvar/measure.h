/* One random network measured at init, and the summary of many such draws. */
#ifndef MLPVAR_MEASURE_H
#define MLPVAR_MEASURE_H

#include <stdint.h>
#include "mlpvar/landscape.h"
#include "mlpvar/metrics.h"
#include "mlpvar/stats.h"

/* Draws the network (spec, seed), computes its landscape under o and measures
 * V_order and the collapse ratio; diag [depth] may be NULL. Returns 0 or -1. */
int mlpv_measure_draw(const mlpv_spec *s, uint64_t seed, const mlpv_grid_opts *o, int order, double tau,
                      mlpv_measurement *out, mlpv_layer_diag *diag);

/* Same, for a given network. */
int mlpv_measure_net(const mlpv_net *net, const mlpv_grid_opts *o, int order, double tau, mlpv_measurement *out,
                     mlpv_layer_diag *diag);

/* Summary of one configuration's draws. */
typedef struct {
    mlpv_summary variability;
    mlpv_summary collapse_ratio;
    long collapsed, draws;
    double c2c_probability, c2c_ci_low, c2c_ci_high; /* Wilson 95% */
} mlpv_config_summary;

mlpv_config_summary mlpv_summarize_draws(const mlpv_measurement *m, size_t n);

#endif
