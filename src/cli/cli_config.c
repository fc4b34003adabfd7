#include "cli_config.h"
#include "cli_args.h"

#include "mlpvar/rivals.h"
#include "mlpvar/weights_file.h"
#include "sweep_check.h"

#include <math.h>
#include <omp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
        o->budgets = cli_long_list(cmd, a, cli_value(cmd, argc, argv, i), 1, LIM_MAX_BUDGET, &o->n_budgets);
    } else if (!strcmp(a, "--width")) {
        free(o->widths);
        o->widths = cli_int_list(cmd, a, cli_value(cmd, argc, argv, i), 1, LIM_MAX_WIDTH, &o->n_widths);
    } else if (!strcmp(a, "--depth")) {
        free(o->depths);
        o->depths = cli_int_list(cmd, a, cli_value(cmd, argc, argv, i), 1, LIM_MAX_DEPTH, &o->n_depths);
    } else if (!strcmp(a, "--in-dim")) {
        o->in_dim = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, LIM_MAX_DIM);
    } else if (!strcmp(a, "--out-dim")) {
        o->out_dim = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, LIM_MAX_DIM);
    } else if (!strcmp(a, "--init")) {
        const char *v = cli_value(cmd, argc, argv, i);
        if (mlpv_init_parse(v, &o->init) != 0)
            cli_die(cmd, "--init: unknown scheme '%s'; choose from auto, he, lecun, xavier, torch", v);
    } else if (!strcmp(a, "--bias-std")) {
        o->bias_std = cli_double(cmd, a, cli_value(cmd, argc, argv, i), 0.0, 1e6);
    } else if (!strcmp(a, "--grid")) {
        o->grid = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, LIM_MAX_GRID);
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
        cli_die(cmd,
                "--grid %d is too small for --order %d: the k-th difference needs grid > order; "
                "raise --grid (default 128)",
                o->grid, o->order);
    if (o->n_budgets && o->n_widths) cli_die(cmd, "--budget and --width both given; use one of them");
}

