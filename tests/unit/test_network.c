/* Unit tests for network.h: the forward pass against a naive triple loop,
 * weight draws (determinism, variance, common random numbers), symmetry and
 * dead-layer facts, the layer hook, and wide-network Monte Carlo against the
 * arc-cosine kernels of docs/definitions.md. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "naive_forward.h"
#include "mlpvar/activation.h"
#include "mlpvar/metrics.h"
#include "mlpvar/landscape.h"
#include "mlpvar/network.h"
#include "mlpvar/spec.h"

static const double PI = 3.14159265358979323846;

static double lcg(uint64_t *st) /* [-1, 1) */
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*st >> 11) / 4503599627370496.0 - 1.0;
}

/* ---- forward vs naive ------------------------------------------------- */

typedef struct {
    int calls, depth, width, rows;
    long row0;
    mlpv_precision p;
    int bad_order, bad_shape;
    const double *naive_hidden; /* [rows][depth*width] */
    double max_err; /* largest |hook h - naive h| / (1 + |naive h|) */
} hook_ctx;

static void record_hook(void *vctx, int layer, const void *h, int rows, int width, long row0, mlpv_precision p)
{
    hook_ctx *c = vctx;
    if (layer != c->calls % c->depth) c->bad_order = 1;
    if (rows != c->rows || width != c->width || row0 != c->row0 || p != c->p) c->bad_shape = 1;
    c->calls++;
    if (c->bad_shape) return;
    for (int r = 0; r < rows; r++)
        for (int u = 0; u < width; u++) {
            /* h is unit-major: [width x rows] */
            double got = p == MLPV_DOUBLE ? ((const double *)h)[(size_t)u * rows + r]
                                          : (double)((const float *)h)[(size_t)u * rows + r];
            double want = c->naive_hidden[(size_t)r * c->depth * width + (size_t)layer * width + u];
            double e = fabs(got - want) / (1 + fabs(want));
            if (e > c->max_err) c->max_err = e;
        }
}

/* y = f(x) for in_dim 3, out_dim 2, several activations, depths, widths and
 * chunk row counts, in double (tolerance 1e-10: the naive sum differs from
 * BLAS only by ordering, ~1e-15) and float (1e-4: float rounding through a
 * few layers of width <= 33 is ~1e-6). The hook sees every hidden layer in
 * order with the right shape, row0 and values. */
