/* Gaussian expectations of an activation for the infinite-width theory of
 * theory.h; the maps, fixed points and depth predictions that use them are in
 * theory.c (which calls this file, never the other way).
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
#include "theory_internal.h"
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

int mlpv_th_valid_activation(mlpv_activation a) { return a >= 0 && a < MLPV_ACTIVATION_COUNT; }

/* phi or phi' */
static double fn(mlpv_activation a, int deriv, double x) { return deriv ? mlpv_dphi(a, x) : mlpv_phi(a, x); }

/* ---- closed forms ------------------------------------------------------- */

/* Positively homogeneous of degree 1: phi(t x) = t phi(x), t > 0. Then
 * E[phi(sqrt(q) z)^2] = kappa q and E[phi'(sqrt(q) z)^2] = kappa too
 * (homogeneous_kappa, theory.c). */
int mlpv_th_homogeneous(mlpv_activation a)
{
    return a == MLPV_RELU || a == MLPV_ABS || a == MLPV_LEAKY_RELU || a == MLPV_IDENTITY;
}

/* phi or phi' not smooth at 0 */
static int kinked(mlpv_activation a)
{
    return a == MLPV_RELU || a == MLPV_ABS || a == MLPV_LEAKY_RELU || a == MLPV_ELU;
}

static int closed_form(mlpv_activation a) { return mlpv_th_homogeneous(a) || a == MLPV_SIN; }

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
double mlpv_th_expect1(mlpv_activation a, double q, int mode)
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
    if (!mlpv_th_valid_activation(a) || !(q1 >= 0) || !(q2 >= 0) || !(c >= -1.0 - 1e-12 && c <= 1.0 + 1e-12))
        return NAN;
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
    if (!mlpv_th_valid_activation(a) || n < 1 || n > 1024 || !(q1 >= 0) || !(q2 >= 0) ||
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
    if (!mlpv_th_valid_activation(a) || !(q1 >= 0) || !(q2 >= 0) || !(c >= -1.0 - 1e-12 && c <= 1.0 + 1e-12))
        return NAN;
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
