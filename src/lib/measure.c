/* Measuring networks at init: landscape -> V_k, collapse ratio, C2C. */
#include "mlpvar/measure.h"

#include <stdlib.h>

int mlpv_measure_net(const mlpv_net *net, const mlpv_grid_opts *o, int order, double tau, mlpv_measurement *out,
                     mlpv_layer_diag *diag)
{
    size_t n = (size_t)o->grid * o->grid * net->spec.out_dim;
    double *F = malloc(sizeof(double) * n);
    if (!F) return -1;
    int rc = mlpv_landscape(net, o, F, diag);
    if (rc == 0) *out = mlpv_measure_landscape(F, net->spec.out_dim, o->grid, order, tau);
    free(F);
    return rc;
}

int mlpv_measure_draw(const mlpv_spec *s, uint64_t seed, const mlpv_grid_opts *o, int order, double tau,
                      mlpv_measurement *out, mlpv_layer_diag *diag)
{
    mlpv_net *net = mlpv_net_random(s, seed);
    if (!net) return -1;
    int rc = mlpv_measure_net(net, o, order, tau, out, diag);
    mlpv_net_free(net);
    return rc;
}

mlpv_config_summary mlpv_summarize_draws(const mlpv_measurement *m, size_t n)
{
    mlpv_config_summary c = { .draws = (long)n };
    double *v = malloc(sizeof(double) * (n ? n : 1)), *r = malloc(sizeof(double) * (n ? n : 1));
    if (v && r) {
        for (size_t i = 0; i < n; i++) {
            v[i] = m[i].variability;
            r[i] = m[i].collapse_ratio;
            c.collapsed += m[i].collapsed;
        }
        c.variability = mlpv_summarize(v, n);
        c.collapse_ratio = mlpv_summarize(r, n);
    }
    free(v);
    free(r);
    c.c2c_probability = n ? (double)c.collapsed / (double)n : 0.0;
    mlpv_wilson(c.collapsed, (long)n, MLPV_Z95, &c.c2c_ci_low, &c.c2c_ci_high);
    return c;
}
