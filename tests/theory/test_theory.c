/* Tests of theory.h: the pair expectations against closed forms and brute
 * force, the fixed points against the maps, the known exact cases (relu at
 * criticality, tanh's phases), and the predictions against Monte Carlo of
 * wide random networks and of deep narrow ReLU nets (death probability). */
#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "mlpvar/gauss_hermite.h"
#include "mlpvar/network.h"
#include "mlpvar/theory.h"

static double rel(double a, double b) { return fabs(a - b) / fmax(fabs(b), 1e-3); }

/* ---- pair expectations ---------------------------------------------------- */

/* Plain 2-D Gauss-Hermite on the kinked relu/abs/leaky converges to the closed
 * form, but only algebraically (~1/n): relative error at 256 nodes below 2e-3
 * (E[phi phi]) and 4e-2 (E[phi' phi'], a step function), and shrinking at least
 * 1.5x per 4x nodes. */
START_TEST(test_gh_converges_to_closed_forms)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_LEAKY_RELU };
    const double cs[] = { -0.6, 0.3, 0.8 };
    for (int ai = 0; ai < 3; ai++)
        for (int ci = 0; ci < 3; ci++)
            for (int d = 0; d < 2; d++) {
                mlpv_activation a = acts[ai];
                double q1 = 1.3, q2 = 0.6, c = cs[ci];
                double cf = d ? mlpv_gauss_pair_deriv(a, q1, q2, c) : mlpv_gauss_pair(a, q1, q2, c);
                double scale = d ? 1.0 : sqrt(q1 * q2);
                double prev = INFINITY;
                for (int n = 16; n <= 256; n *= 4) {
                    double e = fabs(mlpv_gauss_pair_quadrature(a, q1, q2, c, n, d) - cf) / scale;
                    ck_assert_msg(e < prev / 1.5, "%s c=%g d=%d n=%d: error %.3g after %.3g", mlpv_activation_name(a),
                                  c, d, n, e, prev);
                    prev = e;
                }
                ck_assert_msg(prev < (d ? 4e-2 : 2e-3), "%s c=%g d=%d: error %.3g at 256 nodes",
                              mlpv_activation_name(a), c, d, prev);
            }
}
END_TEST

/* The closed forms of docs/definitions.md at special points (equal q): c = 1 gives the
 * second moments, c = 0 the squared means, c = -1 relu's 0. */
START_TEST(test_closed_forms_special_points)
{
    double q = 2.5;
    ck_assert_double_eq_tol(mlpv_gauss_pair(MLPV_RELU, q, q, 1.0), q / 2, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair(MLPV_RELU, q, q, 0.0), q / (2 * M_PI), 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair(MLPV_RELU, q, q, -1.0), 0.0, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair(MLPV_ABS, q, q, 1.0), q, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair(MLPV_ABS, q, q, 0.0), 2 * q / M_PI, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair_deriv(MLPV_RELU, q, q, 1.0), 0.5, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair_deriv(MLPV_RELU, q, q, 0.0), 0.25, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair_deriv(MLPV_ABS, q, q, 1.0), 1.0, 1e-15);
    ck_assert_double_eq_tol(mlpv_gauss_pair_deriv(MLPV_ABS, q, q, 0.0), 0.0, 1e-15);
}
END_TEST

/* The split (panels) rule, which the library uses for elu and for steep smooth
 * activations, against every closed form: error on the natural scale (r for
 * E[phi phi], 1 for E[phi' phi']) below 1e-12 for q from 0.01 to 1e7, c from -1
 * to 1 (including 1 - 1e-6). Seen: 5e-15. */
START_TEST(test_panels_vs_closed_forms)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_LEAKY_RELU, MLPV_SIN, MLPV_IDENTITY };
    const double cs[] = { -1.0, -0.9, 0.0, 0.5, 0.99, 1 - 1e-6, 1.0 };
    for (int ai = 0; ai < 5; ai++)
        for (int ci = 0; ci < 7; ci++)
            for (int d = 0; d < 2; d++)
                for (double q = 0.01; q < 1e7; q *= 30) {
                    mlpv_activation a = acts[ai];
                    if (a == MLPV_SIN && q > 3) continue; /* E -> 0 like exp(-q) */
                    double q2 = 0.6 * q, c = cs[ci];
                    double cf = d ? mlpv_gauss_pair_deriv(a, q, q2, c) : mlpv_gauss_pair(a, q, q2, c);
                    double p = mlpv_gauss_pair_panels(a, q, q2, c, d);
                    double scale = (d || a == MLPV_SIN) ? 1.0 : sqrt(q * q2);
                    ck_assert_msg(fabs(p - cf) / scale < 1e-12, "%s q=%g c=%.8g d=%d: %.17g vs %.17g",
                                  mlpv_activation_name(a), q, c, d, p, cf);
                }
}
END_TEST

