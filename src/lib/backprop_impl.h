/* Precision template of the forward-with-cache / backward pass (see backprop.h).
 * Not a header: backprop.c includes it once per precision with
 *   REAL    float | double
 *   SFX     f | d                (suffix of the generated names)
 *   GEMM    cblas_sgemm | cblas_dgemm
 *   TANH    tanh of a REAL (float: a rational approximation, see backprop.c)
 *   SIGMOID sigmoid of a REAL (likewise)
 *   PREC    MLPV_FLOAT | MLPV_DOUBLE
 *   OPS     name of the mlpv_bp_ops table to define
 * defined, and undefines them all at its end.
 *
 * Layout: features-major, as the forward engine (network.c, FORWARD_BODY).
 * A chunk of `rows` points is transposed once into X^T [in_dim x rows] (and
 * Y^T [out_dim x rows]); every activation is [units x rows], row u = unit u
 * over the chunk's points, leading dimension rows. Layer l maps H_{l-1}
 * [fan_in x rows] to Z_l = W_l H_{l-1} + b_l, H_l = phi(Z_l): one GEMM with
 * the points as the long N dimension, then one flat bias + activation pass
 * per unit row. Backward, with delta_l = dLoss/dZ_l [fan_out x rows]:
 *   dW_l += delta_l H_{l-1}^T            (GEMM, k = rows)
 *   db_l += row sums of delta_l          (fused into the pass that makes delta_l,
 *                                         16 partial sums so that it vectorises)
 *   delta_{l-1} = (W_l^T delta_l) .* phi'(Z_{l-1})   (GEMM + one fused pass)
 * Z_l is kept apart from H_l only for activations whose derivative cannot be
 * had from phi's value (abs, gelu, silu, sin); otherwise phi' comes from H_l
 * (relu: h > 0, tanh: 1 - h^2, sigmoid: h (1 - h), elu: h > 0 ? 1 : h + 1,
 * softplus: -expm1(-h)) and H_l is computed in place. */

#define BP_CAT_(a, b) a##_##b
#define BP_CAT(a, b) BP_CAT_(a, b)
#define BP(name) BP_CAT(name, SFX)

typedef struct {
    mlpv_spec s;
    int rows_max;
    int needs_z;
    REAL slope;            /* leaky relu's negative slope */
    long n_params;
    long *offW, *offb;     /* [depth + 1] */
    REAL **H, **Z;         /* [depth]: post- and pre-activations of hidden layer l, [width x rows] */
    REAL *out;             /* [out_dim x rows] */
    REAL *D[2];            /* deltas, [max(width, out_dim) x rows] */
    REAL *xt, *yt;         /* the chunk's points transposed: [in_dim x rows], [out_dim x rows] */
    REAL *buf;             /* the one aligned allocation behind the arrays above */
} BP(ws_t);

static void BP(ws_free)(mlpv_bp_ws *ws_)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    if (!w) return;
    free(w->buf);
    free(w);
}

/* Rounds a count of REALs up to a whole number of 64-byte lines. */
static size_t BP(pad)(size_t n)
{
    size_t per = 64 / sizeof(REAL);
    return (n + per - 1) / per * per;
}