config_row *net_options_rows(const char *cmd, const net_options *o, int *n_rows)
{
    int nb = o->n_widths ? o->n_widths : (o->n_budgets ? o->n_budgets : 1);
    int na = o->n_acts ? o->n_acts : 2;
    static const int default_depths[] = { 1, 2, 4, 8, 16, 32, 64 };
    const int *depths = o->n_depths ? o->depths : default_depths;
    int nd = o->n_depths ? o->n_depths : 7;
    if ((double)nb * na * nd > (double)LIM_MAX_NETWORKS)
        cli_die(cmd,
                "the options give %.0f configurations, above the ceiling of %ld (docs/limits.md); list fewer "
                "budgets, widths, activations or depths",
                (double)nb * na * nd, LIM_MAX_NETWORKS);
    config_row *rows = malloc(sizeof(config_row) * (size_t)nb * na * nd);
    if (!rows) cli_fail(cmd, "out of memory");
    int r = 0;
    for (int b = 0; b < nb; b++)
        for (int a = 0; a < na; a++)
            for (int d = 0; d < nd; d++) {
                mlpv_activation act = o->n_acts ? o->acts[a] : (a == 0 ? MLPV_RELU : MLPV_ABS);
                long budget = o->n_widths ? 0 : (o->n_budgets ? o->budgets[b] : 10000);
                int width =
                    o->n_widths ? o->widths[b] : mlpv_width_for_budget(budget, o->in_dim, o->out_dim, depths[d]);
                if (width < 1)
                    cli_die(cmd,
                            "--budget %ld is smaller than the smallest network at depth %d "
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

void net_options_check_count(const char *cmd, long n_rows, long draws, const char *draws_option)
{
    if ((double)n_rows * (double)draws > (double)LIM_MAX_NETWORKS)
        cli_die(cmd,
                "%ld configurations x %ld draws = %.0f networks, above the ceiling of %ld (docs/limits.md); "
                "lower %s or list fewer sizes",
                n_rows, draws, (double)n_rows * (double)draws, LIM_MAX_NETWORKS, draws_option);
}

lim_item net_options_item(const net_options *o, const mlpv_spec *spec)
{
    lim_item it;
    memset(&it, 0, sizeof it);
    it.spec = *spec;
    it.grid = o->grid;
    it.chunk = o->chunk;
    it.precision = o->precision;
    it.diag = 1;
    return it;
}

/* The option that drives an item's memory, for the message. */
static const char *driver_option(const net_options *o, const lim_item *it, const char *data_option)
{
    switch (lim_item_driver(it)) {
    case LIM_BY_GRID: return it->spec.out_dim > 1 ? "--grid or --out-dim" : "--grid";
    case LIM_BY_CHUNK: return "--chunk";
    case LIM_BY_DATA: return data_option ? data_option : "the data";
    default:
        return o->weights     ? "the network in the weight file"
               : o->n_widths  ? "--width"
               : o->n_budgets ? "--budget"
                              : "--depth";
    }
}

void net_options_check_memory(const char *cmd, const net_options *o, const lim_item *items, int n, int parallel,
                              double extra, const char *data_option)
{
    int worst = 0;
    double most = 0;
    for (int i = 0; i < n; i++) {
        double b = lim_item_bytes(&items[i]);
        if (b > most) {
            most = b;
            worst = i;
        }
    }
    char need[32], cap[32], total_t[32], avail_t[32];
    const mlpv_spec *w = &items[worst].spec;
    const char *opt = driver_option(o, &items[worst], data_option);
    if (most > LIM_MAX_ITEM_BYTES)
        cli_die(cmd,
                "one network (%s, depth %d, width %d, grid %d) needs %s of memory, above the ceiling of %s per "
                "network (docs/limits.md); lower %s",
                mlpv_activation_name(w->activation), w->depth, w->width, items[worst].grid,
                lim_bytes_text(most, need, sizeof need), lim_bytes_text(LIM_MAX_ITEM_BYTES, cap, sizeof cap), opt);
    double total = LIM_BASE_BYTES + (parallel > 1 ? parallel : 1) * most + extra, avail = lim_available_bytes();
    if (avail >= 0 && total > avail)
        cli_die(cmd,
                "needs about %s of memory (%d thread%s x %s per network + %s of results), more than the %s "
                "this machine has available (docs/limits.md); lower --threads, %s or the number of draws",
                lim_bytes_text(total, total_t, sizeof total_t), parallel, parallel == 1 ? "" : "s",
                lim_bytes_text(most, need, sizeof need), lim_bytes_text(extra, cap, sizeof cap),
                lim_bytes_text(avail, avail_t, sizeof avail_t), opt);
}

mlpv_net *net_options_read_weights(const char *cmd, const net_options *o)
{
    char err[512];
    mlpv_net *net = mlpv_weights_read(o->weights, err, sizeof err);
    if (!net) cli_die(cmd, "%s", err);
    if (net->spec.in_dim < 2) {
        int d = net->spec.in_dim;
        mlpv_net_free(net);
        cli_die(cmd,
                "%s: the network has %d input%s; mlpvar measures the landscape over a 2-D slice of the "
                "inputs, so the first layer needs fan_in >= 2",
                o->weights, d, d == 1 ? "" : "s");
    }
    net_options opts = *o;
    opts.precision = MLPV_DOUBLE;
    lim_item it = net_options_item(&opts, &net->spec);
    net_options_check_memory(cmd, &opts, &it, 1, 1, 0, NULL);
    return net;
}

void net_options_check_finite(const char *cmd, const net_options *o, const mlpv_net *net, int finite)
{
    if (finite) return;
    double big = 0;
    for (int l = 0; l < net->n_layers; l++) {
        long nw = (long)mlpv_layer_fan_in(&net->spec, l) * mlpv_layer_fan_out(&net->spec, l);
        for (long k = 0; k < nw; k++) big = fmax(big, fabs(net->W[l][k]));
        for (int k = 0; k < mlpv_layer_fan_out(&net->spec, l); k++) big = fmax(big, fabs(net->b[l][k]));
    }
    cli_die(cmd,
            "%s: the network's output overflows double precision on the grid (its largest weight or bias is "
            "%g in magnitude), so its variability is not defined; rescale the weights",
            o->weights, big);
}

void net_options_free(net_options *o)
{
    free(o->acts);
    free(o->budgets);
    free(o->widths);
    free(o->depths);
}

const char *const TASK_OPTIONS_HELP =
    "  --task T            checkerboard:CELLS | rings:K | sines:FREQ | spirals:TURNS | csv:PATH\n"
    "                      (default knobs 8, 3, 3, 2)\n"
    "  --targets M         csv: the last M columns are targets (default 1)\n"
    "  --test-fraction F   csv: held-out fraction (default 0.2)\n"
    "  --points N          training points for 2-D tasks (default 2048)\n"
    "  --test-grid G       test grid G x G for 2-D tasks (default 64)\n";

void task_options_defaults(mlpv_sweep *s)
{
    s->points = 2048;
    s->test_grid = 64;
    s->csv_targets = 1;
    s->test_fraction = 0.2;
}

static void parse_task(const char *cmd, const char *v, mlpv_sweep *s)
{
    char name[64];
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : strlen(v);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, v, n);
    name[n] = '\0';
    if (mlpv_task_parse(name, &s->task) != 0)
        cli_die(cmd, "--task: unknown task '%s'; choose checkerboard, rings, sines, spirals or csv:PATH", name);
    if (s->task == MLPV_TASK_CSV) {
        if (!colon || !colon[1]) cli_die(cmd, "--task csv needs a file: --task csv:PATH");
        s->csv_path = (char *)(colon + 1);
    } else {
        s->knob = colon ? (int)cli_long(cmd, "--task", colon + 1, 1, MLPV_TASK_KNOB_MAX) : sweep_knob_default(s->task);
    }
    s->has_task = 1;
}

int task_options_parse(const char *cmd, mlpv_sweep *s, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (!strcmp(a, "--task")) parse_task(cmd, cli_value(cmd, argc, argv, i), s);
    else if (!strcmp(a, "--targets"))
        s->csv_targets = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 1, LIM_MAX_DIM);
    else if (!strcmp(a, "--test-fraction")) {
        s->test_fraction = cli_double(cmd, a, cli_value(cmd, argc, argv, i), 0.0, 1.0);
        if (s->test_fraction <= 0.0 || s->test_fraction >= 1.0)
            cli_die(cmd, "--test-fraction must lie strictly between 0 and 1");
    } else if (!strcmp(a, "--points")) s->points = cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, LIM_MAX_POINTS);
    else if (!strcmp(a, "--test-grid"))
        s->test_grid = (int)cli_long(cmd, a, cli_value(cmd, argc, argv, i), 2, LIM_MAX_TEST_GRID);
    else return 0;
    return 1;
}

