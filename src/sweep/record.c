/* Computing one item and writing its record. */
#include "record.h"
#include "record_schema.h"
#include "store.h"

#include "mlpvar/measure.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

record_field_id sweep_knob_field(mlpv_task_kind k)
{
    static const record_field_id field[] = { RFI_cells, RFI_rings, RFI_frequency, RFI_turns };
    _Static_assert(MLPV_TASK_CSV == 4, "one knob field per generated task");
    assert(k >= 0 && k < MLPV_TASK_CSV);
    return field[k];
}

int sweep_data_load(const mlpv_sweep *s, const sweep_source *src, sweep_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (!s->has_task || s->task != MLPV_TASK_CSV) return 0;
    const source_file *held = source_find(src, s->csv_path);
    if (held) return mlpv_csv_read_mem(s->csv_path, held->bytes, held->len, s->csv_targets, &d->csv, err, errlen);
    return mlpv_csv_read(s->csv_path, s->csv_targets, &d->csv, err, errlen);
}

void sweep_data_free(sweep_data *d) { mlpv_dataset_free(&d->csv); }

/* Every setting a record depends on, as text; %.17g keeps doubles exact. */
static void settings_text(const mlpv_sweep *s, char *buf, size_t len)
{
    const mlpv_train_opts *t = &s->train;
    int n = snprintf(buf, len, "mlpvar-record-2|init=%s,%.17g|measure=%d,%d,%.17g,%d", mlpv_init_name(s->init),
                     s->bias_std, s->grid, s->order, s->tau, (int)s->precision);
    if (s->rivals && n > 0 && (size_t)n < len) n += snprintf(buf + n, len - (size_t)n, "|rivals=%x", s->rivals);
    /* a CSV task by the hash of its bytes, not its path: an edited file is new work, a moved one is not */
    if (s->has_task && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "|task=%s,%d,%ld,%d,%s,%d,%.17g", mlpv_task_name(s->task),
                      s->task == MLPV_TASK_CSV ? 0 : s->knob, s->points, s->test_grid,
                      s->task == MLPV_TASK_CSV ? s->csv_hash : "", s->csv_targets, s->test_fraction);
    if (s->has_train && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "|train=%s,%.17g,%d,%ld,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%d",
                 mlpv_optimizer_name(t->optimizer), t->lr, t->steps, t->batch, t->target_accuracy, t->check_every,
                 t->beta1, t->beta2, t->eps, t->momentum, (int)t->precision);
}

void sweep_identity(const mlpv_sweep *parts, int n_parts, char *out, size_t len)
{
    uint64_t h = store_hash(parts[0].name);
    for (int k = 0; k < n_parts; k++) {
        char buf[2048];
        settings_text(&parts[k], buf, sizeof buf);
        h = mlpv_mix64(h ^ store_hash(buf));
    }
    snprintf(out, len, "%016llx", (unsigned long long)h);
}

uint64_t record_key_prefix(const mlpv_sweep *s)
{
    char buf[2048];
    settings_text(s, buf, sizeof buf);
    return store_fnv(STORE_FNV_START, buf);
}

uint64_t record_key_from(uint64_t prefix, const sweep_config *c, const sweep_item *it)
{
    char net[256];
    const mlpv_spec *p = &c->spec;
    /* the budget too: two budgets that give the same width at some depth are two records */
    snprintf(net, sizeof net, "|net=%s,%d,%d,%d,%d,%ld|seed=%llu|trained=%d", mlpv_activation_name(p->activation),
             p->depth, p->width, p->in_dim, p->out_dim, c->budget, (unsigned long long)it->seed, it->train);
    return store_hash_finish(store_fnv(prefix, net));
}

uint64_t record_key(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it)
{
    return record_key_from(record_key_prefix(s), c, it);
}

/* The rivals the sweep asks for, on the network at init; batch: the training
 * points (or uniform points when there is no task). A rival that cannot be
 * computed stays NaN (null); that is a value, not a failure of the item. */
