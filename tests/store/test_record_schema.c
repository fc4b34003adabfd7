/* Check tests of the record schema (src/sweep/record_schema.h): record_write
 * and record_parse against record lines spelled out by hand (numbers as
 * Python's '%.17g' prints them), the reader's refusals with the field they
 * name, and docs/records.md against the schema's table. */
#include "store_test.h"

#include <math.h>

#include "record_schema.h"

#ifndef RECORDS_DOC
#error "RECORDS_DOC must name docs/records.md"
#endif

static char err[512];

/* record_write into a malloc'd string. */
static char *written(const record *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    record_write(f, r);
    ck_assert_int_eq(fclose(f), 0);
    return buf;
}

static int parse(const char *line, record *r)
{
    err[0] = '\0';
    return record_parse(line, strlen(line), r, err, sizeof err);
}

/* Asserts that line is refused with an error containing `want`. */
static void refused(const char *line, const char *want)
{
    record r;
    int rc = parse(line, &r);
    ck_assert_msg(rc == -1, "accepted: %s", line);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' does not say '%s' (line %s)", err, want, line);
    ck_assert_ptr_null(r.owned); /* released on failure */
}

static void accepted(const char *line, record *r) { ck_assert_msg(parse(line, r) == 0, "refused (%s): %s", err, line); }

#define BIT(f) ((uint64_t)1 << (f))

/* ---- the round trip of a record that uses every type ---- */

/* A failed, trained record with a task and three rivals: strings with quotes,
 * backslashes and control characters, nulls of every type, an array with a
 * null, numbers in exponent form. Schema order, the writer's separators. */
static const char FULL[] =
    "{\"key\": \"0123456789abcdef\", \"sweep\": \"sw \\\"q\\\" \\\\ b\", \"config\": 7, \"part\": 1, "
    "\"activation\": \"tanh\", \"depth\": 2, \"width\": 5, \"budget\": 300, \"params\": 51, \"activations\": 10, "
    "\"activation_ratio\": 0.19607843137254902, \"in_dim\": 2, \"out_dim\": 1, \"init\": \"he\", "
    "\"bias_std\": -0, \"seed\": 9007199254740993, \"grid\": 16, \"order\": 3, \"tau\": 0.01, "
    "\"status\": \"failed\", "
    "\"error\": \"line1\\u000aline2\\u0009tab \\\"quoted\\\" back\\\\slash \\u0001\\u001f end/\", "
    "\"attempt\": 3, \"variability\": null, \"collapse_ratio\": 0.5, \"collapsed\": null, "
    "\"layer_dead_fraction\": [0, null], \"layer_collapse_ratio\": null, \"measure_seconds\": 1.5, "
    "\"rival_snip\": -2.75, \"rival_naswot\": null, \"rival_trajectory\": 1.0000000000000001e+300, "
    "\"task\": \"checkerboard\", \"cells\": 4, \"points\": 2048, \"test_grid\": 64, \"layer_grad_norm\": [0.125, null, 4.9406564584124654e-324], "
    "\"init_loss\": 1.2192868501536862, \"init_accuracy\": null, \"trained\": true, \"optimizer\": \"adam\", "
    "\"lr\": 0.0030000000000000001, \"max_steps\": 100, \"steps\": null, \"diverged\": true, "
    "\"final_loss\": null, \"train_accuracy\": 0.6640625, \"test_loss\": null, \"test_accuracy\": 0.614990234375, "
    "\"test_r2\": null, \"trainability\": \"accuracy\", \"train_seconds\": 0.0027976889999763443}\n";

