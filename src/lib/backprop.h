/* Internal to libmlpvar: forward-with-cache, backward pass and loss gradient
 * of an MLP on a batch of points, in float or double behind one table of
 * functions (backprop.c instantiates backprop_impl.h once per precision).
 *
 * Parameters and gradients are flat arrays in mlpv_param_offset's layout
 * (spec.h), that of mlpv_net's store. Data rows are
 * points: x [rows x in_dim], y [rows x out_dim], in the table's precision. */
#ifndef MLPVAR_BACKPROP_H
#define MLPVAR_BACKPROP_H

#include "mlpvar/network.h"

/* Rows per chunk: a batch is processed in chunks of at most this many points
 * so that the per-layer caches stay in L2; gradients accumulate over chunks. */
#ifndef MLPV_BP_CHUNK
#define MLPV_BP_CHUNK 512
#endif

typedef struct mlpv_bp_ws mlpv_bp_ws; /* opaque, one per precision */

typedef struct {
    mlpv_precision precision;
    size_t elem; /* sizeof(float) or sizeof(double) */
    /* Workspace for chunks of up to rows_max points (one allocation). NULL on OOM. */
    mlpv_bp_ws *(*ws_alloc)(const mlpv_spec *s, int rows_max);
    void (*ws_free)(mlpv_bp_ws *ws);
    /* Loss gradient on a batch of nrows points: rows idx[0..nrows-1] of (x, y),
     * or rows row0..row0+nrows-1 when idx is NULL. grad (param_count values) is
     * overwritten with d(MSE)/d(params), MSE = mean over the batch's points and
     * outputs. Returns the MSE (accumulated in double); *correct (if not NULL)
     * gets the number of points whose every output has the sign of its target. */
    double (*batch_grad)(mlpv_bp_ws *ws, const void *params, const void *x, const void *y, const long *idx, long row0,
                         long nrows, void *grad, long *correct);
    /* Forward only over rows 0..n-1: *sq_sum = sum of squared errors, *correct as above. */
    void (*eval)(mlpv_bp_ws *ws, const void *params, const void *x, const void *y, long n, double *sq_sum,
                 long *correct);
} mlpv_bp_ops;

extern const mlpv_bp_ops mlpv_bp_float, mlpv_bp_double;

const mlpv_bp_ops *mlpv_bp_for(mlpv_precision p);

#endif
