/* Unit tests for measure.h: one draw's measurement against an independent
 * naive pipeline (pointwise forward, V_k and rho from their definitions), and
 * the summary of many draws against hand values. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "naive_forward.h"
#include "naive_metrics.h"
#include "mlpvar/measure.h"

/* mlpv_measure_draw = draw (spec, seed), landscape, metrics averaged over the
 * m outputs: against the naive pipeline in double (tolerance 1e-9 relative:
 * the landscapes agree to ~1e-15 and V_3 amplifies that by ~1/h^3 at most). */
START_TEST(test_measure_draw_vs_naive)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH };
    for (int a = 0; a < 3; a++) {
        mlpv_spec s = mlpv_spec_default(acts[a], 3, 16);
        s.out_dim = 2;
        int g = 20, k = 3;
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = MLPV_DOUBLE;
        mlpv_measurement me, me2;
        mlpv_layer_diag diag[3];
        ck_assert_int_eq(mlpv_measure_draw(&s, 900 + a, &o, k, MLPV_TAU_DEFAULT, &me, diag), 0);

        mlpv_net *net = mlpv_net_random(&s, 900 + a);
        double *F = malloc(sizeof(double) * 2 * g * g);
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++) {
                double x[2] = { -1 + 2.0 * i / (g - 1), -1 + 2.0 * j / (g - 1) }, y[2] = { 0, 0 };
                naive_forward(net, x, y, NULL);
                F[i * g + j] = y[0];
                F[g * g + i * g + j] = y[1];
            }
        double V = 0, rho = 0;
        for (int out = 0; out < 2; out++) {
            double v1, r1;
            v1 = naive_vk(F + out * g * g, g, k);
            r1 = naive_rho(F + out * g * g, (size_t)g * g);
            V += v1 / 2;
            rho += r1 / 2;
        }
        ck_assert_msg(fabs(me.variability - V) <= 1e-9 * V, "%s: V %.15g, naive %.15g", mlpv_activation_name(acts[a]),
                      me.variability, V);
        ck_assert_msg(fabs(me.collapse_ratio - rho) <= 1e-9 * rho, "%s: rho %.15g, naive %.15g",
                      mlpv_activation_name(acts[a]), me.collapse_ratio, rho);
        ck_assert_int_eq(me.collapsed, rho < MLPV_TAU_DEFAULT);

        /* the same network through mlpv_measure_net gives the same numbers */
        ck_assert_int_eq(mlpv_measure_net(net, &o, k, MLPV_TAU_DEFAULT, &me2, NULL), 0);
        ck_assert(fabs(me2.variability - me.variability) <= 1e-13 * me.variability);
        ck_assert(fabs(me2.collapse_ratio - me.collapse_ratio) <= 1e-13 * me.collapse_ratio);
        free(F);
        mlpv_net_free(net);
    }
}
END_TEST

/* A net with a dead relu layer is measured as collapsed (rho ~ 0 < tau). */
START_TEST(test_measure_dead_net)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 3, 10);
    mlpv_net *net = mlpv_net_random(&s, 3);
    for (int i = 0; i < 10; i++) net->b[1][i] = -1e6;
    mlpv_net_sync_float(net);
    mlpv_grid_opts o = mlpv_grid_defaults(16);
    mlpv_measurement me;
    mlpv_layer_diag d[3];
    ck_assert_int_eq(mlpv_measure_net(net, &o, 3, MLPV_TAU_DEFAULT, &me, d), 0);
    ck_assert(me.collapse_ratio < 1e-6);
    ck_assert(me.collapsed);
    ck_assert(d[1].dead_fraction == 1.0);
    mlpv_net_free(net);
}
END_TEST

/* Five draws: V {0.5, 0.1, 0.3, 0.2, 0.4} -> sorted {0.1 .. 0.5}: median 0.3,
 * mean 0.3, q25 0.2, q75 0.4, min 0.1, max 0.5 (type-7 quantiles, h = 4q).
 * Two of five collapsed: C2C 0.4, Wilson 95% (mpmath) [0.117620774232648,
 * 0.769275718723987]. */
START_TEST(test_summarize_draws)
{
    mlpv_measurement m[5] = {
        { 0.5, 0.9, 0 }, { 0.1, 0.005, 1 }, { 0.3, 0.5, 0 }, { 0.2, 0.002, 1 }, { 0.4, 0.7, 0 },
    };
    mlpv_config_summary cs = mlpv_summarize_draws(m, 5);
    ck_assert_int_eq(cs.draws, 5);
    ck_assert_int_eq(cs.collapsed, 2);
    ck_assert(fabs(cs.variability.median - 0.3) < 1e-15);
    ck_assert(fabs(cs.variability.mean - 0.3) < 1e-15);
    ck_assert(fabs(cs.variability.q25 - 0.2) < 1e-15);
    ck_assert(fabs(cs.variability.q75 - 0.4) < 1e-15);
    ck_assert(cs.variability.min == 0.1 && cs.variability.max == 0.5);
    ck_assert(fabs(cs.collapse_ratio.median - 0.5) < 1e-15);
    ck_assert(cs.collapse_ratio.min == 0.002 && cs.collapse_ratio.max == 0.9);
    ck_assert(fabs(cs.c2c_probability - 0.4) < 1e-15);
    ck_assert(fabs(cs.c2c_ci_low - 0.117620774232648) < 1e-13);
    ck_assert(fabs(cs.c2c_ci_high - 0.769275718723987) < 1e-13);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("measure");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_measure_draw_vs_naive);
    tcase_add_test(tc, test_measure_dead_net);
    tcase_add_test(tc, test_summarize_draws);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
