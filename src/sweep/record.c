/* Computing and writing one sweep record. */
#include "record.h"
#include "record_schema.h"
#include "store.h"

#include "mlpvar/measure.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"

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

int sweep_data_load(const mlpv_sweep *s, sweep_data *d, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    if (s->has_task && s->task == MLPV_TASK_CSV)
        return mlpv_csv_read(s->csv_path, s->csv_targets, &d->csv, err, errlen);
    return 0;
}

void sweep_data_free(sweep_data *d)
{
    mlpv_dataset_free(&d->csv);
}

/* Every setting a record depends on, as text; %.17g keeps doubles exact. */
static void settings_text(const mlpv_sweep *s, char *buf, size_t len)
{
    const mlpv_train_opts *t = &s->train;
    int n = snprintf(buf, len, "mlpvar-record-1|init=%s,%.17g|measure=%d,%d,%.17g,%d",
                     mlpv_init_name(s->init), s->bias_std, s->grid, s->order, s->tau, (int)s->precision);
    if (s->rivals && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "|rivals=%x", s->rivals);
    if (s->has_task && n > 0 && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, "|task=%s,%d,%ld,%d,%s,%d,%.17g", mlpv_task_name(s->task),
                      s->knob, s->points, s->test_grid, s->csv_path ? s->csv_path : "", s->csv_targets,
                      s->test_fraction);
    if (s->has_train && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "|train=%s,%.17g,%d,%ld,%.17g,%d,%.17g,%.17g,%.17g,%.17g,%d",
                 mlpv_optimizer_name(t->optimizer), t->lr, t->steps, t->batch, t->target_accuracy,
                 t->check_every, t->beta1, t->beta2, t->eps, t->momentum, (int)t->precision);
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

uint64_t record_key(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it)
{
    char buf[2048], full[2600];
    settings_text(s, buf, sizeof buf);
    const mlpv_spec *p = &c->spec;
    snprintf(full, sizeof full, "%s|net=%s,%d,%d,%d,%d|seed=%llu|trained=%d", buf,
             mlpv_activation_name(p->activation), p->depth, p->width, p->in_dim, p->out_dim,
             (unsigned long long)it->seed, it->train);
    return store_hash(full);
}

/* The rivals the sweep asks for, on the network at init; batch: the training
 * points (or uniform points when there is no task). */
static void rival_scores(const mlpv_sweep *s, const mlpv_net *net, const mlpv_dataset *batch, uint64_t seed,
                         sweep_record *r)
{
    mlpv_rival_opts o = mlpv_rival_defaults();
    o.slice_seed = seed;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
        if (s->rivals & (1u << k)) mlpv_rival_score((mlpv_rival)k, net, batch, &o, &r->rival[k]);
}

void record_compute(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it,
                    const sweep_data *data, sweep_record *r)
{
    memset(r, 0, sizeof *r);
    r->item_valid = 1;
    r->config = it->config;
    r->seed = it->seed;
    r->trained = it->train;
    r->has_task = s->has_task;
    int L = c->spec.depth;
    double t0 = now();
    mlpv_net *net = mlpv_net_random(&c->spec, it->seed);
    mlpv_layer_diag *diag = malloc(sizeof(mlpv_layer_diag) * (size_t)L);
    mlpv_grid_opts g = mlpv_grid_defaults(s->grid);
    g.precision = s->precision;
    g.slice_seed = it->seed;
    mlpv_measurement m;
    if (!net || !diag || mlpv_measure_net(net, &g, s->order, s->tau, &m, diag) != 0) {
        r->status = 1;
        goto done;
    }
    r->variability = m.variability;
    r->collapse_ratio = m.collapse_ratio;
    r->collapsed = m.collapsed;
    for (int l = 0; l < L; l++) { r->layer_dead[l] = diag[l].dead_fraction; r->layer_rho[l] = diag[l].collapse_ratio; }
    r->measure_seconds = now() - t0;
    r->init_loss = r->init_accuracy = r->final_loss = r->train_accuracy = NAN;
    r->test_loss = r->test_accuracy = NAN;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) r->rival[k] = NAN;
    if (s->has_task) {
        mlpv_dataset train = { 0 }, test = { 0 };
        int rc = s->task == MLPV_TASK_CSV
                   ? mlpv_dataset_split(&data->csv, s->test_fraction, it->seed, &train, &test)
                   : (mlpv_task_sample(s->task, s->knob, s->points, it->seed, &train) ||
                      mlpv_task_grid(s->task, s->knob, s->test_grid, &test));
        if (rc != 0) r->status = 1;
        else {
            rival_scores(s, net, &train, it->seed, r);
            mlpv_layer_grad_norms(net, &train, r->layer_grad);
            mlpv_evaluate(net, &train, &r->init_loss, &r->init_accuracy);
            if (it->train) {
                mlpv_train_result res;
                if (mlpv_train(net, &train, &test, &s->train, it->seed, &res) != 0) r->status = 1;
                r->final_loss = res.final_loss;
                r->train_accuracy = res.train_accuracy;
                r->test_loss = res.test_loss;
                r->test_accuracy = res.test_accuracy;
                r->steps = res.steps;
                r->diverged = res.diverged;
                r->train_seconds = res.seconds;
            }
        }
        mlpv_dataset_free(&train);
        mlpv_dataset_free(&test);
    } else if (s->rivals) {
        /* no task: the rivals that read inputs get uniform points (targets unused) */
        mlpv_dataset pts = { 0 };
        if (mlpv_task_sample(MLPV_TASK_CHECKERBOARD, 1, 256, it->seed, &pts) == 0) rival_scores(s, net, &pts, it->seed, r);
        mlpv_dataset_free(&pts);
    }
done:
    free(diag);
    mlpv_net_free(net);
}

