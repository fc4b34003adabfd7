/* Training: the loop against a naive loop-based reimplementation step by step
 * (Adam and SGD with momentum, full batch and minibatch), the first Adam step,
 * the documented batch order, divergence, early stopping, float against
 * double, options, and the bookkeeping of the result. */
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

static double sign_x1(const double *x, int k)
{
    (void)k;
    return x[0] >= 0 ? 1.0 : -1.0;
}

static double max_abs(const double *a, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) m = fmax(m, fabs(a[i]));
    return m;
}

static double rel_diff(const double *a, const double *b, long n)
{
    double m = 0;
    for (long i = 0; i < n; i++) m = fmax(m, fabs(a[i] - b[i]));
    return m / max_abs(b, n);
}

START_TEST(test_defaults_and_names)
{
    mlpv_train_opts o = mlpv_train_defaults();
    ck_assert_int_eq(o.optimizer, MLPV_OPT_ADAM);
    ck_assert_double_eq(o.lr, 3e-3);
    ck_assert_int_eq(o.steps, 2000);
    ck_assert_int_eq(o.batch, 0);
    ck_assert_double_eq(o.target_accuracy, 0);
    ck_assert_int_eq(o.check_every, 10);
    ck_assert_double_eq(o.beta1, 0.9);
    ck_assert_double_eq(o.beta2, 0.999);
    ck_assert_double_eq(o.eps, 1e-8);
    ck_assert_double_eq(o.momentum, 0);
    ck_assert_int_eq(o.precision, MLPV_FLOAT);
    ck_assert_str_eq(mlpv_optimizer_name(MLPV_OPT_ADAM), "adam");
    ck_assert_str_eq(mlpv_optimizer_name(MLPV_OPT_SGD), "sgd");
    mlpv_optimizer p;
    ck_assert_int_eq(mlpv_optimizer_parse("sgd", &p), 0);
    ck_assert_int_eq(p, MLPV_OPT_SGD);
    ck_assert_int_eq(mlpv_optimizer_parse("adam", &p), 0);
    ck_assert_int_eq(p, MLPV_OPT_ADAM);
    ck_assert_int_eq(mlpv_optimizer_parse("Adam", &p), -1);
    ck_assert_int_eq(mlpv_optimizer_parse("", &p), -1);
}
END_TEST

START_TEST(test_batch_order)
{
    long n = 1000, *a = malloc(sizeof(long) * n), *b = malloc(sizeof(long) * n);
    int *seen = calloc(n, sizeof(int));
    mlpv_train_batch_order(42, 3, n, a);
    nv_perm(42, 3, n, b);
    for (long i = 0; i < n; i++) {
        ck_assert_int_eq(a[i], b[i]);
        ck_assert(a[i] >= 0 && a[i] < n);
        seen[a[i]]++;
    }
    for (long i = 0; i < n; i++) ck_assert_int_eq(seen[i], 1);
    long fixed = 0;
    for (long i = 0; i < n; i++) fixed += a[i] == i;
    ck_assert(fixed < 10); /* shuffled */
    mlpv_train_batch_order(42, 4, n, b); /* another epoch */
    ck_assert(memcmp(a, b, sizeof(long) * n) != 0);
    mlpv_train_batch_order(43, 3, n, b); /* another seed */
    ck_assert(memcmp(a, b, sizeof(long) * n) != 0);
    mlpv_train_batch_order(42, 0, 1, a);
    ck_assert_int_eq(a[0], 0);
    free(a);
    free(b);
    free(seen);
}
END_TEST

/* Parameters after k = 1..25 steps of mlpv_train (fresh call each time, from
 * the same initial net) against a naive trajectory, in double. */