/* Brute force: the 2-D trapezoid rule in (z1, z2) on [-10, 10]^2, step h. For
 * these analytic integrands it converges geometrically in 1/h (tanh at q = 16:
 * poles 0.39 from the real axis, error ~exp(-2 pi 0.39 / h)): at h = 0.05 it
 * agrees with h = 0.01 to 1e-15. */
static double trapezoid(mlpv_activation a, double q1, double q2, double c, int d, double h)
{
    const double L = 10.0;
    double s = sqrt((1 - c) * (1 + c)), r1 = sqrt(q1), r2 = sqrt(q2);
    int n = (int)lround(2 * L / h);
    double sum = 0.0;
    for (int i = 0; i <= n; i++) {
        double z1 = -L + i * h, f = d ? mlpv_dphi(a, r1 * z1) : mlpv_phi(a, r1 * z1), g = 0.0;
        for (int j = 0; j <= n; j++) {
            double z2 = -L + j * h, v = r2 * (c * z1 + s * z2);
            g += exp(-0.5 * z2 * z2) * (d ? mlpv_dphi(a, v) : mlpv_phi(a, v));
        }
        sum += exp(-0.5 * z1 * z1) * f * g;
    }
    return sum * h * h / (2 * M_PI);
}

/* tanh and gelu: the library's pair expectation (GH at small q, panels beyond)
 * and the plain 64-node tensor GH rule where it is used (tanh q <= 0.25, gelu
 * q <= 1) against the trapezoid: relative error below 1e-10 (GH: 1e-12).
 * Seen: 8e-12 (gelu, q = 16, c = -0.7, where E is 100x below its scale). */
START_TEST(test_smooth_vs_trapezoid)
{
    const mlpv_activation acts[] = { MLPV_TANH, MLPV_GELU };
    const double qs[] = { 0.2, 1.0, 4.0, 16.0 }, cs[] = { -0.7, 0.2, 0.95 };
    for (int ai = 0; ai < 2; ai++)
        for (int qi = 0; qi < 4; qi++)
            for (int ci = 0; ci < 3; ci++)
                for (int d = 0; d < 2; d++) {
                    mlpv_activation a = acts[ai];
                    double q1 = qs[qi], q2 = 0.7 * qs[qi], c = cs[ci];
                    double ref = trapezoid(a, q1, q2, c, d, 0.05);
                    double v = d ? mlpv_gauss_pair_deriv(a, q1, q2, c) : mlpv_gauss_pair(a, q1, q2, c);
                    ck_assert_msg(rel(v, ref) < 1e-10, "%s q=%g c=%g d=%d: %.17g vs trapezoid %.17g",
                                  mlpv_activation_name(a), q1, c, d, v, ref);
                    if (q1 <= (a == MLPV_TANH ? 0.25 : 1.0)) {
                        double g = mlpv_gauss_pair_quadrature(a, q1, q2, c, 64, d);
                        ck_assert_msg(rel(g, ref) < 1e-12, "%s q=%g c=%g d=%d: GH %.17g vs %.17g",
                                      mlpv_activation_name(a), q1, c, d, g, ref);
                    }
                }
}
END_TEST

/* Standard normal cdf */
static double Phi(double x) { return 0.5 * erfc(-x / M_SQRT2); }

/* E[elu(Y)] (deriv 0) or E[elu'(Y)] (1), Y ~ N(m, sd^2), in closed form:
 * E[Y; Y>0] = m Phi(m/sd) + sd phi(m/sd), E[e^Y; Y<0] = e^(m + sd^2/2) Phi(-(m + sd^2)/sd). */
static double elu_inner(double m, double sd, int d)
{
    double t = m / sd, ey = exp(m + 0.5 * sd * sd) * Phi(-(m + sd * sd) / sd);
    if (d) return Phi(t) + ey;
    return m * Phi(t) + sd * exp(-0.5 * t * t) / sqrt(2 * M_PI) + ey - Phi(-t);
}

