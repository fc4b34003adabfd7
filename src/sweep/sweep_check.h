/* Checks across the keys of a read sweep: the memory one network needs, the
 * number of networks, the CSV data; and the peak memory of a run per rank
 * (for --dry-run). The ceilings are in sweep_limits.h. */
#ifndef MLPVAR_SWEEP_CHECK_H
#define MLPVAR_SWEEP_CHECK_H

#include <stdio.h>

#include "sweep_file.h"
#include "sweep_limits.h"

/* What item (configuration c, trained or not) of sweep s computes. */
void sweep_item_need(const mlpv_sweep *s, const sweep_config *c, int trained, lim_item *out);

/* Checks part s: its configurations (every budget fits every depth), at most
 * LIM_MAX_NETWORKS networks counting *networks of the parts before it (updated),
 * and every network within LIM_MAX_ITEM_BYTES. Returns 0, or -1 with one line
 * "FILE:LINE: key 'K': ..." naming the key that drives the size. */
int sweep_check_sizes(const mlpv_sweep *s, long *networks, char *err, size_t errlen);

/* The CSV data of a task: at least 2 rows (one for the test set) and 2 input
 * columns (a landscape is a 2-D slice of the inputs). 0, or -1 with one line
 * "PATH: what; how to fix" in err. */
int sweep_csv_check(const mlpv_dataset *d, const char *path, char *err, size_t errlen);

/* Peak memory of a run of the sweep (all parts) per rank, in bytes: the rank
 * itself (LIM_BASE_BYTES), the plan every rank holds, the CSV data, and the
 * largest network; with ranks = 1 the one rank also keeps the store. *worst
 * (may be NULL) gets the largest network's description. */
double sweep_peak_memory(const mlpv_sweep *parts, int n_parts, int ranks, char *worst, size_t len);

/* For --dry-run (and before a run): prints to f (NULL: nothing) one line with
 * the peak memory per rank and what this node offers, and returns 0 when the
 * ranks on this node fit: ranks_here x peak <= the available memory
 * (lim_available_bytes; ranks_here from the launcher's environment, else
 * `ranks`). Otherwise prints one line (to f, or to stderr when f is NULL)
 * saying what to lower and returns 2 (exit 2). When the available memory cannot be read it says so
 * (to f) and returns 0. */
int sweep_memory_check(const mlpv_sweep *parts, int n_parts, int ranks, FILE *f);

#endif