void task_options_load(const char *cmd, mlpv_sweep *s, sweep_data *data)
{
    char err[1024];
    sweep_source src; /* the file's bytes: read once, parsed and hashed */
    source_init(&src, 1);
    if (s->task == MLPV_TASK_CSV) {
        char *bytes;
        size_t len;
        if (read_whole_file(s->csv_path, (size_t)LIM_MAX_CSV_BYTES, &bytes, &len) != 0)
            cli_die(cmd, "--task: %s: cannot read: %s", s->csv_path, strerror(errno));
        content_hash(bytes, len, s->csv_hash); /* the task's identity in the records */
        int bad = source_add(&src, s->csv_path, bytes, len);
        free(bytes);
        if (bad) cli_fail(cmd, "out of memory");
    }
    int rc = sweep_data_load(s, &src, data, err, sizeof err);
    source_free(&src);
    if (rc != 0) cli_die(cmd, "%s", err);
    if (s->task == MLPV_TASK_CSV) {
        if (sweep_csv_check(&data->csv, s->csv_path, err, sizeof err) != 0) {
            sweep_data_free(data);
            cli_die(cmd, "--task: %s", err);
        }
        s->in_dim = data->csv.in_dim;
        s->out_dim = data->csv.out_dim;
        s->csv_rows = data->csv.n;
    } else {
        s->in_dim = 2;
        s->out_dim = 1;
    }
}

unsigned cli_rival_list(const char *cmd, const char *opt, const char *s)
{
    unsigned set = 0;
    const char *p = s;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char name[64];
        if (n >= sizeof name) n = sizeof name - 1;
        memcpy(name, p, n);
        name[n] = '\0';
        mlpv_rival r;
        if (mlpv_rival_parse(name, &r) != 0)
            cli_die(cmd, "%s: unknown rival '%s'; valid names: %s", opt, name, mlpv_rival_names());
        if (set & (1u << r)) cli_die(cmd, "%s: '%s' is listed twice; list each rival once", opt, name);
        set |= 1u << r;
        if (!comma) break;
        p = comma + 1;
    }
    return set;
}
