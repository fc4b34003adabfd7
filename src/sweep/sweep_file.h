/* Sweep files (YAML, read with libyaml): what to measure and train, expanded into
 * configurations and work items. Errors name the file, line and key. */
#ifndef MLPVAR_SWEEP_FILE_H
#define MLPVAR_SWEEP_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "mlpvar/spec.h"
#include "mlpvar/task.h"
#include "mlpvar/train.h"
#include "mlpvar/network.h"
#include "sweep_source.h"

typedef struct {
    char *name; /* name: (required) */
    mlpv_activation *acts;
    int n_acts; /* activations: [..] (required) */
    long *budgets;
    int n_budgets; /* budget: N or [..] ... */
    int *widths;
    int n_widths; /* ... or widths: [..] (exactly one of the two) */
    int *depths;
    int n_depths; /* depths: [1, 2, "4..8"] (required) */
    uint64_t *seeds;
    int n_seeds; /* seeds: N (= 0..N-1) or [..] (default 1): trained seeds */
    mlpv_init init;
    double bias_std; /* init: {scheme: auto, bias_std: 0.1} */

    int has_task; /* task: {...} present */
    mlpv_task_kind task;
    int knob; /* name; cells | rings | frequency | turns (default 8, 3, 3, 2) */
    long points; /* training points (default 2048) */
    int test_grid; /* test grid g x g for 2-D tasks (default 64) */
    char *csv_path;
    int csv_targets;
    double test_fraction; /* task csv: path, targets (1), test_fraction (0.2) */
    char *csv_path_written; /* task csv: the path as the sweep file writes it (csv_path is resolved) */
    char csv_hash[17]; /* task csv: 16 hex digits, the hash of the file's bytes */
    int in_dim, out_dim; /* 2 and 1 for 2-D tasks; from the CSV file otherwise */

    int has_train; /* train: {...} present (requires task) */
    mlpv_train_opts train; /* steps, lr, optimizer, batch, target_accuracy, momentum, precision */

    int grid, order, draws; /* measure: {grid: 128, order: 3, draws: = number of seeds} */
    double tau; /* measure: tau (0.01) */
    mlpv_precision precision; /* measure: precision (float) */
    unsigned rivals; /* measure: rivals [..]: bit r set for mlpv_rival r */

    long csv_rows; /* data rows of the CSV file (0 without one) */
    int csv_labels_pm1; /* every target of the CSV file is -1 or +1 */

    char *path; /* the file given to sweep_read (for messages) */
    int budget_line; /* line of budget: in it (for messages), 0 if none */
    struct { /* lines of other keys in it (for messages), 0 if none */
        int activations, widths, depths, seeds, grid, draws, points, test_grid, path;
    } line;
    int part; /* index among the file's parts (0 without parts:) */
} mlpv_sweep;

/* One configuration: a network shape (activation, depth, width) of the sweep. */
typedef struct {
    mlpv_spec spec;
    long budget; /* 0 when widths were given */
    int part; /* which part of the sweep file (0 without parts) */
} sweep_config;

/* One unit of work: a configuration and a seed. The network is always measured at
 * init; it is trained when `train` is set (seed among the training seeds and the
 * sweep has a train section). */
typedef struct {
    int config;
    uint64_t seed;
    int train;
} sweep_item;

/* Reads and validates path, every size within its ceiling (sweep_limits.h,
 * docs/limits.md). Returns 0, or -1 with one line in err: "FILE:LINE: key 'K':
 * what is wrong; how to fix" (bad input, exit 2), or -2 with one line when the
 * file cannot be read (a system failure, exit 1). */
int sweep_read(const char *path, mlpv_sweep *s, char *err, size_t errlen);
void sweep_free(mlpv_sweep *s);

/* A sweep file may hold `parts:`, a list of mappings each overriding top-level keys
 * (all but name; budget and widths replace each other): one mlpv_sweep per part,
 * sharing the name (one part without `parts:`). sweep_read refuses files with
 * more than one part. */
/* The name of a generated task's knob in sweep files and records (cells,
 * rings, frequency, turns), and its default (8, 3, 3, 2); NULL and 0 for CSV. */
const char *sweep_knob_name(mlpv_task_kind k);
int sweep_knob_default(mlpv_task_kind k);

int sweep_read_parts(const char *path, mlpv_sweep **parts, int *n_parts, char *err, size_t errlen);
/* The same with the files (the sweep file, CSV data) taken from src: held
 * files from memory; others from disk, kept in src, when src->from_disk. */
int sweep_read_parts_from(const char *path, sweep_source *src, mlpv_sweep **parts, int *n_parts, char *err,
                          size_t errlen);
void sweep_free_parts(mlpv_sweep *parts, int n);

#endif
