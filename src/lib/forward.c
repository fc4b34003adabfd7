/* The forward engine (forward.h): one layer step, one loop over the layers,
 * the traces that hold a chunk's activations, activation pattern codes, and
 * the public point-major forward pass of network.h (mlpv_forward_f / _d). */
#include "forward.h"
#include "activation_kernels.h"

#include <assert.h>
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

static size_t elem_size(mlpv_precision p) { return p == MLPV_FLOAT ? sizeof(float) : sizeof(double); }

/* One layer, features-major: z [fo x rows] = W_l in [fi x rows] + b_l, then
 * h = phi(z) for a hidden layer (h == z: in place); the output layer is linear. */
static void layer_step(mlpv_precision p, const mlpv_spec *s, int l, const void *P, const void *in, int rows, void *z,
                       void *h)
{
    int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
    long oW, ob;
    mlpv_param_offset(s, l, &oW, &ob);
    mlpv_activation a = l == s->depth ? MLPV_IDENTITY : s->activation;
    assert(in != z && in != h);
    /* z = 0, then z += W in (beta = 1): the same values as beta = 0, but
     * OpenBLAS's beta = 0 pass over C (sgemm_beta) cost a quarter of a
     * landscape's time on Zen, where a memset costs little. */
    memset(z, 0, elem_size(p) * (size_t)fo * (size_t)rows);
    if (p == MLPV_FLOAT) {
        const float *Pf = P;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, rows, fi, 1.0f, Pf + oW, fi, in, rows, 1.0f, z,
                    rows);
        mlpv_bias_phi_f(a, z, h, fo, rows, Pf + ob);
    } else {
        const double *Pd = P;
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, rows, fi, 1.0, Pd + oW, fi, in, rows, 1.0, z, rows);
        mlpv_bias_phi_d(a, z, h, fo, rows, Pd + ob);
    }
}

void mlpv_forward_trace(mlpv_trace *t, const void *P, int rows, mlpv_layer_hook hook, void *ctx, long row0)
{
    const mlpv_spec *s = &t->spec;
    assert(rows >= 1 && rows <= t->rows_max);
    const void *in = t->in;
    for (int l = 0; l <= s->depth; l++) {
        int k = t->kind == MLPV_TRACE_PINGPONG ? l % 2 : l;
        int last = l == s->depth;
        void *z = last ? t->out : t->Z[k], *h = last ? t->out : t->H[k];
        layer_step(t->precision, s, l, P, in, rows, z, h);
        if (!last && hook) hook(ctx, l, h, rows, s->width, row0, t->precision);
        in = h;
    }
}

/* ---- traces ------------------------------------------------------------ */

/* Bytes for n values, rounded up to whole 64-byte lines. */
static size_t line_bytes(size_t n, size_t esz) { return (n * esz + 63) / 64 * 64; }

int mlpv_trace_alloc(mlpv_trace *t, mlpv_precision p, mlpv_trace_kind kind, const mlpv_spec *s, int rows_max)
{
    memset(t, 0, sizeof *t);
    if (rows_max < 1 || s->depth < 1 || kind == MLPV_TRACE_PINGPONG) return -1;
    size_t esz = elem_size(p), R = (size_t)rows_max, L = (size_t)s->depth;
    int apart = kind == MLPV_TRACE_FULL || mlpv_dphi_needs_z(s->activation);
    size_t layer = line_bytes(R * (size_t)s->width, esz);
    size_t in = line_bytes(R * (size_t)s->in_dim, esz), out = line_bytes(R * (size_t)s->out_dim, esz);
    t->ptrs = calloc(2 * L, sizeof(void *));
    t->mem = aligned_alloc(64, in + L * layer * (apart ? 2 : 1) + out);
    if (!t->ptrs || !t->mem) {
        mlpv_trace_free(t);
        return -1;
    }
    t->precision = p;
    t->kind = kind;
    t->spec = *s;
    t->rows_max = rows_max;
    t->H = t->ptrs;
    t->Z = t->ptrs + L;
    char *m = t->mem;
    t->in = m;
    m += in;
    for (size_t l = 0; l < L; l++) {
        t->H[l] = m;
        m += layer;
    }
    for (size_t l = 0; l < L; l++) {
        if (apart) {
            t->Z[l] = m;
            m += layer;
        } else t->Z[l] = t->H[l];
    }
    t->out = m;
    return 0;
}

