/* Training tasks: 2-D targets with a difficulty knob, and user data from CSV.
 * Targets are +-1 labels (classification) or real values (CSV regression). */
#ifndef MLPVAR_TASK_H
#define MLPVAR_TASK_H

#include <stdint.h>
#include <stddef.h>

typedef enum {
    MLPV_TASK_CHECKERBOARD,  /* knob: cells c; label (-1)^(i+j) of the c x c cell on [-1,1]^2 */
    MLPV_TASK_RINGS,         /* knob: rings k; label by parity of floor(k * |x| / sqrt 2) */
    MLPV_TASK_SINES,         /* knob: frequency k; label sign(sin(k pi x1) sin(k pi x2)) */
    MLPV_TASK_SPIRALS,       /* knob: turns k; two interleaved spirals */
    MLPV_TASK_CSV,           /* user data */
    MLPV_TASK_COUNT
} mlpv_task_kind;

const char *mlpv_task_name(mlpv_task_kind k);
int mlpv_task_parse(const char *name, mlpv_task_kind *out);   /* 0 or -1 */

/* A data set: x [n x in_dim], y [n x out_dim], row-major, double. */
typedef struct {
    long n;
    int in_dim, out_dim;
    double *x, *y;
    int labels_pm1;          /* 1 when every target is -1 or +1 (accuracy is defined) */
} mlpv_dataset;

void mlpv_dataset_free(mlpv_dataset *d);

/* The label of a 2-D task at (x1, x2) in [-1,1]^2, +-1. knob >= 1. */
double mlpv_task_label(mlpv_task_kind k, int knob, double x1, double x2);

/* n training points uniform on [-1,1]^2, drawn from seed (the same seed gives
 * the same points on any rank). Returns 0, or -1 on a bad argument / OOM. */
int mlpv_task_sample(mlpv_task_kind k, int knob, long n, uint64_t seed, mlpv_dataset *out);
/* The test set: a g x g grid on [-1,1]^2 (endpoints included), row-major in the
 * first coordinate, like the landscape grid. */
int mlpv_task_grid(mlpv_task_kind k, int knob, int g, mlpv_dataset *out);

/* Reads a CSV of numbers: an optional header line (detected: a first line with a
 * non-number), then rows of in_dim + out_dim columns, the last out_dim columns
 * being the targets. Every row must have the same number of columns, finite
 * values. On error returns -1 with one line "path:line: what; how to fix" in err. */
int mlpv_csv_read(const char *path, int out_dim, mlpv_dataset *out, char *err, size_t errlen);

/* Splits d into train and test by a seeded shuffle; test_fraction in (0, 1).
 * Copies the rows; d is left untouched. */
int mlpv_dataset_split(const mlpv_dataset *d, double test_fraction, uint64_t seed,
                       mlpv_dataset *train, mlpv_dataset *test);

#endif
