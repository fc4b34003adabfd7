/* Options shared by the commands that build random networks (measure,
 * landscape, train): which shapes, how to draw them, how to grid them; and
 * the task options of train and measure --weights --rivals. */
#ifndef MLPVAR_CLI_CONFIG_H
#define MLPVAR_CLI_CONFIG_H

#include <stdint.h>
#include "mlpvar/landscape.h"
#include "mlpvar/spec.h"
#include "record.h"
#include "sweep_limits.h"

typedef struct {
    mlpv_activation *acts;
    int n_acts;
    long *budgets;
    int n_budgets; /* either budgets ... */
    int *widths;
    int n_widths; /* ... or widths */
    int *depths;
    int n_depths;
    int in_dim, out_dim;
    mlpv_init init;
    double bias_std;
    int grid, order, chunk, threads;
    uint64_t seed;
    double tau;
    mlpv_precision precision;
    const char *weights; /* a user's network instead of random ones */
} net_options;

/* One (budget or width, activation, depth) configuration. */
typedef struct {
    mlpv_spec spec;
    long budget;
} config_row;

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

/* Dies with exit 2 when n_rows x draws networks exceed LIM_MAX_NETWORKS. */
void net_options_check_count(const char *cmd, long n_rows, long draws, const char *draws_option);
/* What measuring spec under these options computes (no task, no training). */
lim_item net_options_item(const net_options *o, const mlpv_spec *spec);
/* Dies with exit 2 when one of the n items needs more than LIM_MAX_ITEM_BYTES,
 * or when `parallel` of the largest at once, plus `extra` bytes of results, need
 * more than this machine has available (sweep_limits.h); the message names the
 * option that drives the size (data_option for task data, may be NULL). */
void net_options_check_memory(const char *cmd, const net_options *o, const lim_item *items, int n, int parallel,
                              double extra, const char *data_option);
/* The network of --weights: dies with exit 2 (one line) on a bad file, a
 * network with fewer than 2 inputs, or a landscape that would not fit. */
mlpv_net *net_options_read_weights(const char *cmd, const net_options *o);
/* Dies with exit 2 when a weight file's network gave a landscape that is not
 * finite (finite = 0): weights beyond double precision's range. */
void net_options_check_finite(const char *cmd, const net_options *o, const mlpv_net *net, int finite);
void net_options_free(net_options *o);

/* The help text for the shared options. */
extern const char *const NET_OPTIONS_HELP;

/* Task options (train; measure --weights --rivals), parsed into the fields of
 * a sweep that sweep_task_data reads: --task NAME[:KNOB] | csv:PATH,
 * --targets M, --test-fraction F, --points N, --test-grid G. Defaults (set by
 * task_options_defaults): the sweep file's, points 2048, test grid 64,
 * targets 1, test fraction 0.2; s->has_task is set by --task. */
void task_options_defaults(mlpv_sweep *s);
/* If argv[*i] is a task option, parses it (advancing *i) and returns 1; else 0. */
int task_options_parse(const char *cmd, mlpv_sweep *s, int argc, char **argv, int *i);
/* Loads the task's data (the CSV file, checked as a sweep checks it) and sets
 * s->in_dim / s->out_dim (from the file; 2 and 1 for the 2-D tasks) and
 * s->csv_rows. Dies with exit 2 (one line) on a bad file. */
void task_options_load(const char *cmd, mlpv_sweep *s, sweep_data *data);
/* The help text for the task options. */
extern const char *const TASK_OPTIONS_HELP;

/* A --rivals list "grad_norm,snip": bit r set for each mlpv_rival r; dies with
 * exit 2 on an unknown name or one listed twice. */
unsigned cli_rival_list(const char *cmd, const char *opt, const char *s);

#endif