/* An independent elu reference: z2 in closed form, z1 by 40-point
 * Gauss-Legendre on 360 panels of width 0.025 on each half line. */
static double elu_reference(double q1, double q2, double c, int d)
{
    double x[40], w[40];
    ck_assert_int_eq(mlpv_gauss_legendre(40, x, w), 0);
    double r1 = sqrt(q1), r2 = sqrt(q2), s = sqrt((1 - c) * (1 + c)), sum = 0.0;
    for (int side = -1; side <= 1; side += 2)
        for (int p = 0; p < 360; p++)
            for (int k = 0; k < 40; k++) {
                double z = side * (0.025 * p + 0.0125 * (1 + x[k]));
                double f = d ? mlpv_dphi(MLPV_ELU, r1 * z) : mlpv_phi(MLPV_ELU, r1 * z);
                sum += 0.0125 * w[k] * exp(-0.5 * z * z) / sqrt(2 * M_PI) * f * elu_inner(r2 * c * z, r2 * s, d);
            }
    return sum;
}

/* elu (phi'' jumps at 0): the library against the semi-analytic reference,
 * error on the natural scale below 1e-12. Seen: 2e-14. */
START_TEST(test_elu_vs_semi_analytic)
{
    const double qs[] = { 0.01, 0.3, 1.0, 4.0, 30.0 }, cs[] = { -0.99, -0.7, 0.0, 0.5, 0.95, 0.999 };
    for (int qi = 0; qi < 5; qi++)
        for (int ci = 0; ci < 6; ci++)
            for (int d = 0; d < 2; d++) {
                double q1 = qs[qi], q2 = 0.6 * qs[qi], c = cs[ci];
                double ref = elu_reference(q1, q2, c, d), scale = d ? 1.0 : sqrt(q1 * q2);
                double v = d ? mlpv_gauss_pair_deriv(MLPV_ELU, q1, q2, c) : mlpv_gauss_pair(MLPV_ELU, q1, q2, c);
                ck_assert_msg(fabs(v - ref) / scale < 1e-12, "elu q=%g c=%g d=%d: %.17g vs %.17g", q1, c, d, v, ref);
            }
}
END_TEST

/* Price's theorem ties the two expectations: d/dc E[phi(u)phi(v)] =
 * sqrt(q1 q2) E[phi'(u)phi'(v)]. Central differences (step 1e-4) on every
 * activation, relative agreement 1e-6. */
START_TEST(test_price_theorem)
{
    mlpv_activation a = (mlpv_activation)_i;
    const double qs[] = { 0.5, 3.0 }, cs[] = { -0.5, 0.1, 0.7 };
    for (int qi = 0; qi < 2; qi++)
        for (int ci = 0; ci < 3; ci++) {
            double q1 = qs[qi], q2 = 0.8 * qs[qi], c = cs[ci], h = 1e-4;
            double fd = (mlpv_gauss_pair(a, q1, q2, c + h) - mlpv_gauss_pair(a, q1, q2, c - h)) / (2 * h);
            double dd = sqrt(q1 * q2) * mlpv_gauss_pair_deriv(a, q1, q2, c);
            ck_assert_msg(fabs(fd - dd) < 1e-6 * fmax(1.0, fabs(dd)), "%s q=%g c=%g: %.12g vs %.12g",
                          mlpv_activation_name(a), q1, c, fd, dd);
        }
}
END_TEST

/* ---- maps and fixed points --------------------------------------------- */

typedef struct {
    mlpv_activation a;
    double sw2, sb2;
} point;
static const point POINTS[] = {
    { MLPV_RELU, 1.5, 0.01 }, { MLPV_RELU, 2.0, 0.0 },     { MLPV_ABS, 0.8, 0.05 },      { MLPV_LEAKY_RELU, 1.2, 0.1 },
    { MLPV_TANH, 1.0, 0.05 }, { MLPV_TANH, 4.0, 0.05 },    { MLPV_TANH, 2.5, 0.01 },     { MLPV_GELU, 1.5, 0.01 },
    { MLPV_SILU, 1.5, 0.1 },  { MLPV_ELU, 1.55, 0.01 },    { MLPV_SOFTPLUS, 1.1, 0.01 }, { MLPV_SIGMOID, 3.4, 0.01 },
    { MLPV_SIN, 2.3, 0.01 },  { MLPV_IDENTITY, 0.5, 0.1 },
};
#define NPOINTS ((int)(sizeof POINTS / sizeof POINTS[0]))