START_TEST(test_full_parse_values)
{
    record r;
    accepted(FULL, &r);
    ck_assert_str_eq(r.key, "0123456789abcdef");
    ck_assert_str_eq(r.sweep, "sw \"q\" \\ b");
    ck_assert_int_eq(r.config, 7);
    ck_assert_int_eq(r.part, 1);
    ck_assert_str_eq(r.activation, "tanh");
    ck_assert_int_eq(r.depth, 2);
    ck_assert_int_eq(r.width, 5);
    ck_assert_int_eq(r.budget, 300);
    ck_assert_int_eq(r.params, 51);
    ck_assert_int_eq(r.activations, 10);
    ck_assert(r.activation_ratio == 10.0 / 51.0);
    ck_assert_int_eq(r.in_dim, 2);
    ck_assert_int_eq(r.out_dim, 1);
    ck_assert_str_eq(r.init, "he");
    ck_assert(r.bias_std == 0.0 && signbit(r.bias_std));
    ck_assert_int_eq(r.seed, 9007199254740993L);
    ck_assert_int_eq(r.grid, 16);
    ck_assert_int_eq(r.order, 3);
    ck_assert(r.tau == 0.01);
    ck_assert_str_eq(r.status, "failed");
    ck_assert_str_eq(r.error, "line1\nline2\ttab \"quoted\" back\\slash \x01\x1f end/");
    ck_assert_int_eq(r.attempt, 3);
    ck_assert(isnan(r.variability));
    ck_assert(r.collapse_ratio == 0.5);
    ck_assert_int_eq(r.layer_dead_fraction.n, 2);
    ck_assert(r.layer_dead_fraction.v[0] == 0 && isnan(r.layer_dead_fraction.v[1]));
    ck_assert(r.measure_seconds == 1.5);
    ck_assert_uint_eq(r.rivals, 1u << MLPV_RIVAL_SNIP | 1u << MLPV_RIVAL_NASWOT | 1u << MLPV_RIVAL_TRAJECTORY);
    ck_assert(r.rival[MLPV_RIVAL_SNIP] == -2.75);
    ck_assert(isnan(r.rival[MLPV_RIVAL_NASWOT]));
    ck_assert(r.rival[MLPV_RIVAL_TRAJECTORY] == 1e300);
    ck_assert(isnan(r.rival[MLPV_RIVAL_GRAD_NORM])); /* absent rivals read as NaN */
    ck_assert_str_eq(r.task, "checkerboard");
    ck_assert_int_eq(r.cells, 4);
    ck_assert_int_eq(r.points, 2048);
    ck_assert_int_eq(r.test_grid, 64);
    ck_assert_int_eq(r.layer_grad_norm.n, 3);
    ck_assert(r.layer_grad_norm.v[0] == 0.125 && isnan(r.layer_grad_norm.v[1]) && r.layer_grad_norm.v[2] == 5e-324);
    ck_assert(r.init_loss == 1.2192868501536862);
    ck_assert(isnan(r.init_accuracy));
    ck_assert_int_eq(r.trained, 1);
    ck_assert_str_eq(r.optimizer, "adam");
    ck_assert(r.lr == 0.003);
    ck_assert_int_eq(r.max_steps, 100);
    ck_assert_int_eq(r.diverged, 1);
    ck_assert(isnan(r.final_loss) && isnan(r.test_loss));
    ck_assert(r.train_accuracy == 0.6640625 && r.test_accuracy == 0.614990234375);
    ck_assert(r.train_seconds == 0.0027976889999763443);
    /* every schema field is present but the other tasks' (the other knobs, the CSV fields); exactly these are null */
    ck_assert_uint_eq(r.present,
                      (uint64_t)-1 >> (64 - RECORD_FIELD_COUNT) &
                          ~(BIT(RFI_rings) | BIT(RFI_frequency) | BIT(RFI_turns) | BIT(RFI_csv_path) |
                            BIT(RFI_csv_rows) | BIT(RFI_csv_targets) | BIT(RFI_test_fraction) | BIT(RFI_csv_hash)));
    uint64_t nulls = BIT(RFI_variability) | BIT(RFI_collapsed) | BIT(RFI_layer_collapse_ratio) |
                     BIT(RFI_init_accuracy) | BIT(RFI_steps) | BIT(RFI_final_loss) | BIT(RFI_test_loss) |
                     BIT(RFI_test_r2);
    ck_assert_uint_eq(r.null, nulls);
    ck_assert_int_eq(record_has(&r, RFI_collapse_ratio), 1);
    ck_assert_int_eq(record_has(&r, RFI_variability), 0);
    ck_assert_int_eq(record_has(&r, RFI_error), 1);
    record_free(&r);
    ck_assert_ptr_null(r.owned);
}
END_TEST

START_TEST(test_full_round_trip)
{
    record r;
    accepted(FULL, &r);
    char *out = written(&r);
    ck_assert_str_eq(out, FULL);
    record_free(&r);
    free(out);
}
END_TEST

/* A record built in C (no task, not trained) is written as the line spelled
 * out below; NaN and infinities become null, and read back as NaN. */
