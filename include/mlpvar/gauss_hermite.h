/* Gauss-Hermite quadrature for the standard normal: E[f(z)] ~ sum_i w[i] f(x[i]). */
#ifndef MLPVAR_GAUSS_HERMITE_H
#define MLPVAR_GAUSS_HERMITE_H

/* Nodes x[n] and weights w[n] (sum w = 1) of the n-point rule for weight
 * exp(-z^2/2)/sqrt(2 pi), by Golub-Welsch (LAPACK dstev on the Jacobi matrix).
 * Exact for polynomials of degree <= 2n-1. Returns 0, or -1 on failure. */
int mlpv_gauss_hermite(int n, double *x, double *w);

/* E[f(z)] with the cached default rule (MLPV_GH_POINTS nodes). */
#define MLPV_GH_POINTS 160
double mlpv_gaussian_expect(double (*f)(double z, const void *ctx), const void *ctx);

/* E[f(z)] as two half-line integrals, each by Gauss-Legendre panels on
 * [0, 40] (the normal tail beyond is below 1e-300). For functions smooth on each
 * side of 0 but not across it (ELU's phi', kinks in general), where the
 * Gauss-Hermite rule converges slowly. */
double mlpv_gaussian_expect_halves(double (*f)(double z, const void *ctx), const void *ctx);

/* Nodes x[n] and weights w[n] of the n-point Gauss-Legendre rule on [-1, 1]
 * (Golub-Welsch). Returns 0 or -1. */
int mlpv_gauss_legendre(int n, double *x, double *w);

#endif