void mlpv_trace_free(mlpv_trace *t)
{
    free(t->ptrs);
    free(t->mem);
    memset(t, 0, sizeof *t);
}

/* dst [cols x rows] = src [rows x cols]^T, in precision p. */
static void transpose(mlpv_precision p, const void *src, int rows, int cols, void *dst)
{
    if (p == MLPV_FLOAT) {
        const float *a = src;
        float *b = dst;
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++) b[(size_t)k * rows + r] = a[(size_t)r * cols + k];
    } else {
        const double *a = src;
        double *b = dst;
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < cols; k++) b[(size_t)k * rows + r] = a[(size_t)r * cols + k];
    }
}

void mlpv_trace_load(mlpv_trace *t, const void *x, int rows)
{
    assert(rows >= 1 && rows <= t->rows_max);
    transpose(t->precision, x, rows, t->spec.in_dim, t->in);
}

/* ---- activation patterns ------------------------------------------------ */

int mlpv_pattern_code_words(const mlpv_spec *s)
{
    long A = (long)s->depth * s->width;
    return (int)((A + 63) / 64);
}

void mlpv_pattern_codes(const mlpv_trace *t, int rows, uint64_t *codes)
{
    const mlpv_spec *s = &t->spec;
    assert(t->kind == MLPV_TRACE_FULL); /* elsewhere Z may hold phi(z) */
    int nw = mlpv_pattern_code_words(s), n = s->width;
    memset(codes, 0, sizeof(uint64_t) * (size_t)rows * (size_t)nw);
    for (int l = 0; l < s->depth; l++)
        for (int j = 0; j < n; j++) {
            long u = (long)l * n + j;
            uint64_t bit = (uint64_t)1 << (u % 64);
            uint64_t *word = codes + u / 64;
            size_t at = (size_t)j * rows;
            for (int r = 0; r < rows; r++) {
                int pos = t->precision == MLPV_FLOAT ? ((const float *)t->Z[l])[at + r] > 0
                                                     : ((const double *)t->Z[l])[at + r] > 0;
                if (pos) word[(size_t)r * nw] |= bit;
            }
        }
}

/* ---- the public point-major forward pass (network.h) ---------------------- */

long mlpv_forward_work_size(const mlpv_net *net, int rows)
{
    int w = net->spec.width;
    if (net->spec.in_dim > w) w = net->spec.in_dim;
    if (net->spec.out_dim > w) w = net->spec.out_dim;
    return (long)rows * w;
}

/* y [rows x out] = f(x [rows x in]) on a PINGPONG trace over the caller's work
 * (2 * mlpv_forward_work_size values): X^T goes into buffer 1, layer l into
 * buffer l % 2, so the output layer never overwrites the layer it reads. */
static void forward_points(mlpv_precision p, const mlpv_net *net, const void *x, int rows, void *y, void *work,
                           mlpv_layer_hook hook, void *ctx, long row0)
{
    mlpv_trace t = { .precision = p, .kind = MLPV_TRACE_PINGPONG, .spec = net->spec, .rows_max = rows };
    t.pp[0] = work;
    t.pp[1] = (char *)work + elem_size(p) * (size_t)mlpv_forward_work_size(net, rows);
    t.Z = t.H = t.pp;
    t.in = t.pp[1];
    t.out = t.pp[net->spec.depth % 2];
    mlpv_trace_load(&t, x, rows);
    mlpv_forward_trace(&t, p == MLPV_FLOAT ? (const void *)net->storef : (const void *)net->store, rows, hook, ctx,
                       row0);
    transpose(p, t.out, net->spec.out_dim, rows, y);
}

void mlpv_forward_f(const mlpv_net *net, const float *x, int rows, float *y, float *work, mlpv_layer_hook hook,
                    void *ctx, long row0)
{
    forward_points(MLPV_FLOAT, net, x, rows, y, work, hook, ctx, row0);
}

void mlpv_forward_d(const mlpv_net *net, const double *x, int rows, double *y, double *work, mlpv_layer_hook hook,
                    void *ctx, long row0)
{
    forward_points(MLPV_DOUBLE, net, x, rows, y, work, hook, ctx, row0);
}
