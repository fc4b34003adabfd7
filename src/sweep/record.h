/* One unit of a sweep's work and its result: a (configuration, seed) network
 * measured at init and, if asked, trained. The record has a fixed layout so a
 * worker rank can send it to the master as one MPI message. */
#ifndef MLPVAR_RECORD_H
#define MLPVAR_RECORD_H

#include <stdint.h>
#include <stdio.h>

#include "mlpvar/rivals.h"
#include "sweep_file.h"

#define RECORD_MAX_DEPTH 512     /* deeper sweeps are refused when read */

typedef struct {
    int32_t item_valid;          /* 0 in a worker's first "ready" message */
    int32_t config;
    uint64_t seed;
    int32_t trained, has_task;
    int32_t status;              /* 0 ok, else an error during computation (out of memory) */
    int32_t collapsed, steps, diverged;
    double variability, collapse_ratio, measure_seconds;
    double init_loss, init_accuracy;
    double final_loss, train_accuracy, test_loss, test_accuracy, train_seconds;
    double rival[MLPV_RIVAL_COUNT];   /* rival at-init scores (rivals.h), those the sweep asks for */
    double layer_dead[RECORD_MAX_DEPTH];
    double layer_rho[RECORD_MAX_DEPTH];
    double layer_grad[RECORD_MAX_DEPTH + 1];   /* weights of layers 0..depth */
} sweep_record;

/* Data a rank loads once per sweep: the CSV task's train/test rows, else nothing. */
typedef struct {
    mlpv_dataset csv;            /* all rows of the CSV file, n = 0 if none */
} sweep_data;

int sweep_data_load(const mlpv_sweep *s, sweep_data *d, char *err, size_t errlen);
void sweep_data_free(sweep_data *d);

/* The stable key of an item: a hash of every setting its record depends on and
 * of its seed, not of the rank or the order of work. */
uint64_t record_key(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it);
/* The sweep's identity: a hash of its name and its parts' record-level settings
 * (task, training, measurement, init), not of its lists of shapes and seeds,
 * which may grow. */
void sweep_identity(const mlpv_sweep *parts, int n_parts, char *out, size_t len);

/* Computes an item's record; deterministic in (sweep settings, config, seed). */
void record_compute(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it,
                    const sweep_data *data, sweep_record *r);

/* Writes the record as one JSON line (ending in '\n') into a malloc'd buffer. */
char *record_json(const mlpv_sweep *s, const sweep_config *c, const sweep_record *r,
                  uint64_t key, size_t *len);

#endif
