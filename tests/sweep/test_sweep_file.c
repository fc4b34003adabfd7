/* Check tests of the sweep-file reader (src/sweep/sweep_file.c and sweep_part.c, sweep_yaml.c,
 * sweep_expand.c): the shipped sweeps, every default, range strings, one broken
 * fixture per error class (file, line and key in a one-line message),
 * configurations against mlpv_width_for_budget, and work items. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sweep_expand.h"
#include "sweep_limits.h"

#ifndef SWEEP_FILES_DIR
#error "SWEEP_FILES_DIR must name tests/sweep/files"
#endif
#ifndef SWEEPS_DIR
#error "SWEEPS_DIR must name sweeps/"
#endif

static char err[4096];

static int load(const char *path, mlpv_sweep *s)
{
    memset(err, 0, sizeof err);
    int rc = sweep_read(path, s, err, sizeof err);
    if (rc) fprintf(stderr, "%s\n", err);
    return rc;
}

static void load_fixture(const char *name, mlpv_sweep *s)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SWEEP_FILES_DIR, name);
    ck_assert_msg(load(path, s) == 0, "%s: %s", name, err);
}

/* ---- the shipped sweeps ---- */

START_TEST(test_reference)
{
    mlpv_sweep s;
    ck_assert_int_eq(load(SWEEPS_DIR "/reference.yaml", &s), 0);
    ck_assert_str_eq(s.name, "reference");
    ck_assert_int_eq(s.n_acts, 2);
    ck_assert_int_eq(s.acts[0], MLPV_RELU);
    ck_assert_int_eq(s.acts[1], MLPV_ABS);
    ck_assert_int_eq(s.n_budgets, 1);
    ck_assert_int_eq(s.budgets[0], 3000);
    ck_assert_int_eq(s.n_widths, 0);
    ck_assert_ptr_null(s.widths);
    static const int depths[] = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48 };
    ck_assert_int_eq(s.n_depths, 11);
    for (int i = 0; i < 11; i++) ck_assert_int_eq(s.depths[i], depths[i]);
    ck_assert_int_eq(s.n_seeds, 8);
    for (int i = 0; i < 8; i++) ck_assert_uint_eq(s.seeds[i], (uint64_t)i);
    ck_assert_int_eq(s.init, MLPV_INIT_AUTO);
    ck_assert_double_eq(s.bias_std, 0.1);
    ck_assert_int_eq(s.has_task, 1);
    ck_assert_int_eq(s.task, MLPV_TASK_CHECKERBOARD);
    ck_assert_int_eq(s.knob, 8);
    ck_assert_int_eq(s.points, 2048);
    ck_assert_int_eq(s.test_grid, 64);
    ck_assert_int_eq(s.in_dim, 2);
    ck_assert_int_eq(s.out_dim, 1);
    ck_assert_ptr_null(s.csv_path);
    ck_assert_int_eq(s.has_train, 1);
    ck_assert_int_eq(s.train.steps, 2000);
    ck_assert_double_eq(s.train.lr, 3.0e-3);
    ck_assert_int_eq(s.train.optimizer, MLPV_OPT_ADAM);
    ck_assert_int_eq(s.train.batch, 0);
    ck_assert_double_eq(s.train.target_accuracy, 0);
    ck_assert_double_eq(s.train.momentum, 0);
    ck_assert_int_eq(s.train.precision, MLPV_FLOAT);
    ck_assert_int_eq(s.grid, 128);
    ck_assert_int_eq(s.order, 3);
    ck_assert_int_eq(s.draws, 64);
    ck_assert_double_eq(s.tau, 0.01);
    ck_assert_int_eq(s.precision, MLPV_FLOAT);
    ck_assert_ptr_nonnull(strstr(s.path, "reference.yaml"));
    sweep_free(&s);
    ck_assert_ptr_null(s.name);
}
END_TEST

