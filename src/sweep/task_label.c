#include "task_label.h"

#include "mlpvar/grow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The knob field of a generated task's record (one of them is present). */
static long knob_of(const record *r)
{
    const record_field_id knobs[] = { RFI_cells, RFI_rings, RFI_frequency, RFI_turns };
    for (size_t i = 0; i < sizeof knobs / sizeof knobs[0]; i++)
        if (record_has(r, knobs[i])) return *(const long *)((const char *)r + RECORD_SCHEMA[knobs[i]].offset);
    return 0;
}

static int is_csv(const record *r) { return !strcmp(r->task, "csv"); }

void task_identity(const record *r, char *buf, size_t len)
{
    if (!record_has(r, RFI_task)) snprintf(buf, len, "%s", "");
    else if (is_csv(r))
        snprintf(buf, len, "csv hash=%s targets=%ld test_fraction=%.17g", r->csv_hash, r->csv_targets,
                 r->test_fraction);
    else snprintf(buf, len, "%s knob=%ld points=%ld test_grid=%ld", r->task, knob_of(r), r->points, r->test_grid);
}

/* The label of level 1, 2 or 3 of the task of identity i, r one of its records. */
static void label_at(int level, const record *r, const char *identity, char *buf, size_t len)
{
    if (level >= 3) {
        snprintf(buf, len, "%s", identity);
        return;
    }
    if (is_csv(r)) {
        const char *base = strrchr(r->csv_path, '/');
        base = base ? base + 1 : r->csv_path;
        if (level == 1) snprintf(buf, len, "%s", base);
        else snprintf(buf, len, "%s#%.8s", base, r->csv_hash);
    } else {
        if (level == 1) snprintf(buf, len, "%s:%ld", r->task, knob_of(r));
        else snprintf(buf, len, "%s:%ld (points %ld, test grid %ld)", r->task, knob_of(r), r->points, r->test_grid);
    }
}

int task_labels_build(task_labels *t, const record *rec, long n)
{
    memset(t, 0, sizeof *t);
    long *first = NULL; /* a record of each task */
    size_t cap_first = 0;
    char id[TASK_ID_MAX];
    for (long i = 0; i < n; i++) {
        task_identity(&rec[i], id, sizeof id);
        if (!id[0]) continue;
        int k = 0;
        while (k < t->n && strcmp(t->identity[k], id)) k++;
        if (k < t->n) continue;
        if (MLPV_GROW(first, cap_first, t->n + 1) || MLPV_GROW(t->identity, t->cap_id, t->n + 1) ||
            MLPV_GROW(t->label, t->cap_label, t->n + 1))
            goto oom;
        snprintf(t->identity[t->n], TASK_ID_MAX, "%s", id);
        first[t->n++] = i;
    }
    /* each task at the first level whose labels are unique across the set */
    for (int level = 1; level <= 3; level++) {
        for (int k = 0; k < t->n; k++) label_at(level, &rec[first[k]], t->identity[k], t->label[k], TASK_LABEL_MAX);
        int unique = 1;
        for (int a = 0; a < t->n && unique; a++)
            for (int b = a + 1; b < t->n && unique; b++) unique = strcmp(t->label[a], t->label[b]) != 0;
        if (unique) break;
    }
    free(first);
    return 0;
oom:
    free(first);
    task_labels_free(t);
    return -1;
}

const char *task_labels_of(const task_labels *t, const record *r)
{
    char id[TASK_ID_MAX];
    task_identity(r, id, sizeof id);
    for (int k = 0; id[0] && k < t->n; k++)
        if (!strcmp(t->identity[k], id)) return t->label[k];
    return "-";
}

void task_labels_free(task_labels *t)
{
    free(t->identity);
    free(t->label);
    memset(t, 0, sizeof *t);
}
