/* A random MLP: weights drawn from (spec, seed) and a chunked BLAS forward pass.
 * Layer l (0-based; l = depth is the linear output layer) has
 * W_l [fan_out x fan_in] row-major (PyTorch's [out, in] order) and b_l [fan_out]. */
#ifndef MLPVAR_NETWORK_H
#define MLPVAR_NETWORK_H

#include <stdint.h>
#include "mlpvar/spec.h"

typedef enum { MLPV_FLOAT, MLPV_DOUBLE } mlpv_precision;

typedef struct {
    mlpv_spec spec;
    int n_layers; /* depth + 1 */
    double **W, **b; /* per layer, double master copy */
    float **Wf, **bf; /* per layer, float copy for the fast path */
    double *store; /* one allocation behind W and b */
    float *storef; /* one allocation behind Wf and bf */
} mlpv_net;

/* Allocates a network of the spec's shape with all weights zero. NULL on OOM. */
mlpv_net *mlpv_net_alloc(const mlpv_spec *s);
/* Draws weights and biases per the spec's init scheme; depends only on (shape, init, seed).
 * Same seed and shape give the same underlying normals for every activation
 * (common random numbers), scaled by that activation's gain. */
mlpv_net *mlpv_net_random(const mlpv_spec *s, uint64_t seed);
/* Copies the double weights into the float copies (after editing W or b). */
void mlpv_net_sync_float(mlpv_net *net);
void mlpv_net_free(mlpv_net *net);

/* Weight variance numerator s2 of layer l (W ~ N(0, s2 / fan_in)) for the spec's scheme. */
double mlpv_layer_gain(const mlpv_spec *s, int l);

/* Called after every hidden layer on every chunk with its post-activations
 * h [width x rows], unit-major: unit u's values over the chunk's points are
 * h[u*rows .. u*rows + rows-1] (float* or double* by precision); row0 = the
 * chunk's first point's index. */
typedef void (*mlpv_layer_hook)(void *ctx, int layer, const void *h, int rows, int width, long row0, mlpv_precision p);

/* Largest rows x width buffer the forward pass needs: rows * max(width, out, in). */
long mlpv_forward_work_size(const mlpv_net *net, int rows);

/* y [rows x out] = f(x [rows x in]); work holds 2 * mlpv_forward_work_size values. */
void mlpv_forward_f(const mlpv_net *net, const float *x, int rows, float *y, float *work, mlpv_layer_hook hook,
                    void *ctx, long row0);
void mlpv_forward_d(const mlpv_net *net, const double *x, int rows, double *y, double *work, mlpv_layer_hook hook,
                    void *ctx, long row0);

#endif
