/* Infinite-width signal propagation: the length and correlation maps of a deep
 * random MLP, their fixed points and depth scales (Poole et al. 2016,
 * Schoenholz et al. 2017), and what they predict for finite depths.
 *
 * The pair expectation E[phi(u) phi(v)], (u, v) ~ N(0, [[q1, c r], [c r, q2]]),
 * r = sqrt(q1 q2), and E[phi'(u) phi'(v)] are computed in one of three ways:
 *  - closed forms for relu, abs (docs/definitions.md), leaky_relu (relu's plus a linear
 *    part), sin (via cos(u -+ v)) and identity; exact to rounding.
 *  - the n x n tensor Gauss-Hermite rule in (z1, z2), u = sqrt(q1) z1,
 *    v = sqrt(q2)(c z1 + s z2), s = sqrt(1-c^2), for the analytic activations
 *    (tanh, gelu, silu, softplus, sigmoid) while max(q1, q2) is small enough
 *    (gh_qmax: tanh 0.25, the others 1) for GH_N = 64 nodes to reach ~1e-12.
 *    Beyond, phi(sqrt(q) z) turns steep near 0 and Gauss-Hermite converges
 *    slowly (tanh at q = 1: 5e-8, at q = 4: 2e-3), so:
 *  - the "panels" rule: z1 split at 0 (the kink of phi(u)), z2 split at
 *    t0 = -c z1 / s (the kink of phi(v)), each side by 10-point Gauss-Legendre
 *    panels whose width starts at the feature scale next to the split (1/sqrt(q),
 *    and s for the outer variable) and doubles up to 1, out to |z| = 9. Used for
 *    elu (phi'' jumps at 0) and for the analytic ones at larger q.
 * Accuracy on the natural scale (r for E[phi phi], 1 for E[phi' phi']): panels
 * vs the relu/abs/leaky/sin/identity closed forms <= 5e-15 for q in [0.01, 1e7],
 * c in [-1, 1]; tanh, gelu, silu, softplus, sigmoid vs a 2-D trapezoid reference
 * ~1e-14 (gelu at q = 16, c = -0.9: 1e-13); elu vs a semi-analytic reference
 * (z2 in closed form) 2e-14 (tests/theory). Plain 2-D Gauss-Hermite on a kinked
 * activation converges only like 1/n (relu E[phi phi]: 3e-3 at 64 nodes, 7e-4
 * at 256; E[phi' phi'], a step: 3e-2, 7e-3), which mlpv_gauss_pair_quadrature
 * shows and the tests check. */
#include "mlpvar/theory.h"
#include "mlpvar/gauss_hermite.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>

#define GH_N 64 /* tensor Gauss-Hermite nodes per axis (smooth activations) */
#define GL_K 10 /* Gauss-Legendre points per panel */
#define Z_MAX 9.0 /* N(0,1) mass beyond 9 is 1e-19 */
#define PANEL_MAX 1.0 /* widest panel */
#define FEATURE_MIN 1e-6 /* finest panel (features narrower are kinks to the rule) */
#define MAX_NODES 1024 /* ample: <= 2 sides x (21 graded + 10 uniform) panels x 10 */
#define CRITICAL_TOL                                                                                                   \
    1e-12 /* homogeneous: |sw2 E[phi(z)^2] - 1| below this is critical (the
                                "auto" gain comes from quadrature, 2 - 3e-15 for relu) */
#define Q_ONE 1.0 /* the length map's fixed point is sought from here */

static double gh_x[GH_N], gh_w[GH_N], gl_x[GL_K], gl_w[GL_K];
static int rules_ok;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static void rules_init(void)
{
    rules_ok = mlpv_gauss_hermite(GH_N, gh_x, gh_w) == 0 && mlpv_gauss_legendre(GL_K, gl_x, gl_w) == 0;
}

static int rules_ready(void)
{
    pthread_once(&rules_once, rules_init);
    return rules_ok;
}

static int valid_activation(mlpv_activation a) { return a >= 0 && a < MLPV_ACTIVATION_COUNT; }

/* phi or phi' */
static double fn(mlpv_activation a, int deriv, double x) { return deriv ? mlpv_dphi(a, x) : mlpv_phi(a, x); }

