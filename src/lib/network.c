/* Random MLPs and the forward pass. Rows are points: a layer maps
 * H_in [rows x fan_in] to H_out [rows x fan_out] = phi(H_in W^T + b), one GEMM
 * per layer on a chunk of points that stays in cache, then one fused pass for
 * bias and activation. */
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

static void bias_act_f(mlpv_activation a, float *h, int rows, int n, const float *b, int apply)
{
    for (int r = 0; r < rows; r++) {
        float *row = h + (size_t)r * n;
        for (int j = 0; j < n; j++) row[j] += b[j];
        if (apply) mlpv_phi_apply_f(a, row, (size_t)n);
    }
}

static void bias_act_d(mlpv_activation a, double *h, int rows, int n, const double *b, int apply)
{
    for (int r = 0; r < rows; r++) {
        double *row = h + (size_t)r * n;
        for (int j = 0; j < n; j++) row[j] += b[j];
        if (apply) mlpv_phi_apply_d(a, row, (size_t)n);
    }
}

void mlpv_forward_f(const mlpv_net *net, const float *x, int rows, float *y, float *work,
                    mlpv_layer_hook hook, void *ctx, long row0)
{
    const mlpv_spec *s = &net->spec;
    float *buf[2] = { work, work + mlpv_forward_work_size(net, rows) };
    const float *in = x;
    for (int l = 0; l < net->n_layers; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        int last = l == s->depth;
        float *out = last ? y : buf[l % 2];
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, fo, fi,
                    1.0f, in, fi, net->Wf[l], fi, 0.0f, out, fo);
        bias_act_f(s->activation, out, rows, fo, net->bf[l], !last);
        if (!last && hook) hook(ctx, l, out, rows, fo, row0, MLPV_FLOAT);
        in = out;
    }
}

void mlpv_forward_d(const mlpv_net *net, const double *x, int rows, double *y, double *work,
                    mlpv_layer_hook hook, void *ctx, long row0)
{
    const mlpv_spec *s = &net->spec;
    double *buf[2] = { work, work + mlpv_forward_work_size(net, rows) };
    const double *in = x;
    for (int l = 0; l < net->n_layers; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        int last = l == s->depth;
        double *out = last ? y : buf[l % 2];
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, fo, fi,
                    1.0, in, fi, net->W[l], fi, 0.0, out, fo);
        bias_act_d(s->activation, out, rows, fo, net->b[l], !last);
        if (!last && hook) hook(ctx, l, out, rows, fo, row0, MLPV_DOUBLE);
        in = out;
    }
}
