/* mlpvar train: measure at init, then train, n networks of one configuration
 * (or a few), with the same code path as a sweep's workers; --save writes
 * each network's replay files (weights before and after, rows, losses). */
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"
#include "json_out.h"
#include "progress.h"
#include "record.h"
#include "sweep_check.h"

#include "mlpvar/weights_file.h"

#include <cblas.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const CMD = "train";

static void usage(void)
{
    printf("usage: mlpvar train --task NAME[:KNOB] [options]\n\n"
           "Draws --n networks per (activation, depth) (seeds --seed .. --seed+n-1), measures\n"
           "each at init (V, collapse ratio, per-layer dead fraction and gradient norm) and\n"
           "trains it; prints one row (or one JSON object with --json) per network: test\n"
           "accuracy for +-1 labels, test loss and R^2 for real-valued CSV targets.\n\n"
           "task and training:\n%s"
           "  --steps S           optimisation steps (default 2000)\n"
           "  --lr LR             learning rate (default 3e-3)\n"
           "  --optimizer O       adam|sgd (default adam)\n"
           "  --batch B           minibatch size, 0 = full batch (default 0)\n"
           "  --momentum M        SGD momentum (default 0)\n"
           "  --target-accuracy A stop early at this train accuracy (default 0: never; +-1 labels only)\n"
           "  --train-precision P float|double (default float)\n"
           "  --n N               networks per row (default 1)\n"
           "  --save DIR          per network DIR/ACT-dDEPTH-wWIDTH-sSEED/: init.txt, trained.txt\n"
           "                      (weight files), train.csv, test.csv (its rows), record.json,\n"
           "                      losses.csv (the loss at every step): a replayable run\n"
           "  --json              one JSON object per network\n"
           "  --quiet             no progress\n\n"
           "network and measurement options:\n%s",
           TASK_OPTIONS_HELP, NET_OPTIONS_HELP);
}

/* --save: the folder of one network. */
static void save_dir_name(const mlpv_spec *sp, uint64_t seed, const char *dir, char *out, size_t len)
{
    snprintf(out, len, "%s/%s-d%d-w%d-s%llu", dir, mlpv_activation_name(sp->activation), sp->depth, sp->width,
             (unsigned long long)seed);
}

/* Opens DIR/name for writing, or dies naming it. */
static FILE *save_open(const char *sub, const char *name, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", sub, name);
    FILE *f = fopen(path, "w");
    if (!f) cli_write_error(CMD, "--save", path, errno);
    return f;
}

static void save_close(FILE *f, int bad, const char *path)
{
    int e = bad ? errno : 0;
    if (fclose(f) != 0 && !e) e = errno;
    if (bad || e) cli_write_error(CMD, "--save", path, e ? e : EIO);
}

/* Writes one network's replay files (see usage); its losses and nets are freed. */
static void save_network(const mlpv_sweep *s, const sweep_data *data, const sweep_config *c, item_result *r,
                         const char *dir)
{
    char sub[4096], path[4200];
    save_dir_name(&c->spec, r->item.seed, dir, sub, sizeof sub);
    if (mkdir(sub, 0777) != 0 && errno != EEXIST) cli_write_error(CMD, "--save", sub, errno);
    FILE *f;
    if (r->init_net) {
        f = save_open(sub, "init.txt", path, sizeof path);
        save_close(f, mlpv_weights_write(r->init_net, f) != 0, path);
    }
    if (r->trained_net) {
        f = save_open(sub, "trained.txt", path, sizeof path);
        save_close(f, mlpv_weights_write(r->trained_net, f) != 0, path);
    }
    mlpv_dataset tr, te;
    if (sweep_task_data(s, data, r->item.seed, &tr, &te) != 0) cli_fail(CMD, "out of memory for the rows");
    f = save_open(sub, "train.csv", path, sizeof path);
    save_close(f, mlpv_csv_write(&tr, f) != 0, path);
    f = save_open(sub, "test.csv", path, sizeof path);
    save_close(f, mlpv_csv_write(&te, f) != 0, path);
    mlpv_dataset_free(&tr);
    mlpv_dataset_free(&te);
    f = save_open(sub, "losses.csv", path, sizeof path);
    int bad = fputs("step,loss\n", f) == EOF;
    for (int k = 0; r->losses && k < r->steps && !bad; k++) bad = fprintf(f, "%d,%.17g\n", k + 1, r->losses[k]) < 0;
    save_close(f, bad, path);
    size_t len;
    char *line = record_line(s, c, r, record_key(s, c, &r->item), &len);
    if (!line) cli_fail(CMD, "out of memory");
    f = save_open(sub, "record.json", path, sizeof path);
    save_close(f, fwrite(line, 1, len, f) != len, path);
    free(line);
    free(r->losses);
    mlpv_net_free(r->init_net);
    mlpv_net_free(r->trained_net);
    r->losses = NULL;
    r->init_net = r->trained_net = NULL;
}

