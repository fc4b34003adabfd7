/* Unit tests for metrics.h: variability V_k and the collapse ratio against the
 * exact facts of docs/definitions.md and a naive reimplementation. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "naive_metrics.h"
#include "mlpvar/metrics.h"

/* Grid coordinate i of g on [-1, 1], endpoints included. */
static double coord(int i, int g) { return -1.0 + 2.0 * i / (g - 1); }

/* Deterministic pseudo-random values in [-1, 1) (64-bit LCG). */
static double lcg(uint64_t *st)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*st >> 11) / 4503599627370496.0 - 1.0;
}

static double *alloc_grid(int g)
{
    double *F = malloc(sizeof(double) * g * g);
    ck_assert_ptr_nonnull(F);
    return F;
}

/* V_k of a polynomial of degree < k vanishes (k-th differences of a
 * degree < k polynomial are exactly 0; only rounding remains, ~1e-13). */
START_TEST(test_polynomial_below_degree_is_zero)
{
    const int gs[] = { 8, 33, 128 };
    for (int gi = 0; gi < 3; gi++) {
        int g = gs[gi];
        double *F = alloc_grid(g);
        for (int k = 1; k <= 5; k++) {
            for (int i = 0; i < g; i++)
                for (int j = 0; j < g; j++) {
                    double s = coord(i, g), t = coord(j, g);
                    /* a full polynomial of total degree k-1 with O(1) coefficients */
                    double p = 0.7;
                    for (int a = 0; a <= k - 1; a++)
                        for (int b = 0; a + b <= k - 1; b++) p += (0.3 + 0.1 * a - 0.2 * b) * pow(s, a) * pow(t, b);
                    F[i * g + j] = p;
                }
            double v = mlpv_variability(F, g, k);
            ck_assert_msg(fabs(v) < 1e-9, "g=%d k=%d: V = %g", g, k, v);
            /* one degree higher is not zero: the check has teeth */
            if (k <= 4) {
                for (int i = 0; i < g; i++) F[i * g] += pow(coord(i, g), k);
                ck_assert(mlpv_variability(F, g, k) > 1e-9);
            }
        }
        free(F);
    }
}
END_TEST

/* F = s^3: D_s^3 F = 6 h^3 everywhere (h = 2/(g-1)) and D_t^3 F = 0, so
 * V_3 = 1/2 * 6 h^3 / RMS(F) = 3 h^3 / RMS(F), RMS over the grid. Same for
 * t^3 by symmetry. Relative tolerance 1e-9. */
START_TEST(test_cubic_exact)
{
    const int gs[] = { 4, 16, 64, 128 };
    for (int gi = 0; gi < 4; gi++) {
        int g = gs[gi];
        double h = 2.0 / (g - 1);
        double *F = alloc_grid(g), *T = alloc_grid(g);
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++) {
                F[i * g + j] = pow(coord(i, g), 3);
                T[i * g + j] = pow(coord(j, g), 3);
            }
        double want = 3 * h * h * h / naive_rms(F, (size_t)g * g);
        double v = mlpv_variability(F, g, 3), vt = mlpv_variability(T, g, 3);
        ck_assert_msg(fabs(v - want) <= 1e-9 * want, "g=%d: V3(s^3) = %.15g, want %.15g", g, v, want);
        ck_assert_msg(fabs(vt - want) <= 1e-9 * want, "g=%d: V3(t^3) = %.15g, want %.15g", g, vt, want);
        free(F);
        free(T);
    }
}
END_TEST

/* Multiplying F by 1e-3 or 1e3 changes neither V nor rho (normalisation). */
START_TEST(test_scale_invariance)
{
    int g = 40;
    uint64_t st = 17;
    double *F = alloc_grid(g), *G = alloc_grid(g);
    for (int i = 0; i < g * g; i++) F[i] = 0.3 + lcg(&st);
    const double scales[] = { 1e-3, 1e3, -2.0 };
    for (int k = 1; k <= 4; k++) {
        double v0 = mlpv_variability(F, g, k);
        double r0 = mlpv_collapse_ratio(F, (size_t)g * g);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < g * g; i++) G[i] = F[i] * scales[c];
            ck_assert(fabs(mlpv_variability(G, g, k) - v0) <= 1e-12 * v0);
            ck_assert(fabs(mlpv_collapse_ratio(G, (size_t)g * g) - r0) <= 1e-12 * r0);
        }
    }
    free(F);
    free(G);
}
END_TEST

