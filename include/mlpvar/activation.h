/* Activation functions, their derivatives, Gaussian moments and the "auto" gain. */
#ifndef MLPVAR_ACTIVATION_H
#define MLPVAR_ACTIVATION_H

#include <stddef.h>

typedef enum {
    MLPV_RELU,
    MLPV_ABS,
    MLPV_LEAKY_RELU,
    MLPV_TANH,
    MLPV_GELU,
    MLPV_SILU,
    MLPV_ELU,
    MLPV_SOFTPLUS,
    MLPV_SIGMOID,
    MLPV_SIN,
    MLPV_IDENTITY,
    MLPV_ACTIVATION_COUNT
} mlpv_activation;

/* Leaky ReLU's slope on x < 0 (PyTorch's nn.LeakyReLU default). */
#define MLPV_LEAKY_RELU_SLOPE 0.01

/* Name as the command line spells it ("relu", "abs", ...). */
const char *mlpv_activation_name(mlpv_activation a);
/* Parses a name; returns 0 and sets *out, or -1 if unknown. */
int mlpv_activation_parse(const char *name, mlpv_activation *out);
/* Comma-separated list of every known name, for error messages. */
const char *mlpv_activation_names(void);

/* phi and phi' of one double with libm: the definitions (moments, theory, tests). */
double mlpv_phi(mlpv_activation a, double x);
double mlpv_dphi(mlpv_activation a, double x); /* derivative; 0 at a kink's left side */

/* In place over n values: x[i] = phi(x[i]), with the arithmetic of the forward
 * pass (activation.c): double as mlpv_phi; float as (float)mlpv_phi((double)x)
 * except relu, abs, leaky relu (exact in float) and tanh, sigmoid (a rational
 * approximation, absolute error about 2e-7). */
void mlpv_phi_apply_f(mlpv_activation a, float *x, size_t n);
void mlpv_phi_apply_d(mlpv_activation a, double *x, size_t n);

/* E[phi(z)^2] and E[phi'(z)^2], z ~ N(0,1): Gauss-Hermite quadrature for activations
 * smooth at 0, half-line Gauss-Legendre panels for kinked ones (activation.c). */
double mlpv_phi_second_moment(mlpv_activation a);
double mlpv_dphi_second_moment(mlpv_activation a);

/* The "auto" gain s2 = 1 / E[phi(z)^2] for layers after the first. */
double mlpv_auto_gain(mlpv_activation a);

#endif
