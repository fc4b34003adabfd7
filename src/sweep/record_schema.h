/* The record schema: the one table of a stored record's fields, their types
 * and when they are present. The writer (record_write), the reader
 * (record_parse) and the analysis all go through it; docs/records.md
 * describes each field for users.
 *
 * A record is one JSON object on one line of DIR/results.jsonl. Presence:
 *   ALWAYS     in every record;
 *   TASK       when the record has a task (field `task`);
 *   GENERATED  when that task is a generated 2-D one (checkerboard, rings,
 *              sines, spirals), with its knob under its own name: cells,
 *              rings, frequency or turns (OPTIONAL in the table; the reader
 *              requires the one of the record's task);
 *   CSV        when that task is CSV data: the path as the sweep file wrote
 *              it, its rows, targets, test fraction and the hash of its bytes
 *              (the key and the manifest use the hash, not the path: an
 *              edited file is new work, a moved file is not);
 *   TRAINED    when `trained` is true;
 * and the rival scores rival_<name> (rivals.h), each present when the sweep
 * asked for it. `status` is "ok" or "failed"; a failed record has a one-line
 * `error` and null for every value the worker could not compute, never 0:
 * the fields marked nullable (1 below) may be null; the others are settings
 * and identities, always written. `attempt` counts tries of the same key (a rerun retries failed
 * items up to --retries attempts in all). `trainability` names the measure a
 * trained record is judged by: "accuracy" (targets are +-1 labels: sign
 * agreement on the test set) or "test_loss" (real-valued targets: the test
 * MSE, lower is better, with its R^2 in test_r2). */

#ifndef MLPVAR_RECORD_SCHEMA_H
#define MLPVAR_RECORD_SCHEMA_H

#define RECORD_MAX_DEPTH 512 /* deeper networks are refused by the sweep and by the reader */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mlpvar/rivals.h"

/* X(name, type, presence, nullable) */
#define RECORD_FIELDS(X)                                                                                               \
    X(key, STR, ALWAYS, 0)                                                                                             \
    X(sweep, STR, ALWAYS, 0)                                                                                           \
    X(config, INT, ALWAYS, 0)                                                                                          \
    X(part, INT, ALWAYS, 0)                                                                                            \
    X(activation, STR, ALWAYS, 0)                                                                                      \
    X(depth, INT, ALWAYS, 0)                                                                                           \
    X(width, INT, ALWAYS, 0)                                                                                           \
    X(budget, INT, ALWAYS, 0)                                                                                          \
    X(params, INT, ALWAYS, 0)                                                                                          \
    X(activations, INT, ALWAYS, 0)                                                                                     \
    X(activation_ratio, NUM, ALWAYS, 0)                                                                                \
    X(in_dim, INT, ALWAYS, 0)                                                                                          \
    X(out_dim, INT, ALWAYS, 0)                                                                                         \
    X(init, STR, ALWAYS, 0)                                                                                            \
    X(bias_std, NUM, ALWAYS, 0)                                                                                        \
    X(seed, INT, ALWAYS, 0)                                                                                            \
    X(grid, INT, ALWAYS, 0)                                                                                            \
    X(order, INT, ALWAYS, 0)                                                                                           \
    X(tau, NUM, ALWAYS, 0)                                                                                             \
    X(status, STR, ALWAYS, 0)                                                                                          \
    X(error, STR, ALWAYS, 1)                                                                                           \
    X(attempt, INT, ALWAYS, 0)                                                                                         \
    X(variability, NUM, ALWAYS, 1)                                                                                     \
    X(collapse_ratio, NUM, ALWAYS, 1)                                                                                  \
    X(collapsed, BOOL, ALWAYS, 1)                                                                                      \
    X(layer_dead_fraction, ARR, ALWAYS, 1)                                                                             \
    X(layer_collapse_ratio, ARR, ALWAYS, 1)                                                                            \
    X(measure_seconds, NUM, ALWAYS, 1)                                                                                 \
    X(rival, RIVALS, OPTIONAL, 1)                                                                                      \
    X(task, STR, TASK, 0)                                                                                              \
    X(cells, INT, OPTIONAL, 0)                                                                                         \
    X(rings, INT, OPTIONAL, 0)                                                                                         \
    X(frequency, INT, OPTIONAL, 0)                                                                                     \
    X(turns, INT, OPTIONAL, 0)                                                                                         \
    X(points, INT, GENERATED, 0)                                                                                       \
    X(test_grid, INT, GENERATED, 0)                                                                                    \
    X(csv_path, STR, CSV, 0)                                                                                           \
    X(csv_rows, INT, CSV, 0)                                                                                           \
    X(csv_targets, INT, CSV, 0)                                                                                        \
    X(test_fraction, NUM, CSV, 0)                                                                                      \
    X(csv_hash, STR, CSV, 0)                                                                                           \
    X(layer_grad_norm, ARR, TASK, 1)                                                                                   \
    X(init_loss, NUM, TASK, 1)                                                                                         \
    X(init_accuracy, NUM, TASK, 1)                                                                                     \
    X(trained, BOOL, ALWAYS, 0)                                                                                        \
    X(optimizer, STR, TRAINED, 0)                                                                                      \
    X(lr, NUM, TRAINED, 0)                                                                                             \
    X(max_steps, INT, TRAINED, 0)                                                                                      \
    X(steps, INT, TRAINED, 1)                                                                                          \
    X(diverged, BOOL, TRAINED, 1)                                                                                      \
    X(final_loss, NUM, TRAINED, 1)                                                                                     \
    X(train_accuracy, NUM, TRAINED, 1)                                                                                 \
    X(test_loss, NUM, TRAINED, 1)                                                                                      \
    X(test_accuracy, NUM, TRAINED, 1)                                                                                  \
    X(test_r2, NUM, TRAINED, 1)                                                                                        \
    X(trainability, STR, TRAINED, 0)                                                                                   \
    X(train_seconds, NUM, TRAINED, 1)

