/* Internal to libmlpvar: the forward engine, the one forward pass of an MLP
 * that landscapes (mlpv_forward_f / _d), training (backprop_impl.h) and the
 * rivals (rivals.c, rivals_ntk.c) all run, in float or double.
 *
 * Layout: features-major. A chunk of `rows` points is held transposed, X^T
 * [in_dim x rows]; every layer's activations are [units x rows], row u = unit
 * u over the chunk's points, leading dimension rows. Layer l is one step
 *   Z_l = W_l H_{l-1} + b_l     one GEMM with the points as the long N
 *                               dimension (OpenBLAS does far better with it
 *                               than with a 25-wide N), H_{-1} = X^T
 *   H_l = phi(Z_l)              hidden layers; bias and activation fused in
 *                               one pass per unit row (activation_kernels.h)
 * with W_l and b_l found in the flat parameter array P by mlpv_param_offset.
 * The output layer is linear: out = Z_depth.
 *
 * A trace holds a chunk's activations, in one of three kinds:
 *   PINGPONG  two buffers, layer l in buffer l % 2: only the newest layer
 *             survives (landscapes; a hook sees each hidden layer in turn);
 *   BACKWARD  every hidden layer's H_l, with Z_l apart from it only where phi'
 *             needs z (mlpv_dphi_needs_z), else Z[l] == H[l] (training);
 *   FULL      every hidden layer's Z_l and H_l apart (the rivals: pattern
 *             codes z > 0 and the per-point backward pass). */
#ifndef MLPVAR_FORWARD_H
#define MLPVAR_FORWARD_H

#include <stdint.h>
#include "mlpvar/network.h"

typedef enum { MLPV_TRACE_PINGPONG, MLPV_TRACE_BACKWARD, MLPV_TRACE_FULL } mlpv_trace_kind;

typedef struct {
    mlpv_precision precision; /* float* or double* behind every void* below */
    mlpv_trace_kind kind;
    mlpv_spec spec;
    int rows_max; /* chunks of 1..rows_max points */
    void *in; /* X^T [in_dim x rows] */
    void **Z, **H; /* hidden layer l: Z[l], H[l] [width x rows];
                                      PINGPONG: Z[l % 2] == H[l % 2] */
    void *out; /* [out_dim x rows] */
    void *pp[2]; /* PINGPONG's two buffers */
    void *mem; /* allocation behind the arrays (mlpv_trace_alloc) */
    void **ptrs; /* allocation behind Z and H (mlpv_trace_alloc) */
} mlpv_trace;

/* A BACKWARD or FULL trace for chunks of up to rows_max points, every array
 * 64-byte aligned. 0, or -1 on OOM or bad arguments (*t is then empty, safe to free). */
int mlpv_trace_alloc(mlpv_trace *t, mlpv_precision p, mlpv_trace_kind kind, const mlpv_spec *s, int rows_max);
void mlpv_trace_free(mlpv_trace *t);

/* t->in = x^T: x [rows x in_dim] point-major, in the trace's precision. */
void mlpv_trace_load(mlpv_trace *t, const void *x, int rows);

/* The forward pass of the chunk in t->in (1 <= rows <= rows_max) with the
 * parameters P (flat, mlpv_param_offset's layout, the trace's precision).
 * hook (may be NULL) is called after every hidden layer with H_l; row0 is
 * passed through to it. */
void mlpv_forward_trace(mlpv_trace *t, const void *P, int rows, mlpv_layer_hook hook, void *ctx, long row0);

/* Activation pattern codes of the chunk in a FULL trace after
 * mlpv_forward_trace: the bits z > 0 of every hidden unit, layer by layer,
 * packed little-endian into mlpv_pattern_code_words 64-bit words per point:
 * bit u (u = l * width + j) of point r's code is bit u % 64 of
 * codes[r * words + u / 64]; padding bits are 0. */
int mlpv_pattern_code_words(const mlpv_spec *s);
void mlpv_pattern_codes(const mlpv_trace *t, int rows, uint64_t *codes);

#endif