/* The reference documents every key the reader accepts, as "KEY:" (commented or not). */
START_TEST(test_reference_names_every_key)
{
    static const char *const keys[] = { "name",
                                        "activations",
                                        "budget",
                                        "widths",
                                        "depths",
                                        "seeds",
                                        "init",
                                        "scheme",
                                        "bias_std",
                                        "task",
                                        "cells",
                                        "rings",
                                        "frequency",
                                        "turns",
                                        "points",
                                        "test_grid",
                                        "path",
                                        "targets",
                                        "test_fraction",
                                        "train",
                                        "steps",
                                        "lr",
                                        "optimizer",
                                        "batch",
                                        "target_accuracy",
                                        "momentum",
                                        "precision",
                                        "measure",
                                        "grid",
                                        "order",
                                        "draws",
                                        "tau",
                                        "parts",
                                        NULL };
    FILE *f = fopen(SWEEPS_DIR "/reference.yaml", "r");
    ck_assert_ptr_nonnull(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    for (int i = 0; keys[i]; i++) {
        char pat[64];
        snprintf(pat, sizeof pat, " %s:", keys[i]);
        char pat2[64];
        snprintf(pat2, sizeof pat2, "\n%s:", keys[i]);
        ck_assert_msg(strstr(text, pat) || strstr(text, pat2), "reference.yaml does not document '%s'", keys[i]);
    }
}
END_TEST

START_TEST(test_tiny)
{
    mlpv_sweep s;
    ck_assert_int_eq(load(SWEEPS_DIR "/tiny.yaml", &s), 0);
    ck_assert_str_eq(s.name, "tiny");
    ck_assert_int_eq(s.n_acts, 2);
    ck_assert_int_eq(s.n_budgets, 1);
    ck_assert_int_eq(s.budgets[0], 300);
    ck_assert_int_eq(s.n_depths, 3);
    ck_assert_int_eq(s.depths[0], 1);
    ck_assert_int_eq(s.depths[1], 2);
    ck_assert_int_eq(s.depths[2], 4);
    ck_assert_int_eq(s.n_seeds, 2);
    ck_assert_int_eq(s.has_task, 1);
    ck_assert_int_eq(s.task, MLPV_TASK_CHECKERBOARD);
    ck_assert_int_eq(s.knob, 4);
    ck_assert_int_eq(s.points, 256);
    ck_assert_int_eq(s.has_train, 1);
    ck_assert_int_eq(s.train.steps, 100);
    ck_assert_int_eq(s.grid, 32);
    ck_assert_int_eq(s.order, 3);
    ck_assert_int_eq(s.draws, 4);
    sweep_config *c;
    int n;
    ck_assert_int_eq(sweep_configs(&s, &c, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 6);
    sweep_item *it;
    long m = sweep_items(&s, n, &it);
    ck_assert_int_eq(m, 24);
    for (long i = 0; i < m; i++) {
        ck_assert_int_eq(it[i].config, (int)(i / 4));
        ck_assert_uint_eq(it[i].seed, (uint64_t)(i % 4));
        ck_assert_int_eq(it[i].train, i % 4 < 2);
    }
    free(it);
    free(c);
    sweep_free(&s);
}
END_TEST

/* ---- defaults ---- */

START_TEST(test_defaults)
{
    mlpv_sweep s;
    load_fixture("defaults.yaml", &s);
    mlpv_train_opts t = mlpv_train_defaults();
    ck_assert_str_eq(s.name, "defaults");
    ck_assert_int_eq(s.n_acts, 1);
    ck_assert_int_eq(s.acts[0], MLPV_RELU);
    ck_assert_int_eq(s.n_seeds, 1);
    ck_assert_uint_eq(s.seeds[0], 0);
    ck_assert_int_eq(s.init, MLPV_INIT_AUTO);
    ck_assert_double_eq(s.bias_std, 0.1);
    ck_assert_int_eq(s.has_task, 0);
    ck_assert_int_eq(s.has_train, 0);
    ck_assert_int_eq(s.in_dim, 2);
    ck_assert_int_eq(s.out_dim, 1);
    ck_assert_int_eq(s.train.steps, t.steps);
    ck_assert_int_eq(s.grid, 128);
    ck_assert_int_eq(s.order, 3);
    ck_assert_int_eq(s.draws, 1); /* = number of seeds (1) */
    ck_assert_double_eq(s.tau, 0.01);
    ck_assert_int_eq(s.precision, MLPV_FLOAT);
    ck_assert_int_eq(s.budget_line, 4);
    sweep_item *it;
    long m = sweep_items(&s, 1, &it);
    ck_assert_int_eq(m, 1);
    ck_assert_uint_eq(it[0].seed, 0);
    ck_assert_int_eq(it[0].train, 0); /* measure-only: nothing trains */
    free(it);
    sweep_free(&s);
}
END_TEST

START_TEST(test_task_and_train_defaults)
{
    mlpv_sweep s;
    load_fixture("task_defaults.yaml", &s);
    mlpv_train_opts t = mlpv_train_defaults();
    ck_assert_int_eq(s.task, MLPV_TASK_CHECKERBOARD);
    ck_assert_int_eq(s.knob, 8);
    ck_assert_int_eq(s.points, 2048);
    ck_assert_int_eq(s.test_grid, 64);
    ck_assert_int_eq(s.has_train, 1);
    ck_assert_int_eq(s.train.steps, 2000);
    ck_assert_double_eq(s.train.lr, 3e-3);
    ck_assert_int_eq(s.train.optimizer, MLPV_OPT_ADAM);
    ck_assert_int_eq(s.train.batch, 0);
    ck_assert_double_eq(s.train.target_accuracy, 0);
    ck_assert_double_eq(s.train.momentum, 0);
    ck_assert_int_eq(s.train.precision, t.precision);
    ck_assert_int_eq(s.train.check_every, t.check_every);
    ck_assert_double_eq(s.train.beta1, t.beta1);
    ck_assert_double_eq(s.train.beta2, t.beta2);
    ck_assert_double_eq(s.train.eps, t.eps);
    ck_assert_int_eq(s.n_seeds, 5);
    ck_assert_int_eq(s.draws, 5); /* = number of training seeds */
    sweep_free(&s);
}
END_TEST

START_TEST(test_task_knobs)
{
    mlpv_sweep s;
    load_fixture("knobs_rings.yaml", &s);
    ck_assert_int_eq(s.task, MLPV_TASK_RINGS);
    ck_assert_int_eq(s.knob, 5);
    ck_assert_int_eq(s.points, 100);
    ck_assert_int_eq(s.test_grid, 16);
    ck_assert_int_eq(s.train.optimizer, MLPV_OPT_SGD);
    ck_assert_double_eq(s.train.momentum, 0.9);
    ck_assert_int_eq(s.train.batch, 32);
    ck_assert_double_eq(s.train.target_accuracy, 0.95);
    ck_assert_int_eq(s.train.precision, MLPV_DOUBLE);
    ck_assert_int_eq(s.precision, MLPV_DOUBLE);
    ck_assert_double_eq(s.tau, 0);
    ck_assert_int_eq(s.order, 1);
    ck_assert_int_eq(s.grid, 2);
    ck_assert_int_eq(s.init, MLPV_INIT_HE);
    ck_assert_double_eq(s.bias_std, 0);
    ck_assert_int_eq(s.acts[0], MLPV_TANH);
    sweep_free(&s);

    load_fixture("budgets.yaml", &s); /* rings, default knob */
    ck_assert_int_eq(s.task, MLPV_TASK_RINGS);
    ck_assert_int_eq(s.knob, 3);
    sweep_free(&s);

    load_fixture("knobs_sines.yaml", &s);
    ck_assert_int_eq(s.task, MLPV_TASK_SINES);
    ck_assert_int_eq(s.knob, 3);
    ck_assert_int_eq(s.budgets[0], 10000); /* written 1e4 */
    ck_assert_int_eq(s.has_train, 0);
    sweep_free(&s);

    load_fixture("knobs_spirals.yaml", &s);
    ck_assert_int_eq(s.task, MLPV_TASK_SPIRALS);
    ck_assert_int_eq(s.knob, 2);
    sweep_free(&s);
}
END_TEST

START_TEST(test_csv_task)
{
    mlpv_sweep s;
    load_fixture("csv.yaml", &s);
    ck_assert_int_eq(s.task, MLPV_TASK_CSV);
    ck_assert_str_eq(s.csv_path, SWEEP_FILES_DIR "/data.csv"); /* relative to the sweep file */
    ck_assert_int_eq(s.csv_targets, 2);
    ck_assert_double_eq(s.test_fraction, 0.25);
    ck_assert_int_eq(s.in_dim, 3);
    ck_assert_int_eq(s.out_dim, 2);
    sweep_config *c;
    int n;
    ck_assert_int_eq(sweep_configs(&s, &c, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 2);
    for (int i = 0; i < n; i++) {
        ck_assert_int_eq(c[i].spec.in_dim, 3);
        ck_assert_int_eq(c[i].spec.out_dim, 2);
        ck_assert_int_eq(c[i].spec.width, mlpv_width_for_budget(500, 3, 2, c[i].spec.depth));
    }
    free(c);
    sweep_free(&s);
}
END_TEST

/* ---- ranges, configurations, items ---- */

START_TEST(test_ranges)
{
    mlpv_sweep s;
    load_fixture("ranges.yaml", &s);
    ck_assert_str_eq(s.name, "ranges.v1");
    ck_assert_int_eq(s.n_acts, 1);
    ck_assert_int_eq(s.acts[0], MLPV_ABS); /* one name, not a list */
    ck_assert_int_eq(s.n_budgets, 0);
    static const int widths[] = { 8, 10, 11 }, depths[] = { 1, 2, 3, 5, 7, 8 };
    static const uint64_t seeds[] = { 0, 2, 3, 9 };
    ck_assert_int_eq(s.n_widths, 3);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(s.widths[i], widths[i]);
    ck_assert_int_eq(s.n_depths, 6);
    for (int i = 0; i < 6; i++) ck_assert_int_eq(s.depths[i], depths[i]);
    ck_assert_int_eq(s.n_seeds, 4); /* sorted */
    for (int i = 0; i < 4; i++) ck_assert_uint_eq(s.seeds[i], seeds[i]);

    sweep_config *c;
    int n;
    ck_assert_int_eq(sweep_configs(&s, &c, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 18);
    for (int w = 0, k = 0; w < 3; w++)
        for (int d = 0; d < 6; d++, k++) {
            ck_assert_int_eq(c[k].spec.width, widths[w]);
            ck_assert_int_eq(c[k].spec.depth, depths[d]);
            ck_assert_int_eq(c[k].spec.activation, MLPV_ABS);
            ck_assert_int_eq(c[k].budget, 0);
        }
    sweep_item *it;
    long m = sweep_items(&s, n, &it); /* {0,1,2} u {0,2,3,9}, nothing trains */
    static const uint64_t want[] = { 0, 1, 2, 3, 9 };
    ck_assert_int_eq(m, 18 * 5);
    for (long i = 0; i < m; i++) {
        ck_assert_int_eq(it[i].config, (int)(i / 5));
        ck_assert_uint_eq(it[i].seed, want[i % 5]);
        ck_assert_int_eq(it[i].train, 0);
    }
    free(it);
    free(c);
    sweep_free(&s);
}
END_TEST

START_TEST(test_configs_order_and_widths)
{
    mlpv_sweep s;
    load_fixture("budgets.yaml", &s);
    sweep_config *c;
    int n;
    ck_assert_int_eq(sweep_configs(&s, &c, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 2 * 2 * 3);
    static const long budgets[] = { 200, 1000 };
    static const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS };
    static const int depths[] = { 1, 2, 4 };
    int k = 0;
    for (int b = 0; b < 2; b++)
        for (int a = 0; a < 2; a++)
            for (int d = 0; d < 3; d++, k++) {
                ck_assert_int_eq(c[k].budget, budgets[b]);
                ck_assert_int_eq(c[k].spec.activation, acts[a]);
                ck_assert_int_eq(c[k].spec.depth, depths[d]);
                ck_assert_int_eq(c[k].spec.width, mlpv_width_for_budget(budgets[b], 2, 1, depths[d]));
                ck_assert_int_eq(c[k].spec.in_dim, 2);
                ck_assert_int_eq(c[k].spec.out_dim, 1);
                ck_assert_int_eq(c[k].spec.init, MLPV_INIT_AUTO);
                ck_assert_double_eq(c[k].spec.bias_std, 0.1);
            }
    sweep_item *it;
    long m = sweep_items(&s, n, &it); /* draws 3, seeds {1,2,5}: {0,1,2,5} */
    static const uint64_t want[] = { 0, 1, 2, 5 };
    static const int train[] = { 0, 1, 1, 1 };
    ck_assert_int_eq(m, 12 * 4);
    for (long i = 0; i < m; i++) {
        ck_assert_int_eq(it[i].config, (int)(i / 4));
        ck_assert_uint_eq(it[i].seed, want[i % 4]);
        ck_assert_int_eq(it[i].train, train[i % 4]);
    }
    free(it);
    free(c);
    sweep_free(&s);
}
END_TEST

/* A hand-built sweep: sweep_configs names the budget and the depth it cannot fit;
 * sweep_items handles draws beyond the seeds and unsorted seeds. */
START_TEST(test_configs_budget_too_small)
{
    long budgets[] = { 1000, 10 };
    int depths[] = { 1, 4 };
    uint64_t seeds[] = { 7, 1 };
    mlpv_activation acts[] = { MLPV_RELU };
    mlpv_sweep s;
    memset(&s, 0, sizeof s);
    s.acts = acts;
    s.n_acts = 1;
    s.budgets = budgets;
    s.n_budgets = 2;
    s.depths = depths;
    s.n_depths = 2;
    s.seeds = seeds;
    s.n_seeds = 2;
    s.in_dim = 2;
    s.out_dim = 1;
    s.bias_std = 0.1;
    s.draws = 3;
    s.has_train = 1;
    sweep_config *c = (sweep_config *)&s;
    int n = -1;
    ck_assert_int_eq(sweep_configs(&s, &c, &n, err, sizeof err), -1);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(n, 0);
    ck_assert_ptr_nonnull(strstr(err, "budget 10"));
    ck_assert_ptr_nonnull(strstr(err, "depth 4"));
    ck_assert_ptr_nonnull(strstr(err, "11 parameters")); /* P(L=4, n=1) = 3 + 3*2 + 2 */

    sweep_item *it;
    long m = sweep_items(&s, 2, &it); /* {0,1,2} u {1,7} */
    static const uint64_t want[] = { 0, 1, 2, 7 };
    static const int train[] = { 0, 1, 0, 1 };
    ck_assert_int_eq(m, 8);
    for (long i = 0; i < m; i++) {
        ck_assert_uint_eq(it[i].seed, want[i % 4]);
        ck_assert_int_eq(it[i].train, train[i % 4]);
    }
    free(it);
    s.has_train = 0;
    m = sweep_items(&s, 1, &it);
    for (long i = 0; i < m; i++) ck_assert_int_eq(it[i].train, 0);
    free(it);
}
END_TEST

START_TEST(test_missing_file)
{
    mlpv_sweep s;
    ck_assert_int_eq(sweep_read(SWEEP_FILES_DIR "/no_such_sweep.yaml", &s, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no_such_sweep.yaml"));
    ck_assert_ptr_null(s.name);
    sweep_free(&s);
}
END_TEST

/* ---- broken fixtures: one per error class ---- */

typedef struct {
    const char *file;
    int line;
    const char *key; /* NULL: an error not tied to a key (syntax, empty, top level) */
    const char *says; /* a piece of the message */
} broken;

static const broken BROKEN[] = {
    { "bad_syntax.yaml", 3, NULL, "YAML syntax error" },
    { "bad_syntax_indent.yaml", 4, NULL, "YAML syntax error: mapping values are not allowed" },
    { "bad_top_list.yaml", 2, NULL, "top level must be a mapping" },
    { "bad_empty.yaml", 1, NULL, "empty" },
    { "bad_two_docs.yaml", 5, NULL, "second YAML document" },
    { "bad_unknown_top.yaml", 4, "depht",
      "valid keys: name, activations, budget, widths, depths, seeds, init, task, train, measure" },
    { "bad_unknown_train.yaml", 8, "stpes",
      "valid keys: steps, lr, optimizer, batch, target_accuracy, momentum, precision" },
    { "bad_wrong_knob.yaml", 7, "rings", "valid keys: name, cells, points, test_grid" },
    { "bad_missing_name.yaml", 2, "name", "missing" },
    { "bad_missing_depths.yaml", 2, "depths", "missing" },
    { "bad_missing_task_name.yaml", 5, "name", "missing in task" },
    { "bad_missing_csv_path.yaml", 5, "path", "missing in task csv" },
    { "bad_list_for_number.yaml", 7, "lr", "a list where a number belongs" },
    { "bad_string_for_number.yaml", 6, "steps", "'many' is not a number" },
    { "bad_non_integer.yaml", 5, "cells", "2.5 is not a whole number" },
    { "bad_mapping_for_number.yaml", 3, "budget", "a mapping where a list belongs" },
    { "bad_null_value.yaml", 6, "grid", "has no value" },
    { "bad_depth_zero.yaml", 6, "depths", "0 is out of range; give a whole number from 1" },
    { "bad_width_zero.yaml", 3, "widths", "0 is out of range" },
    { "bad_budget_zero.yaml", 3, "budget", "0 is out of range" },
    { "bad_cells_zero.yaml", 7, "cells", "0 is out of range" },
    { "bad_lr_zero.yaml", 8, "lr", "0 is out of range; give a number > 0" },
    { "bad_steps_zero.yaml", 6, "steps", "0 is out of range" },
    { "bad_grid_order.yaml", 7, "grid", "grid 3 must be larger than order 3" },
    { "bad_order_default_grid.yaml", 6, "order", "grid 128 must be larger than order 200" },
    { "bad_order_zero.yaml", 5, "order", "0 is out of range" },
    { "bad_draws_zero.yaml", 5, "draws", "0 is out of range" },
    { "bad_points_one.yaml", 5, "points", "1 is out of range; give a whole number from 2" },
    { "bad_test_fraction.yaml", 8, "test_fraction", "1.0 is out of range; give a number in (0, 1)" },
    { "bad_tau.yaml", 5, "tau", "1.5 is out of range; give a number in [0, 1]" },
    { "bad_bias_std.yaml", 5, "bias_std", "-0.1 is out of range" },
    { "bad_unknown_activation.yaml", 4, "activations", "unknown activation 'relux'; valid names: relu, abs," },
    { "bad_unknown_task.yaml", 5, "name",
      "unknown task 'chessboard'; valid names: checkerboard, rings, sines, spirals, csv" },
    { "bad_unknown_optimizer.yaml", 6, "optimizer", "unknown optimizer 'adamw'; valid names: adam, sgd" },
    { "bad_unknown_init.yaml", 6, "scheme",
      "unknown init scheme 'kaiming'; valid names: auto, he, lecun, xavier, torch" },
    { "bad_unknown_precision.yaml", 5, "precision", "unknown precision 'half'; valid names: float, double" },
    { "bad_both_sizes.yaml", 5, "widths", "budget and widths are both given" },
    { "bad_no_sizes.yaml", 1, "budget", "missing; add budget" },
    { "bad_duplicate_key.yaml", 5, "depths", "given twice in the top level (also on line 3)" },
    { "bad_duplicate_value.yaml", 4, "depths", "3 is listed twice" },
    { "bad_duplicate_activation.yaml", 2, "activations", "'relu' is listed twice" },
    { "bad_empty_list.yaml", 2, "activations", "empty list" },
    { "bad_train_without_task.yaml", 5, "train", "training needs a task" },
    { "bad_range_reversed.yaml", 4, "depths", "bad range '8..1': 8 is above 1" },
    { "bad_range_malformed.yaml", 4, "depths", "bad range '2..x'" },
    { "bad_range_triple_dot.yaml", 4, "depths", "bad range '1...4'" },
    { "bad_range_for_number.yaml", 6, "steps", "a range '1..5' where one number belongs" },
    { "bad_nested_list.yaml", 4, "depths", "a list inside the list" },
    { "bad_budget_small.yaml", 3, "budget", "budget 10 is below the smallest network at depth 4" },
    { "bad_task_scalar.yaml", 5, "task", "must be a mapping" },
    { "bad_seeds_zero.yaml", 5, "seeds", "0 is out of range" },
    { "bad_bad_name.yaml", 1, "name", "not a valid name" },
    { "bad_batch_points.yaml", 6, "batch", "200 is more than the 100 training points" },
    { "bad_csv_missing_file.yaml", 5, "path", "cannot use the CSV file" },
    { "bad_parts_not_list.yaml", 5, "parts", "not a list of parts" },
    { "bad_part_name.yaml", 7, "name", "valid keys: activations, budget" },
    { "bad_part_value.yaml", 7, "steps", "0 is out of range" },
    /* ceilings (sweep_limits.h, docs/limits.md) */
    { "bad_grid_ceiling.yaml", 5, "grid", "100000 is out of range; give a whole number from 2 to 8192" },
    { "bad_budget_ceiling.yaml", 3, "budget",
      "1000000000000 is out of range; give a whole number from 1 to 1000000000" },
    { "bad_depth_ceiling.yaml", 4, "depths", "513 is out of range; give a whole number from 1 to 512" },
    { "bad_draws_ceiling.yaml", 5, "draws", "2000000 is out of range; give a whole number from 1 to 1000000" },
    { "bad_points_ceiling.yaml", 5, "points", "200000000 is out of range" },
    { "bad_steps_ceiling.yaml", 6, "steps", "200000000 is out of range" },
    { "bad_test_grid_ceiling.yaml", 5, "test_grid", "10000 is out of range; give a whole number from 2 to 8192" },
    { "bad_range_ceiling.yaml", 3, "widths", "range '1..20000' has more than 10000 values" },
    { "bad_networks_ceiling.yaml", 3, "budget",
      "the sweep has 20000000 networks (10000 budgets x 2 activations x "
      "10 depths x 100 seeds, all parts together), above the ceiling of 10000000 per sweep" },
    { "bad_network_memory.yaml", 3, "widths",
      "one network of this sweep (relu, depth 2, width 1000000, "
      "1000005000001 parameters, grid 128) needs 11 TiB of memory, above the ceiling of 32 GiB per network" },
    { "bad_grid_memory.yaml", 6, "grid", "above the ceiling of 32 GiB per network (docs/limits.md); lower grid" },
    /* text the reader refuses before the keys */
    { "bad_nul_name.yaml", 1, "name", "the value holds a NUL character" },
    { "bad_not_utf8.yaml", 3, NULL, "not UTF-8 text (invalid leading UTF-8 octet: byte 0xff, column 9)" },
    { "bad_control_char.yaml", 3, NULL, "a control character (byte 0x01, column 12)" },
    { "bad_nesting.yaml", 5, NULL, "nested more than 16 deep" },
    /* CSV data a landscape or a test set cannot use */
    { "bad_csv_one_row.yaml", 5, "path", "1 data row; training needs at least 2" },
    { "bad_target_accuracy_regression.yaml", 6, "target_accuracy", "real-valued targets (not all +-1)" },
    { "bad_csv_one_input.yaml", 5, "path", "1 input column beside the 1 target" },
};
#define N_BROKEN ((int)(sizeof BROKEN / sizeof BROKEN[0]))

START_TEST(test_broken)
{
    const broken *b = &BROKEN[_i];
    char path[1024], where[256];
    snprintf(path, sizeof path, "%s/%s", SWEEP_FILES_DIR, b->file);
    mlpv_sweep s;
    memset(err, 0, sizeof err);
    ck_assert_int_eq(sweep_read(path, &s, err, sizeof err), -1);
    if (b->key) snprintf(where, sizeof where, "/%s:%d: key '%s': ", b->file, b->line, b->key);
    else snprintf(where, sizeof where, "/%s:%d: ", b->file, b->line);
    ck_assert_msg(strstr(err, where) != NULL, "%s: expected '%s' in: %s", b->file, where, err);
    ck_assert_msg(strstr(err, b->says) != NULL, "%s: expected '%s' in: %s", b->file, b->says, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "%s: message is not one line: %s", b->file, err);
    ck_assert_msg(strstr(err, "; ") != NULL, "%s: message says no fix: %s", b->file, err);
    ck_assert_ptr_null(s.name); /* nothing left allocated */
    ck_assert_ptr_null(s.depths);
    sweep_free(&s);
}
END_TEST

/* parts: each part is the top level overridden by its own keys; budget and
 * widths replace each other; configurations know their part. */
START_TEST(test_parts)
{
    mlpv_sweep *p;
    int n;
    ck_assert_int_eq(sweep_read_parts(SWEEP_FILES_DIR "/parts.yaml", &p, &n, err, sizeof err), 0);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(p[0].name, "parts");
    ck_assert_str_eq(p[1].name, "parts");
    ck_assert_int_eq(p[0].n_budgets, 2);
    ck_assert_int_eq(p[0].n_acts, 3);
    ck_assert_int_eq(p[0].has_task, 0);
    ck_assert_int_eq(p[0].draws, 8); /* inherited measure section */
    ck_assert_int_eq(p[0].grid, 32);
    ck_assert_int_eq(p[1].n_budgets, 0); /* widths replaced the top-level budget */
    ck_assert_int_eq(p[1].n_widths, 1);
    ck_assert_int_eq(p[1].n_acts, 2); /* inherited */
    ck_assert_int_eq(p[1].has_task, 1);
    ck_assert_int_eq(p[1].knob, 4);
    ck_assert_int_eq(p[1].has_train, 1);
    ck_assert_int_eq(p[1].train.steps, 50);
    ck_assert_int_eq(p[1].n_seeds, 2);
    ck_assert_int_eq(p[1].part, 1);
    sweep_config *c;
    int nc;
    ck_assert_int_eq(sweep_configs(&p[1], &c, &nc, err, sizeof err), 0);
    ck_assert_int_eq(nc, 2 * 3);
    for (int i = 0; i < nc; i++) {
        ck_assert_int_eq(c[i].part, 1);
        ck_assert_int_eq(c[i].spec.width, 8);
    }
    free(c);
    sweep_free_parts(p, n);
    /* sweep_read takes one-part files only */
    mlpv_sweep one;
    ck_assert_int_eq(sweep_read(SWEEP_FILES_DIR "/parts.yaml", &one, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "2 parts"));
}
END_TEST

/* The file itself: a folder, and a file past LIM_MAX_FILE_BYTES (refused
 * before it is parsed: a list of 300000 items would take libyaml seconds). */
START_TEST(test_not_a_sweep_file)
{
    mlpv_sweep s;
    ck_assert_int_eq(sweep_read(SWEEP_FILES_DIR, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "is a folder, not a sweep file") != NULL, "%s", err);
    char path[] = "/tmp/mlpvar-big-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("name: big\nactivations: [relu]\nbudget: 300\ndepths: [1", f);
    for (long i = 0; i < (LIM_MAX_FILE_BYTES + 3) / 3; i++) fputs(", 1", f);
    fputs("]\n", f);
    fclose(f);
    ck_assert_int_eq(sweep_read(path, &s, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "larger than 1024 KiB, the ceiling for a sweep file") != NULL, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    unlink(path);
}
END_TEST

/* A tiny error buffer truncates, never overflows. */
START_TEST(test_small_err_buffer)
{
    char small[8];
    mlpv_sweep s;
    ck_assert_int_eq(sweep_read(SWEEP_FILES_DIR "/bad_unknown_top.yaml", &s, small, sizeof small), -1);
    ck_assert_uint_eq(strlen(small), 7);
    ck_assert_int_eq(sweep_read(SWEEP_FILES_DIR "/bad_unknown_top.yaml", &s, NULL, 0), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("sweep_file");
    TCase *tc = tcase_create("valid");
    tcase_add_test(tc, test_reference);
    tcase_add_test(tc, test_reference_names_every_key);
    tcase_add_test(tc, test_tiny);
    tcase_add_test(tc, test_parts);
    tcase_add_test(tc, test_defaults);
    tcase_add_test(tc, test_task_and_train_defaults);
    tcase_add_test(tc, test_task_knobs);
    tcase_add_test(tc, test_csv_task);
    tcase_add_test(tc, test_ranges);
    tcase_add_test(tc, test_configs_order_and_widths);
    tcase_add_test(tc, test_configs_budget_too_small);
    tcase_add_test(tc, test_missing_file);
    suite_add_tcase(s, tc);
    TCase *tb = tcase_create("broken");
    tcase_add_loop_test(tb, test_broken, 0, N_BROKEN);
    tcase_add_test(tb, test_small_err_buffer);
    tcase_add_test(tb, test_not_a_sweep_file);
    suite_add_tcase(s, tb);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
