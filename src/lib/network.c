/* Random MLPs and the forward pass: one GEMM per layer on a chunk of points
 * that stays in cache, then one pass for bias and activation (see FORWARD_BODY
 * for the layout). */
#include "mlpvar/network.h"
#include "mlpvar/rng.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t layer_size(const mlpv_spec *s, int l)
{
    return (size_t)mlpv_layer_fan_in(s, l) * (size_t)mlpv_layer_fan_out(s, l);
}

mlpv_net *mlpv_net_alloc(const mlpv_spec *s)
{
    if (s->depth < 1 || s->width < 1 || s->in_dim < 1 || s->out_dim < 1) return NULL;
    mlpv_net *net = calloc(1, sizeof *net);
    if (!net) return NULL;
    net->spec = *s;
    net->n_layers = s->depth + 1;
    size_t total = 0;
    for (int l = 0; l < net->n_layers; l++) total += layer_size(s, l) + (size_t)mlpv_layer_fan_out(s, l);
    net->W = calloc((size_t)net->n_layers, sizeof(double *));
    net->b = calloc((size_t)net->n_layers, sizeof(double *));
    net->Wf = calloc((size_t)net->n_layers, sizeof(float *));
    net->bf = calloc((size_t)net->n_layers, sizeof(float *));
    net->store = calloc(total, sizeof(double));
    net->storef = calloc(total, sizeof(float));
    if (!net->W || !net->b || !net->Wf || !net->bf || !net->store || !net->storef) {
        mlpv_net_free(net);
        return NULL;
    }
    size_t off = 0;
    for (int l = 0; l < net->n_layers; l++) {
        net->W[l] = net->store + off;  net->Wf[l] = net->storef + off;  off += layer_size(s, l);
        net->b[l] = net->store + off;  net->bf[l] = net->storef + off;  off += (size_t)mlpv_layer_fan_out(s, l);
    }
    return net;
}

void mlpv_net_free(mlpv_net *net)
{
    if (!net) return;
    free(net->W); free(net->b); free(net->Wf); free(net->bf);
    free(net->store); free(net->storef);
    free(net);
}

void mlpv_net_sync_float(mlpv_net *net)
{
    size_t total = 0;
    for (int l = 0; l < net->n_layers; l++)
        total += layer_size(&net->spec, l) + (size_t)mlpv_layer_fan_out(&net->spec, l);
    for (size_t i = 0; i < total; i++) net->storef[i] = (float)net->store[i];
}

double mlpv_layer_gain(const mlpv_spec *s, int l)
{
    switch (s->init) {
    case MLPV_INIT_AUTO:   return l == 0 ? 1.0 : mlpv_auto_gain(s->activation);
    case MLPV_INIT_HE:     return 2.0;
    case MLPV_INIT_LECUN:  return 1.0;
    case MLPV_INIT_XAVIER: {
        double fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        return 2.0 * fi / (fi + fo);
    }
    case MLPV_INIT_TORCH:  return 1.0 / 3.0;     /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
    default:               return NAN;
    }
}

/* The key folds the seed with the shape only, not the activation: the same
 * seed gives every activation the same underlying normals. */
static uint64_t net_key(const mlpv_spec *s, uint64_t seed)
{
    uint64_t h = mlpv_mix64(seed);
    h = mlpv_mix64(h ^ (uint64_t)s->depth);
    h = mlpv_mix64(h ^ ((uint64_t)s->width << 1));
    h = mlpv_mix64(h ^ ((uint64_t)s->in_dim << 2));
    return mlpv_mix64(h ^ ((uint64_t)s->out_dim << 3));
}

