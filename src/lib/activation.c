/* Activation functions and their Gaussian moments. */
#include "mlpvar/activation.h"
#include "mlpvar/gauss_hermite.h"

#include <math.h>
#include <string.h>

#define LEAKY_SLOPE 0.01   /* PyTorch's nn.LeakyReLU default */

static const char *const NAMES[MLPV_ACTIVATION_COUNT] = {
    "relu", "abs", "leaky_relu", "tanh", "gelu", "silu",
    "elu", "softplus", "sigmoid", "sin", "identity",
};

const char *mlpv_activation_name(mlpv_activation a)
{
    return (a >= 0 && a < MLPV_ACTIVATION_COUNT) ? NAMES[a] : "?";
}

int mlpv_activation_parse(const char *name, mlpv_activation *out)
{
    for (int a = 0; a < MLPV_ACTIVATION_COUNT; a++)
        if (strcmp(name, NAMES[a]) == 0) { *out = (mlpv_activation)a; return 0; }
    return -1;
}

const char *mlpv_activation_names(void)
{
    return "relu, abs, leaky_relu, tanh, gelu, silu, elu, softplus, sigmoid, sin, identity";
}

static double sigmoid(double x)
{
    if (x >= 0) return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

double mlpv_phi(mlpv_activation a, double x)
{
    switch (a) {
    case MLPV_RELU:       return x > 0 ? x : 0.0;
    case MLPV_ABS:        return fabs(x);
    case MLPV_LEAKY_RELU: return x > 0 ? x : LEAKY_SLOPE * x;
    case MLPV_TANH:       return tanh(x);
    case MLPV_GELU:       return 0.5 * x * (1.0 + erf(x / M_SQRT2));   /* exact, erf form */
    case MLPV_SILU:       return x * sigmoid(x);
    case MLPV_ELU:        return x > 0 ? x : expm1(x);                 /* alpha = 1 */
    case MLPV_SOFTPLUS:   return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    case MLPV_SIGMOID:    return sigmoid(x);
    case MLPV_SIN:        return sin(x);
    case MLPV_IDENTITY:   return x;
    default:              return NAN;
    }
}

double mlpv_dphi(mlpv_activation a, double x)
{
    switch (a) {
    case MLPV_RELU:       return x > 0 ? 1.0 : 0.0;
    case MLPV_ABS:        return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
    case MLPV_LEAKY_RELU: return x > 0 ? 1.0 : LEAKY_SLOPE;
    case MLPV_TANH:       { double t = tanh(x); return 1.0 - t * t; }
    case MLPV_GELU:       return 0.5 * (1.0 + erf(x / M_SQRT2)) + x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
    case MLPV_SILU:       { double s = sigmoid(x); return s * (1.0 + x * (1.0 - s)); }
    case MLPV_ELU:        return x > 0 ? 1.0 : exp(x);
    case MLPV_SOFTPLUS:   return sigmoid(x);
    case MLPV_SIGMOID:    { double s = sigmoid(x); return s * (1.0 - s); }
    case MLPV_SIN:        return cos(x);
    case MLPV_IDENTITY:   return 1.0;
    default:              return NAN;
    }
}

/* The piecewise-linear ones get tight loops the compiler vectorises; the rest
 * go through the scalar double definition so float and double agree. */
void mlpv_phi_apply_f(mlpv_activation a, float *x, size_t n)
{
    switch (a) {
    case MLPV_RELU:     for (size_t i = 0; i < n; i++) x[i] = x[i] > 0.0f ? x[i] : 0.0f; return;
    case MLPV_ABS:      for (size_t i = 0; i < n; i++) x[i] = fabsf(x[i]); return;
    case MLPV_LEAKY_RELU:
        for (size_t i = 0; i < n; i++) x[i] = x[i] > 0.0f ? x[i] : (float)LEAKY_SLOPE * x[i];
        return;
    case MLPV_IDENTITY: return;
    default:
        for (size_t i = 0; i < n; i++) x[i] = (float)mlpv_phi(a, x[i]);
    }
}

void mlpv_phi_apply_d(mlpv_activation a, double *x, size_t n)
{
    switch (a) {
    case MLPV_RELU:     for (size_t i = 0; i < n; i++) x[i] = x[i] > 0.0 ? x[i] : 0.0; return;
    case MLPV_ABS:      for (size_t i = 0; i < n; i++) x[i] = fabs(x[i]); return;
    case MLPV_IDENTITY: return;
    default:
        for (size_t i = 0; i < n; i++) x[i] = mlpv_phi(a, x[i]);
    }
}

static double phi_sq(double z, const void *ctx)
{
    double v = mlpv_phi(*(const mlpv_activation *)ctx, z);
    return v * v;
}

static double dphi_sq(double z, const void *ctx)
{
    double v = mlpv_dphi(*(const mlpv_activation *)ctx, z);
    return v * v;
}

double mlpv_phi_second_moment(mlpv_activation a)
{
    return mlpv_gaussian_expect(phi_sq, &a);
}

double mlpv_dphi_second_moment(mlpv_activation a)
{
    return mlpv_gaussian_expect(dphi_sq, &a);
}

double mlpv_auto_gain(mlpv_activation a)
{
    return 1.0 / mlpv_phi_second_moment(a);
}
