/* Internal to libmlpvar: Adam and SGD (with momentum) updates of a flat
 * parameter array, in float or double, with PyTorch's semantics. */
#ifndef MLPVAR_OPTIM_H
#define MLPVAR_OPTIM_H

#include "mlpvar/train.h"

typedef struct {
    mlpv_optimizer kind;
    mlpv_precision precision;
    long n; /* parameters */
    double lr, beta1, beta2, eps, momentum;
    long t; /* updates applied so far */
    void *m, *v; /* Adam's moments; SGD's momentum buffer in m */
} mlpv_optim;

/* State for n parameters in o->precision, all zero. 0, or -1 on OOM. */
int mlpv_optim_init(mlpv_optim *o, const mlpv_train_opts *opts, long n);
/* One update of params (float* or double* by precision) from grad. */
void mlpv_optim_step(mlpv_optim *o, void *params, const void *grad);
void mlpv_optim_free(mlpv_optim *o);

#endif
