/* Unit tests for spec.h: parameter counts, the parameter layout, activation
 * counts and the budget -> width rule, against the docs/definitions.md formula,
 * a layer-by-layer count and a brute-force search. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/spec.h"

/* docs/definitions.md: P = (d+1)n + (L-1)(n+1)n + (n+1)m. */
static long formula_P(long d, long m, long L, long n) { return (d + 1) * n + (L - 1) * (n + 1) * n + (n + 1) * m; }

/* Brute force: the n in 1..nmax minimising |P(n) - B|, first (smallest) on ties;
 * -1 if B < P(1). */
static int brute_width(long B, int d, int m, int L, int nmax)
{
    if (B < formula_P(d, m, L, 1)) return -1;
    int best = -1;
    long bestdiff = 0;
    for (int n = 1; n <= nmax; n++) {
        long diff = labs(formula_P(d, m, L, n) - B);
        if (best < 0 || diff < bestdiff) {
            best = n;
            bestdiff = diff;
        }
    }
    return best;
}

static const int DEPTHS[] = { 1, 2, 3, 4, 7, 16, 64 };
static const int INS[] = { 1, 2, 5, 784 };
static const int OUTS[] = { 1, 2, 10 };
#define LEN(a) ((int)(sizeof(a) / sizeof((a)[0])))

START_TEST(test_param_count_formula_and_layers)
{
    const int widths[] = { 1, 2, 3, 17, 100, 1000 };
    for (int a = 0; a < LEN(DEPTHS); a++)
        for (int b = 0; b < LEN(INS); b++)
            for (int c = 0; c < LEN(OUTS); c++)
                for (int e = 0; e < LEN(widths); e++) {
                    int L = DEPTHS[a], d = INS[b], m = OUTS[c], n = widths[e];
                    long want = formula_P(d, m, L, n);
                    ck_assert_int_eq(mlpv_param_count(d, m, L, n), want);

                    mlpv_spec s = mlpv_spec_default(MLPV_RELU, L, n);
                    s.in_dim = d;
                    s.out_dim = m;
                    ck_assert_int_eq(mlpv_spec_params(&s), want);
                    /* independent count: sum over layers of (fan_in + 1) fan_out,
                     * with fans from the layer structure */
                    long count = 0;
                    for (int l = 0; l <= L; l++) {
                        int fi = mlpv_layer_fan_in(&s, l), fo = mlpv_layer_fan_out(&s, l);
                        ck_assert_int_eq(fi, l == 0 ? d : n);
                        ck_assert_int_eq(fo, l == L ? m : n);
                        count += (long)(fi + 1) * fo;
                    }
                    ck_assert_int_eq(count, want);
                }
    /* a hand value: d=2, m=1, L=3, n=10: 30 + 2*110 + 11 = 261 */
    ck_assert_int_eq(mlpv_param_count(2, 1, 3, 10), 261);
    /* a large one does not overflow int: L=64, n=5000 -> > 1.5e9 */
    ck_assert_int_eq(mlpv_param_count(2, 1, 64, 5000), formula_P(2, 1, 64, 5000));
    ck_assert(mlpv_param_count(2, 1, 64, 6000) > (long)INT32_MAX);
    ck_assert_int_eq(mlpv_param_count(2, 1, 64, 6000), formula_P(2, 1, 64, 6000));
}
END_TEST

/* The parameter layout: W_0, b_0, W_1, b_1, ... back to back, W_l of
 * fan_out * fan_in values and b_l of fan_out, hand-counted for a small net and
 * tiling the whole formula_P array for a range of shapes. */
