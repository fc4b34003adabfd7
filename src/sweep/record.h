/* One unit of a sweep's work and its result: a (configuration, seed) network
 * measured at init and, if asked, trained, then written as one stored record
 * (record_schema.h). Whatever fails inside an item (out of memory, a
 * non-finite landscape, a training error) makes a failure record, never a
 * crash: status "failed", a one-line error, and null for every value that
 * was not computed. */
#ifndef MLPVAR_RECORD_H
#define MLPVAR_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "mlpvar/rivals.h"
#include "record_schema.h"
#include "sweep_file.h"

/* The record field of a generated task's knob (RFI_cells, ...). */
record_field_id sweep_knob_field(mlpv_task_kind k);

/* Data a rank loads once per sweep: the CSV task's rows, else nothing. */
typedef struct {
    mlpv_dataset csv; /* all rows of the CSV file, n = 0 if none */
} sweep_data;

/* From src's bytes when it holds the file (src may be NULL), else from disk. */
int sweep_data_load(const mlpv_sweep *s, const sweep_source *src, sweep_data *d, char *err, size_t errlen);
void sweep_data_free(sweep_data *d);

/* The rows an item of seed `seed` trains and is tested on, the training rows
 * also being the batch of its rivals: a CSV task's split of data->csv
 * (mlpv_dataset_split with s->test_fraction and the seed), or a 2-D task's
 * s->points sampled points and its test grid. Free both with
 * mlpv_dataset_free. 0, or -1 (out of memory) with both zeroed. */
int sweep_task_data(const mlpv_sweep *s, const sweep_data *data, uint64_t seed, mlpv_dataset *train,
                    mlpv_dataset *test);
/* Without a task, the rivals that read inputs get this many uniform points
 * on [-1,1]^2 (the checkerboard task's sample of the item's seed). */
#define SWEEP_RIVAL_POINTS 256

/* What a worker computed for one item. */
typedef struct {
    sweep_item item;
    int attempt; /* 1 for the first try; a rerun retries failed items */
    int failed; /* 1: error says why; values not computed are NaN / unset */
    char error[200];
    int measured, has_task, graded, trained_done; /* which phases completed */
    int collapsed, steps, diverged;
    double variability, collapse_ratio, measure_seconds;
    double init_loss, init_accuracy;
    double final_loss, train_accuracy, test_loss, test_accuracy, train_seconds;
    double test_r2; /* R^2 of the test set (real-valued targets); NaN otherwise */
    int regression; /* targets are not all +-1: judged by test loss, not accuracy */
    double rival[MLPV_RIVAL_COUNT]; /* those the sweep asks for; NaN when not computed */
    double *layer_dead, *layer_rho; /* [depth] */
    double *layer_grad; /* [depth + 1]: the weights of layers 0..depth */
    /* Only when the sweep's training options ask for the losses (train.keep_losses,
     * `mlpvar train --save`), else NULL: every step's loss and the weights that
     * training started from and ended with. */
    double *losses; /* [steps]: mlpv_train_result.losses */
    mlpv_net *init_net, *trained_net;
    double seconds; /* wall time of the whole item (the ETA learns from it) */
} item_result;

/* The stable key of an item: a hash of every setting its record depends on
 * (the network's shape and budget, the sweep's record-level settings) and of
 * its seed, not of the rank, the order of work or the attempt. */
uint64_t record_key(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it);
/* The same in two steps: the sweep's settings once (a hash state), then each item. */
uint64_t record_key_prefix(const mlpv_sweep *s);
uint64_t record_key_from(uint64_t prefix, const sweep_config *c, const sweep_item *it);
/* The sweep's identity: a hash of its name and its parts' record-level settings
 * (task, training, measurement, init), not of its lists of shapes and seeds,
 * which may grow. */
void sweep_identity(const mlpv_sweep *parts, int n_parts, char *out, size_t len);

/* Computes an item; deterministic in (sweep settings, config, seed). Never
 * fails as a call: a failure is recorded in r (free with item_result_free). */
void record_compute(const mlpv_sweep *s, const sweep_config *c, const sweep_item *it, int attempt,
                    const sweep_data *data, item_result *r);
void item_result_free(item_result *r);

/* The stored record of a computed item, with its key (record_key), as one
 * JSON line (ending in '\n') in a malloc'd buffer; NULL when out of memory. */
char *record_line(const mlpv_sweep *s, const sweep_config *c, const item_result *r, uint64_t key, size_t *len);

#endif