static mlpv_bp_ws *BP(ws_alloc)(const mlpv_spec *s, int rows_max)
{
    if (rows_max < 1) return NULL;
    int L = s->depth, n = s->width, m = s->out_dim;
    size_t R = (size_t)rows_max;
    int dw = n > m ? n : m;
    /* struct, then offW, offb, H, Z pointer arrays in the same block */
    size_t head = sizeof(BP(ws_t)) + 2 * (size_t)(L + 1) * sizeof(long) + 2 * (size_t)L * sizeof(REAL *);
    BP(ws_t) *w = calloc(1, head);
    if (!w) return NULL;
    w->s = *s;
    w->rows_max = rows_max;
    w->needs_z = s->activation == MLPV_ABS || s->activation == MLPV_GELU ||
                 s->activation == MLPV_SILU || s->activation == MLPV_SIN;
    w->slope = (REAL)mlpv_dphi(MLPV_LEAKY_RELU, -1.0);
    w->offW = (long *)(w + 1);
    w->offb = w->offW + (L + 1);
    w->H = (REAL **)(w->offb + (L + 1));
    w->Z = w->H + L;
    long off = 0;
    for (int l = 0; l <= L; l++) {
        long fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        w->offW[l] = off;
        w->offb[l] = off + fi * fo;
        off += fi * fo + fo;
    }
    w->n_params = off;

    size_t layer = BP(pad)(R * (size_t)n);
    size_t total = (size_t)L * layer * (w->needs_z ? 2 : 1)
                 + BP(pad)(R * (size_t)m) + 2 * BP(pad)(R * (size_t)dw)
                 + BP(pad)(R * (size_t)s->in_dim) + BP(pad)(R * (size_t)m);
    w->buf = aligned_alloc(64, total * sizeof(REAL));
    if (!w->buf) { free(w); return NULL; }
    REAL *p = w->buf;
    for (int l = 0; l < L; l++) { w->H[l] = p; p += layer; }
    for (int l = 0; l < L; l++) {
        if (w->needs_z) { w->Z[l] = p; p += layer; }
        else w->Z[l] = w->H[l];
    }
    w->out = p;  p += BP(pad)(R * (size_t)m);
    w->D[0] = p; p += BP(pad)(R * (size_t)dw);
    w->D[1] = p; p += BP(pad)(R * (size_t)dw);
    w->xt = p;   p += BP(pad)(R * (size_t)s->in_dim);
    w->yt = p;
    return (mlpv_bp_ws *)w;
}

/* z [n x rows] += b (per unit row); h = phi(z). z == h unless needs_z. */
static void BP(bias_act)(const BP(ws_t) *w, REAL *z, REAL *h, int rows, int n, const REAL *b)
{
    mlpv_activation a = w->s.activation;
    const REAL slope = w->slope;
/* In place (z == h): only h is written. */
#define BP_INPLACE(EXPR)                                                        \
    for (int u = 0; u < n; u++) {                                               \
        REAL *restrict hr = h + (size_t)u * rows;                               \
        const REAL bu = b[u];                                                   \
        for (int r = 0; r < rows; r++) { REAL v = hr[r] + bu; hr[r] = (EXPR); } \
    }                                                                           \
    return;
/* Pre-activation kept: z and h are distinct buffers. */
#define BP_KEEPZ(EXPR)                                                          \
    for (int u = 0; u < n; u++) {                                               \
        REAL *restrict zr = z + (size_t)u * rows, *restrict hr = h + (size_t)u * rows; \
        const REAL bu = b[u];                                                   \
        for (int r = 0; r < rows; r++) { REAL v = zr[r] + bu; zr[r] = v; hr[r] = (EXPR); } \
    }                                                                           \
    return;
    switch (a) {
    case MLPV_RELU:       BP_INPLACE(v > 0 ? v : (REAL)0)
    case MLPV_LEAKY_RELU: BP_INPLACE(v > 0 ? v : slope * v)
    case MLPV_IDENTITY:   BP_INPLACE(v)
    case MLPV_TANH:       BP_INPLACE(TANH(v))
    case MLPV_SIGMOID:    BP_INPLACE(SIGMOID(v))
    case MLPV_ABS:        BP_KEEPZ(v < 0 ? -v : v)
    default:
        if (w->needs_z) { BP_KEEPZ((REAL)mlpv_phi(a, (double)v)) }
        else            { BP_INPLACE((REAL)mlpv_phi(a, (double)v)) }
    }
#undef BP_INPLACE
#undef BP_KEEPZ
}

/* d [n x rows] .*= phi'(Z_l) (from Z_l or H_l), and gb[u] += the sum of row u of
 * the result, taken with 16 partial sums (no serial add chain: GCC vectorises
 * the loop without reassociating anything itself). */
