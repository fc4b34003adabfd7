/* mlpvar measure: variability and collapse of random networks (or of one
 * network from a weight file, with its rival scores if asked), one row per
 * (budget, activation, depth). */
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"
#include "json_out.h"
#include "progress.h"

#include "mlpvar/measure.h"
#include "mlpvar/rivals.h"
#include "mlpvar/weights_file.h"
#include "sweep_check.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "measure";

static void usage(void)
{
    printf("usage: mlpvar measure [options]              random networks at init\n"
           "       mlpvar measure --weights FILE [options] one network of your own (double precision)\n\n"
           "Measures variability V_k and collapse to constant (C2C) over draws of random MLPs,\n"
           "one row per (budget, activation, depth). Progress goes to stderr.\n\n"
           "options:\n%s"
           "  --n N               random draws per row (default 64)\n"
           "  --weights FILE      measure this network (format: README, 'Weight files')\n"
           "  --rivals LIST       with --weights: also its rival at-init scores, e.g.\n"
           "                      grad_norm,snip,synflow (include/mlpvar/rivals.h), computed as a\n"
           "                      sweep's item of seed --seed computes them\n"
           "  --task T            with --rivals: their batch is the task's training rows of seed\n"
           "                      --seed (a CSV's training split, or a 2-D task's points); without\n"
           "                      it, 256 uniform points (grad_norm and snip need --task)\n"
           "  --targets M, --test-fraction F, --points N: as for mlpvar train\n"
           "  --json              one JSON object per row on stdout instead of the table\n"
           "  --csv FILE          also write the rows as CSV\n"
           "  --quiet             no progress\n",
           NET_OPTIONS_HELP);
}

typedef struct {
    config_row row;
    mlpv_measurement *draws; /* [n] */
    mlpv_layer_diag *diag; /* [n x depth] */
    mlpv_config_summary sum;
    double *dead_mean, *layer_rho_median; /* [depth] over draws */
} row_result;

static void summarize_layers(row_result *r, int n)
{
    int L = r->row.spec.depth;
    double *tmp = malloc(sizeof(double) * (size_t)n);
    r->dead_mean = malloc(sizeof(double) * (size_t)L);
    r->layer_rho_median = malloc(sizeof(double) * (size_t)L);
    if (!tmp || !r->dead_mean || !r->layer_rho_median) cli_fail(CMD, "out of memory");
    for (int l = 0; l < L; l++) {
        double dead = 0;
        for (int i = 0; i < n; i++) {
            dead += r->diag[(size_t)i * L + l].dead_fraction;
            tmp[i] = r->diag[(size_t)i * L + l].collapse_ratio;
        }
        r->dead_mean[l] = dead / n;
        r->layer_rho_median[l] = mlpv_summarize(tmp, (size_t)n).median;
    }
    free(tmp);
}

static void print_json_row(const row_result *r, const net_options *o, int n)
{
    const mlpv_spec *s = &r->row.spec;
    json_obj j;
    json_begin(&j, stdout);
    json_str(&j, "activation", mlpv_activation_name(s->activation));
    json_int(&j, "depth", s->depth);
    json_int(&j, "width", s->width);
    if (r->row.budget) json_int(&j, "budget", r->row.budget);
    json_int(&j, "params", mlpv_spec_params(s));
    json_int(&j, "activations", mlpv_spec_activations(s));
    json_num(&j, "activation_ratio", mlpv_spec_activation_ratio(s));
    json_str(&j, "init", mlpv_init_name(s->init));
    json_num(&j, "bias_std", s->bias_std);
    json_int(&j, "grid", o->grid);
    json_int(&j, "order", o->order);
    json_int(&j, "n", n);
    json_int(&j, "seed", (long)o->seed);
    json_num(&j, "tau", o->tau);
    json_str(&j, "precision", o->precision == MLPV_FLOAT ? "float" : "double");
    json_num(&j, "variability_median", r->sum.variability.median);
    json_num(&j, "variability_mean", r->sum.variability.mean);
    json_num(&j, "variability_q25", r->sum.variability.q25);
    json_num(&j, "variability_q75", r->sum.variability.q75);
    json_num(&j, "collapse_ratio_median", r->sum.collapse_ratio.median);
    json_num(&j, "c2c_probability", r->sum.c2c_probability);
    json_num(&j, "c2c_ci_low", r->sum.c2c_ci_low);
    json_num(&j, "c2c_ci_high", r->sum.c2c_ci_high);
    json_array(&j, "layer_dead_fraction_mean", r->dead_mean, s->depth);
    json_array(&j, "layer_collapse_ratio_median", r->layer_rho_median, s->depth);
    json_end(&j);
}

