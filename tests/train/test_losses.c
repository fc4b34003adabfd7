/* What training reports beyond the weights: R^2 (mlpv_r2 against hand-computed
 * values, and mlpv_train's test_r2 against a naive forward pass), and the
 * per-step losses of keep_losses against a naive trajectory (full batch and
 * minibatch), their count, and that asking for them changes nothing else. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/network.h"
#include "mlpvar/train.h"
#include "naive.h"

static double sign_x1x2(const double *x, int k)
{
    (void)k;
    return x[0] * x[1] >= 0 ? 1.0 : -1.0;
}

/* A data set over the given targets (inputs unused by mlpv_r2). */
static mlpv_dataset targets(long n, int m, const double *y)
{
    mlpv_dataset d = nv_dataset(n, 2, m, 1, NULL);
    memcpy(d.y, y, sizeof(double) * (size_t)(n * m));
    return d;
}

START_TEST(test_r2_by_hand)
{
    /* y = 1,2,3,4: mean 2.5, SST = 2.25 + 0.25 + 0.25 + 2.25 = 5; MSE 0.25: SSE = 1, R^2 = 0.8 */
    const double y1[] = { 1, 2, 3, 4 };
    mlpv_dataset d = targets(4, 1, y1);
    ck_assert_double_eq_tol(mlpv_r2(&d, 0.25), 0.8, 1e-15);
    ck_assert_double_eq_tol(mlpv_r2(&d, 0.0), 1.0, 1e-15);
    ck_assert_double_eq_tol(mlpv_r2(&d, 1.25), 0.0, 1e-15); /* SSE = SST: the mean's score */
    ck_assert_double_eq_tol(mlpv_r2(&d, 2.5), -1.0, 1e-15); /* worse than the mean */
    ck_assert(isnan(mlpv_r2(&d, NAN)));
    nv_dataset_free(&d);
    /* two outputs, rows (1,0) (2,0) (3,2) (4,2): SST = 5 + 4 (means 2.5 and 1), pooled;
     * MSE 0.5 over 4 x 2 values: SSE = 4, R^2 = 1 - 4/9 */
    const double y2[] = { 1, 0, 2, 0, 3, 2, 4, 2 };
    d = targets(4, 2, y2);
    ck_assert_double_eq_tol(mlpv_r2(&d, 0.5), 5.0 / 9.0, 1e-15);
    nv_dataset_free(&d);
    /* constant targets: R^2 undefined */
    const double y3[] = { 0.5, 0.5, 0.5 };
    d = targets(3, 1, y3);
    ck_assert(isnan(mlpv_r2(&d, 0.1)));
    ck_assert(isnan(mlpv_r2(NULL, 0.1)));
    nv_dataset_free(&d);
}
END_TEST

/* R^2 of a trained net on real-valued targets from a naive forward pass. */
static double naive_r2(const mlpv_spec *s, const double *p, const mlpv_dataset *d)
{
    int zs = nv_zs(s), m = d->out_dim;
    double *z = calloc((size_t)(s->depth + 1) * zs, sizeof(double));
    double *h = calloc((size_t)(s->depth + 1) * zs, sizeof(double));
    double sse = 0, sst = 0;
    for (int k = 0; k < m; k++) {
        double mean = 0;
        for (long i = 0; i < d->n; i++) mean += d->y[i * m + k] / (double)d->n;
        for (long i = 0; i < d->n; i++) sst += (d->y[i * m + k] - mean) * (d->y[i * m + k] - mean);
    }
    for (long i = 0; i < d->n; i++) {
        nv_forward(s, p, d->x + i * d->in_dim, z, h, zs);
        for (int k = 0; k < m; k++) {
            double e = h[s->depth * zs + k] - d->y[i * m + k];
            sse += e * e;
        }
    }
    free(z);
    free(h);
    return 1.0 - sse / sst;
}

START_TEST(test_train_r2)
{
    mlpv_spec s = mlpv_spec_default(MLPV_TANH, 2, 8);
    s.out_dim = 2;
    mlpv_dataset tr = nv_dataset(64, 2, 2, 31, NULL), te = nv_dataset(40, 2, 2, 32, NULL);
    /* a learnable signal: y = (x1 x2, x1 + x2 / 2) plus the uniform noise already there / 4 */
    for (mlpv_dataset *d = &tr; d; d = d == &tr ? &te : NULL)
        for (long i = 0; i < d->n; i++) {
            const double *x = d->x + i * 2;
            d->y[i * 2] = x[0] * x[1] + d->y[i * 2] / 4;
            d->y[i * 2 + 1] = x[0] + x[1] / 2 + d->y[i * 2 + 1] / 4;
        }
    mlpv_net *net = mlpv_net_random(&s, 5);
    mlpv_train_opts o = mlpv_train_defaults();
    o.precision = MLPV_DOUBLE;
    o.steps = 200;
    o.lr = 1e-2;
    mlpv_train_result r;
    ck_assert_int_eq(mlpv_train(net, &tr, &te, &o, 1, &r), 0);
    double want = naive_r2(&s, net->store, &te);
    ck_assert_msg(want > 0.2 && want < 1, "the net learned something (R^2 %g)", want);
    ck_assert_double_eq_tol(r.test_r2, want, 1e-12);
    ck_assert(isnan(r.test_accuracy));
    ck_assert(isnan(r.train_accuracy));
    /* without a test set: no R^2 */
    mlpv_net *b = mlpv_net_random(&s, 5);
    ck_assert_int_eq(mlpv_train(b, &tr, NULL, &o, 1, &r), 0);
    ck_assert(isnan(r.test_r2));
    mlpv_net_free(b);
    mlpv_net_free(net);
    nv_dataset_free(&tr);
    nv_dataset_free(&te);

    /* +-1 labels: judged by accuracy, R^2 NaN */
    mlpv_spec s1 = mlpv_spec_default(MLPV_RELU, 2, 8);
    mlpv_dataset c = nv_dataset(64, 2, 1, 41, sign_x1x2), ct = nv_dataset(30, 2, 1, 42, sign_x1x2);
    net = mlpv_net_random(&s1, 6);
    o.steps = 20;
    ck_assert_int_eq(mlpv_train(net, &c, &ct, &o, 1, &r), 0);
    ck_assert(isnan(r.test_r2));
    ck_assert(r.test_accuracy >= 0 && r.test_accuracy <= 1);
    mlpv_net_free(net);
    nv_dataset_free(&c);
    nv_dataset_free(&ct);
}
END_TEST