/* q* satisfies the length map to 1e-10 (relative), c-map(1) = 1 at q* to
 * 1e-12, c* satisfies the correlation map to 1e-10, and chi_c is the map's
 * slope at c* (central differences, 1e-6). */
START_TEST(test_fixed_points)
{
    point p = POINTS[_i];
    mlpv_mean_field m;
    ck_assert_int_eq(mlpv_mean_field_solve(p.a, p.sw2, p.sb2, &m), 0);
    const char *name = mlpv_activation_name(p.a);
    ck_assert_msg(m.has_q_star, "%s sw2=%g sb2=%g: no q*", name, p.sw2, p.sb2);
    double q = m.q_star;
    ck_assert_msg(fabs(mlpv_length_map(p.a, q, p.sw2, p.sb2) - q) <= 1e-10 * fmax(1.0, q),
                  "%s: L(q*) = %.17g, q* = %.17g", name, mlpv_length_map(p.a, q, p.sw2, p.sb2), q);
    ck_assert_msg(m.slope_q < 1.0 + 1e-12, "%s: q* not attracting (slope %g)", name, m.slope_q);
    if (q > 0) {
        ck_assert_msg(fabs(mlpv_corr_map(p.a, q, q, 1.0, p.sw2, p.sb2) - 1.0) < 1e-12, "%s: C(1) = %.17g", name,
                      mlpv_corr_map(p.a, q, q, 1.0, p.sw2, p.sb2));
        double c = m.c_star;
        ck_assert_msg(fabs(mlpv_corr_map(p.a, q, q, c, p.sw2, p.sb2) - c) < 1e-10, "%s: C(c*) = %.17g, c* = %.17g",
                      name, mlpv_corr_map(p.a, q, q, c, p.sw2, p.sb2), c);
        if (c < 1.0) {
            double h = 1e-5;
            double slope =
                (mlpv_corr_map(p.a, q, q, c + h, p.sw2, p.sb2) - mlpv_corr_map(p.a, q, q, c - h, p.sw2, p.sb2)) /
                (2 * h);
            ck_assert_msg(fabs(slope - m.chi_c) < 1e-6, "%s: slope %.12g vs chi_c %.12g", name, slope, m.chi_c);
            ck_assert_msg(fabs(m.chi_c) < 1.0, "%s: c* = %g not stable (chi_c %g)", name, c, m.chi_c);
            ck_assert_msg(m.chi_1 > 1.0, "%s: c* < 1 with chi_1 = %g", name, m.chi_1);
        } else {
            ck_assert_msg(m.chi_1 <= 1.0, "%s: c* = 1 with chi_1 = %g", name, m.chi_1);
            ck_assert_double_eq(m.chi_c, m.chi_1);
        }
    }
    ck_assert_double_eq_tol(m.chi_1, p.sw2 * (mlpv_gauss_pair_deriv(p.a, q, q, 1.0)), 1e-9);
    if (isfinite(m.xi_c)) ck_assert_double_eq_tol(m.xi_c, -1.0 / log(fabs(m.chi_c)), 1e-9 * m.xi_c);
    ck_assert_double_eq(m.trainable_depth, 6.0 * m.xi_c);
}
END_TEST

/* ReLU: chi_1 = sw2 / 2 exactly. At sw2 = 2, sb2 = 0 it is critical (chi_1 =
 * 1, c* = 1, xi_c infinite); with sb2 > 0 at sw2 = 2, or sw2 > 2, q diverges;
 * below, q* = sb2 / (1 - sw2/2) and xi_c = -1/log(sw2/2). */