START_TEST(test_forward_vs_naive)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH, MLPV_GELU, MLPV_SIN, MLPV_ELU };
    const int depths[] = { 1, 3 }, widths[] = { 5, 33 }, rowss[] = { 1, 3, 17, 64 };
    uint64_t st = 99;
    for (int a = 0; a < 6; a++)
        for (int di = 0; di < 2; di++)
            for (int wi = 0; wi < 2; wi++) {
                mlpv_spec s = mlpv_spec_default(acts[a], depths[di], widths[wi]);
                s.in_dim = 3;
                s.out_dim = 2;
                mlpv_net *net = mlpv_net_random(&s, 1000 + 10 * a + 3 * di + wi);
                ck_assert_ptr_nonnull(net);
                ck_assert_int_eq(net->n_layers, s.depth + 1);
                for (int ri = 0; ri < 4; ri++) {
                    int rows = rowss[ri], L = s.depth, n = s.width;
                    double *x = malloc(sizeof(double) * rows * 3);
                    float *xf = malloc(sizeof(float) * rows * 3);
                    double *y = malloc(sizeof(double) * rows * 2), *yn = malloc(sizeof(double) * rows * 2);
                    float *yf = malloc(sizeof(float) * rows * 2);
                    double *hid = malloc(sizeof(double) * rows * L * n);
                    long ws = mlpv_forward_work_size(net, rows);
                    ck_assert(ws >= (long)rows * n);
                    double *work = malloc(sizeof(double) * 2 * ws);
                    float *workf = malloc(sizeof(float) * 2 * ws);
                    for (int i = 0; i < rows * 3; i++) {
                        x[i] = 1.5 * lcg(&st);
                        xf[i] = (float)x[i];
                    }
                    double ymax = 0;
                    for (int r = 0; r < rows; r++) {
                        naive_forward(net, x + 3 * r, yn + 2 * r, hid + (size_t)r * L * n);
                        ymax = fmax(ymax, fmax(fabs(yn[2 * r]), fabs(yn[2 * r + 1])));
                    }
                    hook_ctx hc = { 0, L, n, rows, 1000 + ri, MLPV_DOUBLE, 0, 0, hid, 0 };
                    mlpv_forward_d(net, x, rows, y, work, record_hook, &hc, 1000 + ri);
                    ck_assert_int_eq(hc.calls, L);
                    ck_assert(!hc.bad_order && !hc.bad_shape);
                    ck_assert_msg(hc.max_err < 1e-10, "hook values off by %g", hc.max_err);
                    hook_ctx hcf = { 0, L, n, rows, 7, MLPV_FLOAT, 0, 0, hid, 0 };
                    mlpv_forward_f(net, xf, rows, yf, workf, record_hook, &hcf, 7);
                    ck_assert_int_eq(hcf.calls, L);
                    ck_assert(!hcf.bad_order && !hcf.bad_shape);
                    ck_assert_msg(hcf.max_err < 1e-4, "float hook values off by %g", hcf.max_err);
                    for (int i = 0; i < rows * 2; i++) {
                        ck_assert_msg(fabs(y[i] - yn[i]) <= 1e-10 * (1 + ymax),
                                      "%s L=%d n=%d rows=%d: y[%d] = %.15g, naive %.15g", mlpv_activation_name(acts[a]),
                                      L, n, rows, i, y[i], yn[i]);
                        ck_assert_msg(fabs(yf[i] - yn[i]) <= 1e-4 * (1 + ymax),
                                      "%s L=%d n=%d rows=%d: float y[%d] = %.8g, naive %.8g",
                                      mlpv_activation_name(acts[a]), L, n, rows, i, (double)yf[i], yn[i]);
                    }
                    /* no hook is fine too, and gives the same result */
                    double *y2 = malloc(sizeof(double) * rows * 2);
                    mlpv_forward_d(net, x, rows, y2, work, NULL, NULL, 0);
                    ck_assert(memcmp(y, y2, sizeof(double) * rows * 2) == 0);
                    free(y2);
                    free(x), free(xf), free(y), free(yn), free(yf), free(hid), free(work), free(workf);
                }
                mlpv_net_free(net);
            }
}
END_TEST

/* An allocated net has zero weights: output 0 everywhere. */
START_TEST(test_alloc_zero)
{
    mlpv_spec s = mlpv_spec_default(MLPV_TANH, 2, 4);
    mlpv_net *net = mlpv_net_alloc(&s);
    ck_assert_ptr_nonnull(net);
    ck_assert_int_eq(net->n_layers, 3);
    for (int l = 0; l < 3; l++)
        for (int i = 0; i < naive_fan_in(net, l) * naive_fan_out(net, l); i++)
            ck_assert(net->W[l][i] == 0.0 && net->Wf[l][i] == 0.0f);
    double x[2] = { 0.3, -0.7 }, y[1] = { 1.0 };
    double *work = malloc(sizeof(double) * 2 * mlpv_forward_work_size(net, 1));
    mlpv_forward_d(net, x, 1, y, work, NULL, NULL, 0);
    ck_assert(y[0] == 0.0);
    free(work);
    mlpv_net_free(net);
}
END_TEST

/* ---- weight draws ----------------------------------------------------- */

static int nets_identical(const mlpv_net *a, const mlpv_net *b)
{
    for (int l = 0; l < a->n_layers; l++) {
        size_t nw = (size_t)naive_fan_in(a, l) * naive_fan_out(a, l), nb = naive_fan_out(a, l);
        if (memcmp(a->W[l], b->W[l], nw * sizeof(double)) || memcmp(a->b[l], b->b[l], nb * sizeof(double)) ||
            memcmp(a->Wf[l], b->Wf[l], nw * sizeof(float)) || memcmp(a->bf[l], b->bf[l], nb * sizeof(float)))
            return 0;
    }
    return 1;
}