START_TEST(test_struct_write_then_parse)
{
    double dead[1] = { 0.25 }, rho[1] = { INFINITY };
    double grad[2] = { 1, 2 };
    record w;
    memset(&w, 0, sizeof w);
    w.key = "ffffffffffffffff";
    w.sweep = "s";
    w.config = 0;
    w.part = 0;
    w.activation = "relu";
    w.depth = 1;
    w.width = 1;
    w.budget = 0;
    w.params = 5;
    w.activations = 1;
    w.activation_ratio = 0.2;
    w.in_dim = 2;
    w.out_dim = 1;
    w.init = "auto";
    w.bias_std = 0;
    w.seed = -1;
    w.grid = 2;
    w.order = 1;
    w.tau = 1;
    w.status = "ok";
    w.error = NULL;
    w.attempt = 1;
    w.variability = NAN;
    w.collapse_ratio = -INFINITY;
    w.collapsed = 0;
    w.layer_dead_fraction = (record_array){ dead, 1 };
    w.layer_collapse_ratio = (record_array){ rho, 1 };
    w.measure_seconds = 0;
    w.rivals = 1u << MLPV_RIVAL_GRAD_NORM;
    w.rival[MLPV_RIVAL_GRAD_NORM] = NAN;
    w.rival[MLPV_RIVAL_SNIP] = 7; /* not asked for: not written */
    w.null = BIT(RFI_error);
    /* not written: no task, not trained */
    w.cells = 3;
    w.layer_grad_norm = (record_array){ grad, 2 };
    w.optimizer = "sgd";
    w.lr = 1;
    w.trained = 0;
    const char *want =
        "{\"key\": \"ffffffffffffffff\", \"sweep\": \"s\", \"config\": 0, \"part\": 0, \"activation\": \"relu\", "
        "\"depth\": 1, \"width\": 1, \"budget\": 0, \"params\": 5, \"activations\": 1, \"activation_ratio\": 0.20000000000000001, "
        "\"in_dim\": 2, \"out_dim\": 1, \"init\": \"auto\", \"bias_std\": 0, \"seed\": -1, \"grid\": 2, \"order\": 1, "
        "\"tau\": 1, \"status\": \"ok\", \"error\": null, \"attempt\": 1, \"variability\": null, \"collapse_ratio\": null, "
        "\"collapsed\": false, \"layer_dead_fraction\": [0.25], \"layer_collapse_ratio\": [null], "
        "\"measure_seconds\": 0, \"rival_grad_norm\": null, \"trained\": false}\n";
    char *out = written(&w);
    ck_assert_str_eq(out, want);
    record r;
    accepted(out, &r);
    ck_assert_str_eq(r.key, "ffffffffffffffff");
    ck_assert_int_eq(r.seed, -1);
    ck_assert(r.activation_ratio == 0.2);
    ck_assert(isnan(r.variability) && isnan(r.collapse_ratio) && isnan(r.layer_collapse_ratio.v[0]));
    ck_assert(r.layer_dead_fraction.v[0] == 0.25);
    ck_assert_ptr_null(r.error);
    ck_assert_ptr_null(r.task);
    ck_assert_uint_eq(r.rivals, 1u << MLPV_RIVAL_GRAD_NORM);
    ck_assert(isnan(r.rival[MLPV_RIVAL_GRAD_NORM]) && isnan(r.rival[MLPV_RIVAL_SNIP]));
    ck_assert_uint_eq(r.null, BIT(RFI_error) | BIT(RFI_variability) | BIT(RFI_collapse_ratio));
    ck_assert_int_eq(r.trained, 0);
    ck_assert_int_eq(record_has(&r, RFI_cells), 0);
    ck_assert_int_eq(record_has(&r, RFI_trained), 1);
    record_free(&r);
    free(out);
}
END_TEST

/* ---- lines built from a table of fields ---- */

typedef struct {
    const char *name, *value;
} kv;

/* A complete ok record (depth 2), no task, not trained. */
static const kv BASE[] = {
    { "key", "\"00000000000000aa\"" },
    { "sweep", "\"s\"" },
    { "config", "0" },
    { "part", "0" },
    { "activation", "\"relu\"" },
    { "depth", "2" },
    { "width", "3" },
    { "budget", "0" },
    { "params", "22" },
    { "activations", "6" },
    { "activation_ratio", "0.25" },
    { "in_dim", "2" },
    { "out_dim", "1" },
    { "init", "\"auto\"" },
    { "bias_std", "0.5" },
    { "seed", "1" },
    { "grid", "8" },
    { "order", "3" },
    { "tau", "0.01" },
    { "status", "\"ok\"" },
    { "error", "null" },
    { "attempt", "1" },
    { "variability", "0.125" },
    { "collapse_ratio", "0.5" },
    { "collapsed", "false" },
    { "layer_dead_fraction", "[0, 0.5]" },
    { "layer_collapse_ratio", "[1, 0.5]" },
    { "measure_seconds", "0.001" },
    { "trained", "false" },
};
static const kv TASK[] = {
    { "task", "\"rings\"" },
    { "rings", "3" },
    { "points", "512" },
    { "test_grid", "16" },
    { "layer_grad_norm", "[1, 2, 3]" },
    { "init_loss", "0.5" },
    { "init_accuracy", "0.75" },
};
static const kv CSVTASK[] = {
    { "task", "\"csv\"" },
    { "csv_path", "\"data/a.csv\"" },
    { "csv_rows", "100" },
    { "csv_targets", "1" },
    { "test_fraction", "0.2" },
    { "csv_hash", "\"00000000deadbeef\"" },
    { "layer_grad_norm", "[1, 2, 3]" },
    { "init_loss", "0.5" },
    { "init_accuracy", "0.75" },
};
static const kv TRAIN[] = {
    { "optimizer", "\"sgd\"" },
    { "lr", "0.25" },
    { "max_steps", "10" },
    { "steps", "10" },
    { "diverged", "false" },
    { "final_loss", "0.125" },
    { "train_accuracy", "1" },
    { "test_loss", "0.25" },
    { "test_accuracy", "0.5" },
    { "test_r2", "null" },
    { "trainability", "\"accuracy\"" },
    { "train_seconds", "0.5" },
};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The value of field name after the overrides (name=value; value NULL: leave the field out). */
static const char * override(const char *name, const char *value, const kv *over, int n_over)
{
    for (int i = 0; i < n_over; i++)
        if (!strcmp(over[i].name, name)) return over[i].value;
    return value;
}

