/* Random MLPs: the weight store in mlpv_param_offset's layout, and the draws.
 * The forward pass is forward.c's. */
#include "mlpvar/network.h"
#include "mlpvar/rng.h"

#include <assert.h>
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
    long total;
    mlpv_param_offset(s, net->n_layers, &total, NULL);
    assert(total == mlpv_spec_params(s));
    net->W = calloc((size_t)net->n_layers, sizeof(double *));
    net->b = calloc((size_t)net->n_layers, sizeof(double *));
    net->Wf = calloc((size_t)net->n_layers, sizeof(float *));
    net->bf = calloc((size_t)net->n_layers, sizeof(float *));
    net->store = calloc((size_t)total, sizeof(double));
    net->storef = calloc((size_t)total, sizeof(float));
    if (!net->W || !net->b || !net->Wf || !net->bf || !net->store || !net->storef) {
        mlpv_net_free(net);
        return NULL;
    }
    for (int l = 0; l < net->n_layers; l++) {
        long oW, ob;
        mlpv_param_offset(s, l, &oW, &ob);
        net->W[l] = net->store + oW;
        net->Wf[l] = net->storef + oW;
        net->b[l] = net->store + ob;
        net->bf[l] = net->storef + ob;
    }
    return net;
}

void mlpv_net_free(mlpv_net *net)
{
    if (!net) return;
    free(net->W);
    free(net->b);
    free(net->Wf);
    free(net->bf);
    free(net->store);
    free(net->storef);
    free(net);
}

void mlpv_net_sync_float(mlpv_net *net)
{
    long total;
    mlpv_param_offset(&net->spec, net->n_layers, &total, NULL);
    for (long i = 0; i < total; i++) net->storef[i] = (float)net->store[i];
}

double mlpv_layer_gain(const mlpv_spec *s, int l)
{
    switch (s->init) {
    case MLPV_INIT_AUTO: return l == 0 ? 1.0 : mlpv_auto_gain(s->activation);
    case MLPV_INIT_HE: return 2.0;
    case MLPV_INIT_LECUN: return 1.0;
    case MLPV_INIT_XAVIER: {
        double fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        return 2.0 * fi / (fi + fo);
    }
    case MLPV_INIT_TORCH: return 1.0 / 3.0; /* U(-1/sqrt(fan_in), 1/sqrt(fan_in)) */
    default: return NAN;
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
        if (s->init == MLPV_INIT_TORCH) { /* PyTorch nn.Linear: W, b ~ U(-k, k), k = 1/sqrt(fan_in) */
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