static void rival_scores(const mlpv_sweep *s, const mlpv_net *net, const mlpv_dataset *batch, uint64_t seed,
                         item_result *r)
{
    mlpv_rival_opts o = mlpv_rival_defaults();
    o.slice_seed = seed;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
        if (s->rivals & (1u << k)) mlpv_rival_score((mlpv_rival)k, net, batch, &o, &r->rival[k]);
}

static void fail(item_result *r, const char *what)
{
    if (r->failed) return; /* the first cause is the one to fix */
    r->failed = 1;
    snprintf(r->error, sizeof r->error, "%s", what);
}

/* Measurement at init: V, collapse, per-layer diagnostics. 0, or -1 (failed). */
static int measure(const mlpv_sweep *s, const mlpv_net *net, uint64_t seed, item_result *r)
{
    int L = net->spec.depth;
    double t0 = now();
    mlpv_layer_diag *diag = malloc(sizeof(mlpv_layer_diag) * (size_t)L);
    mlpv_grid_opts g = mlpv_grid_defaults(s->grid);
    g.precision = s->precision;
    g.slice_seed = seed;
    mlpv_measurement m;
    int rc = diag ? mlpv_measure_net(net, &g, s->order, s->tau, &m, diag) : -1;
    if (rc == 0 && (!isfinite(m.variability) || !isfinite(m.collapse_ratio))) {
        fail(r, "the landscape is not finite (the output overflows on the grid)");
        rc = -1;
    } else if (rc != 0) {
        fail(r, "out of memory measuring the landscape");
    } else {
        r->variability = m.variability;
        r->collapse_ratio = m.collapse_ratio;
        r->collapsed = m.collapsed;
        for (int l = 0; l < L; l++) {
            r->layer_dead[l] = diag[l].dead_fraction;
            r->layer_rho[l] = diag[l].collapse_ratio;
        }
        r->measured = 1;
    }
    r->measure_seconds = now() - t0;
    free(diag);
    return rc;
}

int sweep_task_data(const mlpv_sweep *s, const sweep_data *data, uint64_t seed, mlpv_dataset *train, mlpv_dataset *test)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    int rc = s->task == MLPV_TASK_CSV ? mlpv_dataset_split(&data->csv, s->test_fraction, seed, train, test)
                                      : (mlpv_task_sample(s->task, s->knob, s->points, seed, train) ||
                                         mlpv_task_grid(s->task, s->knob, s->test_grid, test));
    if (rc) {
        mlpv_dataset_free(train);
        mlpv_dataset_free(test);
    }
    return rc ? -1 : 0;
}

/* sweep_task_data for an item: a failure is recorded. 0, or -1 (failed). */
static int task_data(const mlpv_sweep *s, const sweep_data *data, uint64_t seed, mlpv_dataset *train,
                     mlpv_dataset *test, item_result *r)
{
    if (sweep_task_data(s, data, seed, train, test) == 0) return 0;
    fail(r, "out of memory making the task's data");
    return -1;
}

/* A copy of net's double weights (NULL on OOM). */
static mlpv_net *net_copy(const mlpv_net *net)
{
    mlpv_net *c = mlpv_net_alloc(&net->spec);
    if (c) {
        memcpy(c->store, net->store, sizeof(double) * (size_t)mlpv_net_param_count(net));
        mlpv_net_sync_float(c);
    }
    return c;
}

/* Trains net; with s->train.keep_losses also keeps the losses and the
 * weights before and after (for mlpvar train --save). */