static void check_naive_trajectory(mlpv_activation act, mlpv_optimizer opt, long batch)
{
    enum { K = 25 };
    mlpv_spec s = mlpv_spec_default(act, 2, 4);
    const uint64_t net_seed = 17, seed = 99;
    mlpv_net *net0 = mlpv_net_random(&s, net_seed);
    long np = mlpv_net_param_count(net0), n = 16;
    mlpv_dataset d = nv_dataset(n, 2, 1, 1234, sign_x1x2);
    mlpv_train_opts o = mlpv_train_defaults();
    o.precision = MLPV_DOUBLE;
    o.optimizer = opt;
    o.batch = batch;
    o.lr = opt == MLPV_OPT_ADAM ? 1e-2 : 5e-2;
    o.momentum = opt == MLPV_OPT_SGD ? 0.9 : 0.0;

    /* naive trajectory */
    double *p = malloc(sizeof(double) * np), *g = malloc(sizeof(double) * np);
    double *m = calloc(np, sizeof(double)), *v = calloc(np, sizeof(double));
    double *traj = malloc(sizeof(double) * np * K);
    long *perm = malloc(sizeof(long) * n);
    memcpy(p, net0->store, sizeof(double) * np);
    for (int t = 1; t <= K; t++) {
        const long *rows;
        long cnt = nv_step_rows(seed, t, n, batch, perm, &rows);
        nv_loss_grad(&s, p, &d, rows, cnt, g);
        if (opt == MLPV_OPT_ADAM) nv_adam(p, g, m, v, np, t, o.lr, o.beta1, o.beta2, o.eps);
        else nv_sgd(p, g, m, np, o.lr, o.momentum);
        memcpy(traj + (t - 1) * np, p, sizeof(double) * np);
    }
    /* moved a fair way: the comparison is not trivially between near-equal nets */
    ck_assert(rel_diff(traj + (K - 1) * np, net0->store, np) > 1e-2);

    for (int k = 1; k <= K; k++) {
        mlpv_net *net = mlpv_net_random(&s, net_seed);
        mlpv_train_result r;
        o.steps = k;
        ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, seed, &r), 0);
        ck_assert_int_eq(r.steps, k);
        ck_assert_int_eq(r.diverged, 0);
        double err = rel_diff(net->store, traj + (k - 1) * np, np);
        ck_assert_msg(err < 1e-10, "%s %s batch %ld step %d: rel err %g", mlpv_activation_name(act),
                      mlpv_optimizer_name(opt), batch, k, err);
        for (long i = 0; i < np; i++) ck_assert(net->storef[i] == (float)net->store[i]);
        double ln = nv_loss_grad(&s, net->store, &d, NULL, n, NULL);
        ck_assert_double_eq_tol(r.final_loss, ln, 1e-12 * ln);
        mlpv_net_free(net);
    }
    free(p);
    free(g);
    free(m);
    free(v);
    free(traj);
    free(perm);
    nv_dataset_free(&d);
    mlpv_net_free(net0);
}

START_TEST(test_naive_adam_full)
{
    check_naive_trajectory(MLPV_TANH, MLPV_OPT_ADAM, 0);
    check_naive_trajectory(MLPV_RELU, MLPV_OPT_ADAM, 0);
}
END_TEST
START_TEST(test_naive_adam_mini)
{
    check_naive_trajectory(MLPV_TANH, MLPV_OPT_ADAM, 5);
    check_naive_trajectory(MLPV_RELU, MLPV_OPT_ADAM, 5);
}
END_TEST
START_TEST(test_naive_sgd_full)
{
    check_naive_trajectory(MLPV_TANH, MLPV_OPT_SGD, 0);
    check_naive_trajectory(MLPV_RELU, MLPV_OPT_SGD, 0);
}
END_TEST
START_TEST(test_naive_sgd_mini)
{
    check_naive_trajectory(MLPV_TANH, MLPV_OPT_SGD, 5);
    check_naive_trajectory(MLPV_RELU, MLPV_OPT_SGD, 5);
}
END_TEST
START_TEST(test_naive_batch_ge_n)
{
    check_naive_trajectory(MLPV_SILU, MLPV_OPT_ADAM, 16);
    check_naive_trajectory(MLPV_ABS, MLPV_OPT_SGD, 100);
}
END_TEST

/* Step 1 of Adam: m_hat / sqrt(v_hat) = sign(g), so every parameter with a
 * nonzero gradient moves by lr against its gradient. */
START_TEST(test_adam_first_step)
{
    mlpv_spec s = mlpv_spec_default(MLPV_TANH, 3, 6);
    mlpv_net *net = mlpv_net_random(&s, 3);
    mlpv_dataset d = nv_dataset(64, 2, 1, 77, sign_x1x2);
    long np = mlpv_net_param_count(net);
    double *g = malloc(sizeof(double) * np), *p0 = malloc(sizeof(double) * np);
    mlpv_gradient(net, &d, g);
    memcpy(p0, net->store, sizeof(double) * np);
    mlpv_train_opts o = mlpv_train_defaults();
    o.precision = MLPV_DOUBLE;
    o.steps = 1;
    o.lr = 1e-3;
    o.eps = 1e-14;
    mlpv_train_result r;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), 0);
    long moved = 0;
    for (long i = 0; i < np; i++) {
        double dp = net->store[i] - p0[i];
        if (fabs(g[i]) < 1e-7) continue;
        double want = g[i] > 0 ? -o.lr : o.lr;
        ck_assert_msg(fabs(dp - want) <= 1e-6 * o.lr, "param %ld moved %.12g, want %.12g", i, dp, want);
        moved++;
    }
    ck_assert(moved > np / 2);
    free(g);
    free(p0);
    nv_dataset_free(&d);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_divergence)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 3, 8);
    mlpv_dataset d = nv_dataset(100, 2, 1, 5, sign_x1x2);
    for (int prec = 0; prec < 2; prec++)
        for (long batch = 0; batch <= 10; batch += 10) {
            mlpv_net *net = mlpv_net_random(&s, 4);
            mlpv_train_opts o = mlpv_train_defaults();
            o.optimizer = MLPV_OPT_SGD;
            o.lr = 1e30;
            o.steps = 100;
            o.batch = batch;
            o.precision = prec ? MLPV_DOUBLE : MLPV_FLOAT;
            mlpv_train_result r;
            ck_assert_int_eq(mlpv_train(net, &d, &d, &o, 1, &r), 0);
            ck_assert_int_eq(r.diverged, 1);
            ck_assert_int_lt(r.steps, 100);
            ck_assert_int_ge(r.steps, 1);
            ck_assert(!isfinite(r.final_loss) || r.final_loss > 1e20);
            mlpv_net_free(net);
        }
    nv_dataset_free(&d);
}
END_TEST