START_TEST(test_relu_exact)
{
    mlpv_mean_field m;
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 2.0, 0.0, &m), 0);
    ck_assert(m.has_q_star);
    ck_assert(m.chi_1 == 1.0);
    ck_assert(m.chi_c == 1.0);
    ck_assert(m.c_star == 1.0);
    ck_assert(isinf(m.xi_c) && isinf(m.trainable_depth) && isinf(m.xi_q));
    /* the "auto" gain from quadrature (2 - 3e-15) is critical too */
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, mlpv_auto_gain(MLPV_RELU), 0.0, &m), 0);
    ck_assert(m.has_q_star && m.chi_1 == 1.0);

    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 2.0, 0.01, &m), 0);
    ck_assert(!m.has_q_star);
    ck_assert(isnan(m.q_star) && isnan(m.xi_c) && isnan(m.trainable_depth));
    ck_assert(m.chi_1 == 1.0); /* independent of q */
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 2.5, 0.0, &m), 0);
    ck_assert(!m.has_q_star);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_ABS, 1.0, 0.01, &m), 0);
    ck_assert(!m.has_q_star);

    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 1.5, 0.01, &m), 0);
    ck_assert(m.has_q_star);
    ck_assert_double_eq_tol(m.q_star, 0.01 / 0.25, 1e-15);
    ck_assert_double_eq_tol(m.chi_1, 0.75, 1e-15);
    ck_assert_double_eq_tol(m.xi_c, -1.0 / log(0.75), 1e-12);
    ck_assert_double_eq_tol(m.xi_q, -1.0 / log(0.75), 1e-12);
    ck_assert(m.c_star == 1.0);
}
END_TEST

/* tanh. sb2 = 0: the transition is at sw2 = 1 (Schoenholz et al.): below, q*
 * = 0 and chi_1 = sw2; above, q* > 0 and chaotic with c* = 0 exactly when
 * C'(0) < 1 (odd phi, no bias: C is odd). sb2 = 0.05: sw2 = 1 ordered (c* =
 * 1, chi_1 < 1), sw2 = 4 chaotic (c* < 1, chi_1 > 1); at the critical sw2
 * (chi_1 = 1, found by bisection) xi_c grows without bound from both sides. */
START_TEST(test_tanh_phases)
{
    mlpv_mean_field m;
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, 0.9, 0.0, &m), 0);
    ck_assert(m.has_q_star && m.q_star == 0.0 && m.c_star == 1.0);
    ck_assert_double_eq_tol(m.chi_1, 0.9, 1e-15);
    ck_assert_double_eq_tol(m.xi_c, -1.0 / log(0.9), 1e-12);

    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, 1.5, 0.0, &m), 0);
    ck_assert(m.has_q_star && m.q_star > 0 && m.chi_1 > 1.0);
    ck_assert_msg(fabs(m.c_star) < 1e-9, "c* = %g", m.c_star);

    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, 1.0, 0.05, &m), 0);
    ck_assert(m.has_q_star && m.c_star == 1.0 && m.chi_1 < 1.0);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, 4.0, 0.05, &m), 0);
    ck_assert(m.has_q_star && m.c_star < 1.0 && m.chi_1 > 1.0 && m.chi_c < 1.0);

    double lo = 1.0, hi = 4.0; /* chi_1(lo) < 1 < chi_1(hi) */
    for (int it = 0; it < 25; it++) {
        double mid = 0.5 * (lo + hi);
        ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, mid, 0.05, &m), 0);
        if (m.chi_1 < 1.0) lo = mid;
        else hi = mid;
    }
    double crit = 0.5 * (lo + hi), prev[2] = { 0, 0 };
    /* 1.7610 here, which agrees with the (sw2, sb2) = (1.76, 0.05) tanh critical
     * point of the mean-field literature as far as we recall it */
    ck_assert_msg(crit > 1.755 && crit < 1.767, "critical sw2 %g", crit);
    for (int k = 0; k < 3; k++) {
        double d = 0.1 * pow(0.1, k);
        for (int side = 0; side < 2; side++) {
            ck_assert_int_eq(mlpv_mean_field_solve(MLPV_TANH, crit + (side ? d : -d), 0.05, &m), 0);
            ck_assert_msg(m.xi_c > 2.0 * prev[side], "sw2 = crit %+g: xi_c %g after %g", side ? d : -d, m.xi_c,
                          prev[side]);
            prev[side] = m.xi_c;
        }
    }
    ck_assert_msg(prev[0] > 100 && prev[1] > 100, "xi_c at crit -+0.001: %g %g", prev[0], prev[1]);
}
END_TEST

