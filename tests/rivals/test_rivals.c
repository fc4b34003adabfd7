/* Check tests of rivals.h, each score against a naive reimplementation on small
 * networks (width 3-6, depth 1-3): grad_norm and snip against central finite
 * differences of the loss; synflow against a direct product (and long double
 * at depth 200); jacob_cov's Jacobian against finite differences of the
 * forward pass and its score against Jacobi eigenvalues; the naswot kernel
 * against brute-force pattern comparison and its log-det against Gaussian
 * elimination; the NTK against finite-difference parameter gradients; linear
 * regions against a brute-force set of patterns (and the 2 / 4 region bounds);
 * trajectory length of a linear network against its closed form; names and
 * bad input. The internal pieces come from src/lib/rivals_internal.h. */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/network.h"
#include "mlpvar/rivals.h"
#include "mlpvar/rng.h"
#include "mlpvar/train.h"
#include "rivals_internal.h"

/* ---- naive helpers ---------------------------------------------------- */

static int fan_in(const mlpv_net *n, int l) { return l == 0 ? n->spec.in_dim : n->spec.width; }
static int fan_out(const mlpv_net *n, int l) { return l == n->spec.depth ? n->spec.out_dim : n->spec.width; }

/* One point through the network with loops; z (optional) gets every hidden
 * pre-activation, layer l's at z + l*width; y [out_dim]. */
static void nv_forward(const mlpv_net *net, const double *x, double *y, double *z)
{
    int n = net->spec.width, big = 64;
    double cur[64], nxt[64];
    ck_assert_int_le(n, big);
    memcpy(cur, x, sizeof(double) * net->spec.in_dim);
    for (int l = 0; l <= net->spec.depth; l++) {
        int fi = fan_in(net, l), fo = fan_out(net, l);
        for (int o = 0; o < fo; o++) {
            double a = net->b[l][o];
            for (int i = 0; i < fi; i++) a += net->W[l][o * fi + i] * cur[i];
            if (l < net->spec.depth) {
                if (z) z[l * n + o] = a;
                a = mlpv_phi(net->spec.activation, a);
            }
            nxt[o] = a;
        }
        memcpy(cur, nxt, sizeof(double) * fo);
    }
    memcpy(y, cur, sizeof(double) * net->spec.out_dim);
}

static double nv_sum_out(const mlpv_net *net, const double *x)
{
    double y[8], s = 0;
    nv_forward(net, x, y, NULL);
    for (int k = 0; k < net->spec.out_dim; k++) s += y[k];
    return s;
}

static double nv_loss(const mlpv_net *net, const mlpv_dataset *d)
{
    double s = 0, y[8];
    for (long r = 0; r < d->n; r++) {
        nv_forward(net, d->x + r * d->in_dim, y, NULL);
        for (int k = 0; k < d->out_dim; k++) {
            double e = y[k] - d->y[r * d->out_dim + k];
            s += e * e;
        }
    }
    return s / ((double)d->n * d->out_dim);
}

static mlpv_net *small_net(mlpv_activation a, int depth, int width, int in, int out, uint64_t seed)
{
    mlpv_spec s = mlpv_spec_default(a, depth, width);
    s.in_dim = in;
    s.out_dim = out;
    s.bias_std = 0.3;
    mlpv_net *net = mlpv_net_random(&s, seed);
    ck_assert_ptr_nonnull(net);
    return net;
}

/* n points uniform in [-1,1]^in with +-1 targets, from seed. */
static mlpv_dataset points(long n, int in, int out, uint64_t seed)
{
    mlpv_dataset d = { .n = n, .in_dim = in, .out_dim = out, .labels_pm1 = 1 };
    d.x = malloc(sizeof(double) * n * in);
    d.y = malloc(sizeof(double) * n * out);
    mlpv_rng_uniform(mlpv_mix64(seed), 7, 0, (size_t)(n * in), d.x);
    for (long i = 0; i < n * in; i++) d.x[i] = 2 * d.x[i] - 1;
    for (long i = 0; i < n * out; i++) d.y[i] = ((i * 7 + seed) % 3) ? 1.0 : -1.0;
    return d;
}

/* Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations, ascending. */
static void jacobi_eig(const double *A, int n, double *w)
{
    double *a = malloc(sizeof(double) * n * n);
    memcpy(a, A, sizeof(double) * n * n);
    for (int sweep = 0; sweep < 100; sweep++) {
        double off = 0, tot = 0;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                tot += a[i * n + j] * a[i * n + j];
                if (i != j) off += a[i * n + j] * a[i * n + j];
            }
        if (off <= 1e-32 * tot) break;
        for (int p = 0; p < n; p++)
            for (int q = p + 1; q < n; q++) {
                double apq = a[p * n + q];
                if (apq == 0) continue;
                double th = (a[q * n + q] - a[p * n + p]) / (2 * apq);
                double t = (th >= 0 ? 1.0 : -1.0) / (fabs(th) + sqrt(th * th + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < n; k++) {
                    double kp = a[k * n + p], kq = a[k * n + q];
                    a[k * n + p] = c * kp - s * kq;
                    a[k * n + q] = s * kp + c * kq;
                }
                for (int k = 0; k < n; k++) {
                    double pk = a[p * n + k], qk = a[q * n + k];
                    a[p * n + k] = c * pk - s * qk;
                    a[q * n + k] = s * pk + c * qk;
                }
            }
    }
    for (int i = 0; i < n; i++) w[i] = a[i * n + i];
    for (int i = 1; i < n; i++) /* insertion sort */
        for (int j = i; j > 0 && w[j - 1] > w[j]; j--) {
            double t = w[j];
            w[j] = w[j - 1];
            w[j - 1] = t;
        }
    free(a);
}

/* log|det A| by Gaussian elimination with partial pivoting; -inf when a pivot is 0. */
static double gauss_logdet(const double *A, int n)
{
    double *a = malloc(sizeof(double) * n * n), ld = 0;
    memcpy(a, A, sizeof(double) * n * n);
    for (int c = 0; c < n; c++) {
        int p = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(a[r * n + c]) > fabs(a[p * n + c])) p = r;
        if (a[p * n + c] == 0) {
            free(a);
            return -INFINITY;
        }
        for (int k = 0; k < n; k++) {
            double t = a[c * n + k];
            a[c * n + k] = a[p * n + k];
            a[p * n + k] = t;
        }
        ld += log(fabs(a[c * n + c]));
        for (int r = c + 1; r < n; r++) {
            double f = a[r * n + c] / a[c * n + c];
            for (int k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
        }
    }
    free(a);
    return ld;
}

static double score(mlpv_rival r, const mlpv_net *net, const mlpv_dataset *b, const mlpv_rival_opts *o)
{
    double v = 12345;
    ck_assert_int_eq(mlpv_rival_score(r, net, b, o, &v), 0);
    return v;
}

#define ASSERT_REL(a, b, tol)                                                                                          \
    ck_assert_msg(fabs((a) - (b)) <= (tol)*fmax(1.0, fabs(b)), "%s = %.15g vs %s = %.15g", #a, (double)(a), #b,        \
                  (double)(b))

/* ---- names and bad input --------------------------------------------------- */

START_TEST(test_names)
{
    for (int i = 0; i < MLPV_RIVAL_COUNT; i++) {
        mlpv_rival r;
        ck_assert_int_eq(mlpv_rival_parse(mlpv_rival_name((mlpv_rival)i), &r), 0);
        ck_assert_int_eq(r, i);
        ck_assert_ptr_nonnull(strstr(mlpv_rival_names(), mlpv_rival_name((mlpv_rival)i)));
    }
    mlpv_rival r = MLPV_RIVAL_SNIP;
    ck_assert_int_eq(mlpv_rival_parse("nope", &r), -1);
    ck_assert_int_eq(mlpv_rival_parse("", &r), -1);
    ck_assert_int_eq(mlpv_rival_parse("SNIP", &r), -1);
    ck_assert_int_eq(mlpv_rival_parse(NULL, &r), -1);
    ck_assert_int_eq(r, MLPV_RIVAL_SNIP);
    ck_assert_str_eq(mlpv_rival_name(MLPV_RIVAL_COUNT), "?");
    ck_assert_int_eq(mlpv_rival_needs(MLPV_RIVAL_SNIP), MLPV_RIVAL_NEEDS_INPUTS | MLPV_RIVAL_NEEDS_TARGETS);
    ck_assert_int_eq(mlpv_rival_needs(MLPV_RIVAL_NTK_COND), MLPV_RIVAL_NEEDS_INPUTS);
    ck_assert_int_eq(mlpv_rival_needs(MLPV_RIVAL_SYNFLOW), 0);
}
END_TEST

