/* Rival at-init trainability scores: the zero-cost proxies that variability
 * (V3) is compared against. Each is a number computed from an untrained
 * network, a batch of points (inputs, and for two of them targets) and the
 * options below, all in double.
 *
 * Sign convention, for every score: HIGHER PREDICTS BETTER TRAINABILITY.
 * Where the literature's raw quantity is lower-is-better the score is its
 * negation (said below). Scores that live on a multiplicative scale are
 * reported as logs (said below); rank correlations do not care either way.
 *
 * "Output" of a network with m > 1 outputs: the scores that differentiate the
 * output (jacob_cov, ntk_cond) use the sum of the outputs, as the reference
 * code does (y.backward(ones)); trajectory uses the Euclidean norm of the
 * output vector's steps. With m = 1 (the project's tasks) nothing changes.
 *
 * "Activation pattern" (naswot, linear_regions): the bits z > 0 of every
 * hidden unit's PRE-activation z, over all hidden layers in order. For ReLU
 * this is "the unit is active" (h > 0), and for every piecewise-linear
 * activation with its kink at 0 (relu, leaky_relu, abs) a pattern fixes the
 * network to one affine map, so distinct patterns are distinct linear
 * regions (each region {x : pattern(x) = c} is convex: with c fixed every z
 * is affine in x). For smooth activations (tanh, gelu, ...) the same sign
 * bits are used; they no longer delimit linear pieces.
 *
 * The scores:
 *
 *  grad_norm      ||dL/dtheta||_2, L the MSE of the batch (targets as given,
 *                 the tasks' +-1 labels), theta every weight AND bias.
 *                 Raw norm (not a log); higher is better (as in Abdelfattah
 *                 et al. 2021, "Zero-cost proxies").
 *  snip           Lee et al. 2019: sum over every WEIGHT (not biases) of
 *                 |w dL/dw|, same loss as grad_norm. Raw; higher is better.
 *  synflow        Tanaka et al. 2020, reported as log(SynFlow). The paper's
 *                 linearised net: weights replaced by |w|, biases ZEROED
 *                 (the paper's R = 1^T prod_l |W_l| 1; the authors' code takes
 *                 |b| instead, which breaks the per-layer homogeneity below),
 *                 activation replaced by the identity (what ReLU, abs and
 *                 leaky ReLU do on the positive values the linearised net
 *                 makes; so synflow ignores the activation), input all ones,
 *                 R = sum of the outputs; SynFlow = sum over weights of
 *                 |w| dR/d|w|. Computed in the log domain (every layer's
 *                 forward and backward vector rescaled, log-sum-exp over
 *                 layers), so it is finite for any depth. Since R is
 *                 homogeneous of degree 1 in each layer's weights, SynFlow =
 *                 (depth + 1) R exactly. -inf when R = 0. Higher is better.
 *  jacob_cov      Mellor et al. 2021 (v1): J [N x d] the input Jacobian of the
 *                 output at the batch's first N points, C [N x N] the
 *                 correlation matrix of J's rows, lambda_i its eigenvalues,
 *                 score = -sum_i [log(lambda_i + k) + 1/(lambda_i + k)],
 *                 k = 1e-5 (the paper's formula: already higher-is-better).
 *                 DEPARTURE: by default (jacob_center = 0) the rows are only
 *                 normalised, not centred (C = cosine similarities). The
 *                 paper's centred correlation (np.corrcoef: each row minus
 *                 its mean over the d inputs) makes every row of a d = 2
 *                 Jacobian a multiple of (1, -1), so C is rank 1 with
 *                 eigenvalues {N, 0, ...} and the score a constant whatever
 *                 the network; jacob_center = 1 gives the paper's version.
 *                 A row of zero norm (after centring) is left zero (numpy
 *                 gives NaN), so a dead point costs 1/k. Eigenvalues below 0
 *                 by roundoff are taken as 0. Note rank C <= d, so for d = 2
 *                 only two eigenvalues are ever non-zero.
 *  naswot         Mellor et al. 2021 (v2): c_i the activation pattern of
 *                 point i (A = depth * width bits), K_H[i][j] = number of
 *                 units where c_i and c_j agree; score = log det(K_H / A),
 *                 i.e. the paper's log|det K_H| minus N log A: normalised by
 *                 the number of hidden units, so the kernel has a unit
 *                 diagonal and the score is <= 0 (Hadamard), comparable
 *                 across widths and depths. K_H is positive semidefinite;
 *                 the score is -inf when it is singular to working precision
 *                 (smallest eigenvalue <= N eps times the largest): two
 *                 points with the same pattern, or N > A + 1 (rank K_H <= A + 1).
 *                 Higher is better (as in the paper). In 2-D this is COMMON:
 *                 nearby points share a region, and at N = 64 on [-1,1]^2 most
 *                 draws of most shapes give -inf (measured at budget 3000,
 *                 relu/abs, depths 1-32: 9/32 draws at depth 1, 28-32/32 at
 *                 depths 2-32; at N = 16, 0-11/32). The option naswot_ridge
 *                 > 0 (not in the paper; default 0 = off) scores
 *                 log det(K_H / A + ridge I) instead, finite always, a shared
 *                 pattern costing about log(ridge) (the analogue of
 *                 jacob_cov's k).
 *  ntk_cond       Empirical NTK Theta = J J^T [N x N] at the batch's first N
 *                 points, J the per-point gradients of the output w.r.t.
 *                 every weight and bias; cond = lambda_max / lambda_min
 *                 (dsyev). Lower cond predicts better training (Chen et al.
 *                 2021, TE-NAS), so score = -log(cond) <= 0. Guard:
 *                 lambda_min is raised to N eps lambda_max (numerical rank),
 *                 so score >= log(N eps) (about -32 for N = 64), which is also
 *                 the score of an all-zero NTK (a dead network).
 *  linear_regions number of distinct activation patterns over the g x g grid
 *                 on [lo, hi]^2 (the landscape's grid and slice), counted
 *                 exactly (packed bit codes in a hash set, every
 *                 match confirmed by a full comparison). Reported as the count
 *                 itself (1 .. g^2), not a log; more regions = more
 *                 expressive (Raghu et al. 2017; Hanin & Rolnick 2019), higher
 *                 is better. A lower bound on the regions meeting the square.
 *  trajectory     Raghu et al. 2017: the closed circle x_k = r (cos t_k u +
 *                 sin t_k v), t_k = 2 pi k / M, k = 0..M-1 (u, v the slice:
 *                 the unit axes for d = 2), output length sum_k
 *                 |f(x_{k+1}) - f(x_k)| (k + 1 taken mod M), divided by the
 *                 input polygon's length M 2 r sin(pi / M); score = log of
 *                 that ratio (-inf for a constant output). Higher (more
 *                 output length per input length) is better.
 *
 * Which rows of the batch: grad_norm and snip use the first grad_batch rows
 * (0 = all); jacob_cov, naswot and ntk_cond the first `batch` rows (0 = all)
 * — the training sample is already in random order. synflow,
 * linear_regions and trajectory do not read the batch (it may be NULL).
 */
