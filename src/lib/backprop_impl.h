/* Precision template of the backward pass (see backprop.h).
 * Not a header: backprop.c includes it once per precision with
 *   REAL    float | double
 *   SFX     f | d                (suffix of the generated names)
 *   GEMM    cblas_sgemm | cblas_dgemm
 *   PREC    MLPV_FLOAT | MLPV_DOUBLE
 *   OPS     name of the mlpv_bp_ops table to define
 * defined, and undefines them all at its end.
 *
 * Layout: features-major, the forward engine's (forward.h). A chunk of `rows`
 * points is transposed once into X^T [in_dim x rows] (the trace's input) and
 * Y^T [out_dim x rows]; the forward pass is mlpv_forward_trace on a BACKWARD
 * trace, which keeps every hidden layer's H_l [width x rows] (and Z_l where
 * phi' needs it). Backward, with delta_l = dLoss/dZ_l [fan_out x rows]:
 *   dW_l += delta_l H_{l-1}^T            (GEMM, k = rows)
 *   db_l += row sums of delta_l          (fused into the pass that makes delta_l)
 *   delta_{l-1} = (W_l^T delta_l) .* phi'(Z_{l-1})   (GEMM + mlpv_dphi_mul, one
 *                                                     fused pass) */

#define BP_CAT_(a, b) a##_##b
#define BP_CAT(a, b) BP_CAT_(a, b)
#define BP(name) BP_CAT(name, SFX)

typedef struct {
    mlpv_spec s;
    mlpv_trace t; /* BACKWARD trace: X^T in t.in, H_l, Z_l, the output in t.out */
    REAL *D[2]; /* deltas, [max(width, out_dim) x rows] */
    REAL *yt; /* the chunk's targets transposed: [out_dim x rows] */
    REAL *buf; /* the one aligned allocation behind D and yt */
} BP(ws_t);

static void BP(ws_free)(mlpv_bp_ws *ws_)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    if (!w) return;
    mlpv_trace_free(&w->t);
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
    _Static_assert(sizeof(REAL) == (PREC == MLPV_FLOAT ? sizeof(float) : sizeof(double)), "REAL and PREC disagree");
    if (rows_max < 1) return NULL;
    BP(ws_t) *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->s = *s;
    size_t R = (size_t)rows_max, dw = (size_t)(s->width > s->out_dim ? s->width : s->out_dim);
    w->buf = aligned_alloc(64, (2 * BP(pad)(R * dw) + BP(pad)(R * (size_t)s->out_dim)) * sizeof(REAL));
    if (!w->buf || mlpv_trace_alloc(&w->t, PREC, MLPV_TRACE_BACKWARD, s, rows_max)) {
        BP(ws_free)((mlpv_bp_ws *)w);
        return NULL;
    }
    w->D[0] = w->buf;
    w->D[1] = w->D[0] + BP(pad)(R * dw);
    w->yt = w->D[1] + BP(pad)(R * dw);
    return (mlpv_bp_ws *)w;
}

/* Squared errors and sign agreement of the chunk's output against Y^T in w->yt;
 * when delta is not NULL also delta = scale (out - y) into it [out_dim x rows]
 * and its row sums into gb. Returns the sum of squared errors (in double). */
static double BP(loss_pass)(const BP(ws_t) * w, int rows, REAL scale, REAL *delta, REAL *gb, long *correct)
{
    int m = w->s.out_dim;
    const REAL *out = w->t.out, *y = w->yt;
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
static void BP(backward)(BP(ws_t) * w, const REAL *P, int rows, REAL *G)
{
    const mlpv_spec *s = &w->s;
    REAL *delta = w->D[0], *next = w->D[1];
    for (int l = s->depth; l >= 0; l--) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        long oW, ob_prev;
        mlpv_param_offset(s, l, &oW, NULL);
        const REAL *hp = l > 0 ? w->t.H[l - 1] : w->t.in;
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, fo, fi, rows, (REAL)1, delta, rows, hp, rows, (REAL)1, G + oW,
             fi);
        if (l == 0) break;
        /* next = 0, then += W^T delta: beta = 1 skips OpenBLAS's slow beta = 0 pass (forward.c) */
        memset(next, 0, sizeof(REAL) * (size_t)fi * (size_t)rows);
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, fi, rows, fo, (REAL)1, P + oW, fi, delta, rows, (REAL)1, next,
             rows);
        mlpv_param_offset(s, l - 1, NULL, &ob_prev);
        BP(mlpv_dphi_mul)(s->activation, w->t.Z[l - 1], w->t.H[l - 1], next, fi, rows, G + ob_prev);
        REAL *t = delta;
        delta = next;
        next = t;
    }
}

/* Points first..first+rows-1 of the batch (through idx when not NULL),
 * transposed into the trace's X^T [in_dim x rows] and w->yt [out_dim x rows]. */
static void BP(chunk_rows)(BP(ws_t) * w, const REAL *X, const REAL *Y, const long *idx, long first, int rows)
{
    int in = w->s.in_dim, m = w->s.out_dim;
    REAL *restrict xt = w->t.in, *restrict yt = w->yt;
    for (int r = 0; r < rows; r++) {
        size_t src = idx ? (size_t)idx[first + r] : (size_t)(first + r);
        const REAL *xr = X + src * in, *yr = Y + src * m;
        for (int i = 0; i < in; i++) xt[(size_t)i * rows + r] = xr[i];
        for (int k = 0; k < m; k++) yt[(size_t)k * rows + r] = yr[k];
    }
}

static double BP(batch_grad)(mlpv_bp_ws *ws_, const void *params, const void *xv, const void *yv, const long *idx,
                             long row0, long nrows, void *gradv, long *correct)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    const REAL *P = params, *X = xv, *Y = yv;
    REAL *G = gradv;
    int m = w->s.out_dim;
    long n_params, ob_out;
    mlpv_param_offset(&w->s, w->s.depth + 1, &n_params, NULL);
    mlpv_param_offset(&w->s, w->s.depth, NULL, &ob_out);
    memset(G, 0, sizeof(REAL) * (size_t)n_params);
    REAL scale = (REAL)(2.0 / ((double)nrows * m));
    double sq = 0;
    long c = 0;
    const int rmax = w->t.rows_max;
    for (long r0 = 0; r0 < nrows; r0 += rmax) {
        int rows = (int)(nrows - r0 < rmax ? nrows - r0 : rmax);
        BP(chunk_rows)(w, X, Y, idx, idx ? r0 : row0 + r0, rows);
        mlpv_forward_trace(&w->t, P, rows, NULL, NULL, 0);
        sq += BP(loss_pass)(w, rows, scale, w->D[0], G + ob_out, &c);
        BP(backward)(w, P, rows, G);
    }
    if (correct) *correct = c;
    return sq / ((double)nrows * m);
}

static void BP(eval)(mlpv_bp_ws *ws_, const void *params, const void *xv, const void *yv, long n, double *sq_sum,
                     long *correct)
{
    BP(ws_t) *w = (BP(ws_t) *)ws_;
    const REAL *P = params, *X = xv, *Y = yv;
    double sq = 0;
    long c = 0;
    const int rmax = w->t.rows_max;
    for (long r0 = 0; r0 < n; r0 += rmax) {
        int rows = (int)(n - r0 < rmax ? n - r0 : rmax);
        BP(chunk_rows)(w, X, Y, NULL, r0, rows);
        mlpv_forward_trace(&w->t, P, rows, NULL, NULL, 0);
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
#undef PREC
#undef OPS
