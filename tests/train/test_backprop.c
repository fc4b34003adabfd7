/* Gradients of the MSE loss: mlpv_gradient against central finite differences
 * for every activation (points kept away from kinks), against a naive loop
 * backprop on more points than one chunk, the float path against the double
 * one, minibatch gathering, layer gradient norms, parameter count and
 * mlpv_evaluate's loss and accuracy rule. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/network.h"
#include "mlpvar/train.h"
#include "backprop.h"
#include "naive.h"

static double sign_x1x2(const double *x, int k)
{
    double v = k == 0 ? x[0] * x[1] : x[0] - 0.3 * x[1];
    return v >= 0 ? 1.0 : -1.0;
}

static mlpv_spec small_spec(mlpv_activation a, int depth, int width, int out)
{
    mlpv_spec s = mlpv_spec_default(a, depth, width);
    s.out_dim = out;
    s.bias_std = 0.5;
    return s;
}

/* Smallest |pre-activation| of any hidden unit at point x. */
static double min_abs_z(const mlpv_spec *s, const double *p, const double *x)
{
    int zs = nv_zs(s);
    double *z = calloc((size_t)(s->depth + 1) * zs, sizeof(double));
    double *h = calloc((size_t)(s->depth + 1) * zs, sizeof(double));
    nv_forward(s, p, x, z, h, zs);
    double mn = INFINITY;
    for (int l = 0; l < s->depth; l++)
        for (int j = 0; j < s->width; j++) mn = fmin(mn, fabs(z[l * zs + j]));
    free(z);
    free(h);
    return mn;
}

/* Keeps only the points of d whose every hidden pre-activation is >= margin
 * away from 0 (the kink of relu, abs, leaky relu, elu). Returns the count. */
static long keep_away_from_kinks(const mlpv_spec *s, const double *p, mlpv_dataset *d, double margin)
{
    long k = 0;
    for (long r = 0; r < d->n; r++) {
        if (min_abs_z(s, p, d->x + r * d->in_dim) < margin) continue;
        memmove(d->x + k * d->in_dim, d->x + r * d->in_dim, sizeof(double) * d->in_dim);
        memmove(d->y + k * d->out_dim, d->y + r * d->out_dim, sizeof(double) * d->out_dim);
        k++;
    }
    d->n = k;
    return k;
}

