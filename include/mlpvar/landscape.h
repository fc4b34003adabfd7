/* The landscape: a network's output on a g x g grid over a 2-D domain. */
#ifndef MLPVAR_LANDSCAPE_H
#define MLPVAR_LANDSCAPE_H

#include "mlpvar/network.h"

typedef struct {
    int grid; /* g >= 2; points s_i = lo + (hi - lo) i / (g - 1), endpoints included */
    double lo, hi; /* domain of both grid coordinates, default [-1, 1] */
    int chunk; /* grid points per GEMM, default 256 (bounds memory) */
    mlpv_precision precision;
    /* For in_dim > 2: x(s,t) = center + radius (s u + t v); NULL center = origin,
     * NULL u/v = random orthonormal pair drawn from slice_seed. */
    const double *center, *u, *v;
    double radius; /* default 1 */
    uint64_t slice_seed;
} mlpv_grid_opts;

mlpv_grid_opts mlpv_grid_defaults(int grid);

/* Per-hidden-layer diagnostics over the grid. */
typedef struct {
    double dead_fraction; /* fraction of units that are zero on every grid point */
    double collapse_ratio; /* median over units of std(h_u) / rms(h_u) (0 if rms = 0) */
} mlpv_layer_diag;

/* F [out_dim][g*g], F[o][i*g + j] = f_o(s_i, t_j) (row i = i-th value of the first
 * coordinate). diag [depth] may be NULL. Returns 0, or -1 on a bad option / OOM. */
int mlpv_landscape(const mlpv_net *net, const mlpv_grid_opts *o, double *F, mlpv_layer_diag *diag);

/* The slice directions u, v [d]: u_in/v_in when given, the unit axes for d = 2,
 * else a random orthonormal pair (Gram-Schmidt on two Gaussian vectors) drawn
 * from slice_seed: the slice mlpv_landscape uses. */
void mlpv_slice_basis(const double *u_in, const double *v_in, uint64_t slice_seed, int d, double *u, double *v);

/* The input point x [in_dim] of grid node (i, j) under the options and the slice
 * directions u, v [in_dim] (non-NULL; the unit axes for d = 2). For tests, exports. */
void mlpv_grid_point(const mlpv_grid_opts *o, int in_dim, const double *u, const double *v, int i, int j, double *x);

#endif
