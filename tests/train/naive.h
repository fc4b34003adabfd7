/* A naive reference for the training tests: plain nested loops in double, no
 * BLAS, one point at a time. Parameters are a flat vector in mlpv_net's store
 * layout (W_0, b_0, W_1, b_1, ...), laid out here independently of the library. */
#ifndef MLPV_TEST_NAIVE_H
#define MLPV_TEST_NAIVE_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/activation.h"
#include "mlpvar/rng.h"
#include "mlpvar/spec.h"
#include "mlpvar/task.h"

static inline int nv_fi(const mlpv_spec *s, int l) { return l == 0 ? s->in_dim : s->width; }
static inline int nv_fo(const mlpv_spec *s, int l) { return l == s->depth ? s->out_dim : s->width; }

static inline long nv_offW(const mlpv_spec *s, int l)
{
    long off = 0;
    for (int k = 0; k < l; k++) off += (long)nv_fi(s, k) * nv_fo(s, k) + nv_fo(s, k);
    return off;
}
static inline long nv_offb(const mlpv_spec *s, int l) { return nv_offW(s, l) + (long)nv_fi(s, l) * nv_fo(s, l); }
static inline long nv_nparams(const mlpv_spec *s) { return nv_offW(s, s->depth + 1); }

/* Forward of one point: z[l * zs + j] pre-activations, h[l * zs + j]
 * post-activations (h of the output layer = z), zs = max(width, out, in). */
static inline void nv_forward(const mlpv_spec *s, const double *p, const double *x, double *z, double *h, int zs)
{
    const double *in = x;
    for (int l = 0; l <= s->depth; l++) {
        int fi = nv_fi(s, l), fo = nv_fo(s, l);
        const double *W = p + nv_offW(s, l), *b = p + nv_offb(s, l);
        for (int o = 0; o < fo; o++) {
            double acc = b[o];
            for (int i = 0; i < fi; i++) acc += W[(long)o * fi + i] * in[i];
            z[l * zs + o] = acc;
            h[l * zs + o] = l < s->depth ? mlpv_phi(s->activation, acc) : acc;
        }
        in = h + l * zs;
    }
}

static inline int nv_zs(const mlpv_spec *s)
{
    int zs = s->width;
    if (s->in_dim > zs) zs = s->in_dim;
    if (s->out_dim > zs) zs = s->out_dim;
    return zs;
}

/* MSE (mean over the listed points and the outputs) at p; if g != NULL, its
 * gradient (overwritten). rows == NULL: points 0..n-1. */
static inline double nv_loss_grad(const mlpv_spec *s, const double *p, const mlpv_dataset *d, const long *rows, long n,
                                  double *g)
{
    int L = s->depth, m = s->out_dim, zs = nv_zs(s);
    double *z = calloc((size_t)(L + 1) * zs, sizeof(double));
    double *h = calloc((size_t)(L + 1) * zs, sizeof(double));
    double *dl = calloc((size_t)zs, sizeof(double)), *dp = calloc((size_t)zs, sizeof(double));
    if (g) memset(g, 0, sizeof(double) * (size_t)nv_nparams(s));
    double loss = 0;
    for (long r = 0; r < n; r++) {
        long pt = rows ? rows[r] : r;
        const double *x = d->x + pt * d->in_dim, *y = d->y + pt * m;
        nv_forward(s, p, x, z, h, zs);
        for (int k = 0; k < m; k++) {
            double e = h[L * zs + k] - y[k];
            loss += e * e;
            dl[k] = 2.0 * e / ((double)n * m);
        }
        if (!g) continue;
        for (int l = L; l >= 0; l--) {
            int fi = nv_fi(s, l), fo = nv_fo(s, l);
            const double *hp = l > 0 ? h + (l - 1) * zs : x;
            const double *W = p + nv_offW(s, l);
            double *gW = g + nv_offW(s, l), *gb = g + nv_offb(s, l);
            for (int o = 0; o < fo; o++) {
                gb[o] += dl[o];
                for (int i = 0; i < fi; i++) gW[(long)o * fi + i] += dl[o] * hp[i];
            }
            if (l == 0) break;
            for (int i = 0; i < fi; i++) {
                double acc = 0;
                for (int o = 0; o < fo; o++) acc += dl[o] * W[(long)o * fi + i];
                dp[i] = acc * mlpv_dphi(s->activation, z[(l - 1) * zs + i]);
            }
            memcpy(dl, dp, sizeof(double) * (size_t)fi);
        }
    }
    free(z);
    free(h);
    free(dl);
    free(dp);
    return loss / ((double)n * m);
}