static const char *const CSV_HEADER = "activation,depth,width,budget,params,activations,activation_ratio,grid,order,n,"
                                      "variability_median,variability_mean,variability_q25,variability_q75,"
                                      "collapse_ratio_median,c2c_probability,c2c_ci_low,c2c_ci_high\n";

static void print_csv_row(FILE *f, const row_result *r, const net_options *o, int n)
{
    const mlpv_spec *s = &r->row.spec;
    fprintf(f, "%s,%d,%d,%ld,%ld,%ld,%.9g,%d,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n",
            mlpv_activation_name(s->activation), s->depth, s->width, r->row.budget, mlpv_spec_params(s),
            mlpv_spec_activations(s), mlpv_spec_activation_ratio(s), o->grid, o->order, n, r->sum.variability.median,
            r->sum.variability.mean, r->sum.variability.q25, r->sum.variability.q75, r->sum.collapse_ratio.median,
            r->sum.c2c_probability, r->sum.c2c_ci_low, r->sum.c2c_ci_high);
}

static void print_table(const row_result *res, int n_rows, const net_options *o, int n)
{
    printf("# V%d on a %dx%d grid, %d draws per row, collapse when rho < %g\n", o->order, o->grid, o->grid, n, o->tau);
    printf("%-10s %6s %6s %8s %7s  %10s  %-23s  %9s  %5s  %-13s\n", "activation", "depth", "width", "params", "AR",
           "V median", "V [q25, q75]", "rho med", "C2C", "C2C 95% CI");
    for (int r = 0; r < n_rows; r++) {
        const mlpv_spec *s = &res[r].row.spec;
        const mlpv_config_summary *c = &res[r].sum;
        printf("%-10s %6d %6d %8ld %7.4f  %10.3e  [%9.3e, %9.3e]  %9.3e  %5.3f  [%.3f, %.3f]\n",
               mlpv_activation_name(s->activation), s->depth, s->width, mlpv_spec_params(s),
               mlpv_spec_activation_ratio(s), c->variability.median, c->variability.q25, c->variability.q75,
               c->collapse_ratio.median, c->c2c_probability, c->c2c_ci_low, c->c2c_ci_high);
    }
}

/* The batch of --rivals, as a sweep's item of seed o->seed gets it (record.c):
 * the task's training rows, or without a task the uniform points. Dies with
 * exit 2 when the rivals or the task do not fit the network. */
