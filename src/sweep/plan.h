/* The plan of a sweep: everything every rank derives from the sweep file,
 * identically: the parts, their configurations in one list (each knows its
 * part), the work items (configuration x seed), each part's data, and the
 * cost model that orders the work and predicts its time. */
#ifndef MLPVAR_PLAN_H
#define MLPVAR_PLAN_H

#include <stddef.h>

#include "record.h"
#include "sweep_expand.h"

typedef struct {
    mlpv_sweep *parts;
    int n_parts;
    sweep_data *data; /* [n_parts] */
    uint64_t *key_prefix; /* [n_parts]: record_key_prefix of each part */
    sweep_config *configs;
    int n_configs;
    sweep_item *items;
    long n_items;
} plan;

/* Reads the sweep file and expands it, its files through src (sweep_source.h;
 * NULL: from disk). Returns 0; 2 with err on bad input (file, line and key
 * named); 1 when out of memory or a file cannot be read. */
int plan_load(plan *p, const char *path, sweep_source *src, char *err, size_t errlen);
void plan_free(plan *p);

const mlpv_sweep *plan_part(const plan *p, const sweep_item *it);
uint64_t plan_key(const plan *p, long item); /* = record_key of the item */

/* Estimated cost of an item in flop-equivalents: the landscape forward pass
 * (2 flops per weight, 200 per hidden unit value for the memory-bound passes,
 * 300 per layer, per grid point), plus training (6 per weight, 200 per unit
 * value and 800 per layer, per training point per step, with a CSV task's real
 * number of training rows). Orders the work (expensive first, so ranks finish
 * together) and is the ETA's prior. */
double plan_item_cost(const plan *p, long item);

/* The kind of an item for the ETA's learning: part x (measured only, trained)
 * x activation (the cost model counts flops alike for every activation; an
 * erf or a tanh per unit value costs more than a max). */
int plan_item_kind(const plan *p, long item);
int plan_kinds(const plan *p);

#endif