typedef enum { RF_STR, RF_INT, RF_NUM, RF_BOOL, RF_ARR, RF_RIVALS } record_type;
typedef enum { RP_ALWAYS, RP_TASK, RP_GENERATED, RP_CSV, RP_TRAINED, RP_OPTIONAL } record_presence;

typedef enum {
#define X(name, type, presence, nullable) RFI_##name,
    RECORD_FIELDS(X)
#undef X
        RECORD_FIELD_COUNT
} record_field_id;

_Static_assert(RECORD_FIELD_COUNT <= 64, "presence and null are 64-bit masks");
_Static_assert(MLPV_RIVAL_COUNT <= 32, "rival presence is a 32-bit mask");

typedef struct {
    double *v;
    int n;
} record_array;

/* The C type of each schema type. */
typedef const char *record_STR;
typedef long record_INT;
typedef double record_NUM;
typedef int record_BOOL;
typedef record_array record_ARR;
typedef double record_RIVALS[MLPV_RIVAL_COUNT];

typedef struct {
#define X(name, type, presence, nullable) record_##type name;
    RECORD_FIELDS(X)
#undef X
    unsigned rivals; /* bit r: rival_<name r> present */
    uint64_t present; /* bit RFI_x: field x present */
    uint64_t null; /* bit RFI_x: field x present and null (numbers: also NaN) */
    char *owned; /* the reader's one allocation behind strings and arrays, or NULL */
} record;

typedef struct {
    const char *name;
    record_type type;
    record_presence presence;
    int nullable;
    size_t offset; /* of the value in record */
} record_field;

extern const record_field RECORD_SCHEMA[RECORD_FIELD_COUNT];

/* 1 when field f is present and not null. */
int record_has(const record *r, record_field_id f);

/* Writes r as one JSON line (ending in '\n') to f, fields in schema order; a
 * field is written when its presence class applies (TASK: r->task not NULL;
 * TRAINED: r->trained), null when marked null or a non-finite number. */
void record_write(FILE *f, const record *r);

/* Parses one JSON line into r (zeroed first; record_free releases it).
 * Returns 0, or -1 with one line in err naming the field: a line that is not
 * a JSON object, a field of the wrong type, a missing field its presence
 * class requires. Unknown fields are ignored. */
int record_parse(const char *line, size_t len, record *r, char *err, size_t errlen);
void record_free(record *r);

#endif