static void add_fields(char **line, const kv *f, int n, const kv *over, int n_over)
{
    for (int i = 0; i < n; i++) {
        const char *v = override(f[i].name, f[i].value, over, n_over);
        if (!v) continue;
        char *next = cat("%s%s\"%s\": %s", *line, (*line)[1] ? ", " : "", f[i].name, v);
        free(*line);
        *line = next;
    }
}

/* BASE (+ TASK when task is 1, CSVTASK when 2) (+ TRAIN, with "trained": true), overridden by over, then `extra` raw. */
static char *line_of(int task, int trained, const kv *over, int n_over, const char *extra)
{
    char *line = cat("{");
    kv tr[64] = { { NULL, NULL } };
    ck_assert_int_lt(n_over, 63);
    for (int i = 0; i < n_over; i++) tr[i] = over[i];
    if (trained && !override("trained", NULL, over, n_over)) tr[n_over++] = (kv){ "trained", "true" };
    add_fields(&line, BASE, COUNT(BASE), tr, n_over);
    if (task == 1) add_fields(&line, TASK, COUNT(TASK), tr, n_over);
    if (task == 2) add_fields(&line, CSVTASK, COUNT(CSVTASK), tr, n_over);
    if (trained) add_fields(&line, TRAIN, COUNT(TRAIN), tr, n_over);
    char *done = cat("%s%s}\n", line, extra ? extra : "");
    free(line);
    return done;
}

START_TEST(test_table_lines_parse)
{
    for (int task = 0; task <= 1; task++)
        for (int trained = 0; trained <= 1; trained++) {
            char *line = line_of(task, trained, NULL, 0, NULL);
            record r;
            accepted(line, &r);
            ck_assert_int_eq(r.trained, trained);
            ck_assert_int_eq(record_has(&r, RFI_task), task);
            ck_assert_int_eq(record_has(&r, RFI_optimizer), trained);
            if (task) ck_assert(r.layer_grad_norm.n == 3 && r.layer_grad_norm.v[2] == 3);
            if (trained) ck_assert(r.lr == 0.25);
            record_free(&r);
            free(line);
        }
}
END_TEST

/* Every field a presence class requires, left out, is named. */
START_TEST(test_missing_field_named)
{
    struct {
        const kv *f;
        int n, task, trained;
    } sets[] = {
        { BASE, COUNT(BASE), 0, 0 },
        { TASK, COUNT(TASK), 1, 0 },
        { CSVTASK, COUNT(CSVTASK), 2, 0 },
        { TRAIN, COUNT(TRAIN), 0, 1 },
    };
    uint64_t checked = 0;
    for (int s = 0; s < 4; s++)
        for (int i = 0; i < sets[s].n; i++) {
            kv drop = { sets[s].f[i].name, NULL };
            char *line = line_of(sets[s].task, sets[s].trained, &drop, 1, NULL);
            char want[96];
            snprintf(want, sizeof want, "lacks field '%s'", sets[s].f[i].name);
            if (!strcmp(sets[s].f[i].name, "task")) {
                /* without `task` the task fields are mere extras: a record without a task */
                record r;
                accepted(line, &r);
                ck_assert_ptr_null(r.task);
                record_free(&r);
            } else {
                refused(line, want);
            }
            for (int k = 0; k < RECORD_FIELD_COUNT; k++)
                if (!strcmp(RECORD_SCHEMA[k].name, sets[s].f[i].name)) checked |= BIT(k);
            free(line);
        }
    /* every field but the rivals and the knobs of tasks the lines do not use */
    ck_assert_uint_eq(checked, (uint64_t)-1 >> (64 - RECORD_FIELD_COUNT) &
                                   ~(BIT(RFI_rival) | BIT(RFI_cells) | BIT(RFI_frequency) | BIT(RFI_turns)));
}
END_TEST

/* TASK fields only with a task, TRAINED fields only when trained is true. */
START_TEST(test_presence_classes)
{
    record r;
    char *line = line_of(0, 0, NULL, 0, NULL); /* neither: no task or training field needed */
    accepted(line, &r);
    ck_assert(isnan(r.init_loss) && isnan(r.lr) && isnan(r.final_loss) && isnan(r.train_seconds));
    ck_assert_uint_eq(r.present & (BIT(RFI_init_loss) | BIT(RFI_lr) | BIT(RFI_rings)), 0);
    record_free(&r);
    free(line);
    /* trained true: the first missing training field is named; trained false: none is needed */
    kv two_missing[] = { { "optimizer", NULL }, { "max_steps", NULL } };
    line = line_of(0, 1, two_missing, 2, NULL);
    refused(line, "lacks field 'optimizer'");
    free(line);
    kv untrained[] = { { "trained", "false" }, { "optimizer", NULL }, { "max_steps", NULL } };
    line = line_of(1, 1, untrained, 3, NULL);
    accepted(line, &r);
    ck_assert_int_eq(r.trained, 0);
    ck_assert(r.lr == 0.25); /* read, though not required */
    record_free(&r);
    free(line);
}
END_TEST

