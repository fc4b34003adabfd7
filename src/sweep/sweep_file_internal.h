/* Private to the sweep reader (sweep_file.c, sweep_part.c): the top-level keys' indices and one part's reader. */
#ifndef MLPVAR_SWEEP_FILE_INTERNAL_H
#define MLPVAR_SWEEP_FILE_INTERNAL_H

#include "sweep_file.h"
#include "sweep_yaml.h"

/* Indices of the top-level keys in a section: TOP_KEYS in sweep_file.c, same order. */
enum { T_NAME, T_ACTS, T_BUDGET, T_WIDTHS, T_DEPTHS, T_SEEDS, T_INIT, T_TASK, T_TRAIN, T_MEASURE, T_PARTS };

/* Every key but name and parts, from one (merged) section: 0, or -1 with the
 * error written (sweep_part.c). */
int sweep_parse_body(sy_ctx *c, sy_section *sec, mlpv_sweep *s);

#endif