/* The stored record of a computed item: configuration and settings beside the
 * results. Strings and arrays point into s, c and r. */
static void to_record(const mlpv_sweep *s, const sweep_config *c, const sweep_record *r, const char *key,
                      record *out)
{
    const mlpv_spec *p = &c->spec;
    memset(out, 0, sizeof *out);
    out->key = key;
    out->sweep = s->name;
    out->config = r->config;
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
    out->seed = (long)r->seed;
    out->grid = s->grid;
    out->order = s->order;
    out->tau = s->tau;
    out->ok = r->status == 0;
    out->variability = r->variability;
    out->collapse_ratio = r->collapse_ratio;
    out->collapsed = r->collapsed;
    out->layer_dead_fraction = (record_array){ (double *)r->layer_dead, p->depth };
    out->layer_collapse_ratio = (record_array){ (double *)r->layer_rho, p->depth };
    out->measure_seconds = r->measure_seconds;
    out->rivals = s->rivals;
    memcpy(out->rival, r->rival, sizeof out->rival);
    if (s->has_task) {
        out->task = mlpv_task_name(s->task);
        out->knob = s->knob;
        out->layer_grad_norm = (record_array){ (double *)r->layer_grad, p->depth + 1 };
        out->init_loss = r->init_loss;
        out->init_accuracy = r->init_accuracy;
    }
    out->trained = r->trained;
    if (r->trained) {
        out->optimizer = mlpv_optimizer_name(s->train.optimizer);
        out->lr = s->train.lr;
        out->max_steps = s->train.steps;
        out->steps = r->steps;
        out->diverged = r->diverged;
        out->final_loss = r->final_loss;
        out->train_accuracy = r->train_accuracy;
        out->test_loss = r->test_loss;
        out->test_accuracy = r->test_accuracy;
        out->train_seconds = r->train_seconds;
    }
}

char *record_json(const mlpv_sweep *s, const sweep_config *c, const sweep_record *r,
                  uint64_t key, size_t *len)
{
    char *buf = NULL, hex[17];
    FILE *f = open_memstream(&buf, len);
    if (!f) return NULL;
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)key);
    record out;
    to_record(s, c, r, hex, &out);
    record_write(f, &out);
    if (fclose(f) != 0) { free(buf); return NULL; }
    return buf;
}