static void rival_batch(const net_options *o, mlpv_sweep *s, const mlpv_net *net, mlpv_dataset *batch)
{
    const mlpv_spec *sp = &net->spec;
    for (int k = 0; k < MLPV_RIVAL_COUNT && !s->has_task; k++) {
        if (!(s->rivals & (1u << k))) continue;
        int needs = mlpv_rival_needs((mlpv_rival)k);
        if (needs & MLPV_RIVAL_NEEDS_TARGETS)
            cli_die(CMD, "--rivals: '%s' needs targets; give the data with --task, e.g. --task csv:data.csv",
                    mlpv_rival_name((mlpv_rival)k));
        if ((needs & MLPV_RIVAL_NEEDS_INPUTS) && sp->in_dim != 2)
            cli_die(CMD,
                    "--rivals: '%s' reads inputs, and without --task they are uniform points on [-1,1]^2, but "
                    "%s takes %d inputs; give the inputs with --task csv:PATH",
                    mlpv_rival_name((mlpv_rival)k), o->weights, sp->in_dim);
    }
    memset(batch, 0, sizeof *batch);
    if (!s->has_task) {
        if (mlpv_task_sample(MLPV_TASK_CHECKERBOARD, 1, SWEEP_RIVAL_POINTS, o->seed, batch) != 0)
            cli_fail(CMD, "out of memory for the rivals' points");
        return;
    }
    sweep_data data;
    task_options_load(CMD, s, &data);
    if (s->in_dim != sp->in_dim || s->out_dim != sp->out_dim) {
        sweep_data_free(&data);
        if (s->task != MLPV_TASK_CSV)
            cli_die(CMD,
                    "--task %s: a 2-D task has 2 inputs and 1 target, but %s takes %d input%s and gives %d "
                    "output%s; give --task csv:PATH with the network's inputs and targets",
                    mlpv_task_name(s->task), o->weights, sp->in_dim, sp->in_dim == 1 ? "" : "s", sp->out_dim,
                    sp->out_dim == 1 ? "" : "s");
        cli_die(CMD,
                "--task: %s has %d input column%s and %d target%s (--targets), but %s takes %d input%s and "
                "gives %d output%s; give a file (or --targets) that fits the network",
                s->csv_path, s->in_dim, s->in_dim == 1 ? "" : "s", s->out_dim, s->out_dim == 1 ? "" : "s", o->weights,
                sp->in_dim, sp->in_dim == 1 ? "" : "s", sp->out_dim, sp->out_dim == 1 ? "" : "s");
    }
    sweep_config c = { .spec = *sp };
    lim_item it;
    sweep_item_need(s, &c, 0, &it);
    net_options_check_memory(CMD, o, &it, 1, 1, 0, "--task");
    mlpv_dataset test;
    if (sweep_task_data(s, &data, o->seed, batch, &test) != 0) cli_fail(CMD, "out of memory for the task's rows");
    mlpv_dataset_free(&test);
    sweep_data_free(&data);
}

/* The rival scores of s->rivals (NaN for the others), with the sweep's
 * options: mlpv_rival_defaults(), slice_seed = the seed. *rows: the batch's. */
static void rival_scores(const net_options *o, mlpv_sweep *s, const mlpv_net *net, double *score, long *rows)
{
    mlpv_dataset batch;
    rival_batch(o, s, net, &batch);
    mlpv_rival_opts ro = mlpv_rival_defaults();
    ro.slice_seed = o->seed;
    /* one BLAS thread, as in a sweep's workers: a threaded dsyev rounds differently */
    int threads = openblas_get_num_threads();
    openblas_set_num_threads(1);
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) {
        score[k] = NAN;
        if (s->rivals & (1u << k)) mlpv_rival_score((mlpv_rival)k, net, &batch, &ro, &score[k]);
    }
    openblas_set_num_threads(threads);
    *rows = batch.n;
    mlpv_dataset_free(&batch);
}

/* One network from a weight file, in double precision; s: the --rivals and
 * --task options. */
