/* Activation functions and their Gaussian moments. */
#include "mlpvar/activation.h"
#include "mlpvar/gauss_hermite.h"

#include <math.h>
#include <pthread.h>
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

/* Activations that are not smooth at 0 (a kink in phi or phi'). Gauss-Hermite
 * is exact for relu, abs and leaky relu by symmetry, but converges slowly for
 * ELU (E[phi'^2] off by 3e-3 at 160 nodes): these integrate each half line
 * separately. The smooth ones use Gauss-Hermite. */
static int kinked_at_zero(mlpv_activation a)
{
    return a == MLPV_RELU || a == MLPV_ABS || a == MLPV_LEAKY_RELU || a == MLPV_ELU;
}

static double expect(mlpv_activation a, double (*f)(double, const void *))
{
    return kinked_at_zero(a) ? mlpv_gaussian_expect_halves(f, &a) : mlpv_gaussian_expect(f, &a);
}

/* Moments are computed once per activation: network init asks for the gain of
 * every layer of every draw. */
static double moments[MLPV_ACTIVATION_COUNT][2];
static pthread_once_t moments_once = PTHREAD_ONCE_INIT;

static void moments_init(void)
{
    for (int a = 0; a < MLPV_ACTIVATION_COUNT; a++) {
        moments[a][0] = expect((mlpv_activation)a, phi_sq);
        moments[a][1] = expect((mlpv_activation)a, dphi_sq);
    }
}

double mlpv_phi_second_moment(mlpv_activation a)
{
    if (a < 0 || a >= MLPV_ACTIVATION_COUNT) return NAN;
    pthread_once(&moments_once, moments_init);
    return moments[a][0];
}

double mlpv_dphi_second_moment(mlpv_activation a)
{
    if (a < 0 || a >= MLPV_ACTIVATION_COUNT) return NAN;
    pthread_once(&moments_once, moments_init);
    return moments[a][1];
}

double mlpv_auto_gain(mlpv_activation a)
{
    return 1.0 / mlpv_phi_second_moment(a);
}
