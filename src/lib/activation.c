/* Activation functions: names, the scalar double definitions phi and phi',
 * the elementwise kernels of the forward and backward passes in float and
 * double (activation_kernels.h, written once in activation_impl.h), and the
 * Gaussian moments. */
#include "mlpvar/activation.h"
#include "mlpvar/gauss_hermite.h"
#include "activation_kernels.h"

#include <math.h>
#include <pthread.h>
#include <string.h>

/* Without FP traps to preserve, GCC if-converts and vectorises the kernels'
 * loops with selects and clamps (leaky relu, elu, tanh, sigmoid); no value
 * changes: -fno-trapping-math permits no reassociation. */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("no-trapping-math")
#endif

/* A new activation needs a row in NAMES, mlpv_phi, mlpv_dphi, the two tables
 * of activation_impl.h and a decision in mlpv_dphi_needs_z. */
_Static_assert(MLPV_ACTIVATION_COUNT == 11, "activation tables out of date");

static const char *const NAMES[MLPV_ACTIVATION_COUNT] = {
    "relu", "abs", "leaky_relu", "tanh", "gelu", "silu", "elu", "softplus", "sigmoid", "sin", "identity",
};

const char *mlpv_activation_name(mlpv_activation a) { return (a >= 0 && a < MLPV_ACTIVATION_COUNT) ? NAMES[a] : "?"; }

int mlpv_activation_parse(const char *name, mlpv_activation *out)
{
    for (int a = 0; a < MLPV_ACTIVATION_COUNT; a++)
        if (strcmp(name, NAMES[a]) == 0) {
            *out = (mlpv_activation)a;
            return 0;
        }
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
    case MLPV_RELU: return x > 0 ? x : 0.0;
    case MLPV_ABS: return fabs(x);
    case MLPV_LEAKY_RELU: return x > 0 ? x : MLPV_LEAKY_RELU_SLOPE * x;
    case MLPV_TANH: return tanh(x);
    case MLPV_GELU: return 0.5 * x * (1.0 + erf(x / M_SQRT2)); /* exact, erf form */
    case MLPV_SILU: return x * sigmoid(x);
    case MLPV_ELU: return x > 0 ? x : expm1(x); /* alpha = 1 */
    case MLPV_SOFTPLUS: return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
    case MLPV_SIGMOID: return sigmoid(x);
    case MLPV_SIN: return sin(x);
    case MLPV_IDENTITY: return x;
    default: return NAN;
    }
}

double mlpv_dphi(mlpv_activation a, double x)
{
    switch (a) {
    case MLPV_RELU: return x > 0 ? 1.0 : 0.0;
    case MLPV_ABS: return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0);
    case MLPV_LEAKY_RELU: return x > 0 ? 1.0 : MLPV_LEAKY_RELU_SLOPE;
    case MLPV_TANH: {
        double t = tanh(x);
        return 1.0 - t * t;
    }
    case MLPV_GELU: return 0.5 * (1.0 + erf(x / M_SQRT2)) + x * exp(-0.5 * x * x) / sqrt(2.0 * M_PI);
    case MLPV_SILU: {
        double s = sigmoid(x);
        return s * (1.0 + x * (1.0 - s));
    }
    case MLPV_ELU: return x > 0 ? 1.0 : exp(x);
    case MLPV_SOFTPLUS: return sigmoid(x);
    case MLPV_SIGMOID: {
        double s = sigmoid(x);
        return s * (1.0 - s);
    }
    case MLPV_SIN: return cos(x);
    case MLPV_IDENTITY: return 1.0;
    default: return NAN;
    }
}

/* The float path's tanh: Eigen's rational approximation (Eigen 3.4,
 * MathFunctionsImpl.h, generic_fast_tanh_float), absolute error about 2e-7,
 * plain arithmetic that the compiler vectorises (glibc's tanhf is a scalar
 * call costing as much as the GEMMs of a narrow layer). Sigmoid follows from
 * sigmoid(x) = (1 + tanh(x/2)) / 2. The double path uses libm's (mlpv_phi). */
static inline float tanh_fast_f(float x)
{
    const float clamp = 7.90531110763549805f;
    x = x > clamp ? clamp : x;
    x = x < -clamp ? -clamp : x;
    const float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    p = p * x;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    return p / q;
}

static inline float sigmoid_fast_f(float x) { return 0.5f + 0.5f * tanh_fast_f(0.5f * x); }

int mlpv_dphi_needs_z(mlpv_activation a) { return a == MLPV_ABS || a == MLPV_GELU || a == MLPV_SILU || a == MLPV_SIN; }

#define REAL float
#define SFX f
#define FABS fabsf
#define TANH tanh_fast_f
#define SIGMOID sigmoid_fast_f
#include "activation_impl.h"

#define REAL double
#define SFX d
#define FABS fabs
#define TANH tanh
#define SIGMOID sigmoid
#include "activation_impl.h"

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

double mlpv_auto_gain(mlpv_activation a) { return 1.0 / mlpv_phi_second_moment(a); }
