/* Infinite-width signal propagation (Poole et al. 2016, Schoenholz et al. 2017)
 * for any activation. Weights W ~ N(0, sw2 / fan_in), biases b ~ N(0, sb2).
 * Pair expectations: closed forms for relu, abs, leaky_relu, sin, identity;
 * Gauss-Hermite (analytic activations at small q) or split Gauss-Legendre
 * panels (elu, and analytic ones at larger q) otherwise; relative accuracy
 * ~1e-11 or better throughout (theory_gauss.c, tests/theory). */
#ifndef MLPVAR_THEORY_H
#define MLPVAR_THEORY_H

#include "mlpvar/activation.h"

/* Length map: q -> sw2 E[phi(sqrt(q) z)^2] + sb2. */
double mlpv_length_map(mlpv_activation a, double q, double sw2, double sb2);

/* E[phi(u) phi(v)] for (u, v) ~ N(0, [[q1, c sqrt(q1 q2)], [c sqrt(q1 q2), q2]]),
 * q1, q2 >= 0, c in [-1, 1] (NaN otherwise). */
double mlpv_gauss_pair(mlpv_activation a, double q1, double q2, double c);
/* E[phi'(u) phi'(v)] likewise. */
double mlpv_gauss_pair_deriv(mlpv_activation a, double q1, double q2, double c);

/* The same two expectations (deriv = 0: E[phi(u)phi(v)], 1: E[phi'(u)phi'(v)])
 * by a fixed generic rule, whatever the activation, for tests and accuracy
 * studies: the n x n tensor Gauss-Hermite rule in u = sqrt(q1) z1,
 * v = sqrt(q2)(c z1 + sqrt(1-c^2) z2) (NaN if n < 1 or n > 1024) ... */
double mlpv_gauss_pair_quadrature(mlpv_activation a, double q1, double q2, double c, int n, int deriv);
/* ... and the split rule the library uses for kinked (elu) or steep (large q)
 * activations: z1 in two halves at 0, z2 in two halves at the kink of v, each
 * side by 10-point Gauss-Legendre panels graded from the kink outwards. */
double mlpv_gauss_pair_panels(mlpv_activation a, double q1, double q2, double c, int deriv);

/* Slope of the length map, d/dq [sw2 E[phi(sqrt(q) z)^2]] (the limit at q = 0).
 * For relu, abs, leaky_relu and identity it is sw2 E[phi(z)^2], read as exactly
 * 1 within 1e-12 of 1 (the "auto" gain comes from quadrature). */
double mlpv_length_map_slope(mlpv_activation a, double q, double sw2);

/* Correlation map at lengths q1, q2 (one layer): the correlation of the next
 * layer's pre-activations, (sw2 E[phi(u)phi(v)] + sb2) / sqrt(q1' q2'), with
 * q' = mlpv_length_map(q); NaN if q1' or q2' is 0. */
double mlpv_corr_map(mlpv_activation a, double q1, double q2, double c, double sw2, double sb2);

/* q* is the fixed point of the length map that iterating from q = 1 reaches
 * (about a corner input's first-layer variance, 1 + sb2). When q diverges
 * instead (relu at sw2 = 2 with sb2 > 0, relu at sw2 > 2, abs at sw2 >= 1 with
 * sb2 > 0, gelu/silu at their "auto" gains), has_q_star = 0 and every other
 * field is NaN, except chi_1 of relu, abs, leaky_relu, identity, which does
 * not depend on q. Where every q is fixed (relu at sw2 = 2, sb2 = 0) q* = 1.
 * Where q* = 0 (sb2 = 0, ordered, phi(0) = 0) the c-map at q* is 0/0 and the
 * convention c* = 1, chi_c = chi_1 is used. */
typedef struct {
    int has_q_star; /* 0 when q diverges from q = 1 (no fixed point below 1e200) */
    double q_star;
    double c_star; /* largest stable fixed point of the correlation map at q*:
                                1 in the ordered phase (chi_1 <= 1), < 1 in the chaotic */
    double chi_1; /* sw2 E[phi'(sqrt(q*) z)^2]: > 1 chaotic, < 1 ordered */
    double chi_c; /* slope of the correlation map at c*; = chi_1 when c* = 1 */
    double slope_q; /* slope of the length map at q* */
    double xi_q, xi_c; /* depth scales -1/log|slope| of q and c (Inf when |slope| >= 1:
                                at criticality; chaotic phase: xi_c from chi_c at c* < 1) */
    double trainable_depth; /* 6 xi_c (Schoenholz et al.) */
} mlpv_mean_field;

/* Fixed points and depth scales. Returns 0, or -1 if the inputs are invalid
 * (sw2 <= 0, sb2 < 0, an activation whose second moment is not finite). */
int mlpv_mean_field_solve(mlpv_activation a, double sw2, double sb2, mlpv_mean_field *out);

/* The predicted correlation after `layers` layers of two inputs with lengths
 * q1_0, q2_0 (first-layer pre-activation variances) and correlation c0, iterating
 * the length and correlation maps: layers = 0 gives c0; a network of depth L
 * (L hidden layers, output layer with the same sw2, sb2) has output
 * correlation mlpv_predicted_corr(..., L). NaN on invalid input. */
double mlpv_predicted_corr(mlpv_activation a, double sw2, double sb2, double q1_0, double q2_0, double c0, int layers);

/* The depth at which theory says the correlation of every pair of inputs of
 * [-1,1]^2 exceeds 1 - tau (a predicted C2C depth), for the first-layer weights
 * of the "auto" init (sw2 = 1 on the 2 inputs: first-layer q = |x|^2/2 + sb2,
 * cov = x.x'/2 + sb2) and later layers (sw2, sb2). The pairs followed are
 * those of a 3 x 3 grid (corners, edge midpoints, origin), which holds the
 * least correlated pairs. -1 if it never does within max_depth (or on invalid
 * input: tau outside (0, 1), max_depth < 1). The measured collapse ratio
 * rho = std/RMS is about sqrt(mean(1 - c)): rho < tau matches 1 - c < tau^2. */
int mlpv_predicted_c2c_depth(mlpv_activation a, double sw2, double sb2, double tau, int max_depth);

#endif