#ifndef MLPVAR_RIVALS_H
#define MLPVAR_RIVALS_H

#include <stdint.h>
#include "mlpvar/network.h"
#include "mlpvar/task.h"

typedef enum {
    MLPV_RIVAL_GRAD_NORM,
    MLPV_RIVAL_SNIP,
    MLPV_RIVAL_SYNFLOW,
    MLPV_RIVAL_JACOB_COV,
    MLPV_RIVAL_NASWOT,
    MLPV_RIVAL_NTK_COND,
    MLPV_RIVAL_LINEAR_REGIONS,
    MLPV_RIVAL_TRAJECTORY,
    MLPV_RIVAL_COUNT
} mlpv_rival;

/* "grad_norm", "snip", "synflow", "jacob_cov", "naswot", "ntk_cond",
 * "linear_regions", "trajectory"; "?" out of range. */
const char *mlpv_rival_name(mlpv_rival r);
int mlpv_rival_parse(const char *name, mlpv_rival *out); /* 0, or -1 if unknown / NULL */
/* Comma-separated list of every rival name, for error messages. */
const char *mlpv_rival_names(void);

/* What a rival reads from the batch: bit flags. */
#define MLPV_RIVAL_NEEDS_INPUTS 1
#define MLPV_RIVAL_NEEDS_TARGETS 2
int mlpv_rival_needs(mlpv_rival r);

typedef struct {
    long batch; /* jacob_cov, naswot, ntk_cond: first rows used, default 64, 0 = all;
                           * at most 32768 rows may be used (N x N kernels) */
    long grad_batch; /* grad_norm, snip: first rows used, default 0 = all */
    int grid; /* linear_regions: g >= 2, default 64 */
    double lo, hi; /* linear_regions: grid domain, default [-1, 1] */
    double radius; /* trajectory: circle radius r > 0, default 0.9 */
    int samples; /* trajectory: points M >= 3, default 1000 */
    double jacob_k; /* jacob_cov: k > 0, default 1e-5 */
    int jacob_center; /* jacob_cov: 1 = the paper's centred rows, default 0 (see above) */
    double naswot_ridge; /* naswot: >= 0, default 0 = the paper's log det (see above) */
    /* in_dim > 2 (linear_regions, trajectory): the 2-D slice, as in
     * mlpv_grid_opts: u, v orthonormal [in_dim], or NULL for the random pair
     * that mlpv_landscape draws from slice_seed (the same pair). */
    const double *u, *v;
    uint64_t slice_seed;
} mlpv_rival_opts;

mlpv_rival_opts mlpv_rival_defaults(void);

/* *out = the score of rival r for net (double weights W/b). batch: points
 * x [n x in_dim] (and targets y [n x out_dim] for grad_norm and snip); may be
 * NULL for rivals that do not read it. o NULL = defaults. Returns 0, or -1 on
 * an unknown rival, a bad option, a batch that is missing / empty / does not
 * fit the net, or OOM (then *out is NaN). Scores may be -inf as documented. */
int mlpv_rival_score(mlpv_rival r, const mlpv_net *net, const mlpv_dataset *batch, const mlpv_rival_opts *o,
                     double *out);

#endif
