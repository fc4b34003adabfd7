/* Unit tests for activation.h: derivatives, vector forms, names, Gaussian
 * moments and the "auto" gain, each against an independent reference. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/activation.h"

static const double PI = 3.14159265358979323846;

/* Points away from every kink (all kinks of these activations sit at 0). */
static const double PTS[] = { -3.1, -2.3, -1.1, -0.4, -0.05, 0.05, 0.3, 0.7, 1.5, 2.9 };
#define NPTS ((int)(sizeof PTS / sizeof PTS[0]))

/* Standard normal CDF. */
static double Phi(double x) { return 0.5 * erfc(-x / sqrt(2.0)); }

static int rel_close(double a, double b, double rtol, double atol) { return fabs(a - b) <= atol + rtol * fabs(b); }

/* Brute-force E[g(z)^2], z ~ N(0,1): composite trapezoid on [-12, 12] with
 * 200001 points (h = 1.2e-4). The tails beyond 12 weigh < 1e-30 and the
 * trapezoid error on these smooth integrands is O(h^2 * 1e-1) < 1e-9, far
 * below the 1e-8 relative tolerance used with it. */
static double trapezoid_moment(mlpv_activation a, int derivative)
{
    const int npt = 200001;
    const double lo = -12.0, hi = 12.0, h = (hi - lo) / (npt - 1);
    double sum = 0.0;
    for (int i = 0; i < npt; i++) {
        double z = lo + h * i;
        double f = derivative ? mlpv_dphi(a, z) : mlpv_phi(a, z);
        double v = f * f * exp(-0.5 * z * z);
        sum += (i == 0 || i == npt - 1) ? 0.5 * v : v;
    }
    return sum * h / sqrt(2.0 * PI);
}

/* mlpv_dphi agrees with a central difference of mlpv_phi (step 1e-5:
 * truncation ~ h^2 |phi'''| ~ 1e-10, rounding ~ eps/h ~ 1e-11). */
START_TEST(test_dphi_matches_finite_difference)
{
    mlpv_activation a = (mlpv_activation)_i;
    const double h = 1e-5;
    for (int k = 0; k < NPTS; k++) {
        double x = PTS[k];
        double fd = (mlpv_phi(a, x + h) - mlpv_phi(a, x - h)) / (2 * h);
        double d = mlpv_dphi(a, x);
        ck_assert_msg(rel_close(d, fd, 1e-6, 1e-6), "%s: dphi(%g) = %.12g, central difference %.12g",
                      mlpv_activation_name(a), x, d, fd);
    }
}
END_TEST

/* The in-place vector forms compute the scalar phi element by element. */
START_TEST(test_apply_matches_scalar)
{
    mlpv_activation a = (mlpv_activation)_i;
    enum { N = 37 };
    double xd[N];
    float xf[N];
    double orig[N];
    for (int k = 0; k < N; k++) {
        orig[k] = -4.0 + 8.0 * k / (N - 1) + 0.013; /* avoid exactly 0 */
        xd[k] = orig[k];
        xf[k] = (float)orig[k];
    }
    mlpv_phi_apply_d(a, xd, N);
    mlpv_phi_apply_f(a, xf, N);
    for (int k = 0; k < N; k++) {
        double ref = mlpv_phi(a, orig[k]);
        ck_assert_msg(rel_close(xd[k], ref, 1e-14, 1e-300), "%s apply_d[%d]: %.17g vs %.17g", mlpv_activation_name(a),
                      k, xd[k], ref);
        /* float input is orig rounded to float; compare to phi of that value
         * at single-precision accuracy */
        double reff = mlpv_phi(a, (double)(float)orig[k]);
        ck_assert_msg(rel_close(xf[k], reff, 2e-6, 2e-7), "%s apply_f[%d]: %.9g vs %.9g", mlpv_activation_name(a), k,
                      (double)xf[k], reff);
    }
    /* n = 0 touches nothing */
    double sentinel = 123.0;
    mlpv_phi_apply_d(a, &sentinel, 0);
    ck_assert(sentinel == 123.0);
}
END_TEST

/* Every name round-trips through the parser and is listed by mlpv_activation_names. */
START_TEST(test_names_round_trip)
{
    const char *all = mlpv_activation_names();
    ck_assert_ptr_nonnull(all);
    for (int i = 0; i < MLPV_ACTIVATION_COUNT; i++) {
        mlpv_activation a = (mlpv_activation)i, back = MLPV_ACTIVATION_COUNT;
        const char *name = mlpv_activation_name(a);
        ck_assert_ptr_nonnull(name);
        ck_assert_int_gt((int)strlen(name), 0);
        ck_assert_int_eq(mlpv_activation_parse(name, &back), 0);
        ck_assert_int_eq((int)back, i);
        ck_assert_msg(strstr(all, name) != NULL, "'%s' missing from '%s'", name, all);
        for (int j = 0; j < i; j++) ck_assert_str_ne(name, mlpv_activation_name((mlpv_activation)j));
    }
    /* The names the command line and docs/definitions.md use. */
    mlpv_activation a;
    ck_assert_int_eq(mlpv_activation_parse("relu", &a), 0);
    ck_assert_int_eq((int)a, MLPV_RELU);
    ck_assert_int_eq(mlpv_activation_parse("abs", &a), 0);
    ck_assert_int_eq((int)a, MLPV_ABS);
    ck_assert_int_eq(mlpv_activation_parse("tanh", &a), 0);
    ck_assert_int_eq((int)a, MLPV_TANH);
}
END_TEST