START_TEST(test_bad_input)
{
    mlpv_net *net = small_net(MLPV_RELU, 2, 4, 2, 1, 1);
    mlpv_dataset d = points(10, 2, 1, 1), d3 = points(10, 3, 1, 1);
    double v = 0;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_COUNT, net, &d, NULL, &v), -1);
    ck_assert(isnan(v));
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_SNIP, NULL, &d, NULL, &v), -1);
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_SNIP, net, &d, NULL, NULL), -1);
    for (int r = 0; r < MLPV_RIVAL_COUNT; r++) {
        int needs = mlpv_rival_needs((mlpv_rival)r);
        ck_assert_int_eq(mlpv_rival_score((mlpv_rival)r, net, NULL, NULL, &v), needs ? -1 : 0);
        ck_assert_int_eq(mlpv_rival_score((mlpv_rival)r, net, &d3, NULL, &v), needs ? -1 : 0);
    }
    mlpv_rival_opts o = mlpv_rival_defaults();
    o.grid = 1;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_LINEAR_REGIONS, net, &d, &o, &v), -1);
    o = mlpv_rival_defaults();
    o.samples = 2;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_TRAJECTORY, net, &d, &o, &v), -1);
    o = mlpv_rival_defaults();
    o.radius = 0;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_TRAJECTORY, net, &d, &o, &v), -1);
    o = mlpv_rival_defaults();
    o.jacob_k = -1;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_JACOB_COV, net, &d, &o, &v), -1);
    o = mlpv_rival_defaults();
    o.naswot_ridge = -1;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_NASWOT, net, &d, &o, &v), -1);
    o = mlpv_rival_defaults();
    o.batch = -1;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_NTK_COND, net, &d, &o, &v), -1);
    mlpv_dataset empty = d;
    empty.n = 0;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_NASWOT, net, &empty, NULL, &v), -1);
    mlpv_dataset noy = d;
    noy.y = NULL;
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_GRAD_NORM, net, &noy, NULL, &v), -1);
    ck_assert_int_eq(mlpv_rival_score(MLPV_RIVAL_NASWOT, net, &noy, NULL, &v), 0); /* inputs only */
    mlpv_dataset_free(&d);
    mlpv_dataset_free(&d3);
    mlpv_net_free(net);
}
END_TEST

/* ---- grad_norm and snip ------------------------------------------------------ */

START_TEST(test_grad_norm_snip_fd)
{
    const mlpv_activation acts[] = { MLPV_TANH, MLPV_GELU, MLPV_SIGMOID };
    for (int c = 0; c < 6; c++) {
        int depth = 1 + c % 3, width = 3 + c % 4, out = 1 + c / 4;
        mlpv_net *net = small_net(acts[c % 3], depth, width, 2, out, 10 + c);
        mlpv_dataset d = points(20, 2, out, 3 + c);
        mlpv_rival_opts o = mlpv_rival_defaults();
        o.grad_batch = c % 2 ? 13 : 0; /* the first 13 rows, or all */
        mlpv_dataset view = d;
        if (o.grad_batch) view.n = o.grad_batch;
        long np = mlpv_net_param_count(net);
        double gn = 0, snip = 0, h = 1e-5;
        long off = 0;
        for (int l = 0; l <= depth; l++) {
            long nw = (long)fan_in(net, l) * fan_out(net, l), nb = fan_out(net, l);
            for (long i = off; i < off + nw + nb; i++) {
                double p0 = net->store[i];
                net->store[i] = p0 + h;
                double lp = nv_loss(net, &view);
                net->store[i] = p0 - h;
                double lm = nv_loss(net, &view);
                net->store[i] = p0;
                double g = (lp - lm) / (2 * h);
                gn += g * g;
                if (i < off + nw) snip += fabs(p0 * g);
            }
            off += nw + nb;
        }
        ck_assert_int_eq(off, np);
        gn = sqrt(gn);
        ASSERT_REL(score(MLPV_RIVAL_GRAD_NORM, net, &d, &o), gn, 1e-7);
        ASSERT_REL(score(MLPV_RIVAL_SNIP, net, &d, &o), snip, 1e-7);
        mlpv_dataset_free(&d);
        mlpv_net_free(net);
    }
}
END_TEST

/* ---- synflow ------------------------------------------------------------------- */

