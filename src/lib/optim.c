/* Adam and SGD exactly as PyTorch's torch.optim computes them (no weight
 * decay, no amsgrad, no nesterov, dampening 0), written once as a macro
 * instantiated for float and double. The scalar factors (bias corrections,
 * step size) are computed in double and rounded to the update's precision,
 * as PyTorch does with its Python-float hyperparameters.
 *
 * Adam, step t >= 1:
 *   m = m + (1 - b1) (g - m)               (torch's lerp_)
 *   v = b2 v + (1 - b2) g^2
 *   p = p - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * SGD: buf = mu buf + g (buf = g at t = 1), p = p - lr buf; mu = 0: p = p - lr g. */
#include "optim.h"

#include <math.h>
#include <stdlib.h>

#define DEFINE_UPDATES(SFX, REAL, SQRT)                                                                                \
    static void adam_##SFX(REAL *restrict p, const REAL *restrict g, REAL *restrict m, REAL *restrict v, long n,       \
                           const mlpv_optim *o)                                                                        \
    {                                                                                                                  \
        double t = (double)o->t;                                                                                       \
        const REAL c1 = (REAL)(1.0 - o->beta1), b2 = (REAL)o->beta2;                                                   \
        const REAL c2 = (REAL)(1.0 - o->beta2);                                                                        \
        const REAL step = (REAL)(o->lr / (1.0 - pow(o->beta1, t)));                                                    \
        const REAL bc2s = (REAL)sqrt(1.0 - pow(o->beta2, t));                                                          \
        const REAL eps = (REAL)o->eps;                                                                                 \
        for (long i = 0; i < n; i++) {                                                                                 \
            REAL gi = g[i];                                                                                            \
            REAL mi = m[i] + c1 * (gi - m[i]);                                                                         \
            REAL vi = b2 * v[i] + c2 * gi * gi;                                                                        \
            m[i] = mi;                                                                                                 \
            v[i] = vi;                                                                                                 \
            p[i] -= step * (mi / (SQRT(vi) / bc2s + eps));                                                             \
        }                                                                                                              \
    }                                                                                                                  \
    static void sgd_##SFX(REAL *restrict p, const REAL *restrict g, REAL *restrict buf, long n, const mlpv_optim *o)   \
    {                                                                                                                  \
        const REAL lr = (REAL)o->lr, mu = (REAL)o->momentum;                                                           \
        if (!buf) {                                                                                                    \
            for (long i = 0; i < n; i++) p[i] -= lr * g[i];                                                            \
        } else if (o->t == 1) {                                                                                        \
            for (long i = 0; i < n; i++) {                                                                             \
                buf[i] = g[i];                                                                                         \
                p[i] -= lr * g[i];                                                                                     \
            }                                                                                                          \
        } else {                                                                                                       \
            for (long i = 0; i < n; i++) {                                                                             \
                REAL bi = mu * buf[i] + g[i];                                                                          \
                buf[i] = bi;                                                                                           \
                p[i] -= lr * bi;                                                                                       \
            }                                                                                                          \
        }                                                                                                              \
    }

DEFINE_UPDATES(f, float, sqrtf)
DEFINE_UPDATES(d, double, sqrt)

int mlpv_optim_init(mlpv_optim *o, const mlpv_train_opts *opts, long n)
{
    o->kind = opts->optimizer;
    o->precision = opts->precision;
    o->n = n;
    o->lr = opts->lr;
    o->beta1 = opts->beta1;
    o->beta2 = opts->beta2;
    o->eps = opts->eps;
    o->momentum = opts->momentum;
    o->t = 0;
    o->m = o->v = NULL;
    size_t elem = o->precision == MLPV_FLOAT ? sizeof(float) : sizeof(double);
    int need_m = o->kind == MLPV_OPT_ADAM || o->momentum != 0.0;
    int need_v = o->kind == MLPV_OPT_ADAM;
    if (need_m && !(o->m = calloc((size_t)n, elem))) return -1;
    if (need_v && !(o->v = calloc((size_t)n, elem))) {
        free(o->m);
        o->m = NULL;
        return -1;
    }
    return 0;
}

void mlpv_optim_step(mlpv_optim *o, void *params, const void *grad)
{
    o->t++;
    int f = o->precision == MLPV_FLOAT;
    if (o->kind == MLPV_OPT_ADAM) {
        if (f) adam_f(params, grad, o->m, o->v, o->n, o);
        else adam_d(params, grad, o->m, o->v, o->n, o);
    } else {
        if (f) sgd_f(params, grad, o->m, o->n, o);
        else sgd_d(params, grad, o->m, o->n, o);
    }
}

void mlpv_optim_free(mlpv_optim *o)
{
    free(o->m);
    free(o->v);
    o->m = o->v = NULL;
}