static double max_abs(const double *a, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

static double max_abs_diff(const double *a, const double *b, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static void check_fd(mlpv_activation a, int out)
{
    mlpv_spec s = small_spec(a, 3, 5, out);
    mlpv_net *net = mlpv_net_random(&s, 11 + (uint64_t)a);
    ck_assert_ptr_nonnull(net);
    long np = mlpv_net_param_count(net);
    ck_assert_int_eq(np, mlpv_spec_params(&s));
    mlpv_dataset d = nv_dataset(40, 2, out, 100 + (uint64_t)a, NULL);
    long kept = keep_away_from_kinks(&s, net->store, &d, 1e-3);
    ck_assert_msg(kept >= 15, "%s: only %ld points away from kinks", mlpv_activation_name(a), kept);

    double *g = malloc(sizeof(double) * np), *fd = malloc(sizeof(double) * np);
    double *p = malloc(sizeof(double) * np);
    memcpy(p, net->store, sizeof(double) * np);
    double loss = mlpv_gradient(net, &d, g);
    double loss_naive = nv_loss_grad(&s, p, &d, NULL, d.n, NULL);
    ck_assert_msg(fabs(loss - loss_naive) <= 1e-12 * loss_naive, "%s: loss %.17g vs %.17g", mlpv_activation_name(a),
                  loss, loss_naive);
    const double h = 1e-5;
    for (long i = 0; i < np; i++) {
        double p0 = p[i];
        p[i] = p0 + h;
        double lp = nv_loss_grad(&s, p, &d, NULL, d.n, NULL);
        p[i] = p0 - h;
        double lm = nv_loss_grad(&s, p, &d, NULL, d.n, NULL);
        p[i] = p0;
        fd[i] = (lp - lm) / (2 * h);
    }
    double gmax = max_abs(fd, np);
    ck_assert_msg(gmax > 1e-3, "%s: gradient vanishes", mlpv_activation_name(a));
    for (long i = 0; i < np; i++) {
        double tol = 1e-6 * fmax(fabs(fd[i]), 1e-2 * gmax);
        ck_assert_msg(fabs(g[i] - fd[i]) <= tol, "%s out %d param %ld: analytic %.12g fd %.12g",
                      mlpv_activation_name(a), out, i, g[i], fd[i]);
    }
    free(g);
    free(fd);
    free(p);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}

START_TEST(test_gradient_fd_one_output) { check_fd((mlpv_activation)_i, 1); }
END_TEST

START_TEST(test_gradient_fd_two_outputs) { check_fd((mlpv_activation)_i, 2); }
END_TEST

/* More points than one chunk (MLPV_BP_CHUNK), so chunk accumulation is exercised. */
START_TEST(test_gradient_vs_naive_chunks)
{
    mlpv_activation a = (mlpv_activation)_i;
    mlpv_spec s = small_spec(a, 3, 7, 2);
    mlpv_net *net = mlpv_net_random(&s, 5);
    long n = 2 * MLPV_BP_CHUNK + 77, np = mlpv_net_param_count(net);
    mlpv_dataset d = nv_dataset(n, 2, 2, 9, sign_x1x2);
    double *g = malloc(sizeof(double) * np), *gn = malloc(sizeof(double) * np);
    double loss = mlpv_gradient(net, &d, g);
    double ln = nv_loss_grad(&s, net->store, &d, NULL, n, gn);
    ck_assert_double_eq_tol(loss, ln, 1e-12 * ln);
    double scale = max_abs(gn, np);
    ck_assert(scale > 0);
    ck_assert_msg(max_abs_diff(g, gn, np) <= 1e-10 * scale, "%s: %g", mlpv_activation_name(a),
                  max_abs_diff(g, gn, np) / scale);
    free(g);
    free(gn);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

/* The float instantiation agrees with the double one (internal ops table),
 * both contiguous and through a gather index (a minibatch). */
START_TEST(test_float_path_and_gather)
{
    mlpv_activation a = (mlpv_activation)_i;
    mlpv_spec s = small_spec(a, 4, 9, 1);
    mlpv_net *net = mlpv_net_random(&s, 21);
    long n = MLPV_BP_CHUNK + 100, np = mlpv_net_param_count(net);
    mlpv_dataset d = nv_dataset(n, 2, 1, 3, sign_x1x2);
    float *xf = malloc(sizeof(float) * n * 2), *yf = malloc(sizeof(float) * n);
    for (long i = 0; i < 2 * n; i++) xf[i] = (float)d.x[i];
    for (long i = 0; i < n; i++) yf[i] = (float)d.y[i];
    double *gd = malloc(sizeof(double) * np), *gn = malloc(sizeof(double) * np);
    float *gf = malloc(sizeof(float) * np);

    /* float, contiguous rows 0..n-1, against the double gradient */
    mlpv_bp_ws *wf = mlpv_bp_float.ws_alloc(&s, 128);
    ck_assert_ptr_nonnull(wf);
    long cf = -1;
    double lf = mlpv_bp_float.batch_grad(wf, net->storef, xf, yf, NULL, 0, n, gf, &cf);
    double ld = mlpv_gradient(net, &d, gd);
    ck_assert_double_eq_tol(lf, ld, 1e-4 * ld);
    double scale = max_abs(gd, np), err = 0;
    for (long i = 0; i < np; i++) err = fmax(err, fabs((double)gf[i] - gd[i]));
    ck_assert_msg(err <= 1e-4 * scale, "%s float: %g", mlpv_activation_name(a), err / scale);
    double acc;
    mlpv_evaluate(net, &d, NULL, &acc);
    ck_assert(fabs((double)cf / n - acc) <= 3.0 / n);

    /* double, gathered rows (every third point, offset), against the naive gradient */
    long nb = n / 3, *idx = malloc(sizeof(long) * nb);
    for (long r = 0; r < nb; r++) idx[r] = (3 * r + 7) % n;
    mlpv_bp_ws *wd = mlpv_bp_double.ws_alloc(&s, 100);
    double *gg = malloc(sizeof(double) * np);
    double lg = mlpv_bp_double.batch_grad(wd, net->store, d.x, d.y, idx, 0, nb, gg, NULL);
    double lgn = nv_loss_grad(&s, net->store, &d, idx, nb, gn);
    ck_assert_double_eq_tol(lg, lgn, 1e-12 * lgn);
    ck_assert(max_abs_diff(gg, gn, np) <= 1e-10 * max_abs(gn, np));

    /* contiguous rows starting at row0 */
    long row0 = 50, cnt = 300, *seq = malloc(sizeof(long) * cnt);
    for (long r = 0; r < cnt; r++) seq[r] = row0 + r;
    double lr0 = mlpv_bp_double.batch_grad(wd, net->store, d.x, d.y, NULL, row0, cnt, gg, NULL);
    double lr0n = nv_loss_grad(&s, net->store, &d, seq, cnt, gn);
    ck_assert_double_eq_tol(lr0, lr0n, 1e-12 * lr0n);
    ck_assert(max_abs_diff(gg, gn, np) <= 1e-10 * max_abs(gn, np));

    mlpv_bp_float.ws_free(wf);
    mlpv_bp_double.ws_free(wd);
    free(xf);
    free(yf);
    free(gd);
    free(gn);
    free(gf);
    free(idx);
    free(gg);
    free(seq);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_layer_grad_norms)
{
    mlpv_spec s = small_spec(MLPV_RELU, 5, 6, 2);
    mlpv_net *net = mlpv_net_random(&s, 8);
    mlpv_dataset d = nv_dataset(200, 2, 2, 4, sign_x1x2);
    long np = mlpv_net_param_count(net);
    double *g = malloc(sizeof(double) * np), norms[6];
    mlpv_gradient(net, &d, g);
    mlpv_layer_grad_norms(net, &d, norms);
    for (int l = 0; l <= s.depth; l++) {
        long off = nv_offW(&s, l), nw = (long)nv_fi(&s, l) * nv_fo(&s, l);
        double ss = 0;
        for (long i = 0; i < nw; i++) ss += g[off + i] * g[off + i];
        ck_assert(norms[l] > 0);
        ck_assert_double_eq_tol(norms[l], sqrt(ss), 1e-14 * sqrt(ss));
    }
    free(g);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_param_count)
{
    for (int depth = 1; depth <= 6; depth++)
        for (int out = 1; out <= 3; out++) {
            mlpv_spec s = small_spec(MLPV_TANH, depth, 3 + depth, out);
            s.in_dim = 1 + out;
            mlpv_net *net = mlpv_net_alloc(&s);
            ck_assert_int_eq(mlpv_net_param_count(net), mlpv_spec_params(&s));
            ck_assert_int_eq(mlpv_net_param_count(net), nv_nparams(&s));
            mlpv_net_free(net);
        }
}
END_TEST

/* Constant outputs (1, -1) from zero weights: the accuracy rule for several
 * outputs counts a point only when every output has its target's sign. */
START_TEST(test_evaluate_rule)
{
    mlpv_spec s = small_spec(MLPV_RELU, 1, 3, 2);
    mlpv_net *net = mlpv_net_alloc(&s);
    net->b[1][0] = 1.0;
    net->b[1][1] = -1.0;
    mlpv_net_sync_float(net);
    double x[8] = { 0.1, 0.2, -0.3, 0.4, 0.5, -0.6, 0.7, 0.8 };
    double y[8] = { 1, -1, 1, 1, -1, -1, 1, -1 };
    mlpv_dataset d = { 4, 2, 2, x, y, 1 };
    double loss, acc;
    mlpv_evaluate(net, &d, &loss, &acc);
    ck_assert_double_eq_tol(loss, 8.0 / 8.0, 1e-15);
    ck_assert_double_eq_tol(acc, 0.5, 1e-15);
    /* an output of exactly 0 has no sign: wrong */
    net->b[1][1] = 0.0;
    mlpv_evaluate(net, &d, &loss, &acc);
    ck_assert_double_eq_tol(acc, 0.0, 1e-15);
    /* targets not +-1: accuracy NaN, loss still defined */
    d.labels_pm1 = 0;
    mlpv_evaluate(net, &d, &loss, &acc);
    ck_assert(isnan(acc));
    ck_assert(isfinite(loss));
    /* mismatched shape: NaN */
    d.in_dim = 3;
    mlpv_evaluate(net, &d, &loss, &acc);
    ck_assert(isnan(loss) && isnan(acc));
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_evaluate_vs_naive)
{
    mlpv_spec s = small_spec(MLPV_GELU, 3, 8, 1);
    mlpv_net *net = mlpv_net_random(&s, 2);
    mlpv_dataset d = nv_dataset(MLPV_BP_CHUNK * 2 + 5, 2, 1, 6, sign_x1x2);
    double loss, acc;
    mlpv_evaluate(net, &d, &loss, &acc);
    double ln = nv_loss_grad(&s, net->store, &d, NULL, d.n, NULL);
    ck_assert_double_eq_tol(loss, ln, 1e-12 * ln);
    int zs = nv_zs(&s);
    double *z = calloc((size_t)(s.depth + 1) * zs, sizeof(double)),
           *h = calloc((size_t)(s.depth + 1) * zs, sizeof(double));
    long c = 0;
    for (long r = 0; r < d.n; r++) {
        nv_forward(&s, net->store, d.x + 2 * r, z, h, zs);
        c += h[s.depth * zs] * d.y[r] > 0;
    }
    ck_assert_double_eq_tol(acc, (double)c / d.n, 1e-15);
    free(z);
    free(h);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("backprop");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_gradient_fd_one_output, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_loop_test(tc, test_gradient_fd_two_outputs, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_loop_test(tc, test_gradient_vs_naive_chunks, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_loop_test(tc, test_float_path_and_gather, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_test(tc, test_layer_grad_norms);
    tcase_add_test(tc, test_param_count);
    tcase_add_test(tc, test_evaluate_rule);
    tcase_add_test(tc, test_evaluate_vs_naive);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
