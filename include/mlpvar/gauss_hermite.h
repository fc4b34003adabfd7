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

#endif