mlpv_net *mlpv_net_random(const mlpv_spec *s, uint64_t seed)
{
    mlpv_net *net = mlpv_net_alloc(s);
    if (!net) return NULL;
    uint64_t key = net_key(s, seed);
    for (int l = 0; l < net->n_layers; l++) {
        size_t nw = layer_size(s, l), nb = (size_t)mlpv_layer_fan_out(s, l);
        double fan_in = mlpv_layer_fan_in(s, l);
        uint64_t sw = 2 * (uint64_t)l, sbias = 2 * (uint64_t)l + 1;
        if (s->init == MLPV_INIT_TORCH) {      /* PyTorch nn.Linear: W, b ~ U(-k, k), k = 1/sqrt(fan_in) */
            double k = 1.0 / sqrt(fan_in);
            mlpv_rng_uniform(key, sw, 0, nw, net->W[l]);
            mlpv_rng_uniform(key, sbias, 0, nb, net->b[l]);
            for (size_t i = 0; i < nw; i++) net->W[l][i] = k * (2.0 * net->W[l][i] - 1.0);
            for (size_t i = 0; i < nb; i++) net->b[l][i] = k * (2.0 * net->b[l][i] - 1.0);
        } else {
            double sdw = sqrt(mlpv_layer_gain(s, l) / fan_in);
            mlpv_rng_normal(key, sw, 0, nw, net->W[l]);
            mlpv_rng_normal(key, sbias, 0, nb, net->b[l]);
            for (size_t i = 0; i < nw; i++) net->W[l][i] *= sdw;
            for (size_t i = 0; i < nb; i++) net->b[l][i] *= s->bias_std;
        }
    }
    mlpv_net_sync_float(net);
    return net;
}

long mlpv_forward_work_size(const mlpv_net *net, int rows)
{
    int w = net->spec.width;
    if (net->spec.in_dim > w) w = net->spec.in_dim;
    if (net->spec.out_dim > w) w = net->spec.out_dim;
    return (long)rows * w;
}

/* Inside the forward pass activations are unit-major: H [width x rows], so each
 * layer is one GEMM H_out = W H_in with the long dimension (points) as N, which
 * OpenBLAS handles far better than a 25-wide N; bias and activation then run
 * over contiguous rows of points. The public x and y are point-major; the
 * transposes cost O(rows * (in + out)), nothing next to the layers.
 * Both precisions come from one body: */
#define FORWARD_BODY(T, GEMM, WS, BS, APPLY, PREC)                                            \
    const mlpv_spec *s = &net->spec;                                                          \
    long half = mlpv_forward_work_size(net, rows);                                            \
    T *buf[2] = { work, work + half };                                                        \
    int d = s->in_dim, m = s->out_dim;                                                        \
    for (int r = 0; r < rows; r++)                 /* x [rows x d] -> buf[1] [d x rows] */    \
        for (int k = 0; k < d; k++) buf[1][(size_t)k * rows + r] = x[(size_t)r * d + k];      \
    const T *in = buf[1];                                                                     \
    for (int l = 0; l < net->n_layers; l++) {                                                 \
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);                      \
        int last = l == s->depth;                                                             \
        T *out = buf[l % 2];                                                                  \
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, rows, fi,                         \
             1, net->WS[l], fi, in, rows, 0, out, rows);                                      \
        for (int u = 0; u < fo; u++) {                                                        \
            T bu = net->BS[l][u], *row = out + (size_t)u * rows;                              \
            for (int r = 0; r < rows; r++) row[r] += bu;                                      \
        }                                                                                     \
        if (!last) {                                                                          \
            APPLY(s->activation, out, (size_t)fo * rows);                                     \
            if (hook) hook(ctx, l, out, rows, fo, row0, PREC);                                \
        }                                                                                     \
        in = out;                                                                             \
    }                                                                                         \
    for (int r = 0; r < rows; r++)                 /* [m x rows] -> y [rows x m] */           \
        for (int k = 0; k < m; k++) y[(size_t)r * m + k] = in[(size_t)k * rows + r];

void mlpv_forward_f(const mlpv_net *net, const float *x, int rows, float *y, float *work,
                    mlpv_layer_hook hook, void *ctx, long row0)
{
    FORWARD_BODY(float, cblas_sgemm, Wf, bf, mlpv_phi_apply_f, MLPV_FLOAT)
}

void mlpv_forward_d(const mlpv_net *net, const double *x, int rows, double *y, double *work,
                    mlpv_layer_hook hook, void *ctx, long row0)
{
    FORWARD_BODY(double, cblas_dgemm, W, b, mlpv_phi_apply_d, MLPV_DOUBLE)
}