/* Textbook Adam (Kingma & Ba with PyTorch's eps placement) and SGD with momentum. */
static inline void nv_adam(double *p, const double *g, double *m, double *v, long np, long t, double lr, double b1,
                           double b2, double eps)
{
    for (long i = 0; i < np; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        double mh = m[i] / (1 - pow(b1, (double)t)), vh = v[i] / (1 - pow(b2, (double)t));
        p[i] -= lr * mh / (sqrt(vh) + eps);
    }
}

static inline void nv_sgd(double *p, const double *g, double *buf, long np, double lr, double mu)
{
    for (long i = 0; i < np; i++) {
        buf[i] = mu * buf[i] + g[i];
        p[i] -= lr * buf[i];
    }
}

/* The documented batch order, rewritten from its description in train.h. */
static inline void nv_perm(uint64_t seed, long epoch, long n, long *perm)
{
    for (long i = 0; i < n; i++) perm[i] = i;
    for (long k = 0; k + 1 < n; k++) {
        double u;
        mlpv_rng_uniform(mlpv_mix64(seed), (uint64_t)epoch, (uint64_t)k, 1, &u);
        long i = n - 1 - k, j = (long)floor(u * (double)(i + 1));
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

/* The rows of Adam/SGD step t (1-based) over n rows in batches of `batch`
 * (<= 0 or >= n: full batch, *rows = NULL, all n): batch b of epoch e of the
 * documented order (nv_perm into perm[n]). Returns the row count. */
static inline long nv_step_rows(uint64_t seed, long t, long n, long batch, long *perm, const long **rows)
{
    long B = batch <= 0 || batch >= n ? n : batch, per_epoch = (n + B - 1) / B;
    long e = (t - 1) / per_epoch, b = (t - 1) % per_epoch;
    *rows = NULL;
    if (B >= n) return n;
    nv_perm(seed, e, n, perm);
    *rows = perm + b * B;
    return n - b * B < B ? n - b * B : B;
}

/* Deterministic uniforms in [-1, 1). */
static inline double nv_lcg(uint64_t *st)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*st >> 11) / 4503599627370496.0 - 1.0;
}

/* A hand-built data set of n points, uniform on [-1,1]^in, targets from fn
 * (or uniform reals when fn is NULL). */
static inline mlpv_dataset nv_dataset(long n, int in, int out, uint64_t seed, double (*fn)(const double *x, int k))
{
    mlpv_dataset d;
    memset(&d, 0, sizeof d);
    d.n = n;
    d.in_dim = in;
    d.out_dim = out;
    d.x = malloc(sizeof(double) * (size_t)(n * in));
    d.y = malloc(sizeof(double) * (size_t)(n * out));
    uint64_t st = seed;
    for (long i = 0; i < n * in; i++) d.x[i] = nv_lcg(&st);
    d.labels_pm1 = fn != NULL;
    for (long r = 0; r < n; r++)
        for (int k = 0; k < out; k++) d.y[r * out + k] = fn ? fn(d.x + r * in, k) : nv_lcg(&st);
    return d;
}

static inline void nv_dataset_free(mlpv_dataset *d)
{
    free(d->x);
    free(d->y);
    d->x = d->y = NULL;
}

#endif