/* Absent numbers read as NaN, never 0. */
START_TEST(test_absent_numbers_nan)
{
    char *line = line_of(0, 0, NULL, 0, NULL);
    record r;
    accepted(line, &r);
    int nums = 0;
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
        if (RECORD_SCHEMA[i].type != RF_NUM || ((r.present >> i) & 1)) continue;
        ck_assert_msg(isnan(*(const double *)((const char *)&r + RECORD_SCHEMA[i].offset)), "%s",
                      RECORD_SCHEMA[i].name);
        nums++;
    }
    ck_assert_int_eq(
        nums,
        2 + 7 +
            1); /* init_loss, init_accuracy; lr and six training results (test_r2 too); a CSV task's test_fraction */
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) ck_assert(isnan(r.rival[k]));
    ck_assert_uint_eq(r.rivals, 0);
    record_free(&r);
    free(line);
}
END_TEST

START_TEST(test_wrong_types_named)
{
    static const struct {
        const char *name, *value, *want;
    } cases[] = {
        { "depth", "\"2\"", "field 'depth': '2' is not a whole number" },
        { "depth", "2.5", "field 'depth': '2.5' is not a whole number" },
        { "width", "true", "field 'width'" },
        { "variability", "\"0.5\"", "field 'variability': '0.5' is not a number" },
        { "variability", "1e999", "field 'variability'" },
        { "variability", ".5", "field 'variability'" },
        { "collapse_ratio", "nan", "field 'collapse_ratio'" },
        { "collapsed", "1", "field 'collapsed': '1' is not true or false" },
        { "collapsed", "\"true\"", "field 'collapsed'" },
        { "sweep", "5", "field 'sweep': 5 is not a string" },
        { "sweep", "null", "field 'sweep' is null" },
        { "width", "null", "field 'width' is null" },
        { "trained", "null", "field 'trained' is null" },
        { "layer_dead_fraction", "0.5", "field 'layer_dead_fraction': a single value where a list belongs" },
        { "layer_dead_fraction", "[0, \"x\"]", "field 'layer_dead_fraction': 'x' in its list is not a number" },
        { "layer_dead_fraction", "[0, [1]]", "field 'layer_dead_fraction': a list of numbers holds something else" },
        { "layer_dead_fraction", "{\"a\": 1}", "field 'layer_dead_fraction' has a value of the wrong kind" },
        { "depth", "[2]", "field 'depth' has a value of the wrong kind" },
        { "status", "{\"ok\": 1}", "field 'status' has a value of the wrong kind" },
    };
    for (int i = 0; i < COUNT(cases); i++) {
        kv o = { cases[i].name, cases[i].value };
        char *line = line_of(0, 0, &o, 1, NULL);
        refused(line, cases[i].want);
        free(line);
    }
    /* a rival of the wrong type (the error names 'rival': test_known_bugs.c) */
    char *line = line_of(0, 0, NULL, 0, ", \"rival_snip\": \"big\"");
    refused(line, "'big' is not a number");
    free(line);
}
END_TEST

START_TEST(test_status_and_error)
{
    record r;
    kv failed_no_error = { "status", "\"failed\"" };
    char *line = line_of(0, 0, &failed_no_error, 1, NULL);
    refused(line, "a failed record without an error");
    free(line);
    kv failed_with_error[] = { { "status", "\"failed\"" }, { "error", "\"out of memory\"" } };
    line = line_of(0, 0, failed_with_error, 2, NULL);
    accepted(line, &r);
    ck_assert_str_eq(r.status, "failed");
    ck_assert_str_eq(r.error, "out of memory");
    record_free(&r);
    free(line);
    static const char *bad_status[] = { "\"done\"", "\"OK\"", "\"\"", "\"ok \"" };
    for (int i = 0; i < 4; i++) {
        kv o = { "status", bad_status[i] };
        line = line_of(0, 0, &o, 1, NULL);
        refused(line, "field 'status'");
        free(line);
    }
    kv zero_attempt = { "attempt", "0" };
    line = line_of(0, 0, &zero_attempt, 1, NULL);
    refused(line, "field 'attempt'");
    free(line);
    static const char *bad_key[] = { "\"00000000000000AA\"", "\"00000000000000a\"", "\"00000000000000aa0\"",
                                     "\"0x000000000000aa\"" };
    for (int i = 0; i < 4; i++) {
        kv o = { "key", bad_key[i] };
        line = line_of(0, 0, &o, 1, NULL);
        refused(line, "field 'key'");
        free(line);
    }
}
END_TEST

