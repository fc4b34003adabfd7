/* A read sweep expanded into configurations and work items. */
#ifndef MLPVAR_SWEEP_EXPAND_H
#define MLPVAR_SWEEP_EXPAND_H

#include "sweep_file.h"

/* Configurations in order budget/width, activation, depth. -1 with err (naming the
 * budget and depth) when a budget is below the smallest network. */
int sweep_configs(const mlpv_sweep *s, sweep_config **out, int *n, char *err, size_t errlen);

/* Work items: for each configuration, seeds = union(0..draws-1, training seeds),
 * ascending. Returns the count; *out is malloc'd. */
long sweep_items(const mlpv_sweep *s, int n_configs, sweep_item **out);

/* Sorts seeds ascending (the reader's order, and sweep_items's). */
void sweep_sort_seeds(uint64_t *seeds, long n);

#endif
