/* Architecture of an MLP: shape, activation, init scheme; parameter budgets. */
#ifndef MLPVAR_SPEC_H
#define MLPVAR_SPEC_H

#include "mlpvar/activation.h"

typedef enum {
    MLPV_INIT_AUTO,
    MLPV_INIT_HE,
    MLPV_INIT_LECUN,
    MLPV_INIT_XAVIER,
    MLPV_INIT_TORCH,
    MLPV_INIT_COUNT
} mlpv_init;

const char *mlpv_init_name(mlpv_init i);
int mlpv_init_parse(const char *name, mlpv_init *out); /* 0 or -1 */

typedef struct {
    int depth; /* L, hidden layers, >= 1 */
    int width; /* n, units per hidden layer, >= 1 */
    int in_dim; /* d, default 2 */
    int out_dim; /* m, default 1 */
    mlpv_activation activation;
    mlpv_init init;
    double bias_std; /* sb, default 0.1 (ignored by "torch") */
} mlpv_spec;

/* A spec with defaults: d = 2, m = 1, init auto, sb = 0.1. */
mlpv_spec mlpv_spec_default(mlpv_activation a, int depth, int width);

/* P = (d+1)n + (L-1)(n+1)n + (n+1)m, as a long (no overflow for sane sizes). */
long mlpv_param_count(int in_dim, int out_dim, int depth, int width);
long mlpv_spec_params(const mlpv_spec *s);
/* A = L n */
long mlpv_spec_activations(const mlpv_spec *s);
/* AR = A / P */
double mlpv_spec_activation_ratio(const mlpv_spec *s);

/* The width n >= 1 whose P is closest to budget (ties: smaller n).
 * Returns -1 if budget < P(n = 1), i.e. smaller than the smallest network. */
int mlpv_width_for_budget(long budget, int in_dim, int out_dim, int depth);

/* Fan-in and fan-out of layer l (0-based, l = depth is the output layer). */
int mlpv_layer_fan_in(const mlpv_spec *s, int l);
int mlpv_layer_fan_out(const mlpv_spec *s, int l);

/* The parameter layout, the one place it is written down: every flat array of
 * weights and biases (mlpv_net's store, gradients, optimiser state) holds
 * W_0, b_0, W_1, b_1, ..., W_depth, b_depth, W_l [fan_out x fan_in] row-major,
 * b_l [fan_out]. Offsets of W_l and b_l for 0 <= l <= depth; l = depth + 1 gives
 * the end of the array (the parameter count, = mlpv_spec_params) in both.
 * Either pointer may be NULL. */
void mlpv_param_offset(const mlpv_spec *s, int layer, long *off_W, long *off_b);

#endif
