/* Internal to libmlpvar (and tests/rivals): the pieces behind rivals.h.
 * rivals.c holds the API and the grid / circle / weight scores; rivals_ntk.c
 * the per-point backward pass and the N x N kernels (jacob_cov, naswot,
 * ntk_cond). Both run the forward engine (forward.h); rivals.c calls
 * rivals_ntk.c, never the other way. The arrays below are row-major,
 * point-major. */
#ifndef MLPVAR_RIVALS_INTERNAL_H
#define MLPVAR_RIVALS_INTERNAL_H

#include "mlpvar/network.h"
#include "mlpvar/rivals.h"

/* J [N x in_dim]: the gradient of the sum of the outputs w.r.t. the input at each of the N points. */
int mlpv_rv_input_jacobian(const mlpv_net *net, const double *x, int N, double *J);
/* Theta [N x N]: the empirical NTK of the sum of the outputs over all weights and biases. */
int mlpv_rv_ntk(const mlpv_net *net, const double *x, int N, double *Theta);
/* K [N x N]: K[i][j] = number of hidden units whose pattern bits agree at points i and j. */
int mlpv_rv_naswot_kernel(const mlpv_net *net, const double *x, int N, double *K);

/* -sum_i [log(lambda_i + k) + 1/(lambda_i + k)] over the eigenvalues of the
 * correlation matrix of J's rows (centred over the d columns when center)
 * into *out. 0, or -1 on OOM / LAPACK failure. */
int mlpv_rv_jacob_cov_from_J(const double *J, int N, int d, double k, int center, double *out);
/* jacob_cov, naswot or ntk_cond (rivals.h) at the N points x into *out: 0, or -1 (OOM). */
int mlpv_rv_kernel_score(mlpv_rival r, const mlpv_net *net, const double *x, int N, const mlpv_rival_opts *o,
                         double *out);
/* Ascending eigenvalues of the symmetric A [n x n] (copied; A is kept): 0 or -1. */
int mlpv_rv_eigvals(const double *A, int n, double *w);

#endif