/* Same (spec, seed) -> identical bytes; another seed -> different weights;
 * float copies are the rounded double weights. */
START_TEST(test_random_deterministic)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 4, 37);
    s.in_dim = 3;
    s.out_dim = 2;
    mlpv_net *a = mlpv_net_random(&s, 12345), *b = mlpv_net_random(&s, 12345), *c = mlpv_net_random(&s, 12346);
    ck_assert(nets_identical(a, b));
    ck_assert(!nets_identical(a, c));
    int same = 0;
    for (int i = 0; i < 37 * 37; i++) same += a->W[2][i] == c->W[2][i];
    ck_assert_int_eq(same, 0);
    int mismatch = 0;
    for (int l = 0; l < a->n_layers; l++) {
        for (int i = 0; i < naive_fan_in(a, l) * naive_fan_out(a, l); i++) mismatch += a->Wf[l][i] != (float)a->W[l][i];
        for (int i = 0; i < naive_fan_out(a, l); i++) mismatch += a->bf[l][i] != (float)a->b[l][i];
    }
    ck_assert_int_eq(mismatch, 0);
    mlpv_net_free(a);
    mlpv_net_free(b);
    mlpv_net_free(c);
}
END_TEST

/* mean and E[w^2] of N values vs 0 and var: 5 SE each, SE(mean) = sqrt(var/N),
 * SE(E[w^2]) = sqrt(2) var / sqrt(N) (Gaussian; smaller for uniforms). */
static void check_moments(const double *w, size_t N, double var, const char *what)
{
    double m = 0, m2 = 0;
    for (size_t i = 0; i < N; i++) {
        m += w[i];
        m2 += w[i] * w[i];
    }
    m /= N, m2 /= N;
    ck_assert_msg(fabs(m) < 5 * sqrt(var / N), "%s: mean %g (var %g, N %zu)", what, m, var, N);
    ck_assert_msg(fabs(m2 - var) < 5 * sqrt(2.0) * var / sqrt((double)N), "%s: E[w^2] %g, want %g (N %zu)", what, m2,
                  var, N);
}

/* "auto": W_l ~ N(0, s2 / fan_in) with s2 = 1 for l = 0 and 1/E[phi^2] after;
 * b ~ N(0, 0.1^2). Checked on a 1000-wide net (1e6 weights in layer 1). */
START_TEST(test_weight_variance_auto)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 1000);
    ck_assert(fabs(mlpv_layer_gain(&s, 0) - 1.0) < 1e-12);
    ck_assert(fabs(mlpv_layer_gain(&s, 1) - 2.0) < 1e-9);
    ck_assert(fabs(mlpv_layer_gain(&s, 2) - 2.0) < 1e-9);
    mlpv_net *net = mlpv_net_random(&s, 2024);
    check_moments(net->W[0], 2 * 1000, 1.0 / 2, "layer 0");
    check_moments(net->W[1], 1000 * 1000, 2.0 / 1000, "layer 1");
    check_moments(net->W[2], 1000, 2.0 / 1000, "output layer");
    double *b = malloc(sizeof(double) * 2001);
    memcpy(b, net->b[0], 1000 * sizeof(double));
    memcpy(b + 1000, net->b[1], 1000 * sizeof(double));
    b[2000] = net->b[2][0];
    check_moments(b, 2001, 0.01, "biases");
    free(b);
    mlpv_net_free(net);

    /* abs: auto gain 1 */
    s = mlpv_spec_default(MLPV_ABS, 2, 600);
    ck_assert(fabs(mlpv_layer_gain(&s, 1) - 1.0) < 1e-9);
    net = mlpv_net_random(&s, 7);
    check_moments(net->W[1], 600 * 600, 1.0 / 600, "abs layer 1");
    mlpv_net_free(net);
}
END_TEST

