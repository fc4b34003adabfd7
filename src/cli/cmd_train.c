/* mlpvar train: measure at init, then train, n networks of one configuration
 * (or a few), with the same code path as a sweep's workers. */
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"
#include "json_out.h"
#include "progress.h"
#include "record.h"
#include "sweep_check.h"

#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "train";

static void usage(void)
{
    printf("usage: mlpvar train --task NAME[:KNOB] [options]\n\n"
           "Draws --n networks per (activation, depth) (seeds --seed .. --seed+n-1), measures\n"
           "each at init (V, collapse ratio, per-layer dead fraction and gradient norm) and\n"
           "trains it; prints one row (or one JSON object with --json) per network.\n\n"
           "task and training:\n"
           "  --task T            checkerboard:CELLS | rings:K | sines:FREQ | spirals:TURNS | csv:PATH\n"
           "                      (default knobs 8, 3, 3, 2)\n"
           "  --targets M         csv: the last M columns are targets (default 1)\n"
           "  --test-fraction F   csv: held-out fraction (default 0.2)\n"
           "  --points N          training points for 2-D tasks (default 2048)\n"
           "  --test-grid G       test grid G x G for 2-D tasks (default 64)\n"
           "  --steps S           optimisation steps (default 2000)\n"
           "  --lr LR             learning rate (default 3e-3)\n"
           "  --optimizer O       adam|sgd (default adam)\n"
           "  --batch B           minibatch size, 0 = full batch (default 0)\n"
           "  --momentum M        SGD momentum (default 0)\n"
           "  --target-accuracy A stop early at this train accuracy (default 0: never)\n"
           "  --train-precision P float|double (default float)\n"
           "  --n N               networks per row (default 1)\n"
           "  --json              one JSON object per network\n"
           "  --quiet             no progress\n\n"
           "network and measurement options:\n%s", NET_OPTIONS_HELP);
}

static void parse_task(const char *v, mlpv_sweep *s)
{
    char name[64];
    const char *colon = strchr(v, ':');
    size_t n = colon ? (size_t)(colon - v) : strlen(v);
    if (n >= sizeof name) n = sizeof name - 1;
    memcpy(name, v, n);
    name[n] = '\0';
    if (mlpv_task_parse(name, &s->task) != 0)
        cli_die(CMD, "--task: unknown task '%s'; choose checkerboard, rings, sines, spirals or csv:PATH", name);
    if (s->task == MLPV_TASK_CSV) {
        if (!colon || !colon[1]) cli_die(CMD, "--task csv needs a file: --task csv:PATH");
        s->csv_path = (char *)(colon + 1);
    } else {
        s->knob = colon ? (int)cli_long(CMD, "--task", colon + 1, 1, MLPV_TASK_KNOB_MAX) : sweep_knob_default(s->task);
    }
}

