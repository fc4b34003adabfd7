/* Loss gradients by backpropagation with BLAS GEMMs, written once
 * (backprop_impl.h) and instantiated for float and double; the public
 * double-precision entry points of train.h that need no optimiser:
 * mlpv_evaluate, mlpv_gradient, mlpv_layer_grad_norms, mlpv_net_param_count. */
#include "backprop.h"
#include "activation_kernels.h"
#include "forward.h"
#include "mlpvar/train.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define REAL float
#define SFX f
#define GEMM cblas_sgemm
#define PREC MLPV_FLOAT
#define OPS mlpv_bp_float
#include "backprop_impl.h"

#define REAL double
#define SFX d
#define GEMM cblas_dgemm
#define PREC MLPV_DOUBLE
#define OPS mlpv_bp_double
#include "backprop_impl.h"

const mlpv_bp_ops *mlpv_bp_for(mlpv_precision p)
{
    return p == MLPV_FLOAT ? &mlpv_bp_float : p == MLPV_DOUBLE ? &mlpv_bp_double : NULL;
}

long mlpv_net_param_count(const mlpv_net *net)
{
    long n;
    mlpv_param_offset(&net->spec, net->n_layers, &n, NULL);
    return n;
}

static int dataset_fits(const mlpv_net *net, const mlpv_dataset *d)
{
    return d && d->n >= 1 && d->x && d->y && d->in_dim == net->spec.in_dim && d->out_dim == net->spec.out_dim;
}

static int chunk_rows(long n) { return n < MLPV_BP_CHUNK ? (int)n : MLPV_BP_CHUNK; }

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
        for (long i = 0; i < np; i++) g[i] = NAN; /* stays NaN if the gradient fails */
        mlpv_gradient(net, d, g);
    }
    for (int l = 0; l < net->n_layers; l++) {
        if (!g) {
            norms[l] = NAN;
            continue;
        }
        long oW;
        mlpv_param_offset(&net->spec, l, &oW, NULL);
        const double *gw = g + oW;
        long nw = (long)mlpv_layer_fan_in(&net->spec, l) * mlpv_layer_fan_out(&net->spec, l);
        double s = 0;
        for (long i = 0; i < nw; i++) s += gw[i] * gw[i];
        norms[l] = sqrt(s);
    }
    free(g);
}