START_TEST(test_param_offset_layout)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 4); /* d 2, m 1: W0 8, b0 4, W1 16, b1 4, W2 4, b2 1 */
    const long wantW[] = { 0, 12, 32, 37 }, wantb[] = { 8, 28, 36, 37 };
    for (int l = 0; l <= 3; l++) {
        long oW = -1, ob = -1;
        mlpv_param_offset(&s, l, &oW, &ob);
        ck_assert_int_eq(oW, wantW[l]);
        ck_assert_int_eq(ob, wantb[l]);
    }
    long only = -1;
    mlpv_param_offset(&s, 1, NULL, &only);
    ck_assert_int_eq(only, 28);
    for (int d = 1; d <= 3; d++)
        for (int m = 1; m <= 3; m++)
            for (int L = 1; L <= 5; L++)
                for (int n = 1; n <= 7; n += 3) {
                    mlpv_spec t = mlpv_spec_default(MLPV_TANH, L, n);
                    t.in_dim = d;
                    t.out_dim = m;
                    long next = 0;
                    for (int l = 0; l <= L; l++) {
                        long fi = l == 0 ? d : n, fo = l == L ? m : n, oW, ob;
                        mlpv_param_offset(&t, l, &oW, &ob);
                        ck_assert_int_eq(oW, next);
                        ck_assert_int_eq(ob, oW + fo * fi);
                        next = ob + fo;
                    }
                    long end_W, end_b;
                    mlpv_param_offset(&t, L + 1, &end_W, &end_b);
                    ck_assert_int_eq(end_W, next);
                    ck_assert_int_eq(end_b, next);
                    ck_assert_int_eq(end_W, formula_P(d, m, L, n));
                }
}
END_TEST

START_TEST(test_spec_default)
{
    mlpv_spec s = mlpv_spec_default(MLPV_ABS, 5, 33);
    ck_assert_int_eq(s.depth, 5);
    ck_assert_int_eq(s.width, 33);
    ck_assert_int_eq(s.in_dim, 2);
    ck_assert_int_eq(s.out_dim, 1);
    ck_assert_int_eq((int)s.activation, MLPV_ABS);
    ck_assert_int_eq((int)s.init, MLPV_INIT_AUTO);
    ck_assert(fabs(s.bias_std - 0.1) < 1e-15);
}
END_TEST

/* A = L n and AR = A / P. */
START_TEST(test_activations_and_ratio)
{
    for (int a = 0; a < LEN(DEPTHS); a++)
        for (int b = 0; b < LEN(INS); b++) {
            int L = DEPTHS[a], n = 3 + 7 * a + b;
            mlpv_spec s = mlpv_spec_default(MLPV_TANH, L, n);
            s.in_dim = INS[b];
            s.out_dim = OUTS[b % LEN(OUTS)];
            ck_assert_int_eq(mlpv_spec_activations(&s), (long)L * n);
            double ar = (double)L * n / (double)formula_P(s.in_dim, s.out_dim, L, n);
            ck_assert(fabs(mlpv_spec_activation_ratio(&s) - ar) <= 1e-15 * ar);
        }
    /* hand value: d=2, m=1, L=1, n=10: P = 30 + 11 = 41, A = 10 */
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 1, 10);
    ck_assert(fabs(mlpv_spec_activation_ratio(&s) - 10.0 / 41.0) < 1e-15);
}
END_TEST

/* The width rule against brute force over n = 1..5000 for many shapes and
 * budgets (pseudo-random ones, exact P(n), and midpoints between P(n) and
 * P(n+1), which exercise the tie rule). Budgets stay below P(4000) so the
 * optimum lies inside the brute-force range. */
