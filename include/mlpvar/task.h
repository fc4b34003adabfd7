/* Training tasks: 2-D targets with a difficulty knob, and user data from CSV.
 * Targets are +-1 labels (classification) or real values (CSV regression). */
#ifndef MLPVAR_TASK_H
#define MLPVAR_TASK_H

#include <stdint.h>
#include <stddef.h>
#include <stdio.h>

/* The 2-D tasks live on [-1,1]^2 and take a knob >= 1 (at most MLPV_TASK_KNOB_MAX);
 * a larger knob is a harder task. A point on a boundary belongs to the cell or
 * ring above it (checkerboard, rings); sines give +1 on their zero lines and
 * spirals +1 on ties. Labels are decided exactly for double inputs where the
 * boundaries are rational (checkerboard, rings, sines); see task.c. */
typedef enum {
    MLPV_TASK_CHECKERBOARD, /* knob: cells c per side; cell (i, j) of the c x c board on
                              * [-1,1]^2 (i along x1, j along x2, x = 1 in the last
                              * cell) has label (-1)^(i+j), +1 at the corner (-1,-1) */
    MLPV_TASK_RINGS, /* knob: rings k; label (-1)^m, m = floor(k |x| / sqrt 2):
                              * k rings of equal width out to the corners, +1 innermost */
    MLPV_TASK_SINES, /* knob: periods k; a sine-wave boundary: +1 on or above
                              * x2 = sin(k pi x1) / 2, -1 below (half the area each) */
    MLPV_TASK_SPIRALS, /* knob: turns k inside the unit disc; in polar (r, theta)
                              * arm A is theta = 2 pi k r, arm B theta = 2 pi k r + pi;
                              * label +1 when the point is angularly nearer arm A (ties +1) */
    MLPV_TASK_CSV, /* user data */
    MLPV_TASK_COUNT
} mlpv_task_kind;

#define MLPV_TASK_KNOB_MAX (1 << 20)

/* "checkerboard", "rings", "sines", "spirals", "csv" ("?" out of range). */
const char *mlpv_task_name(mlpv_task_kind k);
int mlpv_task_parse(const char *name, mlpv_task_kind *out); /* 0 or -1 */
/* Comma-separated list of every task name, for error messages. */
const char *mlpv_task_names(void);

/* A data set: x [n x in_dim], y [n x out_dim], row-major, double. */
typedef struct {
    long n;
    int in_dim, out_dim;
    double *x, *y;
    int labels_pm1; /* 1 when every target is -1 or +1 (accuracy is defined) */
} mlpv_dataset;

/* Frees x and y and zeroes *d; NULL and an already freed / zeroed set are fine. */
void mlpv_dataset_free(mlpv_dataset *d);

/* The label of a 2-D task at (x1, x2) in [-1,1]^2, +-1. knob >= 1. Outside the
 * square (up to |x1|, |x2| <= 4) a point gets the label of the nearest edge cell
 * (checkerboard) or the continued pattern (others). Returns 0 for MLPV_TASK_CSV,
 * an unknown kind, a knob outside [1, MLPV_TASK_KNOB_MAX], a NaN or a coordinate
 * beyond 4 in magnitude. */
double mlpv_task_label(mlpv_task_kind k, int knob, double x1, double x2);

/* n training points uniform on [-1,1]^2, drawn from seed (the same seed gives
 * the same points on any rank). Point p is (-1 + 2 u_2p, -1 + 2 u_2p+1), u the
 * Philox uniforms under key mlpv_mix64(seed) and a stream fixed per task kind
 * (not per knob: two knobs of one task share the points), so the first n points
 * of a larger sample are the sample of n. in_dim 2, out_dim 1, labels_pm1 1.
 * Returns 0, or -1 on a bad argument (n < 1, CSV, bad knob) / OOM. */
int mlpv_task_sample(mlpv_task_kind k, int knob, long n, uint64_t seed, mlpv_dataset *out);
/* The test set: a g x g grid on [-1,1]^2 (endpoints included), row-major in the
 * first coordinate, like the landscape grid: row i*g + j is the point
 * (-1 + 2i/(g-1), -1 + 2j/(g-1)). g >= 2. Returns 0, or -1. */
int mlpv_task_grid(mlpv_task_kind k, int knob, int g, mlpv_dataset *out);

/* Reads a CSV of numbers: an optional header line (detected: a first line with a
 * non-number), then rows of in_dim + out_dim columns, the last out_dim columns
 * being the targets. Every row must have the same number of columns, finite
 * values. On error returns -1 with one line "path:line: what; how to fix" in err.
 * Cells are separated by commas, with optional blanks around them; lines whose
 * first non-blank character is '#' and blank lines are skipped; CRLF line ends and
 * a UTF-8 byte-order mark are accepted; numbers are read in the C locale whatever
 * the program's locale. out_dim >= 1; in_dim = columns - out_dim must be >= 1.
 * labels_pm1 is 1 iff every target is exactly -1 or +1. A header must have as
 * many columns as the rows. Errors without a line (the file cannot be opened)
 * read "path: what; how to fix". err may be NULL. */
int mlpv_csv_read(const char *path, int out_dim, mlpv_dataset *out, char *err, size_t errlen);
/* The same over the file's bytes in memory (len > 0); name stands for the path
 * in messages. */
int mlpv_csv_read_mem(const char *name, const char *bytes, size_t len, int out_dim, mlpv_dataset *out, char *err,
                      size_t errlen);
/* Writes d as a CSV that mlpv_csv_read(path, d->out_dim) reads back exactly:
 * the header x1,..,xD,y1,..,yM, then one row per point, inputs then targets,
 * each number %.17g in the C locale (a double round-trips). Returns 0, or -1
 * on a bad set or a write error (errno from the stream). */
int mlpv_csv_write(const mlpv_dataset *d, FILE *f);
/* The most values (rows x columns) mlpv_csv_read takes: 1e8, 800 MB of doubles
 * on every rank; a larger file is refused naming the line where it passes. */
#define MLPV_CSV_MAX_VALUES 100000000L

/* Splits d into train and test by a seeded shuffle; test_fraction in (0, 1).
 * Copies the rows; d is left untouched. The test set gets round(test_fraction n)
 * rows clamped to [1, n-1], taken in shuffled order, the train set the rest.
 * Returns 0, or -1 (n < 2, bad fraction, OOM) with both outputs zeroed. */
int mlpv_dataset_split(const mlpv_dataset *d, double test_fraction, uint64_t seed, mlpv_dataset *train,
                       mlpv_dataset *test);

#endif
