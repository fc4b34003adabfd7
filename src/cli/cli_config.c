#include "cli_config.h"
#include "cli_args.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 100000
#define MAX_WIDTH 1000000

const char *const NET_OPTIONS_HELP =
    "  --activation LIST   activations, e.g. relu,abs (default relu,abs); known: relu, abs,\n"
    "                      leaky_relu, tanh, gelu, silu, elu, softplus, sigmoid, sin, identity\n"
    "  --budget LIST       parameter budgets; the width is solved per depth (default 10000)\n"
    "  --width LIST        fixed widths instead of a budget\n"
    "  --depth LIST        hidden layers, e.g. 1,2,4 or 1..64 (default 1,2,4,8,16,32,64)\n"
    "  --in-dim D          input dimension (default 2; > 2 uses a random 2-D slice)\n"
    "  --out-dim M         outputs (default 1; metrics are averaged over outputs)\n"
    "  --init NAME         auto|he|lecun|xavier|torch (default auto)\n"
    "  --bias-std S        bias standard deviation (default 0.1)\n"
    "  --grid G            landscape grid G x G on [-1,1]^2 (default 128)\n"
    "  --order K           variability order k (default 3, the paper's V3)\n"
    "  --tau T             collapse threshold on the collapse ratio (default 0.01)\n"
    "  --seed S            first seed; draw i uses seed S+i (default 0)\n"
    "  --precision P       float|double forward pass (default float)\n"
    "  --chunk C           grid points per GEMM (default 256)\n"
    "  --threads T         worker threads (default: all cores)\n";

void net_options_defaults(net_options *o)
{
    memset(o, 0, sizeof *o);
    o->in_dim = 2;
    o->out_dim = 1;
    o->init = MLPV_INIT_AUTO;
    o->bias_std = 0.1;
    o->grid = 128;
    o->order = 3;
    o->chunk = 256;
    o->threads = omp_get_num_procs();
    o->tau = 0.01;
    o->precision = MLPV_FLOAT;
}

int net_options_parse(const char *cmd, net_options *o, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--activation")) {
        free(o->acts);
        o->acts = cli_activation_list(cmd, cli_value(cmd, argc, argv, i), &o->n_acts);
    } else if (!strcmp(a, "--budget")) {
        free(o->budgets);
        o->budgets = cli_long_list(cmd, a, cli_value(cmd, argc, argv, i), 1, 1000000000000L, &o->n_budgets);
    } else if (!strcmp(a, "--width")) {
        free(o->widths);
        o->widths = cli_int_list(cmd, a, cli_value(cmd, argc, argv, i), 1, MAX_WIDTH, &o->n_widths);
    } else if (!strcmp(a, "--depth")) {
        free(o->depths);
        o->depths = cli_int_list(cmd, a, cli_value(cmd, argc, argv, i), 1, MAX_DEPTH, &o->n_depths);
    } else if (!strcmp(a, "--in-dim")) {
        o->in_dim = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, 100000);
    } else if (!strcmp(a, "--out-dim")) {
        o->out_dim = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, 100000);
    } else if (!strcmp(a, "--init")) {
        const char *v = cli_value(cmd, argc, argv, i);
        if (mlpv_init_parse(v, &o->init) != 0)
            cli_die(cmd, "--init: unknown scheme '%s'; choose from auto, he, lecun, xavier, torch", v);
    } else if (!strcmp(a, "--bias-std")) {
        o->bias_std = cli_double(cmd, a, cli_value(cmd, argc, argv, i), 0.0, 1e6);
    } else if (!strcmp(a, "--grid")) {
        o->grid = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, 8192);
    } else if (!strcmp(a, "--order")) {
        o->order = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, 64);
    } else if (!strcmp(a, "--tau")) {
        o->tau = cli_double(cmd, a, cli_value(cmd, argc, argv, i), 0.0, 1.0);
    } else if (!strcmp(a, "--seed")) {
        o->seed = (uint64_t)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 0, 4000000000000000000L);
    } else if (!strcmp(a, "--precision")) {
        const char *v = cli_value(cmd, argc, argv, i);
        if (!strcmp(v, "float")) o->precision = MLPV_FLOAT;
        else if (!strcmp(v, "double")) o->precision = MLPV_DOUBLE;
        else cli_die(cmd, "--precision: '%s' is not a precision; choose float or double", v);
    } else if (!strcmp(a, "--chunk")) {
        o->chunk = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, 1 << 24);
    } else if (!strcmp(a, "--threads")) {
        o->threads = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, 1024);
    } else if (!strcmp(a, "--weights")) {
        o->weights = cli_value(cmd, argc, argv, i);
    } else {
        return 0;
    }
    return 1;
}

void net_options_check(const char *cmd, const net_options *o, int computes_variability)
{
    if (computes_variability && o->grid <= o->order)
        cli_die(cmd, "--grid %d is too small for --order %d: the k-th difference needs grid > order; "
                "raise --grid (default 128)", o->grid, o->order);
    if (o->n_budgets && o->n_widths)
        cli_die(cmd, "--budget and --width both given; use one of them");
}

config_row *net_options_rows(const char *cmd, const net_options *o, int *n_rows)
{
    int nb = o->n_widths ? o->n_widths : (o->n_budgets ? o->n_budgets : 1);
    int na = o->n_acts ? o->n_acts : 2;
    static const int default_depths[] = { 1, 2, 4, 8, 16, 32, 64 };
    const int *depths = o->n_depths ? o->depths : default_depths;
    int nd = o->n_depths ? o->n_depths : 7;
    config_row *rows = malloc(sizeof(config_row) * (size_t)nb * na * nd);
    int r = 0;
    for (int b = 0; b < nb; b++)
        for (int a = 0; a < na; a++)
            for (int d = 0; d < nd; d++) {
                mlpv_activation act = o->n_acts ? o->acts[a] : (a == 0 ? MLPV_RELU : MLPV_ABS);
                long budget = o->n_widths ? 0 : (o->n_budgets ? o->budgets[b] : 10000);
                int width = o->n_widths ? o->widths[b]
                                        : mlpv_width_for_budget(budget, o->in_dim, o->out_dim, depths[d]);
                if (width < 1)
                    cli_die(cmd, "--budget %ld is smaller than the smallest network at depth %d "
                            "(%ld parameters at width 1); raise --budget or lower --depth",
                            budget, depths[d], mlpv_param_count(o->in_dim, o->out_dim, depths[d], 1));
                mlpv_spec s = mlpv_spec_default(act, depths[d], width);
                s.in_dim = o->in_dim;
                s.out_dim = o->out_dim;
                s.init = o->init;
                s.bias_std = o->bias_std;
                rows[r].spec = s;
                rows[r].budget = budget;
                r++;
            }
    *n_rows = r;
    return rows;
}

mlpv_grid_opts net_options_grid(const net_options *o)
{
    mlpv_grid_opts g = mlpv_grid_defaults(o->grid);
    g.precision = o->precision;
    g.chunk = o->chunk;
    g.slice_seed = o->seed;
    return g;
}

void net_options_free(net_options *o)
{
    free(o->acts); free(o->budgets); free(o->widths); free(o->depths);
}
