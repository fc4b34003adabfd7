/* Unit tests for gauss_hermite.h: the n-point rule for the standard normal
 * against closed-form moments E[z^(2k)] = (2k-1)!!, E[z^odd] = 0; the
 * Gauss-Legendre rule and the half-line expectation against closed forms. */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "mlpvar/gauss_hermite.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* (2k-1)!! = E[z^(2k)] for z ~ N(0,1); 1 for k = 0. */
static double double_factorial_odd(int k)
{
    double r = 1.0;
    for (int j = 1; j <= 2 * k - 1; j += 2) r *= j;
    return r;
}

static const int NS[] = { 1, 2, 3, 4, 5, 8, 10, 16, 20, 40, 80, 160 };
#define NNS ((int)(sizeof NS / sizeof NS[0]))

START_TEST(test_weights_sum_to_one)
{
    int n = NS[_i];
    double *x = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
    ck_assert_int_eq(mlpv_gauss_hermite(n, x, w), 0);
    double s = 0.0;
    for (int i = 0; i < n; i++) {
        ck_assert_msg(w[i] >= 0.0, "n=%d: negative weight %g", n, w[i]);
        ck_assert(isfinite(x[i]));
        s += w[i];
    }
    ck_assert_msg(fabs(s - 1.0) < 1e-13, "n=%d: sum w = %.17g", n, s);
    free(x);
    free(w);
}
END_TEST

/* The rule is symmetric: sorted nodes satisfy x[i] = -x[n-1-i] with equal weights. */
START_TEST(test_nodes_symmetric)
{
    int n = NS[_i];
    double *x = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
    double(*pw)[2] = malloc(sizeof(*pw) * n);
    ck_assert_int_eq(mlpv_gauss_hermite(n, x, w), 0);
    for (int i = 0; i < n; i++) {
        pw[i][0] = x[i];
        pw[i][1] = w[i];
    }
    qsort(pw, n, sizeof(*pw), cmp_double); /* sorts by node (first member) */
    for (int i = 0; i < n; i++) {
        double a = pw[i][0], b = pw[n - 1 - i][0];
        ck_assert_msg(fabs(a + b) <= 1e-12 * (1.0 + fabs(a)), "n=%d: x=%.17g vs %.17g", n, a, b);
        double wa = pw[i][1], wb = pw[n - 1 - i][1];
        /* Golub-Welsch weights are accurate to ~1e-15 absolute (relative to sum 1) */
        ck_assert_msg(fabs(wa - wb) <= 1e-12 * wa + 1e-15, "n=%d: w=%.17g vs %.17g", n, wa, wb);
        if (i > 0) ck_assert_msg(pw[i][0] > pw[i - 1][0], "n=%d: repeated node", n);
    }
    free(pw);
    free(x);
    free(w);
}
END_TEST

/* Exactness for every monomial of degree <= 2n-1. High moments of large rules
 * are dominated by the outermost nodes, whose tiny weights Golub-Welsch gets
 * only to ~1e-16 absolute, so for n > 10 the check stops at degree 20
 * (still far beyond what a wrong rule could match). Relative tolerance 1e-10. */
START_TEST(test_degree_exactness)
{
    int n = NS[_i];
    double *x = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
    ck_assert_int_eq(mlpv_gauss_hermite(n, x, w), 0);
    int maxdeg = 2 * n - 1;
    if (n > 10 && maxdeg > 20) maxdeg = 20;
    for (int deg = 0; deg <= maxdeg; deg++) {
        double m = 0.0, scale = 0.0;
        for (int i = 0; i < n; i++) {
            double t = w[i] * pow(x[i], deg);
            m += t;
            scale += fabs(t);
        }
        if (deg % 2 == 0) {
            double want = double_factorial_odd(deg / 2);
            ck_assert_msg(fabs(m - want) <= 1e-10 * want, "n=%d: E[z^%d] = %.17g, want %.17g", n, deg, m, want);
        } else {
            ck_assert_msg(fabs(m) <= 1e-12 * (1.0 + scale), "n=%d: E[z^%d] = %.3g, want 0", n, deg, m);
        }
    }
    /* A rule of n points is not exact at degree 2n (sanity: the check above
     * has teeth). E[z^(2n)] by the rule falls short by n!. */
    if (n <= 10) {
        double m = 0.0;
        for (int i = 0; i < n; i++) m += w[i] * pow(x[i], 2 * n);
        double want = double_factorial_odd(n);
        ck_assert_msg(fabs(m - want) > 1e-6 * want, "n=%d: degree 2n unexpectedly exact", n);
    }
    free(x);
    free(w);
}
END_TEST