/* "[0, 0, ...]" of n zeros. */
static char *zeros(int n)
{
    char *s = malloc((size_t)n * 3 + 3);
    ck_assert_ptr_nonnull(s);
    size_t o = 0;
    s[o++] = '[';
    for (int i = 0; i < n; i++) {
        if (i) {
            s[o++] = ',';
            s[o++] = ' ';
        }
        s[o++] = '0';
    }
    s[o++] = ']';
    s[o] = '\0';
    return s;
}

static char *deep_line(int depth, int task, int arr_len)
{
    char d[16];
    snprintf(d, sizeof d, "%d", depth);
    char *a = zeros(arr_len), *g = zeros(arr_len + 1);
    kv o[] = { { "depth", d }, { "layer_dead_fraction", a }, { "layer_collapse_ratio", a }, { "layer_grad_norm", g } };
    char *line = line_of(task, 0, o, 4, NULL);
    free(a);
    free(g);
    return line;
}

START_TEST(test_depth_limits)
{
    ck_assert_int_eq(RECORD_MAX_DEPTH, 512);
    record r;
    char *line = deep_line(RECORD_MAX_DEPTH, 1, RECORD_MAX_DEPTH);
    accepted(line, &r);
    ck_assert_int_eq(r.layer_dead_fraction.n, 512);
    ck_assert_int_eq(r.layer_grad_norm.n, 513);
    record_free(&r);
    free(line);
    line = deep_line(RECORD_MAX_DEPTH + 1, 1, RECORD_MAX_DEPTH + 1);
    refused(line, "depth 513");
    free(line);
    line = deep_line(0, 0, 0);
    refused(line, "depth 0");
    free(line);
    kv w0 = { "width", "0" };
    line = line_of(0, 0, &w0, 1, NULL);
    refused(line, "width 0");
    free(line);
}
END_TEST

START_TEST(test_array_lengths)
{
    static const struct {
        const char *name, *value, *want;
        int task;
    } cases[] = {
        { "layer_dead_fraction", "[0]", "field 'layer_dead_fraction' has 1 values; the network has 2", 0 },
        { "layer_dead_fraction", "[]", "field 'layer_dead_fraction' has 0 values", 0 },
        { "layer_collapse_ratio", "[1, 2, 3]", "field 'layer_collapse_ratio' has 3 values", 0 },
        { "layer_grad_norm", "[1, 2]", "field 'layer_grad_norm' has 2 values; the network has 3", 1 },
        { "layer_grad_norm", "[]", "field 'layer_grad_norm' has 0 values", 1 },
    };
    for (int i = 0; i < COUNT(cases); i++) {
        kv o = { cases[i].name, cases[i].value };
        char *line = line_of(cases[i].task, 0, &o, 1, NULL);
        refused(line, cases[i].want);
        free(line);
    }
    /* null arrays are not checked for length */
    kv nulls[] = { { "layer_dead_fraction", "null" }, { "layer_grad_norm", "null" } };
    char *line = line_of(1, 0, nulls, 2, NULL);
    record r;
    accepted(line, &r);
    ck_assert_int_eq(record_has(&r, RFI_layer_dead_fraction), 0);
    ck_assert_int_eq(record_has(&r, RFI_layer_grad_norm), 0);
    record_free(&r);
    free(line);
}
END_TEST

START_TEST(test_unknown_fields_ignored)
{
    char *line = line_of(0, 0, NULL, 0,
                         ", \"future\": 1, \"note\": \"x, y\", \"flag\": true, \"nothing\": null, \"rival_bogus\": 3");
    record r;
    accepted(line, &r);
    ck_assert(r.variability == 0.125);
    ck_assert_uint_eq(r.rivals, 0);
    ck_assert_uint_eq(
        r.present,
        (uint64_t)-1 >> (64 - RECORD_FIELD_COUNT) &
            ~(BIT(RFI_rival) | BIT(RFI_task) | BIT(RFI_cells) | BIT(RFI_rings) | BIT(RFI_frequency) | BIT(RFI_turns) |
              BIT(RFI_points) | BIT(RFI_test_grid) | BIT(RFI_csv_path) | BIT(RFI_csv_rows) | BIT(RFI_csv_targets) |
              BIT(RFI_test_fraction) | BIT(RFI_csv_hash) | BIT(RFI_layer_grad_norm) | BIT(RFI_init_loss) |
              BIT(RFI_init_accuracy) | BIT(RFI_optimizer) | BIT(RFI_lr) | BIT(RFI_max_steps) | BIT(RFI_steps) |
              BIT(RFI_diverged) | BIT(RFI_final_loss) | BIT(RFI_train_accuracy) | BIT(RFI_test_loss) |
              BIT(RFI_test_accuracy) | BIT(RFI_test_r2) | BIT(RFI_trainability) | BIT(RFI_train_seconds)));
    record_free(&r);
    free(line);
    /* an unknown field first, before `key` */
    char *base = line_of(0, 0, NULL, 0, NULL);
    char *first = cat("{\"zzz\": \"first\", %s", base + 1);
    accepted(first, &r);
    ck_assert_str_eq(r.key, "00000000000000aa");
    record_free(&r);
    free(first);
    free(base);
}
END_TEST