static void check_early_stop(long batch, mlpv_precision prec)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 16);
    mlpv_net *net = mlpv_net_random(&s, 6);
    mlpv_dataset d = nv_dataset(256, 2, 1, 8, sign_x1);
    mlpv_train_opts o = mlpv_train_defaults();
    o.lr = 1e-2;
    o.steps = 3000;
    o.batch = batch;
    o.precision = prec;
    o.target_accuracy = 0.95;
    o.check_every = 7;
    mlpv_train_result r;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 2, &r), 0);
    ck_assert_int_eq(r.diverged, 0);
    ck_assert_int_lt(r.steps, o.steps);
    ck_assert_int_gt(r.steps, 0);
    ck_assert_int_eq(r.steps % o.check_every, 0);
    ck_assert(r.train_accuracy >= 0.95 - 2.0 / d.n);
    ck_assert(isnan(r.test_loss) && isnan(r.test_accuracy));
    /* not yet at the previous check */
    mlpv_net *again = mlpv_net_random(&s, 6);
    mlpv_train_result r2;
    o.target_accuracy = 0;
    o.steps = r.steps - o.check_every;
    if (o.steps > 0) {
        ck_assert_int_eq(mlpv_train(again, &d, NULL, &o, 2, &r2), 0);
        ck_assert_int_eq(r2.steps, o.steps);
        ck_assert(r2.train_accuracy < 0.95 + 2.0 / d.n);
    }
    mlpv_net_free(again);
    mlpv_net_free(net);
    nv_dataset_free(&d);
}

START_TEST(test_early_stop)
{
    check_early_stop(0, MLPV_FLOAT);
    check_early_stop(32, MLPV_FLOAT);
    check_early_stop(0, MLPV_DOUBLE);
}
END_TEST

/* No early stop when the targets are not +-1, or the target is 0. */
START_TEST(test_no_early_stop)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 16);
    mlpv_net *net = mlpv_net_random(&s, 6);
    mlpv_dataset d = nv_dataset(64, 2, 1, 8, sign_x1);
    mlpv_train_opts o = mlpv_train_defaults();
    o.lr = 1e-2;
    o.steps = 400;
    o.target_accuracy = 0.5;
    d.labels_pm1 = 0;
    mlpv_train_result r;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 2, &r), 0);
    ck_assert_int_eq(r.steps, 400);
    ck_assert(isnan(r.train_accuracy));
    ck_assert(r.seconds > 0);
    mlpv_net_free(net);
    nv_dataset_free(&d);
}
END_TEST

START_TEST(test_float_vs_double)
{
    mlpv_dataset d = nv_dataset(300, 2, 1, 10, sign_x1x2);
    for (int a = 0; a < 3; a++) {
        mlpv_activation act = a == 0 ? MLPV_RELU : a == 1 ? MLPV_TANH : MLPV_ABS;
        mlpv_spec s = mlpv_spec_default(act, 4, 12);
        double loss[2], acc[2], init;
        mlpv_net *net0 = mlpv_net_random(&s, 12);
        mlpv_evaluate(net0, &d, &init, NULL);
        for (int prec = 0; prec < 2; prec++) {
            mlpv_net *net = mlpv_net_random(&s, 12);
            mlpv_train_opts o = mlpv_train_defaults();
            o.steps = 100;
            o.lr = 3e-3;
            o.precision = prec ? MLPV_DOUBLE : MLPV_FLOAT;
            mlpv_train_result r;
            ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 3, &r), 0);
            loss[prec] = r.final_loss;
            acc[prec] = r.train_accuracy;
            if (prec == 0) /* float master written back to the double copy */
                for (long i = 0; i < mlpv_net_param_count(net); i++) ck_assert(net->store[i] == (double)net->storef[i]);
            mlpv_net_free(net);
        }
        ck_assert_msg(loss[0] < 0.9 * init, "%s: no progress", mlpv_activation_name(act));
        ck_assert_msg(fabs(loss[0] - loss[1]) <= 1e-3 * loss[1], "%s: float %.8g double %.8g",
                      mlpv_activation_name(act), loss[0], loss[1]);
        ck_assert(fabs(acc[0] - acc[1]) <= 3.0 / d.n);
        mlpv_net_free(net0);
    }
    nv_dataset_free(&d);
}
END_TEST

