/* What task a record was trained on: its identity (everything that makes two
 * records' tasks the same task) and a label for people, unique within a set
 * of records. Used by `mlpvar results`, `mlpvar analyze` and
 * analysis/mlpvar_results.py (which mirrors these rules).
 *
 * Identity: a generated task by its name, knob, points and test grid; a CSV
 * task by the hash of its bytes, its targets and its test fraction (not its
 * path: the same file reached by two paths is one task).
 * Label, the first of these that is unique among the set's identities:
 *   1. "checkerboard:8" (name:knob), or the CSV file's basename "data.csv";
 *   2. "checkerboard:8 (points 1024, test grid 64)", or "data.csv#1a2b3c4d"
 *      (the first 8 hex digits of its hash);
 *   3. the identity itself. */
#ifndef MLPVAR_TASK_LABEL_H
#define MLPVAR_TASK_LABEL_H

#include <stddef.h>

#include "record_schema.h"

#define TASK_ID_MAX 160
#define TASK_LABEL_MAX 128

/* The identity of r's task into buf ("" when r has no task). */
void task_identity(const record *r, char *buf, size_t len);

typedef struct {
    int n;
    char (*identity)[TASK_ID_MAX];
    char (*label)[TASK_LABEL_MAX];
    size_t cap_id, cap_label;
} task_labels;

/* The distinct tasks of rec[0..n-1] and their labels. 0, or -1 (out of memory). */
int task_labels_build(task_labels *t, const record *rec, long n);
/* r's label ("-" when r has no task or its task is not in the set). */
const char *task_labels_of(const task_labels *t, const record *r);
void task_labels_free(task_labels *t);

#endif
