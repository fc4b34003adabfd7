/* Training: backward pass with BLAS GEMMs, Adam or SGD, full batch or
 * minibatch, MSE loss on the targets, divergence caught. */
#ifndef MLPVAR_TRAIN_H
#define MLPVAR_TRAIN_H

#include <stdint.h>
#include "mlpvar/network.h"
#include "mlpvar/task.h"

typedef enum { MLPV_OPT_ADAM, MLPV_OPT_SGD, MLPV_OPT_COUNT } mlpv_optimizer;
const char *mlpv_optimizer_name(mlpv_optimizer o);
int mlpv_optimizer_parse(const char *name, mlpv_optimizer *out);

typedef struct {
    mlpv_optimizer optimizer;
    double lr; /* > 0 */
    int steps; /* >= 1 */
    long batch; /* 0 = full batch, else minibatch size (reshuffled per epoch by seed) */
    double target_accuracy; /* stop early when train accuracy >= this; 0 = never. Needs +-1
                              * labels: ignored for real-valued targets (regression) */
    int check_every; /* steps between early-stop checks (default 10) */
    double beta1, beta2, eps; /* Adam, PyTorch's defaults 0.9, 0.999, 1e-8 */
    double momentum; /* SGD, default 0 */
    mlpv_precision precision; /* float (fast) or double (tests) */
    int keep_losses; /* 1: return every step's loss in res->losses. Reporting only:
                              * the weights do not depend on it (not a training setting) */
} mlpv_train_opts;

mlpv_train_opts mlpv_train_defaults(void); /* adam, lr 3e-3, 2000 steps, full batch */

typedef struct {
    double final_loss; /* train MSE after the last step (full train set) */
    double train_accuracy; /* sign agreement on the train set (NaN unless labels are +-1) */
    double test_loss, test_accuracy;
    double test_r2; /* mlpv_r2 of the test set; NaN for +-1 labels or without test */
    int steps; /* steps taken */
    int diverged; /* the loss became NaN or Inf: stopped, counts as failed */
    double seconds; /* wall time of the training loop */
    double *losses; /* keep_losses: [steps], malloc'd (free() it), else NULL;
                              * losses[k] = the loss of the batch that update k+1 was
                              * computed from, at the weights after k updates (the
                              * training precision's batch_grad, accumulated in double) */
} mlpv_train_result;

/* MSE loss (mean over points and outputs) of net on d, and the accuracy of
 * sign(f) against the +-1 labels (NaN if d is not +-1). Double precision.
 * A point counts as correct when every output has its target's sign
 * (f_k y_k > 0 for all k; an output of exactly 0, or NaN, is wrong), so with
 * several outputs accuracy is exact-match, not a mean over outputs.
 * Either pointer may be NULL; both NaN when d does not fit the net. */
void mlpv_evaluate(const mlpv_net *net, const mlpv_dataset *d, double *loss, double *accuracy);

/* R^2 = 1 - SSE / SST of a prediction whose MSE on d (mean over points and
 * outputs) is mse: SSE = mse n m, SST = sum over outputs k of sum_i
 * (y_ik - mean_k)^2, mean_k the mean of output k's targets over d (every
 * output pooled, as sklearn's r2_score with variance_weighted). NaN when mse
 * is NaN, d is empty or SST = 0 (constant targets: R^2 is undefined). */
double mlpv_r2(const mlpv_dataset *d, double mse);

/* Gradient of the MSE loss on d with respect to every weight and bias, in double:
 * gW[l] [fan_out x fan_in], gb[l] [fan_out] laid out like net->W / net->b in one
 * buffer g of mlpv_net_param_count(net) values (W_0, b_0, W_1, b_1, ...).
 * Returns the loss; NaN (g untouched) when d does not fit the net or on OOM. */
double mlpv_gradient(const mlpv_net *net, const mlpv_dataset *d, double *g);
long mlpv_net_param_count(const mlpv_net *net);

/* Frobenius norm of the loss gradient of each layer's weights (l = 0..depth),
 * on d at the current weights: for telling vanishing gradients from C2C. */
void mlpv_layer_grad_norms(const mlpv_net *net, const mlpv_dataset *d, double *norms);

/* The order of the points in epoch e (0-based) of minibatch training:
 * perm[0..n-1] is a permutation of 0..n-1, a Fisher-Yates shuffle of the
 * identity whose k-th swap (k = 0..n-2) exchanges i = n-1-k with
 * j = floor(u_k (i + 1)), u_k = value k of mlpv_rng_uniform(mlpv_mix64(seed),
 * stream e). Step s uses batch s mod ceil(n/B) of epoch s div ceil(n/B):
 * perm[b B .. min((b+1) B, n) - 1], the last batch of an epoch being partial. */
void mlpv_train_batch_order(uint64_t seed, long epoch, long n, long *perm);

/* Trains net in place on train; evaluates on test (may be NULL). The batch
 * order depends only on seed. Returns 0, or -1 on a bad option / OOM
 * (res->losses then NULL).
 *
 * Precision: MLPV_DOUBLE trains W/b and then syncs Wf/bf. MLPV_FLOAT syncs
 * Wf/bf from W/b, trains Wf/bf as the float master (optimiser state in float,
 * as a float32 PyTorch model) and copies them into W/b at the end.
 * Each step computes the batch's loss and gradient at the current weights,
 * then updates; if that loss is NaN or Inf the run stops before updating and
 * diverged = 1 (steps = updates applied). diverged is also set when the final
 * train loss is not finite. A diverged net is left as it was and its metrics
 * are evaluated honestly in double: typically final_loss NaN/Inf, and NaN
 * outputs counted as wrong (accuracy 0), so a diverged run reads as failed.
 * Early stop (target_accuracy > 0 and +-1 labels): after k updates, k a
 * multiple of check_every below steps, if the train-set accuracy in the
 * training precision is >= target_accuracy, the run stops with steps = k.
 * (Full batch: the accuracy comes free from step k+1's forward pass.)
 * final_loss / train_accuracy / test_* are mlpv_evaluate in double on the
 * final weights (test_* NaN when test is NULL); test_r2 = mlpv_r2(test,
 * test_loss) when train's targets are not all +-1 (regression), else NaN. seconds: CLOCK_MONOTONIC
 * wall time of setup + loop + write-back, not the final evaluation. */
int mlpv_train(mlpv_net *net, const mlpv_dataset *train, const mlpv_dataset *test, const mlpv_train_opts *o,
               uint64_t seed, mlpv_train_result *res);

#endif