/* Named schemes. Gains: he 2 and lecun 1 on hidden layers; xavier
 * 2 fan_in / (fan_in + fan_out) = 1 for a square layer; torch's nn.Linear
 * default U(-1/sqrt(fan_in), 1/sqrt(fan_in)) has variance 1/(3 fan_in), so
 * s2 = 1/3, and its biases are U(-1/sqrt(fan_in), 1/sqrt(fan_in)) whatever sb.
 * Every scheme's empirical variance matches its own layer gain. */
START_TEST(test_weight_variance_schemes)
{
    const mlpv_init inits[] = { MLPV_INIT_HE, MLPV_INIT_LECUN, MLPV_INIT_XAVIER, MLPV_INIT_TORCH };
    const double want_gain[] = { 2.0, 1.0, 1.0, 1.0 / 3.0 };
    const int n = 400;
    for (int k = 0; k < 4; k++) {
        mlpv_spec s = mlpv_spec_default(MLPV_TANH, 3, n);
        s.init = inits[k];
        double g1 = mlpv_layer_gain(&s, 1);
        ck_assert_msg(fabs(g1 - want_gain[k]) < 1e-9, "%s: hidden gain %g, want %g", mlpv_init_name(inits[k]), g1,
                      want_gain[k]);
        mlpv_net *net = mlpv_net_random(&s, 31 + k);
        for (int l = 0; l <= 3; l++) {
            size_t N = (size_t)naive_fan_in(net, l) * naive_fan_out(net, l);
            double var = mlpv_layer_gain(&s, l) / naive_fan_in(net, l);
            if (N >= 400) check_moments(net->W[l], N, var, mlpv_init_name(inits[k]));
        }
        if (inits[k] == MLPV_INIT_TORCH) {
            int out = 0;
            for (int l = 0; l <= 3; l++) {
                double bound = 1.0 / sqrt((double)naive_fan_in(net, l));
                for (int i = 0; i < naive_fan_in(net, l) * naive_fan_out(net, l); i++)
                    out += fabs(net->W[l][i]) > bound;
                for (int i = 0; i < naive_fan_out(net, l); i++) out += fabs(net->b[l][i]) > bound;
            }
            ck_assert_msg(out == 0, "torch: %d values outside +-1/sqrt(fan_in)", out);
            /* hidden biases U(-1/sqrt(n), 1/sqrt(n)): variance 1/(3n) */
            check_moments(net->b[1], n, 1.0 / (3.0 * n), "torch bias");
        }
        mlpv_net_free(net);
    }
}
END_TEST

/* Common random numbers: same shape and seed, different activations ->
 * layer 0 identical, later layers' weights in ratio sqrt(gain_a / gain_b)
 * (relu/abs: sqrt 2), biases identical. */
START_TEST(test_common_random_numbers)
{
    const mlpv_activation others[] = { MLPV_ABS, MLPV_TANH, MLPV_SIN };
    for (int k = 0; k < 3; k++) {
        mlpv_spec sr = mlpv_spec_default(MLPV_RELU, 3, 24), so = sr;
        so.activation = others[k];
        mlpv_net *a = mlpv_net_random(&sr, 555), *b = mlpv_net_random(&so, 555);
        for (int l = 0; l <= 3; l++) {
            double ratio = sqrt(mlpv_layer_gain(&sr, l) / mlpv_layer_gain(&so, l));
            if (l == 0) ck_assert(ratio == 1.0);
            if (others[k] == MLPV_ABS && l > 0) ck_assert(fabs(ratio - sqrt(2.0)) < 1e-9);
            for (int i = 0; i < naive_fan_in(a, l) * naive_fan_out(a, l); i++) {
                double wa = a->W[l][i], wb = b->W[l][i];
                if (!(fabs(wa - ratio * wb) <= 1e-13 * fabs(wa)))
                    ck_abort_msg("layer %d: %.17g vs %.17g * %.17g", l, wa, ratio, wb);
            }
            for (int i = 0; i < naive_fan_out(a, l); i++)
                if (!(fabs(a->b[l][i] - b->b[l][i]) <= 1e-15 * fabs(a->b[l][i])))
                    ck_abort_msg("layer %d bias %d differs", l, i);
        }
        mlpv_net_free(a);
        mlpv_net_free(b);
    }
}
END_TEST