int cmd_train(int argc, char **argv)
{
    net_options o;
    net_options_defaults(&o);
    mlpv_sweep s;
    memset(&s, 0, sizeof s);
    s.name = (char *)"train";
    s.has_train = 1;
    s.train = mlpv_train_defaults();
    s.points = 2048;
    s.test_grid = 64;
    s.csv_targets = 1;
    s.test_fraction = 0.2;
    int n = 1, json = 0, quiet = 0, have_task = 0;
    for (int i = 1; i < argc; i++) {
        if (net_options_parse(CMD, &o, argc, argv, &i)) continue;
        const char *a = argv[i];
        if (!strcmp(a, "--task")) { parse_task(cli_value(CMD, argc, argv, &i), &s); have_task = 1; }
        else if (!strcmp(a, "--targets")) s.csv_targets = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DIM);
        else if (!strcmp(a, "--test-fraction")) {
            s.test_fraction = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
            if (s.test_fraction <= 0.0 || s.test_fraction >= 1.0) cli_die(CMD, "--test-fraction must lie strictly between 0 and 1");
        }
        else if (!strcmp(a, "--points")) s.points = cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 2, LIM_MAX_POINTS);
        else if (!strcmp(a, "--test-grid")) s.test_grid = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 2, LIM_MAX_TEST_GRID);
        else if (!strcmp(a, "--steps")) s.train.steps = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_STEPS);
        else if (!strcmp(a, "--lr")) {
            s.train.lr = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1e300);
            if (s.train.lr <= 0.0) cli_die(CMD, "--lr must be > 0, e.g. --lr 3e-3");
        }
        else if (!strcmp(a, "--optimizer")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (mlpv_optimizer_parse(v, &s.train.optimizer) != 0) cli_die(CMD, "--optimizer: unknown '%s'; choose adam or sgd", v);
        }
        else if (!strcmp(a, "--batch")) s.train.batch = cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 0, LIM_MAX_POINTS);
        else if (!strcmp(a, "--momentum")) s.train.momentum = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(a, "--target-accuracy")) s.train.target_accuracy = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(a, "--train-precision")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (!strcmp(v, "float")) s.train.precision = MLPV_FLOAT;
            else if (!strcmp(v, "double")) s.train.precision = MLPV_DOUBLE;
            else cli_die(CMD, "--train-precision: '%s' is not a precision; choose float or double", v);
        }
        else if (!strcmp(a, "--n")) n = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DRAWS);
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); net_options_free(&o); return 0; }
        else cli_die(CMD, "unknown option '%s'; see 'mlpvar train --help'", a);
    }
    if (!have_task) cli_die(CMD, "give a task, e.g. --task checkerboard:8");
    if (o.weights) cli_die(CMD, "--weights is for measure and landscape; train draws random networks");
    net_options_check(CMD, &o, 1);
    s.has_task = 1;
    s.grid = o.grid;
    s.order = o.order;
    s.tau = o.tau;
    s.precision = o.precision;

    char err[1024];
    sweep_data data;
    if (sweep_data_load(&s, NULL, &data, err, sizeof err) != 0) {
        fprintf(stderr, "mlpvar train: %s\n", err);
        net_options_free(&o);
        return EXIT_USAGE;
    }
    if (s.task == MLPV_TASK_CSV) {
        if (sweep_csv_check(&data.csv, s.csv_path, err, sizeof err) != 0) cli_die(CMD, "--task: %s", err);
        char *bytes;
        size_t len;
        if (read_whole_file(s.csv_path, (size_t)LIM_MAX_CSV_BYTES, &bytes, &len) != 0)
            cli_die(CMD, "--task: %s: cannot read: %s", s.csv_path, strerror(errno));
        content_hash(bytes, len, s.csv_hash);          /* the task's identity in the records */
        free(bytes);
        s.csv_rows = data.csv.n;
        o.in_dim = data.csv.in_dim;
        o.out_dim = data.csv.out_dim;
        s.csv_rows = data.csv.n;
    } else if (o.in_dim != 2 || o.out_dim != 1) {
        cli_die(CMD, "2-D tasks have --in-dim 2 and --out-dim 1");
    } else if (s.train.batch > s.points) {
        cli_die(CMD, "--batch %ld is more than the %ld training points; give --batch <= --points, or 0 for full batch",
                s.train.batch, s.points);
    }
    s.in_dim = o.in_dim;
    s.out_dim = o.out_dim;
    int n_rows;
    config_row *rows = net_options_rows(CMD, &o, &n_rows);
    net_options_check_count(CMD, n_rows, n, "--n");
    long total = (long)n_rows * n;
    sweep_config *configs = calloc((size_t)n_rows, sizeof(sweep_config));
    lim_item *items = malloc(sizeof(lim_item) * (size_t)n_rows);
    if (!configs || !items) cli_fail(CMD, "out of memory");
    for (int r = 0; r < n_rows; r++) {
        configs[r].spec = rows[r].spec;
        configs[r].budget = rows[r].budget;
        sweep_item_need(&s, &configs[r], 1, &items[r]);
    }
    net_options_check_memory(CMD, &o, items, n_rows, (int)(total < o.threads ? total : o.threads),
                             (double)total * sizeof(item_result), s.task == MLPV_TASK_CSV ? "--task" : "--points or --test-grid");
    free(items);
    item_result *recs = calloc((size_t)total, sizeof(item_result));
    if (!recs) cli_fail(CMD, "out of memory");
    openblas_set_num_threads(1);
    progress p;
    progress_start(&p, "networks", total, quiet);
    #pragma omp parallel for schedule(dynamic, 1) num_threads(o.threads)
    for (long t = 0; t < total; t++) {
        sweep_item it = { .config = (int)(t / n), .seed = o.seed + (uint64_t)(t % n), .train = 1 };
        record_compute(&s, &configs[it.config], &it, 1, &data, &recs[t]);
        #pragma omp critical(progress)
        progress_add(&p, 1);
    }
    progress_finish(&p);
    if (!json)
        printf("%-10s %6s %6s %6s %11s %9s %9s %11s %7s %s\n", "activation", "depth", "width", "seed",
               "V init", "rho init", "test acc", "final loss", "steps", "diverged");
    for (long t = 0; t < total; t++) {
        const item_result *r = &recs[t];
        const mlpv_spec *sp = &configs[r->item.config].spec;
        if (json) {
            size_t len;
            char *line = record_line(&s, &configs[r->item.config], r, record_key(&s, &configs[r->item.config], &r->item), &len);
            if (line) fputs(line, stdout);
            free(line);
        } else {
            printf("%-10s %6d %6d %6llu %11.3e %9.4f %9.4f %11.4e %7d %s%s%s\n", mlpv_activation_name(sp->activation),
                   sp->depth, sp->width, (unsigned long long)r->item.seed, r->variability, r->collapse_ratio,
                   r->test_accuracy, r->final_loss, r->steps, r->diverged ? "yes" : "no", r->failed ? "  FAILED: " : "",
                   r->failed ? r->error : "");
        }
    }
    for (long t = 0; t < total; t++) item_result_free(&recs[t]);
    free(recs);
    free(configs);
    free(rows);
    sweep_data_free(&data);
    net_options_free(&o);
    return 0;
}