static void BP(dphi_mul)(const BP(ws_t) *w, int l, REAL *d, int rows, int n, REAL *gb)
{
    mlpv_activation a = w->s.activation;
    const REAL *z = w->Z[l], *h = w->H[l];
    const REAL slope = w->slope;
#define BP_DLOOP(EXPR)                                                          \
    for (int u = 0; u < n; u++) {                                               \
        REAL *restrict dr = d + (size_t)u * rows;                               \
        const REAL *zr = z + (size_t)u * rows, *hr = h + (size_t)u * rows;      \
        REAL acc[16] = { 0 };                                                   \
        int i = 0;                                                              \
        for (; i + 16 <= rows; i += 16)                                         \
            for (int j = 0; j < 16; j++) {                                      \
                const int k = i + j;                                            \
                const REAL dv = dr[k], hv = hr[k], zv = zr[k];                  \
                (void)hv; (void)zv;                                             \
                REAL v = (EXPR);                                                \
                dr[k] = v;                                                      \
                acc[j] += v;                                                    \
            }                                                                   \
        for (; i < rows; i++) {                                                 \
            const REAL dv = dr[i], hv = hr[i], zv = zr[i];                      \
            (void)hv; (void)zv;                                                 \
            REAL v = (EXPR);                                                    \
            dr[i] = v;                                                          \
            acc[0] += v;                                                        \
        }                                                                       \
        REAL sum = 0;                                                           \
        for (int j = 0; j < 16; j++) sum += acc[j];                             \
        gb[u] += sum;                                                           \
    }                                                                           \
    return;
    switch (a) {
    case MLPV_RELU:       BP_DLOOP(hv > 0 ? dv : (REAL)0)
    case MLPV_LEAKY_RELU: BP_DLOOP(hv > 0 ? dv : slope * dv)
    case MLPV_ABS:        BP_DLOOP(zv > 0 ? dv : (zv < 0 ? -dv : (REAL)0))
    case MLPV_TANH:       BP_DLOOP(dv * ((REAL)1 - hv * hv))
    case MLPV_SIGMOID:    BP_DLOOP(dv * (hv * ((REAL)1 - hv)))
    case MLPV_ELU:        BP_DLOOP(hv > 0 ? dv : dv * (hv + (REAL)1))
    case MLPV_SOFTPLUS:   BP_DLOOP(dv * (REAL)(-expm1(-(double)hv)))
    case MLPV_IDENTITY:   BP_DLOOP(dv)
    default:              BP_DLOOP(dv * (REAL)mlpv_dphi(a, (double)zv))
    }
#undef BP_DLOOP
}

/* The forward pass of one chunk from X^T in w->xt, caching Z_l / H_l; the output
 * (with bias) in w->out [out_dim x rows]. */
static void BP(forward)(BP(ws_t) *w, const REAL *P, int rows)
{
    const mlpv_spec *s = &w->s;
    const REAL *in = w->xt;
    for (int l = 0; l <= s->depth; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        const REAL *W = P + w->offW[l], *b = P + w->offb[l];
        int last = l == s->depth;
        REAL *z = last ? w->out : w->Z[l];
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, rows, fi,
             (REAL)1, W, fi, in, rows, (REAL)0, z, rows);
        if (last) {
            for (int u = 0; u < fo; u++) {
                REAL *zr = z + (size_t)u * rows;
                const REAL bu = b[u];
                for (int r = 0; r < rows; r++) zr[r] += bu;
            }
        } else {
            BP(bias_act)(w, z, w->H[l], rows, fo, b);
            in = w->H[l];
        }
    }
}

/* Squared errors and sign agreement of the chunk's output against Y^T in w->yt;
 * when delta is not NULL also delta = scale (out - y) into it [out_dim x rows]
 * and its row sums into gb. Returns the sum of squared errors (in double). */
static double BP(loss_pass)(const BP(ws_t) *w, int rows, REAL scale, REAL *delta, REAL *gb,
                            long *correct)
{
    int m = w->s.out_dim;
    const REAL *out = w->out, *y = w->yt;
    double sq = 0;
    for (int k = 0; k < m; k++) {
        const REAL *o = out + (size_t)k * rows, *yk = y + (size_t)k * rows;
        if (delta) {
            REAL *d = delta + (size_t)k * rows, g = 0;
            for (int r = 0; r < rows; r++) {
                REAL e = o[r] - yk[r];
                sq += (double)e * (double)e;
                REAL dl = scale * e;
                d[r] = dl;
                g += dl;
            }
            gb[k] += g;
        } else {
            for (int r = 0; r < rows; r++) {
                REAL e = o[r] - yk[r];
                sq += (double)e * (double)e;
            }
        }
    }
    long c = 0;
    for (int r = 0; r < rows; r++) {
        int ok = 1;
        for (int k = 0; k < m; k++) ok &= out[(size_t)k * rows + r] * y[(size_t)k * rows + r] > 0;
        c += ok;
    }
    *correct += c;
    return sq;
}

