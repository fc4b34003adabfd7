#include "plan.h"

#include "mlpvar/grow.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int plan_load(plan *p, const char *path, sweep_source *src, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    int r = sweep_read_parts_from(path, src, &p->parts, &p->n_parts, err, errlen);
    if (r) return r == -2 ? 1 : 2; /* -2: the file could not be read (a system failure) */
    p->data = calloc((size_t)p->n_parts, sizeof(sweep_data));
    p->key_prefix = calloc((size_t)p->n_parts, sizeof(uint64_t));
    if (!p->data || !p->key_prefix) {
        snprintf(err, errlen, "out of memory");
        return 1;
    }
    for (int k = 0; k < p->n_parts; k++) p->key_prefix[k] = record_key_prefix(&p->parts[k]);
    size_t cap_c = 0, cap_i = 0;
    for (int k = 0; k < p->n_parts; k++) {
        const mlpv_sweep *s = &p->parts[k];
        sweep_config *cf;
        sweep_item *it;
        int nc;
        if (sweep_configs(s, &cf, &nc, err, errlen) != 0) return 2;
        for (int c = 0; c < nc; c++) assert(cf[c].spec.depth <= RECORD_MAX_DEPTH); /* the reader caps depth */
        long ni = sweep_items(s, nc, &it);
        if (ni < 0 || MLPV_GROW(p->configs, cap_c, p->n_configs + nc) || MLPV_GROW(p->items, cap_i, p->n_items + ni)) {
            free(cf);
            free(it);
            snprintf(err, errlen, "out of memory for the sweep's work items");
            return 1;
        }
        for (long i = 0; i < ni; i++) it[i].config += p->n_configs;
        memcpy(p->configs + p->n_configs, cf, sizeof(sweep_config) * (size_t)nc);
        if (ni) memcpy(p->items + p->n_items, it, sizeof(sweep_item) * (size_t)ni);
        p->n_configs += nc;
        p->n_items += ni;
        free(cf);
        free(it);
        if (sweep_data_load(s, src, &p->data[k], err, errlen) != 0) return 2;
    }
    return 0;
}

void plan_free(plan *p)
{
    for (int k = 0; p->data && k < p->n_parts; k++) sweep_data_free(&p->data[k]);
    free(p->data);
    free(p->key_prefix);
    free(p->items);
    free(p->configs);
    sweep_free_parts(p->parts, p->n_parts);
    memset(p, 0, sizeof *p);
}

const mlpv_sweep *plan_part(const plan *p, const sweep_item *it) { return &p->parts[p->configs[it->config].part]; }

uint64_t plan_key(const plan *p, long item)
{
    const sweep_item *it = &p->items[item];
    const sweep_config *c = &p->configs[it->config];
    return record_key_from(p->key_prefix[c->part], c, it);
}

double plan_item_cost(const plan *p, long item)
{
    const sweep_item *it = &p->items[item];
    const sweep_config *c = &p->configs[it->config];
    const mlpv_sweep *s = &p->parts[c->part];
    double params = (double)mlpv_spec_params(&c->spec);
    /* The GEMMs (2 flops per weight per point forward, 6 forward and back),
     * plus, in flop-equivalents, the passes over every unit's values (bias,
     * activation, the per-layer diagnostics; backprop's phi'), which are
     * memory-bound, and a per-layer overhead per point. At one budget a deep
     * narrow network does the same GEMM flops as a shallow wide one, in more,
     * smaller steps. The constants were fitted by least squares to the item
     * times of sweeps/reproduce-small.yaml on a 2-core Zen VM (relu, abs, tanh,
     * gelu): the worst configuration's time is 59% off for measuring and 30%
     * for training, where 10 and 20 flops per unit value left 89% and 64%; the
     * ETA rescales them per kind of item as it measures. */
    const double MEASURE_UNIT = 200, MEASURE_LAYER = 300, TRAIN_UNIT = 200, TRAIN_LAYER = 800;
    double units = (double)c->spec.depth * c->spec.width, layers = (double)c->spec.depth;
    double cost = (2.0 * params + MEASURE_UNIT * units + MEASURE_LAYER * layers) * s->grid * s->grid;
    if (it->train) {
        double points = (double)s->points;
        const mlpv_dataset *csv = &p->data[c->part].csv;
        if (s->task == MLPV_TASK_CSV && csv->n > 0) points = (double)csv->n * (1.0 - s->test_fraction);
        if (s->train.batch > 0 && (double)s->train.batch < points) points = (double)s->train.batch;
        cost += (6.0 * params + TRAIN_UNIT * units + TRAIN_LAYER * layers) * points * s->train.steps;
    }
    return cost;
}

int plan_item_kind(const plan *p, long item)
{
    const sweep_item *it = &p->items[item];
    const sweep_config *c = &p->configs[it->config];
    return (2 * c->part + (it->train != 0)) * MLPV_ACTIVATION_COUNT + (int)c->spec.activation;
}

int plan_kinds(const plan *p) { return 2 * p->n_parts * MLPV_ACTIVATION_COUNT; }