START_TEST(test_result_bookkeeping)
{
    mlpv_spec s = mlpv_spec_default(MLPV_ABS, 3, 10);
    mlpv_dataset d = nv_dataset(128, 2, 1, 21, sign_x1x2);
    mlpv_dataset t = nv_dataset(50, 2, 1, 22, sign_x1x2);
    mlpv_train_opts o = mlpv_train_defaults();
    o.steps = 60;
    o.batch = 20;
    mlpv_train_result r1, r2, r3;
    mlpv_net *a = mlpv_net_random(&s, 1), *b = mlpv_net_random(&s, 1), *c = mlpv_net_random(&s, 1);
    ck_assert_int_eq(mlpv_train(a, &d, &t, &o, 5, &r1), 0);
    ck_assert_int_eq(mlpv_train(b, &d, &t, &o, 5, &r2), 0);
    ck_assert_int_eq(mlpv_train(c, &d, &t, &o, 6, &r3), 0);
    long np = mlpv_net_param_count(a);
    ck_assert(memcmp(a->store, b->store, sizeof(double) * np) == 0); /* same seed: same run */
    ck_assert(memcmp(a->store, c->store, sizeof(double) * np) != 0); /* batch order differs */
    ck_assert_double_eq(r1.final_loss, r2.final_loss);
    double tl, ta, fl, fa;
    mlpv_evaluate(a, &t, &tl, &ta);
    mlpv_evaluate(a, &d, &fl, &fa);
    ck_assert_double_eq(r1.test_loss, tl);
    ck_assert_double_eq(r1.test_accuracy, ta);
    ck_assert_double_eq(r1.final_loss, fl);
    ck_assert_double_eq(r1.train_accuracy, fa);
    ck_assert_int_eq(r1.steps, 60);
    ck_assert(r1.seconds >= 0);
    mlpv_net_free(a);
    mlpv_net_free(b);
    mlpv_net_free(c);
    nv_dataset_free(&d);
    nv_dataset_free(&t);
}
END_TEST

START_TEST(test_bad_options)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 4);
    mlpv_net *net = mlpv_net_random(&s, 1);
    mlpv_dataset d = nv_dataset(10, 2, 1, 1, sign_x1);
    mlpv_train_result r;
    mlpv_train_opts good = mlpv_train_defaults(), o;
    good.steps = 2;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &good, 1, &r), 0);
    o = good;
    o.lr = 0;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.lr = NAN;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.steps = 0;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.batch = -1;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.check_every = 0;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.beta1 = 1;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.beta2 = -0.1;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.eps = -1;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.target_accuracy = 1.5;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.optimizer = MLPV_OPT_COUNT;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.optimizer = MLPV_OPT_SGD;
    o.momentum = -1;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    o = good;
    o.precision = (mlpv_precision)7;
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &o, 1, &r), -1);
    ck_assert_int_eq(mlpv_train(net, &d, NULL, NULL, 1, &r), -1);
    ck_assert_int_eq(mlpv_train(net, NULL, NULL, &good, 1, &r), -1);
    ck_assert_int_eq(mlpv_train(net, &d, NULL, &good, 1, NULL), -1);
    mlpv_dataset bad = d;
    bad.out_dim = 2;
    ck_assert_int_eq(mlpv_train(net, &bad, NULL, &good, 1, &r), -1);
    ck_assert_int_eq(mlpv_train(net, &d, &bad, &good, 1, &r), -1);
    bad = d;
    bad.n = 0;
    ck_assert_int_eq(mlpv_train(net, &bad, NULL, &good, 1, &r), -1);
    ck_assert(isnan(r.final_loss));
    mlpv_net_free(net);
    nv_dataset_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("train");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_defaults_and_names);
    tcase_add_test(tc, test_batch_order);
    tcase_add_test(tc, test_naive_adam_full);
    tcase_add_test(tc, test_naive_adam_mini);
    tcase_add_test(tc, test_naive_sgd_full);
    tcase_add_test(tc, test_naive_sgd_mini);
    tcase_add_test(tc, test_naive_batch_ge_n);
    tcase_add_test(tc, test_adam_first_step);
    tcase_add_test(tc, test_divergence);
    tcase_add_test(tc, test_early_stop);
    tcase_add_test(tc, test_no_early_stop);
    tcase_add_test(tc, test_float_vs_double);
    tcase_add_test(tc, test_result_bookkeeping);
    tcase_add_test(tc, test_bad_options);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