/* ---- closed forms ------------------------------------------------------- */

/* Positively homogeneous of degree 1: phi(t x) = t phi(x), t > 0. Then
 * E[phi(sqrt(q) z)^2] = kappa q and E[phi'(sqrt(q) z)^2] = kappa too. */
static int homogeneous(mlpv_activation a)
{
    return a == MLPV_RELU || a == MLPV_ABS || a == MLPV_LEAKY_RELU || a == MLPV_IDENTITY;
}

static double homogeneous_kappa(mlpv_activation a)
{
    switch (a) {
    case MLPV_RELU: return 0.5;
    case MLPV_LEAKY_RELU: {
        double al = MLPV_LEAKY_RELU_SLOPE;
        return 0.5 * (1.0 + al * al);
    }
    default: return 1.0; /* abs, identity */
    }
}

/* sw2 kappa of a homogeneous activation: the slope of its length map and its
 * chi_1. Within CRITICAL_TOL of 1 it is 1. */
static double homogeneous_gain(mlpv_activation a, double sw2)
{
    double k = sw2 * homogeneous_kappa(a);
    return fabs(k - 1.0) <= CRITICAL_TOL ? 1.0 : k;
}

/* phi or phi' not smooth at 0 */
static int kinked(mlpv_activation a)
{
    return a == MLPV_RELU || a == MLPV_ABS || a == MLPV_LEAKY_RELU || a == MLPV_ELU;
}

static int closed_form(mlpv_activation a) { return homogeneous(a) || a == MLPV_SIN; }

static double relu_pair(double r, double c, double s) { return r / (2.0 * M_PI) * (s + (M_PI - acos(c)) * c); }

static double relu_pair_d(double c) { return (M_PI - acos(c)) / (2.0 * M_PI); }

static double pair_closed(mlpv_activation a, double q1, double q2, double c, int deriv)
{
    double r = sqrt(q1 * q2), s = sqrt((1.0 - c) * (1.0 + c));
    switch (a) {
    case MLPV_RELU: return deriv ? relu_pair_d(c) : relu_pair(r, c, s);
    case MLPV_ABS: return deriv ? (2.0 / M_PI) * asin(c) : (2.0 * r / M_PI) * (s + c * asin(c));
    case MLPV_LEAKY_RELU: {
        /* leaky(x) = (1-al) relu(x) + al x and E[relu(u) v] = E[uv]/2 by symmetry. */
        double al = MLPV_LEAKY_RELU_SLOPE, k = (1.0 - al) * (1.0 - al);
        return deriv ? al + k * relu_pair_d(c) : k * relu_pair(r, c, s) + al * c * r;
    }
    case MLPV_IDENTITY: return deriv ? 1.0 : c * r;
    case MLPV_SIN: {
        /* sin u sin v = (cos(u-v) - cos(u+v))/2 and E[cos w] = exp(-Var w / 2). */
        double e = exp(-0.5 * (q1 + q2));
        return deriv ? e * cosh(c * r) : e * sinh(c * r);
    }
    default: return NAN;
    }
}

/* ---- quadrature rules --------------------------------------------------- */

typedef struct {
    int n;
    double z[MAX_NODES], w[MAX_NODES];
} rule1d; /* w includes the N(0,1) pdf */

static void add_panel(rule1d *r, double a, double b)
{
    const double inv_sqrt_2pi = 0.39894228040143267794;
    double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    for (int k = 0; k < GL_K && r->n < MAX_NODES; k++) {
        double z = mid + half * gl_x[k];
        r->z[r->n] = z;
        r->w[r->n] = half * gl_w[k] * inv_sqrt_2pi * exp(-0.5 * z * z);
        r->n++;
    }
}

/* A rule for E[f(z)], z ~ N(0,1), over [-Z_MAX, Z_MAX] split at t, with panels
 * of width delta next to t doubling up to PANEL_MAX on both sides. */
