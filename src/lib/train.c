/* The training loop: Adam or SGD on the MSE loss, full batch or seeded
 * minibatches, divergence and early stopping; evaluation at the end.
 * Gradients come from backprop.c, updates from optim.c.
 *
 * Precision. The double path trains the master copy W/b in place and
 * re-syncs the float copy at the end. The float path first syncs Wf/bf from
 * W/b, trains Wf/bf in place as the float master (optimiser state in float,
 * like a float32 PyTorch model), and at the end copies Wf/bf into W/b, so
 * W == (double)Wf afterwards. Final metrics are evaluated in double. */
#include "mlpvar/train.h"
#include "mlpvar/rng.h"
#include "backprop.h"
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const OPT_NAMES[MLPV_OPT_COUNT] = { "adam", "sgd" };

const char *mlpv_optimizer_name(mlpv_optimizer o) { return (o >= 0 && o < MLPV_OPT_COUNT) ? OPT_NAMES[o] : "?"; }

int mlpv_optimizer_parse(const char *name, mlpv_optimizer *out)
{
    for (int i = 0; i < MLPV_OPT_COUNT; i++)
        if (name && strcmp(name, OPT_NAMES[i]) == 0) {
            *out = (mlpv_optimizer)i;
            return 0;
        }
    return -1;
}

mlpv_train_opts mlpv_train_defaults(void)
{
    mlpv_train_opts o;
    memset(&o, 0, sizeof o);
    o.optimizer = MLPV_OPT_ADAM;
    o.lr = 3e-3;
    o.steps = 2000;
    o.batch = 0;
    o.target_accuracy = 0;
    o.check_every = 10;
    o.beta1 = 0.9;
    o.beta2 = 0.999;
    o.eps = 1e-8;
    o.momentum = 0;
    o.precision = MLPV_FLOAT;
    return o;
}