/* Small rules in closed form: n=1 {0: 1}; n=2 {+-1: 1/2}; n=3 {0: 2/3, +-sqrt 3: 1/6}. */
START_TEST(test_small_rules_closed_form)
{
    double x[3], w[3];
    ck_assert_int_eq(mlpv_gauss_hermite(1, x, w), 0);
    ck_assert(fabs(x[0]) < 1e-15 && fabs(w[0] - 1.0) < 1e-15);

    ck_assert_int_eq(mlpv_gauss_hermite(2, x, w), 0);
    ck_assert(fabs(fabs(x[0]) - 1.0) < 1e-14 && fabs(fabs(x[1]) - 1.0) < 1e-14);
    ck_assert(fabs(x[0] + x[1]) < 1e-14);
    ck_assert(fabs(w[0] - 0.5) < 1e-14 && fabs(w[1] - 0.5) < 1e-14);

    ck_assert_int_eq(mlpv_gauss_hermite(3, x, w), 0);
    int zero = 0;
    for (int i = 0; i < 3; i++) {
        if (fabs(x[i]) < 1e-14) {
            zero++;
            ck_assert(fabs(w[i] - 2.0 / 3.0) < 1e-14);
        } else {
            ck_assert(fabs(fabs(x[i]) - sqrt(3.0)) < 1e-14);
            ck_assert(fabs(w[i] - 1.0 / 6.0) < 1e-14);
        }
    }
    ck_assert_int_eq(zero, 1);
}
END_TEST

/* No rule with weights summing to 1 has zero points. */
START_TEST(test_bad_n)
{
    double x[1], w[1];
    ck_assert_int_eq(mlpv_gauss_hermite(0, x, w), -1);
    ck_assert_int_eq(mlpv_gauss_hermite(-3, x, w), -1);
}
END_TEST

static double f_pow(double z, const void *ctx) { return pow(z, *(const int *)ctx); }
static double f_cos(double z, const void *ctx)
{
    (void)ctx;
    return cos(z);
}
static double f_exp(double z, const void *ctx) { return exp(*(const double *)ctx * z); }

/* The cached default rule: E[z^2] = 1, E[z^4] = 3, E[cos z] = e^{-1/2},
 * E[e^{a z}] = e^{a^2/2} (entire functions: quadrature error is negligible). */
START_TEST(test_gaussian_expect)
{
    int p = 2;
    ck_assert(fabs(mlpv_gaussian_expect(f_pow, &p) - 1.0) < 1e-12);
    p = 4;
    ck_assert(fabs(mlpv_gaussian_expect(f_pow, &p) - 3.0) < 1e-12);
    p = 3;
    ck_assert(fabs(mlpv_gaussian_expect(f_pow, &p)) < 1e-12);
    ck_assert(fabs(mlpv_gaussian_expect(f_cos, NULL) - exp(-0.5)) < 1e-13);
    double a = 0.7;
    ck_assert(fabs(mlpv_gaussian_expect(f_exp, &a) - exp(0.5 * a * a)) < 1e-12);
    a = -1.3;
    ck_assert(fabs(mlpv_gaussian_expect(f_exp, &a) - exp(0.5 * a * a)) < 1e-12);
}
END_TEST

/* Gauss-Legendre on [-1, 1]: weights sum to 2, nodes inside and symmetric,
 * exact for int x^k dx = 2/(k+1) (k even), 0 (k odd) up to degree 2n-1;
 * n = 2 in closed form: nodes +-1/sqrt 3, weights 1. */