START_TEST(test_width_for_budget_brute_force)
{
    uint64_t st = 0x9E3779B97F4A7C15ull;
    int checked = 0, ties = 0;
    for (int a = 0; a < LEN(DEPTHS); a++)
        for (int b = 0; b < LEN(INS); b++)
            for (int c = 0; c < LEN(OUTS); c++) {
                int L = DEPTHS[a], d = INS[b], m = OUTS[c];
                long pmax = formula_P(d, m, L, 4000);
                long budgets[24];
                int nb = 0;
                for (int r = 0; r < 8; r++) {
                    st = st * 6364136223846793005ull + 1442695040888963407ull;
                    /* log-uniform-ish budgets between 1 and pmax */
                    double u = (double)(st >> 11) / 9007199254740992.0;
                    budgets[nb++] = (long)exp(u * log((double)pmax));
                }
                const int ns[] = { 1, 2, 10, 77, 500 };
                for (int q = 0; q < 5; q++) {
                    long p0 = formula_P(d, m, L, ns[q]), p1 = formula_P(d, m, L, ns[q] + 1);
                    budgets[nb++] = p0;
                    budgets[nb++] = (p0 + p1) / 2; /* the tie point when p1 - p0 is even */
                    budgets[nb++] = (p0 + p1) / 2 + 1;
                }
                budgets[nb++] = formula_P(d, m, L, 1) - 1; /* below the smallest network */
                for (int r = 0; r < nb; r++) {
                    long B = budgets[r];
                    int want = brute_width(B, d, m, L, 5000);
                    int got = mlpv_width_for_budget(B, d, m, L);
                    ck_assert_msg(got == want, "B=%ld d=%d m=%d L=%d: got %d, brute force %d", B, d, m, L, got, want);
                    if (want > 0 && want < 5000) {
                        long dn = labs(formula_P(d, m, L, want) - B);
                        long dn1 = labs(formula_P(d, m, L, want + 1) - B);
                        ties += dn == dn1;
                    }
                    checked++;
                }
            }
    ck_assert_int_gt(checked, 1000);
    ck_assert_int_gt(ties, 10); /* the tie rule really was exercised */
}
END_TEST

/* Hand-worked cases. L = 1, d = 2, m = 1: P(n) = 4n + 1.
 * B = 43 lies midway between P(10) = 41 and P(11) = 45: tie -> 10.
 * B = 44 -> 11 (closer to 45). B = 5 = P(1) -> 1; B = 4 < P(1) -> -1; B = 0 -> -1.
 * L = 2, d = 2, m = 1: P(n) = n^2 + 5n + 1; P(9) = 127, P(10) = 151; B = 139: tie -> 9. */
START_TEST(test_width_for_budget_hand)
{
    ck_assert_int_eq(mlpv_width_for_budget(43, 2, 1, 1), 10);
    ck_assert_int_eq(mlpv_width_for_budget(44, 2, 1, 1), 11);
    ck_assert_int_eq(mlpv_width_for_budget(42, 2, 1, 1), 10);
    ck_assert_int_eq(mlpv_width_for_budget(5, 2, 1, 1), 1);
    ck_assert_int_eq(mlpv_width_for_budget(4, 2, 1, 1), -1);
    ck_assert_int_eq(mlpv_width_for_budget(0, 2, 1, 1), -1);
    ck_assert_int_eq(mlpv_width_for_budget(139, 2, 1, 2), 9);
    ck_assert_int_eq(mlpv_width_for_budget(140, 2, 1, 2), 10);
    /* docs/definitions.md's budget 10000 at depth 1: P = 4n + 1 -> n = 2500 (P = 10001) */
    ck_assert_int_eq(mlpv_width_for_budget(10000, 2, 1, 1), 2500);
}
END_TEST

START_TEST(test_init_names)
{
    for (int i = 0; i < MLPV_INIT_COUNT; i++) {
        mlpv_init back = MLPV_INIT_COUNT;
        const char *name = mlpv_init_name((mlpv_init)i);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_eq(mlpv_init_parse(name, &back), 0);
        ck_assert_int_eq((int)back, i);
    }
    const char *names[] = { "auto", "he", "lecun", "xavier", "torch" };
    const mlpv_init vals[] = { MLPV_INIT_AUTO, MLPV_INIT_HE, MLPV_INIT_LECUN, MLPV_INIT_XAVIER, MLPV_INIT_TORCH };
    for (int i = 0; i < 5; i++) {
        mlpv_init v;
        ck_assert_int_eq(mlpv_init_parse(names[i], &v), 0);
        ck_assert_int_eq((int)v, (int)vals[i]);
    }
    mlpv_init v;
    ck_assert_int_eq(mlpv_init_parse("kaiming-ish", &v), -1);
    ck_assert_int_eq(mlpv_init_parse("", &v), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("spec");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_param_count_formula_and_layers);
    tcase_add_test(tc, test_param_offset_layout);
    tcase_add_test(tc, test_spec_default);
    tcase_add_test(tc, test_activations_and_ratio);
    tcase_add_test(tc, test_width_for_budget_brute_force);
    tcase_add_test(tc, test_width_for_budget_hand);
    tcase_add_test(tc, test_init_names);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