START_TEST(test_unknown_name_rejected)
{
    mlpv_activation a;
    ck_assert_int_eq(mlpv_activation_parse("relux", &a), -1);
    ck_assert_int_eq(mlpv_activation_parse("", &a), -1);
    ck_assert_int_eq(mlpv_activation_parse("rel", &a), -1);
    ck_assert_int_eq(mlpv_activation_parse("relu ", &a), -1);
}
END_TEST

/* Values against textbook definitions, parameter-free where the parameter
 * (leaky slope, ELU alpha, GELU variant) is an implementation choice. */
START_TEST(test_phi_values)
{
    for (int k = 0; k < NPTS; k++) {
        double x = PTS[k];
        ck_assert(rel_close(mlpv_phi(MLPV_RELU, x), x > 0 ? x : 0.0, 1e-15, 0));
        ck_assert(rel_close(mlpv_phi(MLPV_ABS, x), fabs(x), 1e-15, 0));
        ck_assert(rel_close(mlpv_phi(MLPV_IDENTITY, x), x, 1e-15, 0));
        ck_assert(rel_close(mlpv_phi(MLPV_TANH, x), tanh(x), 1e-14, 1e-300));
        ck_assert(rel_close(mlpv_phi(MLPV_SIN, x), sin(x), 1e-14, 1e-300));
        ck_assert(rel_close(mlpv_phi(MLPV_SIGMOID, x), 1.0 / (1.0 + exp(-x)), 1e-14, 0));
        ck_assert(rel_close(mlpv_phi(MLPV_SOFTPLUS, x), log1p(exp(x)), 1e-13, 0));
        ck_assert(rel_close(mlpv_phi(MLPV_SILU, x), x / (1.0 + exp(-x)), 1e-13, 1e-300));
        /* GELU: exact x Phi(x) or the tanh approximation (max deviation 5e-4) */
        double gelu = 0.5 * x * erfc(-x / sqrt(2.0));
        ck_assert_msg(fabs(mlpv_phi(MLPV_GELU, x) - gelu) < 1e-3, "gelu(%g)", x);
        if (x > 0) {
            ck_assert(rel_close(mlpv_phi(MLPV_LEAKY_RELU, x), x, 1e-15, 0));
            ck_assert(rel_close(mlpv_phi(MLPV_ELU, x), x, 1e-15, 0));
        }
    }
    /* leaky relu is linear on x < 0 with a slope in (0, 1) */
    double slope = -mlpv_phi(MLPV_LEAKY_RELU, -1.0);
    ck_assert(slope > 0 && slope < 1);
    ck_assert(rel_close(mlpv_phi(MLPV_LEAKY_RELU, -2.5), -2.5 * slope, 1e-14, 0));
    /* ELU on x < 0 is alpha (e^x - 1): the ratio at two points is alpha-free */
    double r = mlpv_phi(MLPV_ELU, -2.0) / mlpv_phi(MLPV_ELU, -1.0);
    ck_assert(rel_close(r, expm1(-2.0) / expm1(-1.0), 1e-13, 0));
}
END_TEST

/* Closed forms. relu, abs, leaky relu, identity: E[z^2 on a half or whole
 * line] by symmetry; sin: E[sin^2 z] = (1 - E[cos 2z])/2 = (1 - e^{-2})/2.
 * elu (alpha = elu(-inf) -> -alpha, checked = 1 below): E[z^2; z > 0] = 1/2 and
 * E[(e^z - 1)^2; z < 0] = e^2 Phi(-2) - 2 e^{1/2} Phi(-1) + 1/2, using
 * E[e^{az}; z < 0] = e^{a^2/2} Phi(-a); total 1 + e^2 Phi(-2) - 2 e^{1/2} Phi(-1)
 * = 0.644945417492924 (mpmath, 30 digits). */
START_TEST(test_second_moment_closed_forms)
{
    double slope = -mlpv_phi(MLPV_LEAKY_RELU, -1.0);
    struct {
        mlpv_activation a;
        double want;
    } c[] = {
        { MLPV_RELU, 0.5 },
        { MLPV_ABS, 1.0 },
        { MLPV_IDENTITY, 1.0 },
        { MLPV_SIN, 0.5 * (1.0 - exp(-2.0)) },
        { MLPV_LEAKY_RELU, 0.5 * (1.0 + slope * slope) },
        { MLPV_ELU, 1.0 + exp(2.0) * Phi(-2.0) - 2.0 * exp(0.5) * Phi(-1.0) },
    };
    ck_assert(fabs(mlpv_phi(MLPV_ELU, -40.0) + 1.0) < 1e-15); /* alpha = 1 */
    ck_assert(fabs(1.0 + exp(2.0) * Phi(-2.0) - 2.0 * exp(0.5) * Phi(-1.0) - 0.644945417492924) < 1e-14);
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        double got = mlpv_phi_second_moment(c[k].a);
        ck_assert_msg(rel_close(got, c[k].want, 1e-10, 0), "%s: E[phi^2] = %.15g, want %.15g",
                      mlpv_activation_name(c[k].a), got, c[k].want);
    }
}
END_TEST