/* Backward pass of one chunk, from the output delta in w->D[0]; accumulates
 * dW into G (dW_l += delta_l H_{l-1}^T) and db of the hidden layers. */
static void BP(backward)(BP(ws_t) *w, const REAL *P, int rows, REAL *G)
{
    const mlpv_spec *s = &w->s;
    REAL *delta = w->D[0], *next = w->D[1];
    for (int l = s->depth; l >= 0; l--) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        const REAL *hp = l > 0 ? w->H[l - 1] : w->xt;
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, fo, fi, rows,
             (REAL)1, delta, rows, hp, rows, (REAL)1, G + w->offW[l], fi);
        if (l == 0) break;
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, fi, rows, fo,
             (REAL)1, P + w->offW[l], fi, delta, rows, (REAL)0, next, rows);
        BP(dphi_mul)(w, l - 1, next, rows, fi, G + w->offb[l - 1]);
        REAL *t = delta; delta = next; next = t;
    }
}

/* Points first..first+rows-1 of the batch (through idx when not NULL),
 * transposed into w->xt [in_dim x rows] and w->yt [out_dim x rows]. */
static void BP(chunk_rows)(BP(ws_t) *w, const REAL *X, const REAL *Y, const long *idx,
                           long first, int rows)
{
    int in = w->s.in_dim, m = w->s.out_dim;
    REAL *restrict xt = w->xt, *restrict yt = w->yt;
    for (int r = 0; r < rows; r++) {
        size_t src = idx ? (size_t)idx[first + r] : (size_t)(first + r);
        const REAL *xr = X + src * in, *yr = Y + src * m;
        for (int i = 0; i < in; i++) xt[(size_t)i * rows + r] = xr[i];
        for (int k = 0; k < m; k++) yt[(size_t)k * rows + r] = yr[k];
    }
}

static double BP(batch_grad)(mlpv_bp_ws *ws_, const void *params, const void *xv, const void *yv,
                             const long *idx, long row0, long nrows, void *gradv, long *correct)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    const REAL *P = params, *X = xv, *Y = yv;
    REAL *G = gradv;
    int m = w->s.out_dim;
    memset(G, 0, sizeof(REAL) * (size_t)w->n_params);
    REAL scale = (REAL)(2.0 / ((double)nrows * m));
    double sq = 0;
    long c = 0;
    for (long r0 = 0; r0 < nrows; r0 += w->rows_max) {
        int rows = (int)(nrows - r0 < w->rows_max ? nrows - r0 : w->rows_max);
        BP(chunk_rows)(w, X, Y, idx, idx ? r0 : row0 + r0, rows);
        BP(forward)(w, P, rows);
        sq += BP(loss_pass)(w, rows, scale, w->D[0], G + w->offb[w->s.depth], &c);
        BP(backward)(w, P, rows, G);
    }
    if (correct) *correct = c;
    return sq / ((double)nrows * m);
}

static void BP(eval)(mlpv_bp_ws *ws_, const void *params, const void *xv, const void *yv, long n,
                     double *sq_sum, long *correct)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    const REAL *P = params, *X = xv, *Y = yv;
    double sq = 0;
    long c = 0;
    for (long r0 = 0; r0 < n; r0 += w->rows_max) {
        int rows = (int)(n - r0 < w->rows_max ? n - r0 : w->rows_max);
        BP(chunk_rows)(w, X, Y, NULL, r0, rows);
        BP(forward)(w, P, rows);
        sq += BP(loss_pass)(w, rows, 0, NULL, NULL, &c);
    }
    *sq_sum = sq;
    if (correct) *correct = c;
}

const mlpv_bp_ops OPS = {
    PREC, sizeof(REAL), BP(ws_alloc), BP(ws_free), BP(batch_grad), BP(eval),
};

#undef BP
#undef BP_CAT
#undef BP_CAT_
#undef REAL
#undef SFX
#undef GEMM
#undef TANH
#undef SIGMOID
#undef PREC
#undef OPS