void mlpv_train_batch_order(uint64_t seed, long epoch, long n, long *perm)
{
    enum { BLOCK = 256 };
    uint64_t key = mlpv_mix64(seed);
    double u[BLOCK];
    for (long i = 0; i < n; i++) perm[i] = i;
    for (long k0 = 0; k0 < n - 1; k0 += BLOCK) {
        long cnt = n - 1 - k0 < BLOCK ? n - 1 - k0 : BLOCK;
        mlpv_rng_uniform(key, (uint64_t)epoch, (uint64_t)k0, (size_t)cnt, u);
        for (long k = 0; k < cnt; k++) {
            long i = n - 1 - (k0 + k);
            long j = (long)(u[k] * (double)(i + 1));
            if (j > i) j = i;
            long t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
    }
}

double mlpv_r2(const mlpv_dataset *d, double mse)
{
    if (!d || d->n < 1 || d->out_dim < 1 || !d->y || isnan(mse)) return NAN;
    long n = d->n;
    int m = d->out_dim;
    double sst = 0;
    for (int k = 0; k < m; k++) {
        double mean = 0, ss = 0;
        for (long i = 0; i < n; i++) mean += d->y[(size_t)i * m + k];
        mean /= (double)n;
        for (long i = 0; i < n; i++) {
            double e = d->y[(size_t)i * m + k] - mean;
            ss += e * e;
        }
        sst += ss;
    }
    if (!(sst > 0)) return NAN;
    return 1.0 - mse * (double)n * (double)m / sst;
}

static int opts_valid(const mlpv_train_opts *o)
{
    if (o->optimizer < 0 || o->optimizer >= MLPV_OPT_COUNT) return 0;
    if (o->precision != MLPV_FLOAT && o->precision != MLPV_DOUBLE) return 0;
    if (!(o->lr > 0) || !isfinite(o->lr) || o->steps < 1 || o->batch < 0 || o->check_every < 1) return 0;
    if (!(o->target_accuracy >= 0) || o->target_accuracy > 1) return 0;
    if (o->optimizer == MLPV_OPT_ADAM &&
        (!(o->beta1 >= 0 && o->beta1 < 1) || !(o->beta2 >= 0 && o->beta2 < 1) || !(o->eps >= 0) || !isfinite(o->eps)))
        return 0;
    if (o->optimizer == MLPV_OPT_SGD && (!(o->momentum >= 0) || !isfinite(o->momentum))) return 0;
    return 1;
}

static int dataset_fits(const mlpv_net *net, const mlpv_dataset *d)
{
    return d->n >= 1 && d->x && d->y && d->in_dim == net->spec.in_dim && d->out_dim == net->spec.out_dim;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static float *to_float(const double *a, size_t n)
{
    float *f = malloc(sizeof(float) * n);
    if (f)
        for (size_t i = 0; i < n; i++) f[i] = (float)a[i];
    return f;
}

int mlpv_train(mlpv_net *net, const mlpv_dataset *train, const mlpv_dataset *test, const mlpv_train_opts *o,
               uint64_t seed, mlpv_train_result *res)
{
    if (!res) return -1;
    res->final_loss = res->train_accuracy = res->test_loss = res->test_accuracy = res->test_r2 = NAN;
    res->losses = NULL;
    res->steps = 0;
    res->diverged = 0;
    res->seconds = 0;
    if (!net || !train || !o || !opts_valid(o) || !dataset_fits(net, train) || (test && !dataset_fits(net, test)))
        return -1;

    double t0 = now_s();
    const mlpv_bp_ops *ops = mlpv_bp_for(o->precision);
    int is_float = o->precision == MLPV_FLOAT;
    long n = train->n;
    long B = (o->batch <= 0 || o->batch >= n) ? n : o->batch;
    int full = B == n;
    long np = mlpv_net_param_count(net);
    size_t in = (size_t)train->in_dim, m = (size_t)train->out_dim;

    /* Everything the loop needs, allocated once. */
    mlpv_bp_ws *ws = ops->ws_alloc(&net->spec, (int)(B < MLPV_BP_CHUNK ? B : MLPV_BP_CHUNK));
    void *grad = malloc(ops->elem * (size_t)np);
    long *perm = full ? NULL : malloc(sizeof(long) * (size_t)n);
    float *xf = is_float ? to_float(train->x, (size_t)n * in) : NULL;
    float *yf = is_float ? to_float(train->y, (size_t)n * m) : NULL;
    double *losses = o->keep_losses ? malloc(sizeof(double) * (size_t)o->steps) : NULL;
    mlpv_optim opt;
    int opt_ok = mlpv_optim_init(&opt, o, np) == 0;
    int rc = -1;
    if (!ws || !grad || (!full && !perm) || (is_float && (!xf || !yf)) || !opt_ok || (o->keep_losses && !losses))
        goto done;

    const void *X = train->x, *Y = train->y;
    void *params = net->store;
    if (is_float) {
        mlpv_net_sync_float(net);
        X = xf;
        Y = yf;
        params = net->storef;
    }

    long per_epoch = (n + B - 1) / B;
    int check = o->target_accuracy > 0 && train->labels_pm1;
    int step = 0, diverged = 0;
    while (step < o->steps) {
        const long *idx = NULL;
        long rows = n;
        if (!full) {
            long e = step / per_epoch, b = step % per_epoch;
            if (b == 0) mlpv_train_batch_order(seed, e, n, perm);
            idx = perm + b * B;
            rows = n - b * B < B ? n - b * B : B;
        }
        long correct = 0;
        double loss = ops->batch_grad(ws, params, X, Y, idx, 0, rows, grad, &correct);
        if (!isfinite(loss)) {
            diverged = 1;
            break;
        }
        /* Full batch: this forward pass already scored the weights after `step` updates. */
        if (full && check && step > 0 && step % o->check_every == 0 &&
            (double)correct / (double)n >= o->target_accuracy)
            break;
        if (losses) losses[step] = loss;
        mlpv_optim_step(&opt, params, grad);
        step++;
        if (!full && check && step % o->check_every == 0 && step < o->steps) {
            double sq;
            long c = 0;
            ops->eval(ws, params, X, Y, n, &sq, &c);
            if ((double)c / (double)n >= o->target_accuracy) break;
        }
    }

    if (is_float) {
        for (long i = 0; i < np; i++) net->store[i] = (double)net->storef[i];
    } else {
        mlpv_net_sync_float(net);
    }
    res->seconds = now_s() - t0;
    res->steps = step;
    mlpv_evaluate(net, train, &res->final_loss, &res->train_accuracy);
    if (!isfinite(res->final_loss)) diverged = 1;
    if (test) mlpv_evaluate(net, test, &res->test_loss, &res->test_accuracy);
    if (test && !train->labels_pm1) res->test_r2 = mlpv_r2(test, res->test_loss);
    res->diverged = diverged;
    res->losses = losses;
    losses = NULL;
    rc = 0;
done:
    free(losses);
    if (opt_ok) mlpv_optim_free(&opt);
    if (ws) ops->ws_free(ws);
    free(grad);
    free(perm);
    free(xf);
    free(yf);
    return rc;
}