/* Smooth activations: quadrature vs an independent brute-force trapezoid integral. */
START_TEST(test_second_moment_brute_force)
{
    const mlpv_activation acts[] = { MLPV_TANH, MLPV_GELU, MLPV_SILU, MLPV_ELU, MLPV_SOFTPLUS, MLPV_SIGMOID };
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        double got = mlpv_phi_second_moment(acts[k]);
        double want = trapezoid_moment(acts[k], 0);
        ck_assert_msg(rel_close(got, want, 1e-8, 0), "%s: E[phi^2] = %.15g, trapezoid %.15g",
                      mlpv_activation_name(acts[k]), got, want);
    }
}
END_TEST

/* E[phi'(z)^2]: relu 1/2, abs 1, identity 1, leaky relu (1 + a^2)/2, sin (1 + e^{-2})/2 in closed form,
 * elu (alpha 1) 1/2 + E[e^{2z}; z < 0] = 1/2 + e^2 Phi(-2) = 0.668102001223171
 * (mpmath); the smooth ones against the trapezoid rule. */
START_TEST(test_dphi_second_moment)
{
    ck_assert(rel_close(mlpv_dphi_second_moment(MLPV_RELU), 0.5, 1e-10, 0));
    ck_assert(rel_close(mlpv_dphi_second_moment(MLPV_ABS), 1.0, 1e-10, 0));
    ck_assert(rel_close(mlpv_dphi_second_moment(MLPV_IDENTITY), 1.0, 1e-10, 0));
    /* leaky relu: phi' is 1 or the slope on a half line each: (1 + a^2)/2 */
    double slope = -mlpv_phi(MLPV_LEAKY_RELU, -1.0);
    ck_assert(rel_close(mlpv_dphi_second_moment(MLPV_LEAKY_RELU), 0.5 * (1 + slope * slope), 1e-10, 0));
    ck_assert(rel_close(mlpv_dphi_second_moment(MLPV_SIN), 0.5 * (1.0 + exp(-2.0)), 1e-10, 0));
    double elu = mlpv_dphi_second_moment(MLPV_ELU), want = 0.5 + exp(2.0) * Phi(-2.0);
    ck_assert(fabs(want - 0.668102001223171) < 1e-14);
    ck_assert_msg(rel_close(elu, want, 1e-8, 0), "elu: E[phi'^2] = %.15g, want %.15g", elu, want);
    const mlpv_activation acts[] = { MLPV_TANH, MLPV_GELU, MLPV_SILU, MLPV_SOFTPLUS, MLPV_SIGMOID };
    for (size_t k = 0; k < sizeof acts / sizeof acts[0]; k++) {
        double got = mlpv_dphi_second_moment(acts[k]);
        double want = trapezoid_moment(acts[k], 1);
        ck_assert_msg(rel_close(got, want, 1e-8, 0), "%s: E[phi'^2] = %.15g, trapezoid %.15g",
                      mlpv_activation_name(acts[k]), got, want);
    }
}
END_TEST

/* auto gain = 1 / E[phi^2]: ReLU 2 and abs 1 (docs/definitions.md), and the identity
 * with the second moment for every activation. */
START_TEST(test_auto_gain)
{
    ck_assert(rel_close(mlpv_auto_gain(MLPV_RELU), 2.0, 1e-10, 0));
    ck_assert(rel_close(mlpv_auto_gain(MLPV_ABS), 1.0, 1e-10, 0));
    ck_assert(rel_close(mlpv_auto_gain(MLPV_IDENTITY), 1.0, 1e-10, 0));
    for (int i = 0; i < MLPV_ACTIVATION_COUNT; i++) {
        mlpv_activation a = (mlpv_activation)i;
        ck_assert(rel_close(mlpv_auto_gain(a), 1.0 / mlpv_phi_second_moment(a), 1e-12, 0));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("activation");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_dphi_matches_finite_difference, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_loop_test(tc, test_apply_matches_scalar, 0, MLPV_ACTIVATION_COUNT);
    tcase_add_test(tc, test_names_round_trip);
    tcase_add_test(tc, test_unknown_name_rejected);
    tcase_add_test(tc, test_phi_values);
    tcase_add_test(tc, test_second_moment_closed_forms);
    tcase_add_test(tc, test_second_moment_brute_force);
    tcase_add_test(tc, test_dphi_second_moment);
    tcase_add_test(tc, test_auto_gain);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