START_TEST(test_invalid_input)
{
    mlpv_mean_field m;
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 0.0, 0.01, &m), -1);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, -1.0, 0.01, &m), -1);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, 2.0, -0.01, &m), -1);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_RELU, NAN, 0.01, &m), -1);
    ck_assert_int_eq(mlpv_mean_field_solve(MLPV_ACTIVATION_COUNT, 1.0, 0.01, &m), -1);
    ck_assert(isnan(mlpv_gauss_pair(MLPV_RELU, 1.0, 1.0, 1.5)));
    ck_assert(isnan(mlpv_gauss_pair(MLPV_TANH, -1.0, 1.0, 0.5)));
    ck_assert(isnan(mlpv_gauss_pair_quadrature(MLPV_TANH, 1.0, 1.0, 0.5, 0, 0)));
    ck_assert(isnan(mlpv_predicted_corr(MLPV_RELU, 2.0, 0.01, 1.0, 1.0, 0.5, -1)));
    ck_assert(isnan(mlpv_predicted_corr(MLPV_RELU, 2.0, 0.01, 0.0, 1.0, 0.5, 3)));
    ck_assert_int_eq(mlpv_predicted_c2c_depth(MLPV_RELU, 2.0, 0.01, 0.0, 100), -1);
    ck_assert_int_eq(mlpv_predicted_c2c_depth(MLPV_RELU, 2.0, 0.01, 0.01, 0), -1);
}
END_TEST

/* ---- finite depth --------------------------------------------------------- */

/* layers = 0 is the input correlation; one relu layer by hand. */
START_TEST(test_predicted_corr_by_hand)
{
    double q1 = 1.01, q2 = 0.26, c = 0.3, sw2 = 2.0, sb2 = 0.01;
    ck_assert(mlpv_predicted_corr(MLPV_RELU, sw2, sb2, q1, q2, c, 0) == c);
    double e = sqrt(q1 * q2) / (2 * M_PI) * (sqrt(1 - c * c) + (M_PI - acos(c)) * c);
    double want = (sw2 * e + sb2) / sqrt((q1 + sb2) * (q2 + sb2));
    ck_assert_double_eq_tol(mlpv_predicted_corr(MLPV_RELU, sw2, sb2, q1, q2, c, 1), want, 1e-15);
}
END_TEST

/* The worst correlation over the pairs of the 3 x 3 grid of [-1,1]^2 after
 * `layers` maps, from the first layer of the "auto" init. */
static double worst_grid_corr(mlpv_activation a, double sw2, double sb2, int layers)
{
    double worst = 1.0;
    for (int i = 0; i < 9; i++)
        for (int j = i + 1; j < 9; j++) {
            double xi[2] = { i / 3 - 1.0, i % 3 - 1.0 }, xj[2] = { j / 3 - 1.0, j % 3 - 1.0 };
            double qi = 0.5 * (xi[0] * xi[0] + xi[1] * xi[1]) + sb2, qj = 0.5 * (xj[0] * xj[0] + xj[1] * xj[1]) + sb2;
            double c0 = (0.5 * (xi[0] * xj[0] + xi[1] * xj[1]) + sb2) / sqrt(qi * qj);
            worst = fmin(worst, mlpv_predicted_corr(a, sw2, sb2, qi, qj, c0, layers));
        }
    return worst;
}

/* The predicted C2C depth d of relu, abs and ordered tanh: at d every grid pair
 * has c > 1 - tau, at d - 1 one does not. (For relu the worst pair is a corner
 * and the origin, not the antipodal corners: the origin's q = sb2 grows by sb2
 * per layer, the corner's stays near 1, and the bias keeps them apart.)
 * Chaotic tanh: never. */
START_TEST(test_c2c_depth)
{
    double sb2 = 0.01, tau = 0.01;
    struct {
        mlpv_activation a;
        double sw2;
        int hi;
    } cases[] = { { MLPV_RELU, mlpv_auto_gain(MLPV_RELU), 1000 },
                  { MLPV_ABS, mlpv_auto_gain(MLPV_ABS), 1000 },
                  { MLPV_TANH, 1.0, 100 } };
    for (int k = 0; k < 3; k++) {
        int d = mlpv_predicted_c2c_depth(cases[k].a, cases[k].sw2, sb2, tau, 1000);
        ck_assert_msg(d > 1 && d < cases[k].hi, "%s: depth %d", mlpv_activation_name(cases[k].a), d);
        double at = worst_grid_corr(cases[k].a, cases[k].sw2, sb2, d);
        double before = worst_grid_corr(cases[k].a, cases[k].sw2, sb2, d - 1);
        ck_assert_msg(at > 1 - tau && before <= 1 - tau, "%s: depth %d: worst c %.6f, before %.6f",
                      mlpv_activation_name(cases[k].a), d, at, before);
    }
    ck_assert_int_eq(mlpv_predicted_c2c_depth(MLPV_TANH, mlpv_auto_gain(MLPV_TANH), sb2, tau, 1000), -1);
    ck_assert_int_eq(mlpv_predicted_c2c_depth(MLPV_RELU, 2.0, sb2, tau, 20), -1); /* not within 20 */
}
END_TEST