static void build_rule(rule1d *r, double t, double delta)
{
    r->n = 0;
    if (!(delta >= FEATURE_MIN)) delta = FEATURE_MIN;
    if (delta > PANEL_MAX) delta = PANEL_MAX;
    if (t < -Z_MAX) t = -Z_MAX;
    if (t > Z_MAX) t = Z_MAX;
    double x = t, w = delta;
    while (x < Z_MAX) {
        double nx = fmin(x + w, Z_MAX);
        add_panel(r, x, nx);
        x = nx;
        w = fmin(2.0 * w, PANEL_MAX);
    }
    x = t;
    w = delta;
    while (x > -Z_MAX) {
        double nx = fmax(x - w, -Z_MAX);
        add_panel(r, nx, x);
        x = nx;
        w = fmin(2.0 * w, PANEL_MAX);
    }
}

/* The feature scale of f(sqrt(q) z) in z: 1/sqrt(q), at most PANEL_MAX / 2. */
static double feature(double sqrt_q) { return sqrt_q > 0 ? fmin(0.5, 0.5 / sqrt_q) : 0.5; }

/* E[g(sqrt(q) z)] for g = phi^2 (mode 0), phi'^2 (1), phi phi' z / sqrt(q) (2). */
static double expect1(mlpv_activation a, double q, int mode)
{
    if (!rules_ready()) return NAN;
    rule1d r;
    double sq = sqrt(q);
    build_rule(&r, 0.0, feature(sq));
    double s = 0.0;
    for (int i = 0; i < r.n; i++) {
        double x = sq * r.z[i], v;
        if (mode == 0) {
            v = mlpv_phi(a, x);
            v *= v;
        } else if (mode == 1) {
            v = mlpv_dphi(a, x);
            v *= v;
        } else v = mlpv_phi(a, x) * mlpv_dphi(a, x) * r.z[i] / sq;
        s += r.w[i] * v;
    }
    return s;
}

double mlpv_gauss_pair_panels(mlpv_activation a, double q1, double q2, double c, int deriv)
{
    if (!valid_activation(a) || !(q1 >= 0) || !(q2 >= 0) || !(c >= -1.0 - 1e-12 && c <= 1.0 + 1e-12)) return NAN;
    if (!rules_ready()) return NAN;
    c = fmax(-1.0, fmin(1.0, c));
    double r1 = sqrt(q1), r2 = sqrt(q2), s = sqrt((1.0 - c) * (1.0 + c));
    /* phi(u) has its feature at z1 = 0 on the scale 1/r1; E_z2[phi(v)] as a
     * function of z1 too: phi(v) smoothed over s |z2|, on the scale s for a
     * kinked phi, max(s, 1/r2) for a smooth one. */
    double d1 = feature(r1);
    if (s > 0) d1 = fmin(d1, 0.5 * (kinked(a) ? s : fmax(s, r2 > 0 ? 1.0 / r2 : 1.0)));
    else d1 = fmin(d1, feature(r2));
    double d2 = (r2 * s > 0) ? feature(r2 * s) : 0.5;
    rule1d *outer = malloc(sizeof *outer), *inner = malloc(sizeof *inner);
    if (!outer || !inner) {
        free(outer);
        free(inner);
        return NAN;
    }
    build_rule(outer, 0.0, d1);
    double sum = 0.0;
    for (int i = 0; i < outer->n; i++) {
        double z1 = outer->z[i], fu = fn(a, deriv, r1 * z1);
        if (fu == 0.0) continue;
        double g;
        if (s == 0.0) {
            g = fn(a, deriv, r2 * c * z1);
        } else {
            build_rule(inner, -c * z1 / s, d2);
            g = 0.0;
            for (int j = 0; j < inner->n; j++) g += inner->w[j] * fn(a, deriv, r2 * (c * z1 + s * inner->z[j]));
        }
        sum += outer->w[i] * fu * g;
    }
    free(outer);
    free(inner);
    return sum;
}

static double gh_pair(const double *x, const double *w, int n, mlpv_activation a, double q1, double q2, double c,
                      int deriv)
{
    double r1 = sqrt(q1), r2 = sqrt(q2), s = sqrt((1.0 - c) * (1.0 + c));
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double fu = fn(a, deriv, r1 * x[i]);
        if (fu == 0.0) continue;
        double g = 0.0;
        for (int j = 0; j < n; j++) g += w[j] * fn(a, deriv, r2 * (c * x[i] + s * x[j]));
        sum += w[i] * fu * g;
    }
    return sum;
}