/* ---- symmetry and dead layers ----------------------------------------- */

static double eval1(const mlpv_net *net, const double *x)
{
    double y;
    double *work = malloc(sizeof(double) * 2 * mlpv_forward_work_size(net, 1));
    mlpv_forward_d(net, x, 1, &y, work, NULL, NULL, 0);
    free(work);
    return y;
}

/* With zero biases an abs network is even (docs/definitions.md, theory). Teeth: a relu net
 * with zero biases, and the abs net with its default biases, are not. */
START_TEST(test_abs_even)
{
    mlpv_spec s = mlpv_spec_default(MLPV_ABS, 4, 20);
    s.bias_std = 0.0;
    mlpv_net *even = mlpv_net_random(&s, 77);
    mlpv_spec sr = s;
    sr.activation = MLPV_RELU;
    mlpv_net *relu = mlpv_net_random(&sr, 77);
    mlpv_spec sb = mlpv_spec_default(MLPV_ABS, 4, 20);
    mlpv_net *biased = mlpv_net_random(&sb, 77);
    uint64_t st = 5;
    double worst_relu = 0, worst_biased = 0;
    for (int k = 0; k < 40; k++) {
        double x[2] = { lcg(&st), lcg(&st) }, mx[2] = { -x[0], -x[1] };
        double f = eval1(even, x), fm = eval1(even, mx);
        ck_assert_msg(fabs(f - fm) <= 1e-12 * (1 + fabs(f)), "abs f(x) = %.17g, f(-x) = %.17g", f, fm);
        worst_relu = fmax(worst_relu, fabs(eval1(relu, x) - eval1(relu, mx)));
        worst_biased = fmax(worst_biased, fabs(eval1(biased, x) - eval1(biased, mx)));
    }
    ck_assert(worst_relu > 1e-3);
    ck_assert(worst_biased > 1e-6);
    mlpv_net_free(even);
    mlpv_net_free(relu);
    mlpv_net_free(biased);
}
END_TEST

/* A relu net whose hidden layer 1 has biases -1e6 is dead there: h_1 = 0,
 * h_2 = relu(b_2), so f is the constant b_3 + W_3 relu(b_2) (computed by
 * hand here) and the landscape has collapse ratio 0. */
START_TEST(test_dead_layer_constant)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 3, 16);
    mlpv_net *net = mlpv_net_random(&s, 9);
    for (int i = 0; i < 16; i++) net->b[1][i] = -1e6;
    mlpv_net_sync_float(net);
    ck_assert(net->bf[1][3] == -1e6f);
    double c = net->b[3][0];
    for (int i = 0; i < 16; i++) c += net->W[3][i] * fmax(net->b[2][i], 0.0);
    int g = 32;
    double *F = malloc(sizeof(double) * g * g);
    for (int p = 0; p < 2; p++) {
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = p ? MLPV_FLOAT : MLPV_DOUBLE;
        ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), 0);
        for (int i = 0; i < g * g; i++)
            ck_assert_msg(fabs(F[i] - c) <= (p ? 1e-5 : 1e-13) * (1 + fabs(c)), "F[%d] = %.17g, want %.17g", i, F[i],
                          c);
        double rho = mlpv_collapse_ratio(F, (size_t)g * g);
        ck_assert_msg(rho < 1e-7, "rho = %g", rho);
        ck_assert(mlpv_collapsed(rho, MLPV_TAU_DEFAULT));
    }
    /* the unedited net is far from collapsed (teeth) */
    mlpv_net *live = mlpv_net_random(&s, 9);
    mlpv_grid_opts o = mlpv_grid_defaults(g);
    ck_assert_int_eq(mlpv_landscape(live, &o, F, NULL), 0);
    ck_assert(mlpv_collapse_ratio(F, (size_t)g * g) > 0.05);
    mlpv_net_free(live);
    free(F);
    mlpv_net_free(net);
}
END_TEST