/* Fields in any order (here reversed) read the same. */
START_TEST(test_any_order)
{
    kv rev[COUNT(BASE)];
    for (int i = 0; i < COUNT(BASE); i++) rev[i] = BASE[COUNT(BASE) - 1 - i];
    char *line = cat("{");
    add_fields(&line, rev, COUNT(rev), NULL, 0);
    char *full = cat("%s}", line);
    record r;
    accepted(full, &r);
    ck_assert_str_eq(r.key, "00000000000000aa");
    ck_assert_int_eq(r.depth, 2);
    ck_assert(r.layer_collapse_ratio.v[0] == 1);
    record_free(&r);
    free(line);
    free(full);
}
END_TEST

START_TEST(test_duplicate_refused)
{
    static const char *dups[] = {
        ", \"depth\": 2",
        ", \"key\": \"00000000000000ab\"",
        ", \"error\": null",
        ", \"layer_dead_fraction\": [0, 0]",
        ", \"rival_snip\": 1, \"rival_snip\": 1",
    };
    static const char *names[] = { "'depth'", "'key'", "'error'", "'layer_dead_fraction'", "'rival_snip'" };
    for (int i = 0; i < 5; i++) {
        char *line = line_of(0, 0, NULL, 0, dups[i]);
        char want[64];
        snprintf(want, sizeof want, "field %s is given twice", names[i]);
        refused(line, want);
        free(line);
    }
    /* two different rivals are not duplicates */
    char *line = line_of(0, 0, NULL, 0, ", \"rival_snip\": 1, \"rival_synflow\": 2");
    record r;
    accepted(line, &r);
    ck_assert_uint_eq(r.rivals, 1u << MLPV_RIVAL_SNIP | 1u << MLPV_RIVAL_SYNFLOW);
    ck_assert(r.rival[MLPV_RIVAL_SYNFLOW] == 2);
    record_free(&r);
    free(line);
}
END_TEST

START_TEST(test_not_a_record)
{
    record r;
    static const char *junk[] = {
        "",    "\n",        "[1, 2]\n",         "\"text\"\n", "42\n",
        "{\n", "garbage\n", "{\"hello\": 1}\n", "{key: 1}\n", "{\"key\": \"00000000000000aa\"\n"
    };
    for (int i = 0; i < COUNT(junk); i++) {
        ck_assert_msg(parse(junk[i], &r) == -1, "accepted: %s", junk[i]);
        ck_assert_msg(err[0] != '\0', "no error for %s", junk[i]);
        ck_assert_ptr_null(r.owned);
    }
    refused("[1, 2]\n", "not a JSON object");
    refused("{\"hello\": 1}\n", "lacks field 'key'");
    /* the newline is optional */
    char *good = line_of(0, 0, NULL, 0, NULL);
    good[strlen(good) - 1] = '\0';
    accepted(good, &r);
    record_free(&r);
    free(good);
}
END_TEST

/* ---- docs/records.md against the schema ---- */

static const char *type_word(record_type t)
{
    switch (t) {
    case RF_STR: return "string";
    case RF_INT: return "integer";
    case RF_NUM:
    case RF_RIVALS: return "number";
    case RF_BOOL: return "boolean";
    default: return "array";
    }
}

static const char *presence_word(const record_field *f)
{
    switch (f->presence) {
    case RP_ALWAYS: return "always";
    case RP_TASK: return "task";
    case RP_GENERATED: return "generated";
    case RP_CSV: return "csv";
    case RP_TRAINED: return "trained";
    default: return f->type == RF_RIVALS ? "rival" : "its task";
    }
}

/* Cell c (0-based) of a table row, trimmed, into out. */
static void cell(const char *row, int c, char *out, size_t len)
{
    const char *p = row;
    for (int i = 0; i <= c; i++) {
        p = strchr(p, '|');
        ck_assert_ptr_nonnull(p);
        p++;
    }
    const char *e = strchr(p, '|');
    ck_assert_ptr_nonnull(e);
    while (p < e && *p == ' ') p++;
    while (e > p && e[-1] == ' ') e--;
    snprintf(out, len, "%.*s", (int)(e - p), p);
}

/* The schema's field names in order, rivals expanded: into names[], count returned. */
static int schema_names(char names[][48], int *field_of_name)
{
    int n = 0;
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
        if (RECORD_SCHEMA[i].type == RF_RIVALS) {
            for (int k = 0; k < MLPV_RIVAL_COUNT; k++) {
                field_of_name[n] = i;
                snprintf(names[n++], 48, "rival_%s", mlpv_rival_name((mlpv_rival)k));
            }
        } else {
            field_of_name[n] = i;
            snprintf(names[n++], 48, "%s", RECORD_SCHEMA[i].name);
        }
    }
    return n;
}

