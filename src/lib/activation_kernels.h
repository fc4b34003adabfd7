/* Internal to libmlpvar: the elementwise activation kernels, the one table of
 * phi and phi' in float and double that the forward engine (forward.c) and the
 * backward pass (backprop_impl.h, rivals_ntk.c) both use. Written once
 * (activation_impl.h) and instantiated by activation.c per precision.
 *
 * Arithmetic: double is libm's (mlpv_phi); float is (float)mlpv_phi((double)v)
 * except relu, abs, leaky relu (exact in float) and tanh, sigmoid, which use a
 * rational approximation of tanh (activation.c, absolute error about 2e-7)
 * that the compiler vectorises.
 *
 * Arrays are features-major blocks [n x rows]: row u holds unit u over a chunk
 * of points, leading dimension rows. */
#ifndef MLPVAR_ACTIVATION_KERNELS_H
#define MLPVAR_ACTIVATION_KERNELS_H

#include "mlpvar/activation.h"

/* Whether the derivative kernels need z itself (abs, gelu, silu, sin); for the
 * others they take phi'(z) from h = phi(z) and z may be h's buffer. */
int mlpv_dphi_needs_z(mlpv_activation a);

/* z [n x rows] += b (b[u] along row u), then h = phi(z). h == z: in place, z
 * ends up holding phi(z); otherwise z keeps the pre-activations. */
void mlpv_bias_phi_f(mlpv_activation a, float *z, float *h, int n, int rows, const float *b);
void mlpv_bias_phi_d(mlpv_activation a, double *z, double *h, int n, int rows, const double *b);

/* d [n x rows] .*= phi'(z), from z or from h = phi(z) (see mlpv_dphi_needs_z);
 * then gb[u] += the sum of row u of the result, unless gb is NULL. d must not
 * overlap z or h. */
void mlpv_dphi_mul_f(mlpv_activation a, const float *z, const float *h, float *d, int n, int rows, float *gb);
void mlpv_dphi_mul_d(mlpv_activation a, const double *z, const double *h, double *d, int n, int rows, double *gb);

#endif