/* R = sum of outputs of the linearised net (|W|, zero biases, identity, input 1). */
static double nv_synflow_R(const mlpv_net *net)
{
    double cur[64], nxt[64];
    for (int j = 0; j < net->spec.in_dim; j++) cur[j] = 1;
    for (int l = 0; l <= net->spec.depth; l++) {
        int fi = fan_in(net, l), fo = fan_out(net, l);
        for (int o = 0; o < fo; o++) {
            nxt[o] = 0;
            for (int i = 0; i < fi; i++) nxt[o] += fabs(net->W[l][o * fi + i]) * cur[i];
        }
        memcpy(cur, nxt, sizeof(double) * fo);
    }
    double R = 0;
    for (int k = 0; k < net->spec.out_dim; k++) R += cur[k];
    return R;
}

START_TEST(test_synflow_direct)
{
    for (int c = 0; c < 6; c++) {
        int depth = 1 + c % 3, width = 3 + c % 4, in = 2 + c % 2, out = 1 + c / 3;
        mlpv_net *net = small_net(c % 2 ? MLPV_TANH : MLPV_RELU, depth, width, in, out, 20 + c);
        /* Direct: SynFlow = sum_w |w| dR/d|w|; R is affine in each |w|, so a
         * central difference in |w| is exact up to rounding. Biases are ignored
         * (the linearised net has none). */
        double sf = 0, h = 1e-3;
        for (int l = 0; l <= depth; l++)
            for (long i = 0; i < (long)fan_in(net, l) * fan_out(net, l); i++) {
                double w = net->W[l][i], aw = fabs(w), sg = w < 0 ? -1 : 1;
                net->W[l][i] = sg * (aw + h);
                double rp = nv_synflow_R(net);
                net->W[l][i] = sg * (aw - h);
                double rm = nv_synflow_R(net);
                net->W[l][i] = w;
                sf += aw * (rp - rm) / (2 * h);
            }
        double got = score(MLPV_RIVAL_SYNFLOW, net, NULL, NULL);
        ASSERT_REL(got, log(sf), 1e-9);
        ASSERT_REL(got, log(depth + 1.0) + log(nv_synflow_R(net)), 1e-12); /* Euler, per layer */
        /* biases and the activation play no part */
        net->b[0][0] += 5;
        ASSERT_REL(score(MLPV_RIVAL_SYNFLOW, net, NULL, NULL), got, 1e-15);
        mlpv_net_free(net);
    }
    /* R = 0: a zero layer. */
    mlpv_net *net = small_net(MLPV_RELU, 2, 3, 2, 1, 5);
    memset(net->W[1], 0, sizeof(double) * 9);
    ck_assert(isinf(score(MLPV_RIVAL_SYNFLOW, net, NULL, NULL)) && score(MLPV_RIVAL_SYNFLOW, net, NULL, NULL) < 0);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_synflow_deep_no_overflow)
{
    mlpv_net *net = small_net(MLPV_RELU, 200, 16, 2, 1, 99);
    for (int l = 0; l <= 200; l++) /* x10: the plain product is near 1e330, past DBL_MAX */
        for (long i = 0; i < (long)fan_in(net, l) * fan_out(net, l); i++) net->W[l][i] *= 10;
    double got = score(MLPV_RIVAL_SYNFLOW, net, NULL, NULL);
    ck_assert(isfinite(got));
    ck_assert(isinf(nv_synflow_R(net))); /* the double product does overflow */
    /* long double (exponent to 16383) holds it */
    long double cur[16], nxt[16];
    for (int j = 0; j < 2; j++) cur[j] = 1;
    for (int l = 0; l <= 200; l++) {
        int fi = fan_in(net, l), fo = fan_out(net, l);
        for (int o = 0; o < fo; o++) {
            nxt[o] = 0;
            for (int i = 0; i < fi; i++) nxt[o] += fabsl((long double)net->W[l][o * fi + i]) * cur[i];
        }
        memcpy(cur, nxt, sizeof(long double) * fo);
    }
    double want = (double)(logl(201.0L) + logl(cur[0]));
    ck_assert(want > log(DBL_MAX));
    ASSERT_REL(got, want, 1e-11);
    mlpv_net_free(net);
}
END_TEST

/* ---- jacob_cov ------------------------------------------------------------------- */

