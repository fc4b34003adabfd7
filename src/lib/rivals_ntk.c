/* The N x N kernels behind jacob_cov, naswot and ntk_cond (rivals.h), from one
 * forward pass on a FULL trace of the forward engine (forward.h) and one
 * per-point backward pass of the SUM of the outputs.
 *
 * Backward, features-major like the trace: D_l = d(sum_k f_k)/dZ_l
 * [fan_out_l x N], D_L = 1 (the output layer, no activation),
 * D_{l-1} = (W_l^T D_l) .* phi'(Z_{l-1}) (the activation table's kernel, as in
 * training); the input Jacobian is J = D_0^T W_0 [N x d]. The per-point
 * gradient of W_l is the outer product D_l[:, i] H_{l-1}[:, i]^T (H_{-1} = X^T)
 * and that of b_l is D_l[:, i], so the empirical NTK needs no N x P Jacobian:
 *   Theta = sum_l (D_l^T D_l) .* (H_{l-1}^T H_{l-1} + 1)   (.* elementwise),
 * since <a b^T, c d^T>_F = (a.c)(b.d). */
#include "rivals_internal.h"
#include "activation_kernels.h"
#include "forward.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The forward pass of the N points x [N x in_dim] on a FULL trace *t of
 * rows_max N: 0, or -1 on OOM (*t then empty). */
static int trace_points(const mlpv_net *net, const double *x, int N, mlpv_trace *t)
{
    if (mlpv_trace_alloc(t, MLPV_DOUBLE, MLPV_TRACE_FULL, &net->spec, N)) return -1;
    mlpv_trace_load(t, x, N);
    mlpv_forward_trace(t, net->store, N, NULL, NULL, 0);
    return 0;
}

/* Deltas of every layer: D[l] [fan_out_l x N], l = 0..depth, in one block *mem. */
static int backward_all(const mlpv_net *net, const mlpv_trace *t, int N, double ***Dout, double **mem)
{
    const mlpv_spec *s = &net->spec;
    int L = s->depth;
    size_t total = (size_t)N * ((size_t)L * s->width + (size_t)s->out_dim);
    double **D = malloc(sizeof(double *) * (size_t)(L + 1));
    double *buf = malloc(sizeof(double) * total);
    if (!D || !buf) {
        free(D);
        free(buf);
        return -1;
    }
    double *p = buf;
    for (int l = 0; l <= L; l++) {
        D[l] = p;
        p += (size_t)N * mlpv_layer_fan_out(s, l);
    }
    for (size_t i = 0; i < (size_t)N * s->out_dim; i++) D[L][i] = 1.0;
    for (int l = L; l >= 1; l--) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fi, N, fo, 1.0, net->W[l], fi, D[l], N, 0.0, D[l - 1], N);
        mlpv_dphi_mul_d(s->activation, t->Z[l - 1], t->H[l - 1], D[l - 1], fi, N, NULL);
    }
    *Dout = D;
    *mem = buf;
    return 0;
}

int mlpv_rv_input_jacobian(const mlpv_net *net, const double *x, int N, double *J)
{
    const mlpv_spec *s = &net->spec;
    mlpv_trace t;
    if (trace_points(net, x, N, &t)) return -1;
    double **D, *mem;
    if (backward_all(net, &t, N, &D, &mem)) {
        mlpv_trace_free(&t);
        return -1;
    }
    cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, s->in_dim, s->width, 1.0, D[0], N, net->W[0], s->in_dim,
                0.0, J, s->in_dim);
    free(D);
    free(mem);
    mlpv_trace_free(&t);
    return 0;
}

int mlpv_rv_ntk(const mlpv_net *net, const double *x, int N, double *Theta)
{
    const mlpv_spec *s = &net->spec;
    mlpv_trace t;
    if (trace_points(net, x, N, &t)) return -1;
    double *G = malloc(sizeof(double) * 2 * (size_t)N * N), *Hg = G ? G + (size_t)N * N : NULL;
    double **D = NULL, *mem = NULL;
    int rc = -1;
    if (!G) goto done;
    if (backward_all(net, &t, N, &D, &mem)) goto done;
    memset(Theta, 0, sizeof(double) * (size_t)N * N);
    for (int l = 0; l <= s->depth; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        const double *Hp = l == 0 ? t.in : t.H[l - 1]; /* [fi x N] */
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, N, fo, 1.0, D[l], N, D[l], N, 0.0, G, N);
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, N, fi, 1.0, Hp, N, Hp, N, 0.0, Hg, N);
        for (size_t i = 0; i < (size_t)N * N; i++) Theta[i] += G[i] * (Hg[i] + 1.0);
    }
    rc = 0;
done:
    free(G);
    free(D);
    free(mem);
    mlpv_trace_free(&t);
    return rc;
}

