/* Gauss-Hermite rule for N(0,1) by Golub-Welsch: the nodes are the eigenvalues
 * of the Jacobi matrix of the probabilists' Hermite polynomials (zero diagonal,
 * off-diagonal sqrt(k)), the weights the squared first eigenvector components. */
#include "mlpvar/gauss_hermite.h"

#include <lapacke.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>

/* Golub-Welsch for a symmetric weight: zero diagonal, off-diagonal offdiag(k),
 * k = 1..n-1; nodes = eigenvalues, weights = mass * (first eigenvector entry)^2. */
static int golub_welsch(int n, double (*offdiag)(int k), double mass, double *x, double *w)
{
    if (n < 1) return -1;
    double *e = malloc(sizeof(double) * (size_t)(n > 1 ? n - 1 : 1));
    double *z = malloc(sizeof(double) * (size_t)n * (size_t)n);
    if (!e || !z) {
        free(e);
        free(z);
        return -1;
    }
    for (int i = 0; i < n; i++) x[i] = 0.0;
    for (int i = 0; i + 1 < n; i++) e[i] = offdiag(i + 1);
    int info = LAPACKE_dstev(LAPACK_COL_MAJOR, 'V', n, x, e, z, n);
    if (info == 0)
        for (int i = 0; i < n; i++) w[i] = mass * z[(size_t)i * n] * z[(size_t)i * n]; /* column i, row 0 */
    free(e);
    free(z);
    return info == 0 ? 0 : -1;
}

static double hermite_offdiag(int k) { return sqrt((double)k); }
static double legendre_offdiag(int k) { return k / sqrt(4.0 * k * k - 1.0); }

int mlpv_gauss_legendre(int n, double *x, double *w) { return golub_welsch(n, legendre_offdiag, 2.0, x, w); }

int mlpv_gauss_hermite(int n, double *x, double *w)
{
    if (golub_welsch(n, hermite_offdiag, 1.0, x, w) != 0) return -1;
    /* Symmetrise: the rule is exactly symmetric, rounding is not. */
    for (int i = 0; i < n / 2; i++) {
        double xm = 0.5 * (x[n - 1 - i] - x[i]), wm = 0.5 * (w[i] + w[n - 1 - i]);
        x[i] = -xm;
        x[n - 1 - i] = xm;
        w[i] = w[n - 1 - i] = wm;
    }
    if (n % 2) x[n / 2] = 0.0;
    return 0;
}

#define GL_POINTS 16
#define GL_PANELS 80 /* panels of width 0.5 on [0, 40] */
#define GL_PANEL_WIDTH 0.5

static double gh_x[MLPV_GH_POINTS], gh_w[MLPV_GH_POINTS];
static double gl_x[GL_POINTS], gl_w[GL_POINTS];
static int gh_ok;
static pthread_once_t gh_once = PTHREAD_ONCE_INIT;

static void gh_init(void)
{
    gh_ok = mlpv_gauss_hermite(MLPV_GH_POINTS, gh_x, gh_w) == 0 && mlpv_gauss_legendre(GL_POINTS, gl_x, gl_w) == 0;
}

double mlpv_gaussian_expect_halves(double (*f)(double z, const void *ctx), const void *ctx)
{
    pthread_once(&gh_once, gh_init);
    if (!gh_ok) return NAN;
    const double inv_sqrt_2pi = 0.39894228040143267794;
    double s = 0.0;
    for (int p = GL_PANELS - 1; p >= 0; p--) { /* tail first: small terms summed first */
        double mid = (p + 0.5) * GL_PANEL_WIDTH, half = 0.5 * GL_PANEL_WIDTH;
        for (int i = 0; i < GL_POINTS; i++) {
            double r = mid + half * gl_x[i], pdf = inv_sqrt_2pi * exp(-0.5 * r * r);
            s += half * gl_w[i] * pdf * (f(r, ctx) + f(-r, ctx));
        }
    }
    return s;
}

double mlpv_gaussian_expect(double (*f)(double z, const void *ctx), const void *ctx)
{
    pthread_once(&gh_once, gh_init);
    if (!gh_ok) return NAN;
    /* Sum from the tails inwards so the tiny tail weights are not lost. */
    double s = 0.0;
    for (int i = 0; i < MLPV_GH_POINTS / 2; i++) {
        s += gh_w[i] * f(gh_x[i], ctx);
        s += gh_w[MLPV_GH_POINTS - 1 - i] * f(gh_x[MLPV_GH_POINTS - 1 - i], ctx);
    }
    return s;
}
