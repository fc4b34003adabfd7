/* A gallery of random landscapes at init: one gnuplot PNG, activations down and
 * depths across, V_k and the collapse ratio in each panel's title. Used by
 * `mlpvar landscape --png` and by the analysis report. */
#ifndef MLPVAR_GALLERY_H
#define MLPVAR_GALLERY_H

#include <stddef.h>
#include <stdint.h>

#include "mlpvar/landscape.h"
#include "mlpvar/spec.h"

typedef struct {
    const mlpv_spec *specs; /* [rows * cols], row-major: row = activation, column = depth */
    int rows, cols;
    mlpv_grid_opts grid; /* the landscape grid (size, precision, slice) */
    int order; /* V_k's k */
    double tau; /* collapse threshold */
    uint64_t seed; /* every network's seed */
} gallery_opts;

/* Writes png. Returns 0, or -1 with one line in err (out of memory, gnuplot
 * missing or failing, a file that cannot be written). */
int landscape_gallery(const gallery_opts *o, const char *png, char *err, size_t errlen);

#endif