static void train(const mlpv_sweep *s, mlpv_net *net, const mlpv_dataset *tr, const mlpv_dataset *te, uint64_t seed,
                  item_result *r)
{
    mlpv_train_result res;
    memset(&res, 0, sizeof res);
    int keep = s->train.keep_losses;
    if (keep && !(r->init_net = net_copy(net))) {
        fail(r, "out of memory keeping the initial weights");
        return;
    }
    if (mlpv_train(net, tr, te, &s->train, seed, &res) != 0) {
        fail(r, "out of memory training");
        return;
    }
    r->final_loss = res.final_loss;
    r->train_accuracy = res.train_accuracy;
    r->test_loss = res.test_loss;
    r->test_accuracy = res.test_accuracy;
    r->test_r2 = res.test_r2;
    r->steps = res.steps;
    r->diverged = res.diverged;
    r->train_seconds = res.seconds;
    r->losses = res.losses;
    if (keep && !(r->trained_net = net_copy(net))) {
        fail(r, "out of memory keeping the trained weights");
        return;
    }
    r->trained_done = 1;
}

/* Fault injection for the tests (as SQLite does): MLPVAR_FAIL_SEEDS=3,5 makes
 * the items of those seeds fail before anything is computed. */
static int injected_failure(uint64_t seed)
{
    const char *v = getenv("MLPVAR_FAIL_SEEDS");
    while (v && *v) {
        char *end;
        unsigned long long x = strtoull(v, &end, 10);
        if (end == v) return 0;
        if (x == seed) return 1;
        v = *end == ',' ? end + 1 : end;
    }
    return 0;
}

void record_compute(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it, int attempt,
                    const sweep_data *data, item_result *r)
{
    double t0 = now();
    int L = c->spec.depth;
    memset(r, 0, sizeof *r);
    r->item = *it;
    r->attempt = attempt;
    r->has_task = s->has_task;
    r->variability = r->collapse_ratio = r->measure_seconds = NAN;
    r->init_loss = r->init_accuracy = r->final_loss = r->train_accuracy = NAN;
    r->test_loss = r->test_accuracy = r->test_r2 = r->train_seconds = NAN;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) r->rival[k] = NAN;
    r->layer_dead = malloc(sizeof(double) * (size_t)L);
    r->layer_rho = malloc(sizeof(double) * (size_t)L);
    r->layer_grad = malloc(sizeof(double) * (size_t)(L + 1));
    mlpv_net *net = mlpv_net_random(&c->spec, it->seed);
    if (!r->layer_dead || !r->layer_rho || !r->layer_grad || !net) {
        fail(r, "out of memory for the network");
    } else if (injected_failure(it->seed)) {
        fail(r, "injected failure (MLPVAR_FAIL_SEEDS)");
    } else if (measure(s, net, it->seed, r) == 0 && s->has_task) {
        mlpv_dataset tr = { 0 }, te = { 0 };
        /* judged by test loss and R^2 when the targets are not all +-1 (known before any split) */
        r->regression = s->task == MLPV_TASK_CSV && !data->csv.labels_pm1;
        if (task_data(s, data, it->seed, &tr, &te, r) == 0) {
            rival_scores(s, net, &tr, it->seed, r);
            mlpv_layer_grad_norms(net, &tr, r->layer_grad);
            r->graded = 1;
            mlpv_evaluate(net, &tr, &r->init_loss, &r->init_accuracy);
            if (it->train) train(s, net, &tr, &te, it->seed, r);
        }
        mlpv_dataset_free(&tr);
        mlpv_dataset_free(&te);
    } else if (r->measured && s->rivals) {
        /* no task: the rivals that read inputs get uniform points (targets unused) */
        mlpv_dataset pts = { 0 };
        if (mlpv_task_sample(MLPV_TASK_CHECKERBOARD, 1, SWEEP_RIVAL_POINTS, it->seed, &pts) == 0)
            rival_scores(s, net, &pts, it->seed, r);
        else fail(r, "out of memory for the rivals' points");
        mlpv_dataset_free(&pts);
    }
    mlpv_net_free(net);
    r->seconds = now() - t0;
}

void item_result_free(item_result *r)
{
    free(r->layer_dead);
    free(r->layer_rho);
    free(r->layer_grad);
    free(r->losses);
    mlpv_net_free(r->init_net);
    mlpv_net_free(r->trained_net);
    r->layer_dead = r->layer_rho = r->layer_grad = r->losses = NULL;
    r->init_net = r->trained_net = NULL;
}