/* Identically zero landscape: V = 0 and rho = 0 exactly (docs/definitions.md), and it
 * counts as collapsed. */
START_TEST(test_zero_landscape)
{
    int g = 16;
    double *F = calloc((size_t)g * g, sizeof(double));
    for (int k = 1; k <= 3; k++) ck_assert(mlpv_variability(F, g, k) == 0.0);
    ck_assert(mlpv_collapse_ratio(F, (size_t)g * g) == 0.0);
    ck_assert(mlpv_collapsed(mlpv_collapse_ratio(F, (size_t)g * g), MLPV_TAU_DEFAULT));
    free(F);
}
END_TEST

/* Constant non-zero landscape: std = 0 so rho = 0 up to rounding, collapsed;
 * V = 0 (a degree-0 polynomial). */
START_TEST(test_constant_landscape)
{
    int g = 128;
    double *F = alloc_grid(g);
    const double vals[] = { -3.7, 0.1, 1e-200, 12345.678 };
    for (int c = 0; c < 4; c++) {
        for (int i = 0; i < g * g; i++) F[i] = vals[c];
        double rho = mlpv_collapse_ratio(F, (size_t)g * g);
        ck_assert_msg(rho >= 0 && rho < 1e-12, "constant %g: rho = %g", vals[c], rho);
        ck_assert(mlpv_collapsed(rho, MLPV_TAU_DEFAULT));
        ck_assert(fabs(mlpv_variability(F, g, 3)) < 1e-12);
    }
    free(F);
}
END_TEST

/* V_k against the naive definition on pseudo-random landscapes (k = 1..4),
 * including non-square-friendly g and a landscape with a large offset. */
START_TEST(test_vk_naive)
{
    const int gs[] = { 5, 17, 64 };
    uint64_t st = 12345;
    for (int gi = 0; gi < 3; gi++) {
        int g = gs[gi];
        double *F = alloc_grid(g);
        for (int rep = 0; rep < 2; rep++) {
            for (int i = 0; i < g * g; i++) F[i] = (rep ? 10.0 : 0.0) + lcg(&st) + 0.5 * sin(0.3 * i);
            for (int k = 1; k <= 4 && k < g; k++) {
                double want = naive_vk(F, g, k), got = mlpv_variability(F, g, k);
                ck_assert_msg(fabs(got - want) <= 1e-12 * want, "g=%d k=%d: %.17g vs naive %.17g", g, k, got, want);
            }
        }
        free(F);
    }
    /* anisotropic: F = sin(3 s) only varies along s; V_1 = 1/2 mean |D_s F~| */
    int g = 20;
    double *F = alloc_grid(g);
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++) F[i * g + j] = sin(3 * coord(i, g));
    double r = naive_rms(F, (size_t)g * g), want = 0;
    for (int i = 0; i + 1 < g; i++) want += fabs(sin(3 * coord(i + 1, g)) - sin(3 * coord(i, g))) / r;
    want = 0.5 * want / (g - 1);
    ck_assert(fabs(mlpv_variability(F, g, 1) - want) <= 1e-12 * want);
    free(F);
}
END_TEST

/* g <= k (no k-th difference fits) and k < 1 give NaN. */
START_TEST(test_bad_g_k)
{
    double F[16];
    for (int i = 0; i < 16; i++) F[i] = i * i;
    ck_assert(isnan(mlpv_variability(F, 3, 3)));
    ck_assert(isnan(mlpv_variability(F, 2, 3)));
    ck_assert(isnan(mlpv_variability(F, 4, 4)));
    ck_assert(isnan(mlpv_variability(F, 4, 0)));
    ck_assert(isfinite(mlpv_variability(F, 4, 3)));
}
END_TEST

/* rho vs a two-pass brute force, from rho ~ 1 down to rho ~ 6e-9 (offset 1e8
 * on noise of std 0.58, the regime of deep collapsed nets). A one-pass
 * E[F^2] - mean^2 formula loses ~eps/rho^2 relative there (even a negative
 * variance); a two-pass one stays within ~1e-8. Tolerance 1e-6 relative. */
