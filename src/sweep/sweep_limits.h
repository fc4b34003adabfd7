/* The ceilings on every size a sweep file or a command-line option can ask for,
 * and the memory a network's measurement and training need (docs/limits.md:
 * each ceiling, why, and how to go beyond it). The sweep reader and the
 * commands check them when they read their input, so nothing too large to
 * allocate reaches a worker: a size past its ceiling is bad input (exit 2). */
#ifndef MLPVAR_SWEEP_LIMITS_H
#define MLPVAR_SWEEP_LIMITS_H

#include <stddef.h>
#include <stdio.h>

#include "mlpvar/spec.h"
#include "mlpvar/train.h"

/* Sizes of one network. */
#define LIM_MAX_DEPTH 512L /* hidden layers: a record's per-layer arrays (record.h) */
#define LIM_MAX_WIDTH 1000000L /* units per hidden layer */
#define LIM_MAX_BUDGET 1000000000L /* parameters (1e9: 12 GB of weights in double + float) */
#define LIM_MAX_DIM 100000L /* inputs or outputs of a network */
/* Sizes of a measurement and of training. */
#define LIM_MAX_GRID 8192L /* landscape grid g (g^2 = 67M points, 512 MiB per output) */
#define LIM_MAX_ORDER 1000L /* the k of V_k (below the grid) */
#define LIM_MAX_DRAWS 1000000L /* random draws per configuration (1e6) */
#define LIM_MAX_POINTS 100000000L /* training points of a 2-D task (1e8) */
#define LIM_MAX_TEST_GRID 8192L /* test grid of a 2-D task */
#define LIM_MAX_STEPS 100000000L /* optimisation steps (1e8) */
/* Sizes of a sweep. */
#define LIM_MAX_LIST 10000L /* values in one list, ranges expanded */
#define LIM_MAX_NETWORKS 10000000L /* networks (configuration x seed) in one sweep (1e7) */
#define LIM_MAX_SEEDS 1000000L /* trained seeds */
/* The sweep file itself: a hostile file is refused before libyaml builds it. */
#define LIM_MAX_FILE_BYTES (1L << 20) /* 1 MiB */
#define LIM_MAX_CSV_BYTES (1L << 31) /* 2 GiB of CSV text: the file every rank is sent */
#define LIM_MAX_NESTING 16 /* lists and mappings inside each other */
/* Memory. */
#define LIM_MAX_ITEM_BYTES (32.0 * (1L << 30)) /* one network's measurement and training: 32 GiB */
#define LIM_BASE_BYTES (64.0 * (1L << 20)) /* a rank before any work: MPI, OpenBLAS, the binary */

/* What one item (a network measured at init, and maybe trained) computes,
 * for its memory estimate. */
typedef struct {
    mlpv_spec spec;
    int grid, chunk; /* landscape grid and points per GEMM (256 in sweeps) */
    mlpv_precision precision; /* of the landscape */
    int diag; /* per-layer diagnostics kept */
    long train_rows, test_rows; /* task data (0 0: no task) */
    int trained;
    mlpv_train_opts train;
    unsigned rivals; /* bit r: rival r scored */
} lim_item;

/* Bytes an item allocates at its peak, estimated from the allocation sizes in
 * src/lib (an upper bound up to the allocator's rounding): the network, then
 * the largest of the landscape and the task phase (data, gradient norms,
 * rivals, training). Computed in double: never overflows. */
double lim_item_bytes(const lim_item *it);

/* Which size drives an item's memory: the network's weights (budget, width,
 * depth), the landscape grid (grid x grid x outputs), the points per GEMM of
 * the landscape (chunk x width), or the task data (points, test grid, CSV rows). */
typedef enum { LIM_BY_NETWORK, LIM_BY_GRID, LIM_BY_CHUNK, LIM_BY_DATA } lim_driver;
lim_driver lim_item_driver(const lim_item *it);

/* The memory this machine can give, in bytes: the smaller of /proc/meminfo's
 * MemAvailable and what the cgroup (v2 memory.max, or v1) leaves; a negative
 * value when neither can be read. */
double lim_available_bytes(void);

/* The value of a "Key:   N kB" line of a /proc file (meminfo, self/status), in
 * bytes; -1 when the file or the key is absent. */
double lim_proc_bytes(const char *path, const char *key);

/* "1.5 GiB", "300 MiB", "12 KiB" into buf. Returns buf. */
const char *lim_bytes_text(double bytes, char *buf, size_t len);

#endif