static int measure_weights(const net_options *o, mlpv_sweep *s, int json)
{
    mlpv_net *net = net_options_read_weights(CMD, o);
    double score[MLPV_RIVAL_COUNT];
    long rows = 0;
    if (s->rivals) rival_scores(o, s, net, score, &rows);
    mlpv_grid_opts g = net_options_grid(o);
    g.precision = MLPV_DOUBLE;
    mlpv_measurement m;
    mlpv_layer_diag *diag = malloc(sizeof(mlpv_layer_diag) * (size_t)net->spec.depth);
    if (!diag || mlpv_measure_net(net, &g, o->order, o->tau, &m, diag) != 0)
        cli_fail(CMD, "out of memory for a %dx%d grid", o->grid, o->grid);
    net_options_check_finite(CMD, o, net, isfinite(m.variability) && isfinite(m.collapse_ratio));
    const mlpv_spec *sp = &net->spec;
    int L = sp->depth;
    double *dead = malloc(sizeof(double) * (size_t)L), *rho = malloc(sizeof(double) * (size_t)L);
    if (!dead || !rho) cli_fail(CMD, "out of memory");
    for (int l = 0; l < L; l++) {
        dead[l] = diag[l].dead_fraction;
        rho[l] = diag[l].collapse_ratio;
    }
    if (json) {
        json_obj j;
        json_begin(&j, stdout);
        json_str(&j, "weights", o->weights);
        json_str(&j, "activation", mlpv_activation_name(sp->activation));
        json_int(&j, "depth", L);
        json_int(&j, "width", sp->width);
        json_int(&j, "in_dim", sp->in_dim);
        json_int(&j, "out_dim", sp->out_dim);
        json_int(&j, "params", mlpv_spec_params(sp));
        json_int(&j, "grid", o->grid);
        json_int(&j, "order", o->order);
        json_num(&j, "variability", m.variability);
        json_num(&j, "collapse_ratio", m.collapse_ratio);
        json_bool(&j, "collapsed", m.collapsed);
        json_array(&j, "layer_dead_fraction", dead, L);
        json_array(&j, "layer_collapse_ratio", rho, L);
        if (s->rivals) {
            json_int(&j, "seed", (long)o->seed);
            if (s->has_task) json_str(&j, "task", mlpv_task_name(s->task));
            json_int(&j, "rival_rows", rows);
            for (int k = 0; k < MLPV_RIVAL_COUNT; k++) {
                char key[48];
                snprintf(key, sizeof key, "rival_%s", mlpv_rival_name((mlpv_rival)k));
                if (s->rivals & (1u << k)) json_num(&j, key, score[k]);
            }
        }
        json_end(&j);
    } else {
        printf("%s: %s, depth %d, width %d, %ld parameters\n", o->weights, mlpv_activation_name(sp->activation), L,
               sp->width, mlpv_spec_params(sp));
        printf("V%d (grid %d) = %.6e   collapse ratio = %.6f   %s\n", o->order, o->grid, m.variability,
               m.collapse_ratio, m.collapsed ? "COLLAPSED to constant" : "not collapsed");
        if (s->rivals) {
            char on[600];
            if (s->task == MLPV_TASK_CSV) snprintf(on, sizeof on, "training rows of csv:%s", s->csv_path);
            else if (s->has_task) snprintf(on, sizeof on, "training points of %s:%d", mlpv_task_name(s->task), s->knob);
            else snprintf(on, sizeof on, "uniform points");
            printf("rivals (include/mlpvar/rivals.h) on %ld %s, seed %llu:\n", rows, on, (unsigned long long)o->seed);
            for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
                if (s->rivals & (1u << k)) printf("  %-15s %.9e\n", mlpv_rival_name((mlpv_rival)k), score[k]);
        }
        printf("%6s %14s %15s\n", "layer", "dead fraction", "collapse ratio");
        for (int l = 0; l < L; l++) printf("%6d %14.4f %15.4e\n", l + 1, dead[l], rho[l]);
    }
    free(dead);
    free(rho);
    free(diag);
    mlpv_net_free(net);
    return 0;
}

