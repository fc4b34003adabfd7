/* Loss gradients by backpropagation with BLAS GEMMs, written once
 * (backprop_impl.h) and instantiated for float and double; the public
 * double-precision entry points of train.h that need no optimiser:
 * mlpv_evaluate, mlpv_gradient, mlpv_layer_grad_norms, mlpv_net_param_count. */
#include "backprop.h"
#include "mlpvar/train.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Without FP traps to preserve, GCC if-converts and vectorises the
 * elementwise loops with selects and clamps (leaky relu, elu, tanh, sigmoid);
 * no value changes: -fno-trapping-math permits no reassociation. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize ("no-trapping-math")
#endif

/* The float path's tanh: Eigen's rational approximation (Eigen 3.4,
 * MathFunctionsImpl.h, generic_fast_tanh_float), absolute error about 2e-7,
 * plain arithmetic that the compiler vectorises (glibc's tanhf is a scalar
 * call costing as much as the GEMMs of a narrow layer). Sigmoid follows from
 * sigmoid(x) = (1 + tanh(x/2)) / 2. The double path uses libm's (mlpv_phi). */
static inline float tanh_fast_f(float x)
{
    const float clamp = 7.90531110763549805f;
    x = x > clamp ? clamp : x;
    x = x < -clamp ? -clamp : x;
    const float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p / q;
}

static inline float sigmoid_fast_f(float x)
{
    return 0.5f + 0.5f * tanh_fast_f(0.5f * x);
}

static inline double sigmoid_d(double x)
{
    return mlpv_phi(MLPV_SIGMOID, x);
}

#define REAL float
#define SFX f
#define GEMM cblas_sgemm
#define TANH tanh_fast_f
#define SIGMOID sigmoid_fast_f
#define PREC MLPV_FLOAT
#define OPS mlpv_bp_float
#include "backprop_impl.h"

#define REAL double
#define SFX d
#define GEMM cblas_dgemm
#define TANH tanh
#define SIGMOID sigmoid_d
#define PREC MLPV_DOUBLE
#define OPS mlpv_bp_double
#include "backprop_impl.h"

const mlpv_bp_ops *mlpv_bp_for(mlpv_precision p)
{
    return p == MLPV_FLOAT ? &mlpv_bp_float : p == MLPV_DOUBLE ? &mlpv_bp_double : NULL;
}

long mlpv_bp_offset_W(const mlpv_spec *s, int l)
{
    long off = 0;
    for (int k = 0; k < l; k++) {
        long fi = mlpv_layer_fan_in(s, k), fo = mlpv_layer_fan_out(s, k);
        off += fi * fo + fo;
    }
    return off;
}

long mlpv_bp_offset_b(const mlpv_spec *s, int l)
{
    return mlpv_bp_offset_W(s, l) + (long)mlpv_layer_fan_in(s, l) * mlpv_layer_fan_out(s, l);
}

long mlpv_net_param_count(const mlpv_net *net)
{
    return mlpv_bp_offset_W(&net->spec, net->n_layers);
}

static int dataset_fits(const mlpv_net *net, const mlpv_dataset *d)
{
    return d && d->n >= 1 && d->x && d->y && d->in_dim == net->spec.in_dim &&
           d->out_dim == net->spec.out_dim;
}

static int chunk_rows(long n)
{
    return n < MLPV_BP_CHUNK ? (int)n : MLPV_BP_CHUNK;
}

void mlpv_evaluate(const mlpv_net *net, const mlpv_dataset *d, double *loss, double *accuracy)
{
    double l = NAN, a = NAN;
    mlpv_bp_ws *ws = dataset_fits(net, d) ? mlpv_bp_double.ws_alloc(&net->spec, chunk_rows(d->n)) : NULL;
    if (ws) {
        double sq;
        long correct;
        mlpv_bp_double.eval(ws, net->store, d->x, d->y, d->n, &sq, &correct);
        l = sq / ((double)d->n * d->out_dim);
        if (d->labels_pm1) a = (double)correct / (double)d->n;
        mlpv_bp_double.ws_free(ws);
    }
    if (loss) *loss = l;
    if (accuracy) *accuracy = a;
}

double mlpv_gradient(const mlpv_net *net, const mlpv_dataset *d, double *g)
{
    if (!dataset_fits(net, d)) return NAN;
    mlpv_bp_ws *ws = mlpv_bp_double.ws_alloc(&net->spec, chunk_rows(d->n));
    if (!ws) return NAN;
    double loss = mlpv_bp_double.batch_grad(ws, net->store, d->x, d->y, NULL, 0, d->n, g, NULL);
    mlpv_bp_double.ws_free(ws);
    return loss;
}

void mlpv_layer_grad_norms(const mlpv_net *net, const mlpv_dataset *d, double *norms)
{
    long np = mlpv_net_param_count(net);
    double *g = malloc(sizeof(double) * (size_t)np);
    if (g) {
        for (long i = 0; i < np; i++) g[i] = NAN;     /* stays NaN if the gradient fails */
        mlpv_gradient(net, d, g);
    }
    for (int l = 0; l < net->n_layers; l++) {
        if (!g) { norms[l] = NAN; continue; }
        const double *gw = g + mlpv_bp_offset_W(&net->spec, l);
        long nw = (long)mlpv_layer_fan_in(&net->spec, l) * mlpv_layer_fan_out(&net->spec, l);
        double s = 0;
        for (long i = 0; i < nw; i++) s += gw[i] * gw[i];
        norms[l] = sqrt(s);
    }
    free(g);
}