START_TEST(test_doc_table_matches_schema)
{
    char want[RECORD_FIELD_COUNT + MLPV_RIVAL_COUNT][48];
    int field[RECORD_FIELD_COUNT + MLPV_RIVAL_COUNT];
    int n_want = schema_names(want, field);
    char *doc = get_file(RECORDS_DOC, NULL);
    ck_assert_msg(doc != NULL, "cannot read %s", RECORDS_DOC);
    const char *sec = strstr(doc, "\n## The record\n");
    ck_assert_msg(sec != NULL, "%s has no '## The record' section", RECORDS_DOC);
    int n_doc = 0;
    for (const char *line = sec + 1; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "| `", 3) != 0) continue;
        const char *end = strchr(line, '\n');
        char row[4096];
        snprintf(row, sizeof row, "%.*s", end ? (int)(end - line) : (int)strlen(line), line);
        char names[1024], type[256], present[256];
        cell(row, 0, names, sizeof names);
        cell(row, 1, type, sizeof type);
        cell(row, 3, present, sizeof present);
        /* every `name` of the first cell, in order */
        for (const char *p = names; (p = strchr(p, '`')) != NULL;) {
            const char *q = strchr(p + 1, '`');
            ck_assert_ptr_nonnull(q);
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(q - p - 1), p + 1);
            p = q + 1;
            ck_assert_msg(n_doc < n_want, "%s lists '%s', a field the schema lacks (more fields than the schema)",
                          RECORDS_DOC, name);
            ck_assert_msg(!strcmp(name, want[n_doc]), "%s: field %d is '%s'; the schema's is '%s'", RECORDS_DOC,
                          n_doc + 1, name, want[n_doc]);
            const record_field *f = &RECORD_SCHEMA[field[n_doc]];
            ck_assert_msg(!strncmp(type, type_word(f->type), strlen(type_word(f->type))),
                          "%s: '%s' has type '%s'; the schema says %s", RECORDS_DOC, name, type, type_word(f->type));
            ck_assert_msg(!strcmp(present, presence_word(f)), "%s: '%s' is present '%s'; the schema says %s",
                          RECORDS_DOC, name, present, presence_word(f));
            n_doc++;
        }
    }
    ck_assert_msg(n_doc == n_want, "%s documents %d fields; the schema has %d (first missing: '%s')", RECORDS_DOC,
                  n_doc, n_want, n_doc < n_want ? want[n_doc] : "");
    free(doc);
}
END_TEST

/* The example line of docs/records.md, unwrapped, is a record, and the writer
 * writes it back byte for byte. */
START_TEST(test_doc_example_is_a_record)
{
    char *doc = get_file(RECORDS_DOC, NULL);
    ck_assert_ptr_nonnull(doc);
    const char *start = strstr(doc, "```json\n");
    ck_assert_msg(start != NULL, "%s has no example", RECORDS_DOC);
    start += 8;
    const char *end = strstr(start, "```");
    ck_assert_ptr_nonnull(end);
    char *line = malloc((size_t)(end - start) + 1);
    ck_assert_ptr_nonnull(line);
    size_t n = 0;
    for (const char *p = start; p < end; p++)
        if (*p != '\n') line[n++] = *p; /* wrapped lines go on with " " */
    line[n++] = '\n';
    line[n] = '\0';
    record r;
    accepted(line, &r);
    ck_assert_str_eq(r.status, "ok");
    ck_assert_int_eq(r.trained, 1);
    ck_assert_ptr_nonnull(r.task);
    char *out = written(&r);
    ck_assert_str_eq(out, line);
    record_free(&r);
    free(out);
    free(line);
    free(doc);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record_schema");
    TCase *tc = tcase_create("record");
    tcase_add_test(tc, test_full_parse_values);
    tcase_add_test(tc, test_full_round_trip);
    tcase_add_test(tc, test_struct_write_then_parse);
    tcase_add_test(tc, test_table_lines_parse);
    tcase_add_test(tc, test_missing_field_named);
    tcase_add_test(tc, test_presence_classes);
    tcase_add_test(tc, test_absent_numbers_nan);
    tcase_add_test(tc, test_wrong_types_named);
    tcase_add_test(tc, test_status_and_error);
    tcase_add_test(tc, test_depth_limits);
    tcase_add_test(tc, test_array_lengths);
    tcase_add_test(tc, test_unknown_fields_ignored);
    tcase_add_test(tc, test_any_order);
    tcase_add_test(tc, test_duplicate_refused);
    tcase_add_test(tc, test_not_a_record);
    tcase_add_test(tc, test_doc_table_matches_schema);
    tcase_add_test(tc, test_doc_example_is_a_record);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