int cmd_measure(int argc, char **argv)
{
    net_options o;
    net_options_defaults(&o);
    int n = 64, json = 0, quiet = 0;
    const char *csv = NULL;
    mlpv_sweep task; /* --task and --rivals, as a sweep holds them */
    memset(&task, 0, sizeof task);
    task_options_defaults(&task);
    for (int i = 1; i < argc; i++) {
        if (net_options_parse(CMD, &o, argc, argv, &i) || task_options_parse(CMD, &task, argc, argv, &i)) continue;
        const char *a = argv[i];
        if (!strcmp(a, "--rivals")) task.rivals = cli_rival_list(CMD, a, cli_value(CMD, argc, argv, &i));
        else if (!strcmp(a, "--n")) n = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DRAWS);
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--csv")) csv = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            net_options_free(&o);
            return 0;
        } else cli_die(CMD, "unknown option '%s'; see 'mlpvar measure --help'", a);
    }
    net_options_check(CMD, &o, 1);
    if (task.rivals && !o.weights)
        cli_die(CMD, "--rivals needs --weights FILE; for random networks list them in a sweep file "
                     "(measure: {rivals: [...]})");
    if (task.has_task && !task.rivals)
        cli_die(CMD, "--task gives the batch of --rivals; add --rivals, e.g. --rivals grad_norm,snip");
    if (o.weights) {
        task.grid = o.grid;
        task.precision = MLPV_DOUBLE;
        int rc = measure_weights(&o, &task, json);
        net_options_free(&o);
        return rc;
    }

    int n_rows;
    config_row *rows = net_options_rows(CMD, &o, &n_rows);
    net_options_check_count(CMD, n_rows, n, "--n");
    long total = (long)n_rows * n;
    lim_item *items = malloc(sizeof(lim_item) * (size_t)n_rows);
    if (!items) cli_fail(CMD, "out of memory");
    double kept = 0; /* the draws' results: measurements, per-layer diagnostics and summaries */
    for (int r = 0; r < n_rows; r++) {
        items[r] = net_options_item(&o, &rows[r].spec);
        kept += (double)n * (sizeof(mlpv_measurement) + sizeof(mlpv_layer_diag) * rows[r].spec.depth) +
                sizeof(row_result) + 2.0 * sizeof(double) * rows[r].spec.depth;
    }
    net_options_check_memory(CMD, &o, items, n_rows, (int)(total < o.threads ? total : o.threads), kept, NULL);
    free(items);
    FILE *csvf = NULL;
    if (csv && !(csvf = fopen(csv, "w"))) cli_write_error(CMD, "--csv", csv, errno);
    mlpv_grid_opts g = net_options_grid(&o);
    row_result *res = calloc((size_t)n_rows, sizeof *res);
    if (!res) cli_fail(CMD, "out of memory");
    for (int r = 0; r < n_rows; r++) {
        res[r].row = rows[r];
        res[r].draws = calloc((size_t)n, sizeof(mlpv_measurement));
        res[r].diag = calloc((size_t)n * rows[r].spec.depth, sizeof(mlpv_layer_diag));
        if (!res[r].draws || !res[r].diag) cli_fail(CMD, "out of memory");
    }
    openblas_set_num_threads(1); /* parallel over networks, not inside tiny GEMMs */
    progress p;
    progress_start(&p, "networks", total, quiet);
    int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(o.threads)
    for (long t = 0; t < total; t++) {
        row_result *r = &res[t / n];
        int draw = (int)(t % n);
        if (mlpv_measure_draw(&r->row.spec, o.seed + (uint64_t)draw, &g, o.order, o.tau, &r->draws[draw],
                              r->diag + (size_t)draw * r->row.spec.depth) != 0) {
#pragma omp atomic write
            failed = 1;
        }
#pragma omp critical(progress)
        progress_add(&p, 1);
    }
    progress_finish(&p);
    if (failed) cli_fail(CMD, "out of memory");
    for (int r = 0; r < n_rows; r++) {
        res[r].sum = mlpv_summarize_draws(res[r].draws, (size_t)n);
        summarize_layers(&res[r], n);
    }
    if (json)
        for (int r = 0; r < n_rows; r++) print_json_row(&res[r], &o, n);
    else print_table(res, n_rows, &o, n);
    if (csvf) {
        fputs(CSV_HEADER, csvf);
        for (int r = 0; r < n_rows; r++) print_csv_row(csvf, &res[r], &o, n);
        if (fclose(csvf) != 0) cli_write_error(CMD, "--csv", csv, errno);
    }
    for (int r = 0; r < n_rows; r++) {
        free(res[r].draws);
        free(res[r].diag);
        free(res[r].dead_mean);
        free(res[r].layer_rho_median);
    }
    free(res);
    free(rows);
    net_options_free(&o);
    return 0;
}