double mlpv_gauss_pair_quadrature(mlpv_activation a, double q1, double q2, double c, int n, int deriv)
{
    if (!valid_activation(a) || n < 1 || n > 1024 || !(q1 >= 0) || !(q2 >= 0) ||
        !(c >= -1.0 - 1e-12 && c <= 1.0 + 1e-12))
        return NAN;
    c = fmax(-1.0, fmin(1.0, c));
    double *x = malloc(sizeof(double) * (size_t)n), *w = malloc(sizeof(double) * (size_t)n);
    double v = NAN;
    if (x && w && mlpv_gauss_hermite(n, x, w) == 0) v = gh_pair(x, w, n, a, q1, q2, c, deriv);
    free(x);
    free(w);
    return v;
}

/* The largest variance at which the GH_N-point tensor rule is accurate to
 * ~1e-12 relative (measured against the panels rule over c in [-0.9, 1],
 * both expectations): set by the distance of phi's complex singularities from
 * the real axis (tanh: i pi/2; sigmoid and silu: i pi) on the scale sqrt(q).
 * Elu's phi'' jumps at 0: never. */
static double gh_qmax(mlpv_activation a)
{
    switch (a) {
    case MLPV_TANH: return 0.25;
    case MLPV_GELU:
    case MLPV_SILU:
    case MLPV_SOFTPLUS:
    case MLPV_SIGMOID: return 1.0;
    default: return -1.0;
    }
}

static double pair_expect(mlpv_activation a, double q1, double q2, double c, int deriv)
{
    if (!valid_activation(a) || !(q1 >= 0) || !(q2 >= 0) || !(c >= -1.0 - 1e-12 && c <= 1.0 + 1e-12)) return NAN;
    c = fmax(-1.0, fmin(1.0, c));
    if (closed_form(a)) return pair_closed(a, q1, q2, c, deriv);
    if (fmax(q1, q2) <= gh_qmax(a)) {
        if (!rules_ready()) return NAN;
        return gh_pair(gh_x, gh_w, GH_N, a, q1, q2, c, deriv);
    }
    return mlpv_gauss_pair_panels(a, q1, q2, c, deriv);
}

double mlpv_gauss_pair(mlpv_activation a, double q1, double q2, double c) { return pair_expect(a, q1, q2, c, 0); }

double mlpv_gauss_pair_deriv(mlpv_activation a, double q1, double q2, double c) { return pair_expect(a, q1, q2, c, 1); }

/* ---- the maps ------------------------------------------------------------ */

/* E[phi(sqrt(q) z)^2] */
static double second_moment(mlpv_activation a, double q)
{
    if (homogeneous(a)) return homogeneous_kappa(a) * q;
    if (a == MLPV_SIN) return 0.5 * -expm1(-2.0 * q);
    return expect1(a, q, 0);
}

/* E[phi'(sqrt(q) z)^2] */
static double deriv_moment(mlpv_activation a, double q)
{
    if (homogeneous(a)) return homogeneous_kappa(a);
    if (a == MLPV_SIN) return 0.5 * (1.0 + exp(-2.0 * q));
    if (q == 0.0) {
        double d = mlpv_dphi(a, 0.0);
        return d * d;
    }
    return expect1(a, q, 1);
}

double mlpv_length_map(mlpv_activation a, double q, double sw2, double sb2)
{
    if (!valid_activation(a) || !(q >= 0)) return NAN;
    return sw2 * second_moment(a, q) + sb2;
}

double mlpv_length_map_slope(mlpv_activation a, double q, double sw2)
{
    if (!valid_activation(a) || !(q >= 0)) return NAN;
    if (homogeneous(a)) return homogeneous_gain(a, sw2);
    if (a == MLPV_SIN) return sw2 * exp(-2.0 * q);
    if (q == 0.0) { /* d/dq E[phi(sqrt(q) z)^2] -> phi'(0)^2 + phi(0) phi''(0); phi'' by differences */
        double d = mlpv_dphi(a, 0.0), h = 1e-5;
        double d2 = (mlpv_dphi(a, h) - mlpv_dphi(a, -h)) / (2.0 * h);
        return sw2 * (d * d + mlpv_phi(a, 0.0) * d2);
    }
    return sw2 * expect1(a, q, 2);
}