START_TEST(test_collapse_ratio_naive)
{
    enum { N = 4099 };
    double *F = malloc(sizeof(double) * N);
    uint64_t st = 777;
    const double offsets[] = { 0.0, 0.5, 3.0, 100.0, -1e4, 1e8 };
    for (int c = 0; c < 6; c++) {
        for (int i = 0; i < N; i++) F[i] = offsets[c] + lcg(&st);
        double want = naive_rho(F, N), got = mlpv_collapse_ratio(F, N);
        ck_assert_msg(fabs(got - want) <= 1e-6 * want, "offset %g: rho %.17g vs naive %.17g", offsets[c], got, want);
        ck_assert(got >= 0 && got <= 1 + 1e-12);
    }
    /* hand value: {1, 3}: mean 2, std 1, RMS sqrt(5) -> rho = 1/sqrt(5) */
    double two[] = { 1, 3 };
    ck_assert(fabs(mlpv_collapse_ratio(two, 2) - 1 / sqrt(5.0)) < 1e-15);
    /* zero mean: rho = 1 */
    double sym[] = { -2, 2, -1, 1 };
    ck_assert(fabs(mlpv_collapse_ratio(sym, 4) - 1) < 1e-15);
    free(F);
}
END_TEST

/* collapsed iff rho < tau (strict). */
START_TEST(test_collapsed_threshold)
{
    ck_assert(mlpv_collapsed(0.0, 0.01));
    ck_assert(mlpv_collapsed(0.0099, 0.01));
    ck_assert(!mlpv_collapsed(0.01, 0.01));
    ck_assert(!mlpv_collapsed(0.5, 0.01));
    ck_assert(mlpv_collapsed(0.2, 0.3));
}
END_TEST

/* m outputs: V and rho are the means of the per-output values; collapsed by
 * the mean rho. */
START_TEST(test_measure_landscape)
{
    int g = 24, m = 3;
    size_t n = (size_t)g * g;
    double *F = malloc(sizeof(double) * m * n);
    uint64_t st = 4242;
    for (int o = 0; o < m; o++)
        for (size_t i = 0; i < n; i++) F[o * n + i] = (o == 1 ? 5.0 : 0.2 * o) + lcg(&st) * (o + 1);
    for (int k = 1; k <= 3; k++) {
        double v = 0, r = 0;
        for (int o = 0; o < m; o++) {
            v += naive_vk(F + o * n, g, k) / m;
            r += naive_rho(F + o * n, n) / m;
        }
        mlpv_measurement me = mlpv_measure_landscape(F, m, g, k, MLPV_TAU_DEFAULT);
        ck_assert_msg(fabs(me.variability - v) <= 1e-12 * v, "k=%d: V %.17g vs %.17g", k, me.variability, v);
        ck_assert_msg(fabs(me.collapse_ratio - r) <= 1e-9 * r, "k=%d: rho %.17g vs %.17g", k, me.collapse_ratio, r);
        ck_assert_int_eq(me.collapsed, r < MLPV_TAU_DEFAULT);
        /* collapsed follows tau against the mean rho */
        ck_assert_int_eq(mlpv_measure_landscape(F, m, g, k, r * 1.01).collapsed, 1);
        ck_assert_int_eq(mlpv_measure_landscape(F, m, g, k, r * 0.99).collapsed, 0);
    }
    /* one output constant (rho 0, V 0), the other varying: averages halve */
    for (size_t i = 0; i < n; i++) F[i] = 2.0;
    for (size_t i = 0; i < n; i++) F[n + i] = lcg(&st);
    mlpv_measurement me = mlpv_measure_landscape(F, 2, g, 3, MLPV_TAU_DEFAULT);
    double v1 = naive_vk(F + n, g, 3), r1 = naive_rho(F + n, n);
    ck_assert(fabs(me.variability - 0.5 * v1) <= 1e-12 * v1);
    ck_assert(fabs(me.collapse_ratio - 0.5 * r1) <= 1e-9 * r1);
    ck_assert_int_eq(me.collapsed, 0);
    /* all outputs zero: V = 0, rho = 0, collapsed */
    for (size_t i = 0; i < 2 * n; i++) F[i] = 0;
    me = mlpv_measure_landscape(F, 2, g, 3, MLPV_TAU_DEFAULT);
    ck_assert(me.variability == 0 && me.collapse_ratio == 0 && me.collapsed);
    free(F);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metrics");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_polynomial_below_degree_is_zero);
    tcase_add_test(tc, test_cubic_exact);
    tcase_add_test(tc, test_scale_invariance);
    tcase_add_test(tc, test_zero_landscape);
    tcase_add_test(tc, test_constant_landscape);
    tcase_add_test(tc, test_vk_naive);
    tcase_add_test(tc, test_bad_g_k);
    tcase_add_test(tc, test_collapse_ratio_naive);
    tcase_add_test(tc, test_collapsed_threshold);
    tcase_add_test(tc, test_measure_landscape);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