START_TEST(test_gauss_legendre)
{
    const int ns[] = { 1, 2, 3, 5, 10, 20, 40 };
    for (int a = 0; a < 7; a++) {
        int n = ns[a];
        double *x = malloc(sizeof(double) * n), *w = malloc(sizeof(double) * n);
        ck_assert_int_eq(mlpv_gauss_legendre(n, x, w), 0);
        double s = 0;
        for (int i = 0; i < n; i++) {
            ck_assert(x[i] > -1 && x[i] < 1 && w[i] > 0);
            s += w[i];
        }
        ck_assert_msg(fabs(s - 2) < 1e-13, "n=%d: sum w = %.17g", n, s);
        for (int deg = 0; deg <= 2 * n - 1; deg++) {
            double m = 0;
            for (int i = 0; i < n; i++) m += w[i] * pow(x[i], deg);
            double want = deg % 2 ? 0.0 : 2.0 / (deg + 1);
            ck_assert_msg(fabs(m - want) < 1e-13, "n=%d: int x^%d = %.17g, want %.17g", n, deg, m, want);
        }
        free(x);
        free(w);
    }
    double x[2], w[2];
    ck_assert_int_eq(mlpv_gauss_legendre(2, x, w), 0);
    ck_assert(fabs(fabs(x[0]) - 1 / sqrt(3.0)) < 1e-15 && fabs(x[0] + x[1]) < 1e-15);
    ck_assert(fabs(w[0] - 1) < 1e-15 && fabs(w[1] - 1) < 1e-15);
    ck_assert_int_eq(mlpv_gauss_legendre(0, x, w), -1);
}
END_TEST

static double f_relu(double z, const void *ctx)
{
    (void)ctx;
    return z > 0 ? z : 0;
}
static double f_abs3(double z, const void *ctx)
{
    (void)ctx;
    return fabs(z * z * z);
}
static double f_elu_d2(double z, const void *ctx) /* ELU'(z)^2: 1 or e^{2z} */
{
    (void)ctx;
    return z > 0 ? 1.0 : exp(2 * z);
}
static double f_step_exp(double z, const void *ctx) /* e^z on z > 0 only */
{
    (void)ctx;
    return z > 0 ? exp(z) : 0.0;
}

/* Half-line rule on functions with a kink or jump at 0, closed forms:
 * E[relu z] = 1/sqrt(2 pi); E[|z|^3] = 2 sqrt(2/pi);
 * E[ELU'(z)^2] = 1/2 + e^2 Phi(-2) = 0.668102001223171 (mpmath);
 * E[e^z; z > 0] = e^{1/2} Phi(1); and smooth ones E[z^2] = 1, E[cos z] = e^{-1/2}.
 * Tolerance 1e-12 relative. (Plain Gauss-Hermite misses the ELU value by 3e-3.) */
START_TEST(test_gaussian_expect_halves)
{
    const double PI = 3.14159265358979323846;
    int p = 2;
    struct {
        double got, want;
    } c[] = {
        { mlpv_gaussian_expect_halves(f_relu, NULL), 1 / sqrt(2 * PI) },
        { mlpv_gaussian_expect_halves(f_abs3, NULL), 2 * sqrt(2 / PI) },
        { mlpv_gaussian_expect_halves(f_elu_d2, NULL), 0.5 + exp(2.0) * 0.5 * erfc(2 / sqrt(2.0)) },
        { mlpv_gaussian_expect_halves(f_step_exp, NULL), exp(0.5) * 0.5 * erfc(-1 / sqrt(2.0)) },
        { mlpv_gaussian_expect_halves(f_pow, &p), 1.0 },
        { mlpv_gaussian_expect_halves(f_cos, NULL), exp(-0.5) },
    };
    ck_assert(fabs(c[2].want - 0.668102001223171) < 1e-14);
    for (int k = 0; k < 6; k++)
        ck_assert_msg(fabs(c[k].got - c[k].want) <= 1e-12 * c[k].want, "case %d: %.17g, want %.17g", k, c[k].got,
                      c[k].want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gauss_hermite");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_weights_sum_to_one, 0, NNS);
    tcase_add_loop_test(tc, test_nodes_symmetric, 0, NNS);
    tcase_add_loop_test(tc, test_degree_exactness, 0, NNS);
    tcase_add_test(tc, test_small_rules_closed_form);
    tcase_add_test(tc, test_bad_n);
    tcase_add_test(tc, test_gaussian_expect);
    tcase_add_test(tc, test_gauss_legendre);
    tcase_add_test(tc, test_gaussian_expect_halves);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