/* losses[k] against the naive loss of step k+1's batch at the naive
 * trajectory's weights after k updates (Adam, double). */
static void check_losses(long batch)
{
    enum { K = 30 };
    mlpv_spec s = mlpv_spec_default(MLPV_TANH, 2, 5);
    const uint64_t seed = 7;
    mlpv_net *net = mlpv_net_random(&s, 3);
    long np = mlpv_net_param_count(net), n = 20;
    mlpv_dataset d = nv_dataset(n, 2, 1, 99, NULL);
    mlpv_train_opts o = mlpv_train_defaults();
    o.precision = MLPV_DOUBLE;
    o.steps = K;
    o.lr = 2e-2;
    o.batch = batch;
    o.keep_losses = 1;

    double *p = malloc(sizeof(double) * np), *g = malloc(sizeof(double) * np);
    double *m = calloc(np, sizeof(double)), *v = calloc(np, sizeof(double)), want[K];
    long *perm = malloc(sizeof(long) * n);
    memcpy(p, net->store, sizeof(double) * np);
    for (int t = 1; t <= K; t++) {
        const long *rows;
        long cnt = nv_step_rows(seed, t, n, batch, perm, &rows);
        want[t - 1] = nv_loss_grad(&s, p, &d, rows, cnt, g);
        nv_adam(p, g, m, v, np, t, o.lr, o.beta1, o.beta2, o.eps);
    }
    ck_assert(fabs(want[K - 1] - want[0]) > 1e-2 * want[0]); /* the loss moved */

    mlpv_train_result r;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, seed, &r), 0);
    ck_assert_int_eq(r.steps, K);
    ck_assert_ptr_nonnull(r.losses);
    for (int k = 0; k < K; k++)
        ck_assert_msg(fabs(r.losses[k] - want[k]) <= 1e-12 * want[k], "batch %ld step %d: loss %.17g, naive %.17g",
                      batch, k, r.losses[k], want[k]);
    free(r.losses);
    free(p);
    free(g);
    free(m);
    free(v);
    free(perm);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}

START_TEST(test_losses_full) { check_losses(0); }
END_TEST
START_TEST(test_losses_mini) { check_losses(6); }
END_TEST

/* keep_losses changes nothing else (float, minibatch, early stop); without it
 * no array; a diverged run has one finite loss per update applied. */
START_TEST(test_losses_bookkeeping)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 3, 10);
    mlpv_dataset d = nv_dataset(128, 2, 1, 21, sign_x1x2);
    mlpv_train_opts o = mlpv_train_defaults();
    o.steps = 300;
    o.batch = 32;
    o.lr = 1e-2;
    o.target_accuracy = 0.9;
    mlpv_train_result r0, r1;
    mlpv_net *a = mlpv_net_random(&s, 1), *b = mlpv_net_random(&s, 1);
    ck_assert_int_eq(mlpv_train(a, &d, NULL, &o, 5, &r0), 0);
    ck_assert_ptr_null(r0.losses);
    o.keep_losses = 1;
    ck_assert_int_eq(mlpv_train(b, &d, NULL, &o, 5, &r1), 0);
    long np = mlpv_net_param_count(a);
    ck_assert(memcmp(a->store, b->store, sizeof(double) * np) == 0);
    ck_assert_int_eq(r0.steps, r1.steps);
    ck_assert_double_eq(r0.final_loss, r1.final_loss);
    ck_assert_ptr_nonnull(r1.losses);
    for (int k = 0; k < r1.steps; k++) ck_assert(isfinite(r1.losses[k]) && r1.losses[k] >= 0);
    free(r1.losses);
    mlpv_net_free(a);
    mlpv_net_free(b);

    mlpv_net *c = mlpv_net_random(&s, 4);
    o.optimizer = MLPV_OPT_SGD;
    o.lr = 1e30;
    o.batch = 0;
    o.target_accuracy = 0;
    o.steps = 100;
    ck_assert_int_eq(mlpv_train(c, &d, NULL, &o, 1, &r1), 0);
    ck_assert_int_eq(r1.diverged, 1);
    ck_assert_int_lt(r1.steps, 100);
    for (int k = 0; k < r1.steps; k++) ck_assert(isfinite(r1.losses[k]));
    free(r1.losses);
    mlpv_net_free(c);
    nv_dataset_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train-losses");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_r2_by_hand);
    tcase_add_test(tc, test_train_r2);
    tcase_add_test(tc, test_losses_full);
    tcase_add_test(tc, test_losses_mini);
    tcase_add_test(tc, test_losses_bookkeeping);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
