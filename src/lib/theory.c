/* Infinite-width signal propagation: the length and correlation maps of a deep
 * random MLP, their fixed points and depth scales (Poole et al. 2016,
 * Schoenholz et al. 2017), and what they predict for finite depths.
 * The Gaussian expectations the maps take (E[phi(u) phi(v)], E[phi'(u) phi'(v)]
 * and the one-variable moments by quadrature) are in theory_gauss.c. */
#include "theory_internal.h"

#include <math.h>
#include <stdlib.h>

#define CRITICAL_TOL                                                                                                   \
    1e-12 /* homogeneous: |sw2 E[phi(z)^2] - 1| below this is critical (the
                                "auto" gain comes from quadrature, 2 - 3e-15 for relu) */
#define Q_ONE 1.0 /* the length map's fixed point is sought from here */

/* ---- homogeneous activations ------------------------------------------- */

/* kappa of a homogeneous activation: E[phi(sqrt(q) z)^2] = kappa q and
 * E[phi'(sqrt(q) z)^2] = kappa. */
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

/* ---- the maps ------------------------------------------------------------ */

/* E[phi(sqrt(q) z)^2] */
static double second_moment(mlpv_activation a, double q)
{
    if (mlpv_th_homogeneous(a)) return homogeneous_kappa(a) * q;
    if (a == MLPV_SIN) return 0.5 * -expm1(-2.0 * q);
    return mlpv_th_expect1(a, q, 0);
}

/* E[phi'(sqrt(q) z)^2] */
static double deriv_moment(mlpv_activation a, double q)
{
    if (mlpv_th_homogeneous(a)) return homogeneous_kappa(a);
    if (a == MLPV_SIN) return 0.5 * (1.0 + exp(-2.0 * q));
    if (q == 0.0) {
        double d = mlpv_dphi(a, 0.0);
        return d * d;
    }
    return mlpv_th_expect1(a, q, 1);
}

double mlpv_length_map(mlpv_activation a, double q, double sw2, double sb2)
{
    if (!mlpv_th_valid_activation(a) || !(q >= 0)) return NAN;
    return sw2 * second_moment(a, q) + sb2;
}

double mlpv_length_map_slope(mlpv_activation a, double q, double sw2)
{
    if (!mlpv_th_valid_activation(a) || !(q >= 0)) return NAN;
    if (mlpv_th_homogeneous(a)) return homogeneous_gain(a, sw2);
    if (a == MLPV_SIN) return sw2 * exp(-2.0 * q);
    if (q == 0.0) { /* d/dq E[phi(sqrt(q) z)^2] -> phi'(0)^2 + phi(0) phi''(0); phi'' by differences */
        double d = mlpv_dphi(a, 0.0), h = 1e-5;
        double d2 = (mlpv_dphi(a, h) - mlpv_dphi(a, -h)) / (2.0 * h);
        return sw2 * (d * d + mlpv_phi(a, 0.0) * d2);
    }
    return sw2 * mlpv_th_expect1(a, q, 2);
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
    if (mlpv_th_homogeneous(a)) {
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
    if (!mlpv_th_valid_activation(a) || !(sw2 > 0) || !isfinite(sw2) || !(sb2 >= 0) || !isfinite(sb2) ||
        !isfinite(mlpv_phi_second_moment(a)))
        return -1;
    /* For the homogeneous ones chi_1 = sw2 kappa does not depend on q: reported
     * even when q diverges. */
    if (mlpv_th_homogeneous(a)) out->chi_1 = homogeneous_gain(a, sw2);
    double q;
    if (!solve_q(a, sw2, sb2, &q)) return 0;
    out->has_q_star = 1;
    out->q_star = q;
    out->slope_q = mlpv_length_map_slope(a, q, sw2);
    out->xi_q = depth_scale(out->slope_q);
    out->chi_1 = mlpv_th_homogeneous(a) ? homogeneous_gain(a, sw2) : sw2 * deriv_moment(a, q);
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
    if (mlpv_th_homogeneous(a) && fmax(n1, n2) > 1e100) {
        st->q1 *= 1e-100;
        st->q2 *= 1e-100;
        st->b *= 1e-100;
    }
    return 0;
}

double mlpv_predicted_corr(mlpv_activation a, double sw2, double sb2, double q1_0, double q2_0, double c0, int layers)
{
    if (!mlpv_th_valid_activation(a) || !(sw2 > 0) || !(sb2 >= 0) || !(q1_0 > 0) || !(q2_0 > 0) ||
        !(c0 >= -1.0 && c0 <= 1.0) || layers < 0)
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
    if (!mlpv_th_valid_activation(a) || !(sw2 > 0) || !(sb2 >= 0) || !(tau > 0 && tau < 1) || max_depth < 1) return -1;
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