/* ---- wide-network Monte Carlo ----------------------------------------- */

typedef struct {
    int width;
    double *h; /* [2][width] */
} grab_ctx;

static void grab_hook(void *vctx, int layer, const void *h, int rows, int width, long row0, mlpv_precision p)
{
    grab_ctx *c = vctx;
    (void)row0;
    if (layer == 0 && rows == 2 && width == c->width && p == MLPV_DOUBLE)
        for (int r = 0; r < 2; r++) /* h is unit-major [width x 2] */
            for (int u = 0; u < width; u++) c->h[(size_t)r * width + u] = ((const double *)h)[(size_t)u * 2 + r];
}

/* One hidden layer of width 20000, zero biases, auto init (first layer
 * s2 = 1, so W ~ N(0, 1/2) for fan_in 2). For unit x1, x2 at angle theta,
 * (u, v) = (w.x1, w.x2) ~ N(0, q [[1, c], [c, 1]]) with q = 1/2, c = cos theta.
 * The mean over units of relu(u)relu(v) (abs: |u||v|) must match the
 * arc-cosine kernel within 5 SE, SE = sample std / sqrt(20000). */
START_TEST(test_wide_arccos_kernel)
{
    const int n = 20000;
    const double thetas[] = { 0.0, 0.3, 1.0, PI / 2, 2.0, 3.0 };
    const double q = 0.5;
    for (int act = 0; act < 2; act++) {
        mlpv_spec s = mlpv_spec_default(act ? MLPV_ABS : MLPV_RELU, 1, n);
        s.bias_std = 0.0;
        ck_assert(fabs(mlpv_layer_gain(&s, 0) - 1.0) < 1e-12); /* q = 1 * |x|^2 / fan_in */
        mlpv_net *net = mlpv_net_random(&s, 314159);
        grab_ctx gc = { n, malloc(sizeof(double) * 2 * n) };
        double *work = malloc(sizeof(double) * 2 * mlpv_forward_work_size(net, 2));
        for (int t = 0; t < 6; t++) {
            double th = thetas[t], c = cos(th);
            /* rotate a fixed unit vector so the pair is not axis-aligned */
            double x[4] = { cos(0.4), sin(0.4), cos(0.4 + th), sin(0.4 + th) }, y[2];
            mlpv_forward_d(net, x, 2, y, work, grab_hook, &gc, 0);
            double m = 0, m2 = 0;
            for (int j = 0; j < n; j++) {
                double pr = gc.h[j] * gc.h[n + j];
                m += pr;
                m2 += pr * pr;
            }
            m /= n;
            double se = sqrt((m2 / n - m * m) / (n - 1.0));
            double sq = sqrt(fmax(0.0, 1 - c * c));
            double want = act ? 2 * q / PI * (sq + c * asin(c)) : q / (2 * PI) * (sq + (PI - acos(c)) * c);
            ck_assert_msg(fabs(m - want) < 5 * se + 1e-12, "%s theta=%g: mean %.6g, theory %.6g, SE %.3g",
                          act ? "abs" : "relu", th, m, want, se);
        }
        free(work);
        free(gc.h);
        mlpv_net_free(net);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("network");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_forward_vs_naive);
    tcase_add_test(tc, test_alloc_zero);
    tcase_add_test(tc, test_random_deterministic);
    tcase_add_test(tc, test_weight_variance_auto);
    tcase_add_test(tc, test_weight_variance_schemes);
    tcase_add_test(tc, test_common_random_numbers);
    tcase_add_test(tc, test_abs_even);
    tcase_add_test(tc, test_dead_layer_constant);
    tcase_add_test(tc, test_wide_arccos_kernel);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