int mlpv_rv_naswot_kernel(const mlpv_net *net, const double *x, int N, double *K)
{
    const mlpv_spec *s = &net->spec;
    int nw = mlpv_pattern_code_words(s);
    long A = (long)s->depth * s->width;
    mlpv_trace t;
    if (trace_points(net, x, N, &t)) return -1;
    uint64_t *codes = malloc(sizeof(uint64_t) * (size_t)N * nw);
    if (!codes) {
        mlpv_trace_free(&t);
        return -1;
    }
    mlpv_pattern_codes(&t, N, codes);
    /* agreements = A - Hamming distance; the padding bits are 0 in every code */
    for (int i = 0; i < N; i++)
        for (int j = i; j < N; j++) {
            long ham = 0;
            for (int k = 0; k < nw; k++)
                ham += __builtin_popcountll(codes[(size_t)i * nw + k] ^ codes[(size_t)j * nw + k]);
            K[(size_t)i * N + j] = K[(size_t)j * N + i] = (double)(A - ham);
        }
    free(codes);
    mlpv_trace_free(&t);
    return 0;
}

int mlpv_rv_eigvals(const double *A, int n, double *w)
{
    size_t nn = (size_t)n * n;
    for (size_t i = 0; i < nn; i++)
        if (!isfinite(A[i])) { /* NaN weights: a NaN value, not an error */
            for (int k = 0; k < n; k++) w[k] = NAN;
            return 0;
        }
    double *a = malloc(sizeof(double) * nn);
    if (!a) return -1;
    memcpy(a, A, sizeof(double) * nn);
    lapack_int info = LAPACKE_dsyev(LAPACK_ROW_MAJOR, 'N', 'U', n, a, n, w);
    free(a);
    return info == 0 ? 0 : -1;
}

int mlpv_rv_jacob_cov_from_J(const double *J, int N, int d, double k, int center, double *out)
{
    double *R = calloc((size_t)N * d, sizeof(double));
    double *C = malloc(sizeof(double) * (size_t)N * N);
    double *w = malloc(sizeof(double) * (size_t)N);
    int rc = -1;
    if (!R || !C || !w) goto done;
    for (int i = 0; i < N; i++) {
        const double *j = J + (size_t)i * d;
        double *r = R + (size_t)i * d, mean = 0, sq = 0;
        if (center) {
            for (int t = 0; t < d; t++) mean += j[t];
            mean /= d;
        }
        for (int t = 0; t < d; t++) {
            r[t] = j[t] - mean;
            sq += r[t] * r[t];
        }
        double nrm = sqrt(sq);
        for (int t = 0; t < d; t++) r[t] = nrm > 0 ? r[t] / nrm : 0.0;
    }
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, N, d, 1.0, R, d, R, d, 0.0, C, N);
    if (mlpv_rv_eigvals(C, N, w)) goto done;
    double score = 0;
    for (int i = 0; i < N; i++) {
        double l = (w[i] > 0 ? w[i] : (w[i] <= 0 ? 0.0 : w[i])) + k; /* roundoff < 0 -> 0; NaN stays */
        score -= log(l) + 1.0 / l;
    }
    *out = score;
    rc = 0;
done:
    free(R);
    free(C);
    free(w);
    return rc;
}

int mlpv_rv_kernel_score(mlpv_rival r, const mlpv_net *net, const double *x, int N, const mlpv_rival_opts *o,
                         double *out)
{
    const mlpv_spec *s = &net->spec;
    const double eps = 2.220446049250313e-16; /* DBL_EPSILON */
    double *K = malloc(sizeof(double) * (size_t)N * (size_t)(N > s->in_dim ? N : s->in_dim));
    double *w = malloc(sizeof(double) * (size_t)N);
    int rc = -1;
    if (!K || !w) goto done;
    if (r == MLPV_RIVAL_JACOB_COV) {
        rc = mlpv_rv_input_jacobian(net, x, N, K);
        if (!rc) rc = mlpv_rv_jacob_cov_from_J(K, N, s->in_dim, o->jacob_k, o->jacob_center, out);
    } else if (r == MLPV_RIVAL_NASWOT) {
        /* log det(K_H / A (+ ridge I)); -inf when singular to working precision */
        double A = (double)s->depth * s->width;
        rc = mlpv_rv_naswot_kernel(net, x, N, K);
        for (size_t i = 0; !rc && i < (size_t)N * N; i++) K[i] /= A;
        if (!rc) rc = mlpv_rv_eigvals(K, N, w);
        if (!rc) {
            double v = 0, ridge = o->naswot_ridge;
            if (ridge > 0) { /* eigenvalues below 0 by roundoff taken as 0 */
                for (int i = 0; i < N; i++) v += log((w[i] > 0 ? w[i] : (w[i] <= 0 ? 0.0 : w[i])) + ridge);
                *out = v;
            } else {
                for (int i = 0; i < N; i++) v += log(w[i]);
                *out = w[0] > N * eps * w[N - 1] ? v : -INFINITY;
            }
        }
    } else if (r == MLPV_RIVAL_NTK_COND) {
        /* -log(lambda_max / lambda_min), lambda_min raised to N eps lambda_max */
        rc = mlpv_rv_ntk(net, x, N, K);
        if (!rc) rc = mlpv_rv_eigvals(K, N, w);
        if (!rc) {
            double lmax = w[N - 1], lmin = w[0], floor_ = N * eps * lmax;
            if (isnan(lmax) || isnan(lmin)) *out = NAN;
            else if (!(lmax > 0) || !isfinite(lmax)) *out = log(N * eps);
            else *out = -log(lmax / (lmin > floor_ ? lmin : floor_));
        }
    }
done:
    free(K);
    free(w);
    return rc;
}