double mlpv_corr_map(mlpv_activation a, double q1, double q2, double c, double sw2, double sb2)
{
    double n1 = mlpv_length_map(a, q1, sw2, sb2), n2 = mlpv_length_map(a, q2, sw2, sb2);
    double e = mlpv_gauss_pair(a, q1, q2, c);
    if (!(n1 > 0) || !(n2 > 0)) return NAN;
    return (sw2 * e + sb2) / (sqrt(n1) * sqrt(n2));
}

/* ---- fixed points -------------------------------------------------------- */

static double depth_scale(double slope)
{
    double m = fabs(slope);
    if (isnan(m)) return NAN;
    if (m >= 1.0) return INFINITY;
    if (m == 0.0) return 0.0;
    return -1.0 / log(m);
}

/* The fixed point of the length map that iterating from Q_ONE reaches (for
 * the increasing maps of these activations): 1 and *q set, 0 when q diverges
 * (no crossing below 1e200). Bracketed, then bisected to adjacent doubles. */
static int solve_q(mlpv_activation a, double sw2, double sb2, double *q)
{
    if (homogeneous(a)) {
        double k = homogeneous_gain(a, sw2);
        if (k < 1.0) {
            *q = sb2 / (1.0 - k);
            return 1;
        }
        if (k == 1.0 && sb2 == 0.0) {
            *q = Q_ONE;
            return 1;
        } /* every q is fixed */
        return 0;
    }
    double lo, hi, g = mlpv_length_map(a, Q_ONE, sw2, sb2) - Q_ONE;
    if (isnan(g)) return 0;
    if (g == 0.0) {
        *q = Q_ONE;
        return 1;
    }
    if (g > 0) { /* increase: g(lo) > 0 >= g(hi) */
        lo = Q_ONE;
        hi = 2.0 * Q_ONE;
        while (mlpv_length_map(a, hi, sw2, sb2) - hi > 0) {
            lo = hi;
            hi *= 2.0;
            if (hi > 1e200) return 0;
        }
    } else {
        hi = Q_ONE;
        lo = 0.5 * Q_ONE;
        while (mlpv_length_map(a, lo, sw2, sb2) - lo <= 0) {
            hi = lo;
            lo *= 0.5;
            if (lo < 1e-200) {
                *q = 0.0;
                return 1;
            }
        }
    }
    for (int it = 0; it < 400; it++) {
        double mid = hi > 4.0 * lo ? sqrt(lo * hi) : 0.5 * (lo + hi);
        if (!(mid > lo && mid < hi)) break;
        if (mlpv_length_map(a, mid, sw2, sb2) - mid > 0) lo = mid;
        else hi = mid;
    }
    double glo = fabs(mlpv_length_map(a, lo, sw2, sb2) - lo), ghi = fabs(mlpv_length_map(a, hi, sw2, sb2) - hi);
    *q = glo < ghi ? lo : hi;
    return 1;
}

/* The largest stable fixed point of c -> C(c) below 1, when c = 1 is unstable
 * (chi_1 > 1): C(c) - c < 0 just below 1, >= 0 at -1. 1 if no point below 1
 * shows C(c) < c (chi_1 within rounding of 1). */