static double nv_jacob_cov(const double *J, int N, int d, double k, int center)
{
    double *R = malloc(sizeof(double) * N * d), *C = malloc(sizeof(double) * N * N), *w = malloc(sizeof(double) * N);
    for (int i = 0; i < N; i++) {
        double mean = 0, sq = 0;
        if (center) {
            for (int t = 0; t < d; t++) mean += J[i * d + t];
            mean /= d;
        }
        for (int t = 0; t < d; t++) {
            R[i * d + t] = J[i * d + t] - mean;
            sq += R[i * d + t] * R[i * d + t];
        }
        for (int t = 0; t < d; t++) R[i * d + t] = sq > 0 ? R[i * d + t] / sqrt(sq) : 0;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int t = 0; t < d; t++) s += R[i * d + t] * R[j * d + t];
            C[i * N + j] = s;
        }
    jacobi_eig(C, N, w);
    double sc = 0;
    for (int i = 0; i < N; i++) {
        double l = fmax(w[i], 0) + k;
        sc -= log(l) + 1 / l;
    }
    free(R);
    free(C);
    free(w);
    return sc;
}

START_TEST(test_jacob_cov)
{
    for (int c = 0; c < 6; c++) {
        int depth = 1 + c % 3, width = 3 + c % 4, in = c < 3 ? 2 : 6, out = 1 + c % 2, N = c < 3 ? 5 : 4;
        mlpv_net *net = small_net(c % 2 ? MLPV_TANH : MLPV_SOFTPLUS, depth, width, in, out, 30 + c);
        mlpv_dataset d = points(N, in, out, 40 + c);
        double J[64], h = 1e-5;
        ck_assert_int_eq(mlpv_rv_input_jacobian(net, d.x, N, J), 0);
        for (int i = 0; i < N; i++)
            for (int t = 0; t < in; t++) {
                double *x = d.x + i * in, x0 = x[t];
                x[t] = x0 + h;
                double fp = nv_sum_out(net, x);
                x[t] = x0 - h;
                double fm = nv_sum_out(net, x);
                x[t] = x0;
                ck_assert_msg(fabs(J[i * in + t] - (fp - fm) / (2 * h)) < 1e-8, "J %g vs fd %g", J[i * in + t],
                              (fp - fm) / (2 * h));
            }
        mlpv_rival_opts o = mlpv_rival_defaults();
        for (int center = 0; center <= 1; center++) {
            o.jacob_center = center;
            ASSERT_REL(score(MLPV_RIVAL_JACOB_COV, net, &d, &o), nv_jacob_cov(J, N, in, 1e-5, center), 1e-9);
        }
        if (in == 2) {
            /* The paper's centring makes every d = 2 row a multiple of (1, -1):
             * eigenvalues {N, 0, ..., 0} whatever the network. */
            double k = 1e-5, want = -(log(N + k) + 1 / (N + k)) - (N - 1) * (log(k) + 1 / k);
            ASSERT_REL(score(MLPV_RIVAL_JACOB_COV, net, &d, &o), want, 1e-9);
        }
        mlpv_dataset_free(&d);
        mlpv_net_free(net);
    }
    /* batch: only the first rows are read */
    mlpv_net *net = small_net(MLPV_TANH, 2, 5, 3, 1, 3);
    mlpv_dataset d = points(30, 3, 1, 3);
    mlpv_rival_opts o = mlpv_rival_defaults();
    o.batch = 3;
    double J[9];
    ck_assert_int_eq(mlpv_rv_input_jacobian(net, d.x, 3, J), 0);
    ASSERT_REL(score(MLPV_RIVAL_JACOB_COV, net, &d, &o), nv_jacob_cov(J, 3, 3, 1e-5, 0), 1e-9);
    mlpv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

/* ---- naswot ---------------------------------------------------------------------- */

START_TEST(test_naswot)
{
    int tested = 0;
    for (int c = 0; c < 12 && tested < 4; c++) {
        int depth = 2 + c % 2, width = 4 + c % 3, A = depth * width, N = 6;
        mlpv_net *net = small_net(c % 3 == 2 ? MLPV_TANH : MLPV_RELU, depth, width, 2, 1, 50 + c);
        mlpv_dataset d = points(N, 2, 1, 60 + c);
        double K[36], Kn[36], z[6][64], y[1];
        ck_assert_int_eq(mlpv_rv_naswot_kernel(net, d.x, N, K), 0);
        for (int i = 0; i < N; i++) nv_forward(net, d.x + 2 * i, y, z[i]);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int agree = 0;
                for (int u = 0; u < A; u++) agree += (z[i][u] > 0) == (z[j][u] > 0);
                ck_assert_double_eq(K[i * N + j], agree);
                Kn[i * N + j] = agree / (double)A;
            }
        double ld = gauss_logdet(Kn, N);
        double got = score(MLPV_RIVAL_NASWOT, net, &d, NULL);
        if (isfinite(ld) && ld > -20) {
            ASSERT_REL(got, ld, 1e-9);
            ck_assert(got <= 1e-12); /* Hadamard: unit diagonal */
            tested++;
        }
        /* the ridge option: log det(K/A + ridge I) */
        mlpv_rival_opts o = mlpv_rival_defaults();
        o.naswot_ridge = 1e-3;
        for (int i = 0; i < N; i++) Kn[i * N + i] += o.naswot_ridge;
        ASSERT_REL(score(MLPV_RIVAL_NASWOT, net, &d, &o), gauss_logdet(Kn, N), 1e-9);
        /* a repeated point: two equal rows, singular; finite with the ridge */
        memcpy(d.x + 2, d.x, sizeof(double) * 2);
        got = score(MLPV_RIVAL_NASWOT, net, &d, NULL);
        ck_assert(isinf(got) && got < 0);
        ck_assert_int_eq(mlpv_rv_naswot_kernel(net, d.x, N, K), 0);
        for (int i = 0; i < N * N; i++) Kn[i] = K[i] / A + (i % (N + 1) == 0 ? o.naswot_ridge : 0);
        ASSERT_REL(score(MLPV_RIVAL_NASWOT, net, &d, &o), gauss_logdet(Kn, N), 1e-9);
        mlpv_dataset_free(&d);
        mlpv_net_free(net);
    }
    ck_assert_int_ge(tested, 3);
    /* N > A + 1: rank K <= A + 1, so singular */
    mlpv_net *net = small_net(MLPV_RELU, 1, 3, 2, 1, 7);
    mlpv_dataset d = points(40, 2, 1, 8);
    double got = score(MLPV_RIVAL_NASWOT, net, &d, NULL);
    ck_assert(isinf(got) && got < 0);
    mlpv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

/* ---- ntk_cond --------------------------------------------------------------------- */

START_TEST(test_ntk)
{
    for (int c = 0; c < 6; c++) {
        int depth = 1 + c % 3, width = 3 + c % 4, in = 2 + c % 2, out = 1 + c / 3, N = 4;
        mlpv_net *net = small_net(c % 2 ? MLPV_TANH : MLPV_GELU, depth, width, in, out, 70 + c);
        mlpv_dataset d = points(N, in, out, 80 + c);
        long np = mlpv_net_param_count(net);
        double *Jp = malloc(sizeof(double) * N * np), Th[16], nv[16], h = 1e-5;
        for (long p = 0; p < np; p++) {
            double p0 = net->store[p];
            for (int i = 0; i < N; i++) {
                net->store[p] = p0 + h;
                double fp = nv_sum_out(net, d.x + i * in);
                net->store[p] = p0 - h;
                double fm = nv_sum_out(net, d.x + i * in);
                Jp[i * np + p] = (fp - fm) / (2 * h);
            }
            net->store[p] = p0;
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                double s = 0;
                for (long p = 0; p < np; p++) s += Jp[i * np + p] * Jp[j * np + p];
                nv[i * N + j] = s;
            }
        ck_assert_int_eq(mlpv_rv_ntk(net, d.x, N, Th), 0);
        for (int i = 0; i < N * N; i++) ASSERT_REL(Th[i], nv[i], 1e-7);
        double w[4];
        jacobi_eig(nv, N, w);
        ASSERT_REL(score(MLPV_RIVAL_NTK_COND, net, &d, NULL), -log(w[N - 1] / w[0]), 1e-5);
        /* a repeated point: Theta singular, the guard gives log(N eps) */
        memcpy(d.x + in, d.x, sizeof(double) * in);
        ASSERT_REL(score(MLPV_RIVAL_NTK_COND, net, &d, NULL), log(N * DBL_EPSILON), 1e-12);
        free(Jp);
        mlpv_dataset_free(&d);
        mlpv_net_free(net);
    }
    /* A dead ReLU network: Theta = all ones (only the output bias and weights
     * on zero features), rank 1: the floor. */
    mlpv_net *net = small_net(MLPV_RELU, 2, 4, 2, 1, 9);
    for (int j = 0; j < 4; j++) net->b[0][j] = -100;
    mlpv_dataset d = points(8, 2, 1, 9);
    ASSERT_REL(score(MLPV_RIVAL_NTK_COND, net, &d, NULL), log(8 * DBL_EPSILON), 1e-12);
    mlpv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

/* ---- linear regions ------------------------------------------------------------- */

/* Distinct patterns over the g x g grid on [-1,1]^2, by pairwise comparison. */
static int brute_regions(const mlpv_net *net, int g)
{
    int A = net->spec.depth * net->spec.width, P = g * g, count = 0;
    char *codes = malloc((size_t)P * A);
    double z[512], y[8];
    ck_assert_int_le(A, 512);
    for (int p = 0; p < P; p++) {
        double x[2] = { -1 + 2.0 * (p / g) / (g - 1), -1 + 2.0 * (p % g) / (g - 1) };
        nv_forward(net, x, y, z);
        for (int u = 0; u < A; u++) codes[(size_t)p * A + u] = z[u] > 0;
        int seen = 0;
        for (int q = 0; q < p && !seen; q++) seen = !memcmp(codes + (size_t)q * A, codes + (size_t)p * A, A);
        count += !seen;
    }
    free(codes);
    return count;
}

START_TEST(test_linear_regions)
{
    mlpv_rival_opts o = mlpv_rival_defaults();
    for (int seed = 0; seed < 8; seed++) {
        mlpv_net *n1 = small_net(MLPV_RELU, 1, 1, 2, 1, seed), *n2 = small_net(MLPV_RELU, 1, 2, 2, 1, seed);
        double r1 = score(MLPV_RIVAL_LINEAR_REGIONS, n1, NULL, &o), r2 = score(MLPV_RIVAL_LINEAR_REGIONS, n2, NULL, &o);
        ck_assert(r1 >= 1 && r1 <= 2);
        ck_assert(r2 >= 1 && r2 <= 4);
        ck_assert_double_eq(r1, brute_regions(n1, o.grid));
        ck_assert_double_eq(r2, brute_regions(n2, o.grid));
        mlpv_net_free(n1);
        mlpv_net_free(n2);
    }
    /* several depths, widths, activations; and codes longer than one word */
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH, MLPV_LEAKY_RELU };
    o.grid = 24;
    for (int c = 0; c < 8; c++) {
        int depth = c < 6 ? 1 + c % 3 : 7, width = c < 6 ? 3 + c % 4 : 20; /* A = 140: 3 words */
        mlpv_net *net = small_net(acts[c % 4], depth, width, 2, 1, 100 + c);
        double got = score(MLPV_RIVAL_LINEAR_REGIONS, net, NULL, &o);
        ck_assert_double_eq(got, brute_regions(net, o.grid));
        ck_assert(got >= 1 && got <= o.grid * o.grid);
        mlpv_net_free(net);
    }
}
END_TEST

/* ---- trajectory length ------------------------------------------------------------ */

/* A linear network (identity activation) is f(x) = A x + c with A = W_L ... W_0.
 * On the circle x_k = r (cos t_k, sin t_k), t_k = 2 pi k / M, the step is
 *   x_{k+1} - x_k = r (cos t_{k+1} - cos t_k, sin t_{k+1} - sin t_k)
 *                 = 2 r sin(pi / M) (-sin p_k, cos p_k),   p_k = t_k + pi / M
 * (sum-to-product), so |f(x_{k+1}) - f(x_k)| = 2 r sin(pi/M) |A u_k| with
 * u_k = (-sin p_k, cos p_k), and dividing by the input length M 2 r sin(pi/M):
 *   ratio = (1/M) sum_k |A u_k|     exactly (independent of r and c).
 * For one output a = A^T, |a . u| = |a| |sin(p - angle(a))|, whose mean over a
 * full turn is 2 |a| / pi: the M -> infinity limit. */
START_TEST(test_trajectory_linear)
{
    for (int c = 0; c < 6; c++) {
        int depth = 1 + c % 3, width = 3 + c % 4, out = 1 + c / 3;
        mlpv_net *net = small_net(MLPV_IDENTITY, depth, width, 2, out, 110 + c);
        double A[2 * 64], T[2 * 64]; /* A [fo x 2], built layer by layer */
        for (int i = 0; i < width; i++)
            for (int t = 0; t < 2; t++) A[i * 2 + t] = net->W[0][i * 2 + t];
        for (int l = 1; l <= depth; l++) {
            int fi = fan_in(net, l), fo = fan_out(net, l);
            for (int i = 0; i < fo; i++)
                for (int t = 0; t < 2; t++) {
                    double s = 0;
                    for (int k = 0; k < fi; k++) s += net->W[l][i * fi + k] * A[k * 2 + t];
                    T[i * 2 + t] = s;
                }
            memcpy(A, T, sizeof(double) * fo * 2);
        }
        mlpv_rival_opts o = mlpv_rival_defaults();
        const int Ms[] = { 4, 7, 1000 };
        for (int mi = 0; mi < 3; mi++) {
            int M = Ms[mi];
            o.samples = M;
            o.radius = 0.3 + 0.2 * mi;
            double sum = 0;
            for (int k = 0; k < M; k++) {
                double p = 2 * M_PI * k / M + M_PI / M, u0 = -sin(p), u1 = cos(p), sq = 0;
                for (int i = 0; i < out; i++) {
                    double v = A[i * 2] * u0 + A[i * 2 + 1] * u1;
                    sq += v * v;
                }
                sum += sqrt(sq);
            }
            ASSERT_REL(score(MLPV_RIVAL_TRAJECTORY, net, NULL, &o), log(sum / M), 1e-9);
        }
        if (out == 1) {
            o.samples = 1000;
            double a = sqrt(A[0] * A[0] + A[1] * A[1]);
            ck_assert(fabs(score(MLPV_RIVAL_TRAJECTORY, net, NULL, &o) - log(2 * a / M_PI)) < 1e-5);
        }
        mlpv_net_free(net);
    }
    /* a constant output: length 0, score -inf */
    mlpv_net *net = small_net(MLPV_RELU, 1, 3, 2, 1, 1);
    memset(net->W[1], 0, sizeof(double) * 3);
    double v = score(MLPV_RIVAL_TRAJECTORY, net, NULL, NULL);
    ck_assert(isinf(v) && v < 0);
    mlpv_net_free(net);
}
END_TEST

/* ---- every score on a bigger net, and in_dim > 2 ----------------------------------- */

START_TEST(test_all_scores_run)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 8, 20);
    mlpv_net *net = mlpv_net_random(&s, 3);
    mlpv_dataset d = points(256, 2, 1, 3);
    for (int r = 0; r < MLPV_RIVAL_COUNT; r++) {
        double v = score((mlpv_rival)r, net, &d, NULL);
        ck_assert_msg(!isnan(v), "%s is NaN", mlpv_rival_name((mlpv_rival)r));
    }
    mlpv_dataset_free(&d);
    mlpv_net_free(net);
    /* in_dim 3: the slice is the landscape's; with u, v the first two axes the
     * grid points are those of the 2-D brute force with x3 = 0. */
    mlpv_net *n3 = small_net(MLPV_RELU, 2, 4, 3, 1, 4);
    double u[3] = { 1, 0, 0 }, v[3] = { 0, 1, 0 };
    mlpv_rival_opts o = mlpv_rival_defaults();
    o.grid = 16;
    o.u = u;
    o.v = v;
    mlpv_spec s2 = n3->spec;
    s2.in_dim = 2;
    mlpv_net *n2 = mlpv_net_alloc(&s2);
    for (int l = 0; l <= 2; l++) {
        memcpy(n2->b[l], n3->b[l], sizeof(double) * fan_out(n3, l));
        for (int i = 0; i < fan_out(n3, l); i++)
            for (int k = 0; k < fan_in(n2, l); k++) n2->W[l][i * fan_in(n2, l) + k] = n3->W[l][i * fan_in(n3, l) + k];
    }
    ck_assert_double_eq(score(MLPV_RIVAL_LINEAR_REGIONS, n3, NULL, &o), brute_regions(n2, 16));
    ASSERT_REL(score(MLPV_RIVAL_TRAJECTORY, n3, NULL, &o), score(MLPV_RIVAL_TRAJECTORY, n2, NULL, &o), 1e-12);
    o.u = o.v = NULL; /* random slice: runs */
    ck_assert(score(MLPV_RIVAL_LINEAR_REGIONS, n3, NULL, &o) >= 1);
    mlpv_net_free(n2);
    mlpv_net_free(n3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rivals");
    TCase *tc = tcase_create("rivals");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_bad_input);
    tcase_add_test(tc, test_grad_norm_snip_fd);
    tcase_add_test(tc, test_synflow_direct);
    tcase_add_test(tc, test_synflow_deep_no_overflow);
    tcase_add_test(tc, test_jacob_cov);
    tcase_add_test(tc, test_naswot);
    tcase_add_test(tc, test_ntk);
    tcase_add_test(tc, test_linear_regions);
    tcase_add_test(tc, test_trajectory_linear);
    tcase_add_test(tc, test_all_scores_run);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
