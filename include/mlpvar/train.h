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
    double lr;               /* > 0 */
    int steps;               /* >= 1 */
    long batch;              /* 0 = full batch, else minibatch size (reshuffled per epoch by seed) */
    double target_accuracy;  /* stop early when train accuracy >= this; 0 = never */
    int check_every;         /* steps between early-stop checks (default 10) */
    double beta1, beta2, eps;/* Adam, PyTorch's defaults 0.9, 0.999, 1e-8 */
    double momentum;         /* SGD, default 0 */
    mlpv_precision precision;/* float (fast) or double (tests) */
} mlpv_train_opts;

mlpv_train_opts mlpv_train_defaults(void);   /* adam, lr 3e-3, 2000 steps, full batch */

typedef struct {
    double final_loss;       /* train MSE after the last step (full train set) */
    double train_accuracy;   /* sign agreement on the train set (NaN unless labels are +-1) */
    double test_loss, test_accuracy;
    int steps;               /* steps taken */
    int diverged;            /* the loss became NaN or Inf: stopped, counts as failed */
    double seconds;          /* wall time of the training loop */
} mlpv_train_result;

/* MSE loss (mean over points and outputs) of net on d, and the accuracy of
 * sign(f) against the +-1 labels (NaN if d is not +-1). Double precision. */
void mlpv_evaluate(const mlpv_net *net, const mlpv_dataset *d, double *loss, double *accuracy);

/* Gradient of the MSE loss on d with respect to every weight and bias, in double:
 * gW[l] [fan_out x fan_in], gb[l] [fan_out] laid out like net->W / net->b in one
 * buffer g of mlpv_net_param_count(net) values (W_0, b_0, W_1, b_1, ...).
 * Returns the loss. */
double mlpv_gradient(const mlpv_net *net, const mlpv_dataset *d, double *g);
long mlpv_net_param_count(const mlpv_net *net);

/* Frobenius norm of the loss gradient of each layer's weights (l = 0..depth),
 * on d at the current weights: for telling vanishing gradients from C2C. */
void mlpv_layer_grad_norms(const mlpv_net *net, const mlpv_dataset *d, double *norms);

/* Trains net in place on train; evaluates on test (may be NULL). The batch
 * order depends only on seed. Returns 0, or -1 on a bad option / OOM. */
int mlpv_train(mlpv_net *net, const mlpv_dataset *train, const mlpv_dataset *test,
               const mlpv_train_opts *o, uint64_t seed, mlpv_train_result *res);

#endif