static double solve_c(mlpv_activation a, double q, double sw2, double sb2)
{
    double hi = NAN;
    for (double e = 1e-2; e >= 1e-9; e *= 0.1)
        if (mlpv_corr_map(a, q, q, 1.0 - e, sw2, sb2) < 1.0 - e) {
            hi = 1.0 - e;
            break;
        }
    if (isnan(hi)) return 1.0;
    double lo = -1.0;
    for (double c = hi - 1.0 / 32; c > -1.0; c -= 1.0 / 32)
        if (mlpv_corr_map(a, q, q, c, sw2, sb2) >= c) {
            lo = c;
            break;
        }
    for (int it = 0; it < 100 && hi - lo > 1e-15; it++) {
        double mid = 0.5 * (lo + hi);
        if (mlpv_corr_map(a, q, q, mid, sw2, sb2) >= mid) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

int mlpv_mean_field_solve(mlpv_activation a, double sw2, double sb2, mlpv_mean_field *out)
{
    out->has_q_star = 0;
    out->q_star = out->c_star = out->chi_1 = out->chi_c = out->slope_q = NAN;
    out->xi_q = out->xi_c = out->trainable_depth = NAN;
    if (!valid_activation(a) || !(sw2 > 0) || !isfinite(sw2) || !(sb2 >= 0) || !isfinite(sb2) ||
        !isfinite(mlpv_phi_second_moment(a)))
        return -1;
    /* For the homogeneous ones chi_1 = sw2 kappa does not depend on q: reported
     * even when q diverges. */
    if (homogeneous(a)) out->chi_1 = homogeneous_gain(a, sw2);
    double q;
    if (!solve_q(a, sw2, sb2, &q)) return 0;
    out->has_q_star = 1;
    out->q_star = q;
    out->slope_q = mlpv_length_map_slope(a, q, sw2);
    out->xi_q = depth_scale(out->slope_q);
    out->chi_1 = homogeneous(a) ? homogeneous_gain(a, sw2) : sw2 * deriv_moment(a, q);
    if (q == 0.0 || out->chi_1 <= 1.0) {
        /* Ordered (or critical): c* = 1, slope chi_1. At q* = 0 the c-map itself
         * is 0/0; Schoenholz et al.'s convention c* = 1, chi_c = chi_1 is used. */
        out->c_star = 1.0;
        out->chi_c = out->chi_1;
    } else {
        out->c_star = solve_c(a, q, sw2, sb2);
        out->chi_c = out->c_star < 1.0 ? sw2 * mlpv_gauss_pair_deriv(a, q, q, out->c_star) : out->chi_1;
    }
    out->xi_c = depth_scale(out->chi_c);
    out->trainable_depth = 6.0 * out->xi_c;
    return 0;
}

/* ---- finite depth -------------------------------------------------------- */

/* Two inputs' pre-activation variances q1, q2 and correlation c, with the
 * bias variance b they see. For homogeneous activations a diverging q is
 * rescaled together with b (the maps are then invariant), so q never overflows. */
typedef struct {
    double q1, q2, c, b;
} pair_state;

/* One layer; 0, or -1 once a value is not finite. */
static int pair_step(mlpv_activation a, double sw2, pair_state *st)
{
    double n1 = mlpv_length_map(a, st->q1, sw2, st->b), n2 = mlpv_length_map(a, st->q2, sw2, st->b);
    double e = mlpv_gauss_pair(a, st->q1, st->q2, st->c);
    if (!(n1 > 0) || !(n2 > 0) || !isfinite(n1) || !isfinite(n2) || !isfinite(e)) return -1;
    double c = (sw2 * e + st->b) / (sqrt(n1) * sqrt(n2));
    st->c = fmax(-1.0, fmin(1.0, c));
    st->q1 = n1;
    st->q2 = n2;
    if (homogeneous(a) && fmax(n1, n2) > 1e100) {
        st->q1 *= 1e-100;
        st->q2 *= 1e-100;
        st->b *= 1e-100;
    }
    return 0;
}

double mlpv_predicted_corr(mlpv_activation a, double sw2, double sb2, double q1_0, double q2_0, double c0, int layers)
{
    if (!valid_activation(a) || !(sw2 > 0) || !(sb2 >= 0) || !(q1_0 > 0) || !(q2_0 > 0) || !(c0 >= -1.0 && c0 <= 1.0) ||
        layers < 0)
        return NAN;
    pair_state st = { q1_0, q2_0, c0, sb2 };
    for (int l = 0; l < layers; l++)
        if (pair_step(a, sw2, &st) != 0) return NAN;
    return st.c;
}

/* Inputs of [-1,1]^2 on a 3 x 3 grid (corners, edge midpoints, the origin):
 * the least correlated pairs (antipodal corners, c0 =
 * (sb2 - 1)/(sb2 + 1); orthogonal corners, c0 = sb2/(1 + sb2); the origin and
 * a corner, c0 = sqrt(sb2/(1 + sb2))) are among them. Pairs with equal
 * (q1, q2, cov) are followed once. The answer is -1 early when the maps say
 * never: in the chaotic phase (c* < 1 - tau), or once every pair short of
 * 1 - tau has, for C2C_STALL_LAYERS layers, been converging geometrically to a
 * limit short of it (a pair of inputs in different basins of the
 * length map, e.g. gelu at its "auto" gain, where q of the corners diverges and
 * q near the origin settles at a small fixed point). */
#define C2C_GRID 3
#define C2C_RHO 0.99 /* steps shrinking faster than this ratio count as geometric */
#define C2C_STALL_LAYERS 10 /* layers in a row every pair short of 1 - tau must look stalled */
#define C2C_MAX_PAIRS (C2C_GRID * C2C_GRID * (C2C_GRID * C2C_GRID - 1) / 2)

int mlpv_predicted_c2c_depth(mlpv_activation a, double sw2, double sb2, double tau, int max_depth)
{
    if (!valid_activation(a) || !(sw2 > 0) || !(sb2 >= 0) || !(tau > 0 && tau < 1) || max_depth < 1) return -1;
    /* Chaotic phase: pairs tend to c* < 1 - tau and the worst never passes it. */
    mlpv_mean_field mf;
    if (mlpv_mean_field_solve(a, sw2, sb2, &mf) != 0) return -1;
    if (mf.has_q_star && mf.c_star < 1.0 - tau) return -1;

    double px[C2C_GRID * C2C_GRID], py[C2C_GRID * C2C_GRID];
    int np = 0;
    for (int i = 0; i < C2C_GRID; i++)
        for (int j = 0; j < C2C_GRID; j++) {
            px[np] = -1.0 + 2.0 * i / (C2C_GRID - 1);
            py[np] = -1.0 + 2.0 * j / (C2C_GRID - 1);
            np++;
        }
    pair_state *st = malloc(sizeof(pair_state) * C2C_MAX_PAIRS);
    double(*key)[3] = malloc(sizeof(double[3]) * C2C_MAX_PAIRS);
    double *dc = calloc(C2C_MAX_PAIRS, sizeof(double)); /* last step of each pair's c */
    if (!st || !key || !dc) {
        free(st);
        free(key);
        free(dc);
        return -1;
    }
    int n = 0;
    for (int i = 0; i < np; i++)
        for (int j = i + 1; j < np; j++) {
            /* first layer, "auto" init: W ~ N(0, 1/2) on the 2 inputs, b ~ N(0, sb2) */
            double qi = 0.5 * (px[i] * px[i] + py[i] * py[i]) + sb2;
            double qj = 0.5 * (px[j] * px[j] + py[j] * py[j]) + sb2;
            double cov = 0.5 * (px[i] * px[j] + py[i] * py[j]) + sb2;
            if (!(qi > 0) || !(qj > 0)) continue; /* sb2 = 0 and the origin: constant 0 */
            double k0 = fmin(qi, qj), k1 = fmax(qi, qj);
            int dup = 0;
            for (int k = 0; k < n && !dup; k++) dup = key[k][0] == k0 && key[k][1] == k1 && key[k][2] == cov;
            if (dup) continue;
            key[n][0] = k0;
            key[n][1] = k1;
            key[n][2] = cov;
            st[n] = (pair_state){ k0, k1, fmax(-1.0, fmin(1.0, cov / sqrt(qi * qj))), sb2 };
            n++;
        }
    int depth = -1, stalled = 0;
    for (int l = 1; l <= max_depth && depth < 0; l++) {
        int all = 1, failed = 0, moving = 0;
        for (int k = 0; k < n; k++) {
            double before = st[k].c;
            if (pair_step(a, sw2, &st[k]) != 0) {
                failed = 1;
                break;
            }
            double step = fabs(st[k].c - before), gap = 1.0 - tau - st[k].c;
            if (gap >= 0) {
                all = 0;
                /* Converging geometrically (ratio rho of successive steps), it
                 * moves at most step rho / (1 - rho) more: stalled if 10 times
                 * that falls short of the gap. */
                double rho = dc[k] > 0 ? step / dc[k] : (step == 0 ? 0.0 : 1.0);
                if (!(rho < C2C_RHO && 10.0 * step * rho / (1.0 - rho) < gap)) moving = 1;
            }
            dc[k] = step;
        }
        if (failed) break;
        if (all) depth = l;
        else if (!moving && ++stalled >= C2C_STALL_LAYERS) break;
        else if (moving) stalled = 0;
    }
    free(st);
    free(key);
    free(dc);
    return depth;
}