/* Monte Carlo of wide random networks ("auto" init, bias std 0.1, width
 * 1000, 3 hidden layers, R = 8 draws, 4 inputs: 6 pairs). From hidden layer
 * l's post-activations h the next layer's pre-activation covariance is
 * K = sw2 mean_u h_i h_j + sb2; its correlation estimates the prediction after
 * l + 1 maps. Tolerance: 5 standard errors of the mean over the R independent
 * draws (0.0003-0.02 here) plus 5 / width for the O(1/width) finite-width bias.
 * Seen: |MC - theory| at most 3.6 SE, and at most 10 / width (abs, layer 2). */
#define MC_WIDTH 1000
#define MC_DEPTH 3
#define MC_DRAWS 8
#define MC_POINTS 4
static const double MC_X[MC_POINTS][2] = { { 1, 1 }, { -1, -1 }, { 1, -0.5 }, { 0.2, 0.9 } };

typedef struct {
    double sw2, sb2;
    double corr[MC_DEPTH][MC_POINTS][MC_POINTS];
} mc_ctx;

static void mc_hook(void *ctx, int layer, const void *hv, int rows, int width, long row0, mlpv_precision p)
{
    (void)row0;
    mc_ctx *m = ctx;
    ck_assert(p == MLPV_DOUBLE && rows == MC_POINTS);
    const double *h = hv;
    double K[MC_POINTS][MC_POINTS];
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < rows; j++) {
            double s = 0;
            for (int u = 0; u < width; u++) s += h[(size_t)u * rows + i] * h[(size_t)u * rows + j];
            K[i][j] = m->sw2 * s / width + m->sb2;
        }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < rows; j++) m->corr[layer][i][j] = K[i][j] / sqrt(K[i][i] * K[j][j]);
}

START_TEST(test_monte_carlo_wide)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH };
    mlpv_activation a = acts[_i];
    mlpv_spec s = mlpv_spec_default(a, MC_DEPTH, MC_WIDTH);
    double sb2 = s.bias_std * s.bias_std, sw2 = mlpv_auto_gain(a);
    static double sum[MC_DEPTH][MC_POINTS][MC_POINTS], sum2[MC_DEPTH][MC_POINTS][MC_POINTS];
    for (int l = 0; l < MC_DEPTH; l++)
        for (int i = 0; i < MC_POINTS; i++)
            for (int j = 0; j < MC_POINTS; j++) sum[l][i][j] = sum2[l][i][j] = 0;
    double x[MC_POINTS * 2], y[MC_POINTS];
    for (int i = 0; i < MC_POINTS; i++) {
        x[2 * i] = MC_X[i][0];
        x[2 * i + 1] = MC_X[i][1];
    }
    for (int r = 0; r < MC_DRAWS; r++) {
        mlpv_net *net = mlpv_net_random(&s, 1000 + (uint64_t)r);
        ck_assert_ptr_nonnull(net);
        ck_assert_double_eq(mlpv_layer_gain(&s, 1), sw2);
        double *work = malloc(sizeof(double) * 2 * (size_t)mlpv_forward_work_size(net, MC_POINTS));
        mc_ctx m = { .sw2 = sw2, .sb2 = sb2 };
        mlpv_forward_d(net, x, MC_POINTS, y, work, mc_hook, &m, 0);
        for (int l = 0; l < MC_DEPTH; l++)
            for (int i = 0; i < MC_POINTS; i++)
                for (int j = 0; j < MC_POINTS; j++) {
                    sum[l][i][j] += m.corr[l][i][j];
                    sum2[l][i][j] += m.corr[l][i][j] * m.corr[l][i][j];
                }
        free(work);
        mlpv_net_free(net);
    }
    for (int l = 0; l < MC_DEPTH; l++)
        for (int i = 0; i < MC_POINTS; i++)
            for (int j = i + 1; j < MC_POINTS; j++) {
                double mean = sum[l][i][j] / MC_DRAWS;
                double var = fmax(0.0, (sum2[l][i][j] - MC_DRAWS * mean * mean) / (MC_DRAWS - 1));
                double se = sqrt(var / MC_DRAWS);
                const double *xi = MC_X[i], *xj = MC_X[j];
                double qi = 0.5 * (xi[0] * xi[0] + xi[1] * xi[1]) + sb2,
                       qj = 0.5 * (xj[0] * xj[0] + xj[1] * xj[1]) + sb2;
                double c0 = (0.5 * (xi[0] * xj[0] + xi[1] * xj[1]) + sb2) / sqrt(qi * qj);
                double pred = mlpv_predicted_corr(a, sw2, sb2, qi, qj, c0, l + 1);
                double tol = 5 * se + 5.0 / MC_WIDTH;
                ck_assert_msg(fabs(mean - pred) < tol, "%s layer %d pair %d-%d: MC %.5f +- %.5f, theory %.5f",
                              mlpv_activation_name(a), l + 1, i, j, mean, se, pred);
            }
}
END_TEST