/* The stored record of a computed item: configuration and settings beside the
 * results. Strings and arrays point into s, c and r. */
static void to_record(const mlpv_sweep *s, const sweep_config *c, const item_result *r, const char *key, record *out)
{
    const mlpv_spec *p = &c->spec;
    memset(out, 0, sizeof *out);
    out->key = key;
    out->sweep = s->name;
    out->config = r->item.config;
    out->part = c->part;
    out->activation = mlpv_activation_name(p->activation);
    out->depth = p->depth;
    out->width = p->width;
    out->budget = c->budget;
    out->params = mlpv_spec_params(p);
    out->activations = mlpv_spec_activations(p);
    out->activation_ratio = mlpv_spec_activation_ratio(p);
    out->in_dim = p->in_dim;
    out->out_dim = p->out_dim;
    out->init = mlpv_init_name(p->init);
    out->bias_std = p->bias_std;
    out->seed = (long)r->item.seed;
    out->grid = s->grid;
    out->order = s->order;
    out->tau = s->tau;
    out->status = r->failed ? "failed" : "ok";
    out->error = r->failed ? r->error : NULL;
    out->attempt = r->attempt;
    uint64_t null = 0;
    if (!r->failed) null |= (uint64_t)1 << RFI_error;
    out->variability = r->variability;
    out->collapse_ratio = r->collapse_ratio;
    out->collapsed = r->collapsed;
    out->layer_dead_fraction = (record_array){ r->layer_dead, p->depth };
    out->layer_collapse_ratio = (record_array){ r->layer_rho, p->depth };
    if (!r->measured)
        null |= (uint64_t)1 << RFI_collapsed | (uint64_t)1 << RFI_layer_dead_fraction |
                (uint64_t)1 << RFI_layer_collapse_ratio;
    out->measure_seconds = r->measure_seconds;
    out->rivals = s->rivals;
    memcpy(out->rival, r->rival, sizeof out->rival);
    if (s->has_task) {
        out->task = mlpv_task_name(s->task);
        if (s->task == MLPV_TASK_CSV) {
            out->csv_path = s->csv_path_written ? s->csv_path_written : s->csv_path;
            out->csv_rows = s->csv_rows;
            out->csv_targets = s->csv_targets;
            out->test_fraction = s->test_fraction;
            out->csv_hash = s->csv_hash;
        } else {
            record_field_id knob = sweep_knob_field(s->task);
            *(long *)((char *)out + RECORD_SCHEMA[knob].offset) = s->knob;
            out->present |= (uint64_t)1 << knob;
            out->points = s->points;
            out->test_grid = s->test_grid;
        }
        out->layer_grad_norm = (record_array){ r->layer_grad, p->depth + 1 };
        if (!r->graded) null |= (uint64_t)1 << RFI_layer_grad_norm;
        out->init_loss = r->init_loss;
        out->init_accuracy = r->init_accuracy;
    }
    out->trained = r->item.train;
    if (r->item.train) {
        out->optimizer = mlpv_optimizer_name(s->train.optimizer);
        out->lr = s->train.lr;
        out->max_steps = s->train.steps;
        out->steps = r->steps;
        out->diverged = r->diverged;
        if (!r->trained_done) null |= (uint64_t)1 << RFI_steps | (uint64_t)1 << RFI_diverged;
        out->final_loss = r->final_loss;
        out->train_accuracy = r->train_accuracy;
        out->test_loss = r->test_loss;
        out->test_accuracy = r->test_accuracy;
        out->test_r2 = r->test_r2;
        out->trainability = r->regression ? "test_loss" : "accuracy";
        out->train_seconds = r->train_seconds;
    }
    out->null = null;
}

char *record_line(const mlpv_sweep *s, const sweep_config *c, const item_result *r, uint64_t key, size_t *len)
{
    char *buf = NULL, hex[17];
    FILE *f = open_memstream(&buf, len);
    if (!f) return NULL;
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)key);
    record out;
    to_record(s, c, r, hex, &out);
    record_write(f, &out);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
