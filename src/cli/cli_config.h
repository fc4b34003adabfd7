/* Options shared by the commands that build random networks (measure,
 * landscape): which shapes, how to draw them, how to grid them. */
#ifndef MLPVAR_CLI_CONFIG_H
#define MLPVAR_CLI_CONFIG_H

#include <stdint.h>
#include "mlpvar/landscape.h"
#include "mlpvar/spec.h"

typedef struct {
    mlpv_activation *acts; int n_acts;
    long *budgets; int n_budgets;      /* either budgets ... */
    int *widths; int n_widths;         /* ... or widths */
    int *depths; int n_depths;
    int in_dim, out_dim;
    mlpv_init init;
    double bias_std;
    int grid, order, chunk, threads;
    uint64_t seed;
    double tau;
    mlpv_precision precision;
    const char *weights;               /* a user's network instead of random ones */
} net_options;

/* One (budget or width, activation, depth) configuration. */
typedef struct { mlpv_spec spec; long budget; } config_row;

void net_options_defaults(net_options *o);
/* If argv[*i] is a shared option, parses it (advancing *i) and returns 1; else 0. */
int net_options_parse(const char *cmd, net_options *o, int argc, char **argv, int *i);
/* Checks cross-option constraints (grid > order when V_k is computed, ...); dies
 * with exit 2 on error. */
void net_options_check(const char *cmd, const net_options *o, int computes_variability);
/* Expands to rows, budget/width-major, then activation, then depth; dies if a budget
 * is below the smallest network at some depth. */
config_row *net_options_rows(const char *cmd, const net_options *o, int *n_rows);
mlpv_grid_opts net_options_grid(const net_options *o);
void net_options_free(net_options *o);

/* The help text for the shared options. */
extern const char *const NET_OPTIONS_HELP;

#endif