/* --save: two rows may not share a folder (two budgets giving one width). */
static void save_check_names(const sweep_config *configs, int n_rows)
{
    for (int a = 0; a < n_rows; a++)
        for (int b = a + 1; b < n_rows; b++) {
            const mlpv_spec *p = &configs[a].spec, *q = &configs[b].spec;
            if (p->activation == q->activation && p->depth == q->depth && p->width == q->width)
                cli_die(CMD,
                        "--save: budgets %ld and %ld give the same network (%s, depth %d, width %d), whose "
                        "folders would clash; list one of the budgets",
                        configs[a].budget, configs[b].budget, mlpv_activation_name(p->activation), p->depth, p->width);
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
    task_options_defaults(&s);
    int n = 1, json = 0, quiet = 0;
    const char *save = NULL;
    for (int i = 1; i < argc; i++) {
        if (net_options_parse(CMD, &o, argc, argv, &i) || task_options_parse(CMD, &s, argc, argv, &i)) continue;
        const char *a = argv[i];
        if (!strcmp(a, "--steps"))
            s.train.steps = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_STEPS);
        else if (!strcmp(a, "--lr")) {
            s.train.lr = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1e300);
            if (s.train.lr <= 0.0) cli_die(CMD, "--lr must be > 0, e.g. --lr 3e-3");
        } else if (!strcmp(a, "--optimizer")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (mlpv_optimizer_parse(v, &s.train.optimizer) != 0)
                cli_die(CMD, "--optimizer: unknown '%s'; choose adam or sgd", v);
        } else if (!strcmp(a, "--batch"))
            s.train.batch = cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 0, LIM_MAX_POINTS);
        else if (!strcmp(a, "--momentum"))
            s.train.momentum = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(a, "--target-accuracy"))
            s.train.target_accuracy = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(a, "--train-precision")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (!strcmp(v, "float")) s.train.precision = MLPV_FLOAT;
            else if (!strcmp(v, "double")) s.train.precision = MLPV_DOUBLE;
            else cli_die(CMD, "--train-precision: '%s' is not a precision; choose float or double", v);
        } else if (!strcmp(a, "--n")) n = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DRAWS);
        else if (!strcmp(a, "--save")) save = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            net_options_free(&o);
            return 0;
        } else cli_die(CMD, "unknown option '%s'; see 'mlpvar train --help'", a);
    }
    if (!s.has_task) cli_die(CMD, "give a task, e.g. --task checkerboard:8");
    if (o.weights) cli_die(CMD, "--weights is for measure and landscape; train draws random networks");
    net_options_check(CMD, &o, 1);
    s.grid = o.grid;
    s.order = o.order;
    s.tau = o.tau;
    s.precision = o.precision;
    s.train.keep_losses = save != NULL;

    sweep_data data;
    task_options_load(CMD, &s, &data);
    if (s.task == MLPV_TASK_CSV) {
        o.in_dim = s.in_dim;
        o.out_dim = s.out_dim;
        if (!data.csv.labels_pm1 && s.train.target_accuracy > 0)
            cli_die(CMD,
                    "--target-accuracy: %s has real-valued targets (not all +-1), so accuracy is not defined and "
                    "training is judged by test loss; drop --target-accuracy",
                    s.csv_path);
    } else if (o.in_dim != 2 || o.out_dim != 1) {
        cli_die(CMD, "2-D tasks have --in-dim 2 and --out-dim 1");
    } else if (s.train.batch > s.points) {
        cli_die(CMD, "--batch %ld is more than the %ld training points; give --batch <= --points, or 0 for full batch",
                s.train.batch, s.points);
    }
    int regression = s.task == MLPV_TASK_CSV && !data.csv.labels_pm1;
    int n_rows;
    config_row *rows = net_options_rows(CMD, &o, &n_rows);
    net_options_check_count(CMD, n_rows, n, "--n");
    long total = (long)n_rows * n;
    sweep_config *configs = calloc((size_t)n_rows, sizeof(sweep_config));
    lim_item *items = malloc(sizeof(lim_item) * (size_t)n_rows);
    if (!configs || !items) cli_fail(CMD, "out of memory");
    double kept = (double)total * sizeof(item_result);
    for (int r = 0; r < n_rows; r++) {
        configs[r].spec = rows[r].spec;
        configs[r].budget = rows[r].budget;
        sweep_item_need(&s, &configs[r], 1, &items[r]);
        /* --save keeps every network's losses and two copies of its weights until written */
        if (save) kept += (double)n * (8.0 * s.train.steps + 2 * 12.0 * (double)mlpv_spec_params(&rows[r].spec));
    }
    net_options_check_memory(CMD, &o, items, n_rows, (int)(total < o.threads ? total : o.threads), kept,
                             s.task == MLPV_TASK_CSV ? "--task" : "--points or --test-grid");
    free(items);
    if (save) {
        save_check_names(configs, n_rows);
        if (mkdir(save, 0777) != 0 && errno != EEXIST) cli_write_error(CMD, "--save", save, errno);
    }
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
        printf("%-10s %6s %6s %6s %11s %9s %11s %11s %7s %s\n", "activation", "depth", "width", "seed", "V init",
               "rho init", regression ? "test R2" : "test acc", regression ? "test loss" : "final loss", "steps",
               "diverged");
    for (long t = 0; t < total; t++) {
        item_result *r = &recs[t];
        const sweep_config *c = &configs[r->item.config];
        const mlpv_spec *sp = &c->spec;
        if (json) {
            size_t len;
            char *line = record_line(&s, c, r, record_key(&s, c, &r->item), &len);
            if (line) fputs(line, stdout);
            free(line);
        } else {
            printf("%-10s %6d %6d %6llu %11.3e %9.4f %11.4f %11.4e %7d %s%s%s\n", mlpv_activation_name(sp->activation),
                   sp->depth, sp->width, (unsigned long long)r->item.seed, r->variability, r->collapse_ratio,
                   regression ? r->test_r2 : r->test_accuracy, regression ? r->test_loss : r->final_loss, r->steps,
                   r->diverged ? "yes" : "no", r->failed ? "  FAILED: " : "", r->failed ? r->error : "");
        }
        if (save) save_network(&s, &data, c, r, save);
    }
    for (long t = 0; t < total; t++) item_result_free(&recs[t]);
    free(recs);
    free(configs);
    free(rows);
    sweep_data_free(&data);
    net_options_free(&o);
    return 0;
}