/* A deep ReLU net with symmetric weights and biases is dead at an input (some
 * hidden layer all zero there) with probability 1 - prod_l (1 - 2^-n_l)
 * (docs/definitions.md, theory). Depth 10, widths 2, 3, 4 (p = 0.944, 0.737, 0.476), 3000 draws
 * each at x = (0.3, -0.7): within 4 binomial standard errors. */
typedef struct {
    int dead;
} death_ctx;

static void death_hook(void *ctx, int layer, const void *hv, int rows, int width, long row0, mlpv_precision p)
{
    (void)layer;
    (void)row0;
    (void)p;
    const double *h = hv;
    int any = 0;
    for (int u = 0; u < width * rows; u++) any |= h[u] != 0.0;
    if (!any) ((death_ctx *)ctx)->dead = 1;
}

START_TEST(test_relu_death_probability)
{
    const int width = 2 + _i, depth = 10, draws = 3000;
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, depth, width);
    double x[2] = { 0.3, -0.7 }, y[1];
    int dead = 0;
    for (int r = 0; r < draws; r++) {
        mlpv_net *net = mlpv_net_random(&s, (uint64_t)r);
        double work[2 * 4];
        ck_assert_int_le(mlpv_forward_work_size(net, 1), 4);
        death_ctx c = { 0 };
        mlpv_forward_d(net, x, 1, y, work, death_hook, &c, 0);
        dead += c.dead;
        mlpv_net_free(net);
    }
    double p = 1.0 - pow(1.0 - pow(2.0, -width), depth), f = (double)dead / draws;
    double se = sqrt(p * (1 - p) / draws);
    ck_assert_msg(fabs(f - p) < 4 * se, "width %d: dead %.4f, theory %.4f (se %.4f)", width, f, p, se);
}
END_TEST

static Suite *theory_suite(void)
{
    Suite *s = suite_create("theory");
    TCase *t = tcase_create("pair");
    tcase_add_test(t, test_gh_converges_to_closed_forms);
    tcase_add_test(t, test_closed_forms_special_points);
    tcase_add_test(t, test_panels_vs_closed_forms);
    tcase_add_test(t, test_smooth_vs_trapezoid);
    tcase_add_test(t, test_elu_vs_semi_analytic);
    tcase_add_loop_test(t, test_price_theorem, 0, MLPV_ACTIVATION_COUNT);
    suite_add_tcase(s, t);
    t = tcase_create("mean_field");
    tcase_add_loop_test(t, test_fixed_points, 0, NPOINTS);
    tcase_add_test(t, test_relu_exact);
    tcase_add_test(t, test_tanh_phases);
    tcase_add_test(t, test_invalid_input);
    suite_add_tcase(s, t);
    t = tcase_create("depth");
    tcase_add_test(t, test_predicted_corr_by_hand);
    tcase_add_test(t, test_c2c_depth);
    tcase_add_loop_test(t, test_monte_carlo_wide, 0, 3);
    tcase_add_loop_test(t, test_relu_death_probability, 0, 3);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *r = srunner_create(theory_suite());
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
