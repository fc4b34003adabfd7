/* Sweep files: YAML read with libyaml's document API into an mlpv_sweep, every
 * value validated; each error is one line "FILE:LINE: key 'K': what; how to fix".
 * This file holds the top level (name, parts, the checks of sizes) and the
 * public readers; one part's keys are read in sweep_part.c. The typed values come
 * from sweep_yaml.c; the expansion into configurations (sweep_expand.c) checks
 * every budget against every depth. */
#include "sweep_file.h"
#include "sweep_file_internal.h"
#include "sweep_check.h"
#include "sweep_yaml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the top level of a sweep file ---- */

/* Indexed by the T_* of sweep_file_internal.h, in the same order. */
static const char *const TOP_KEYS[] = { "name", "activations", "budget", "widths",  "depths", "seeds",
                                        "init", "task",        "train",  "measure", "parts",  NULL };
/* A part may set every top-level key but name and parts. */
static const char *const PART_KEYS[] = { "activations", "budget", "widths", "depths",  "seeds",
                                         "init",        "task",   "train",  "measure", NULL };
static const int PART_TO_TOP[] = { T_ACTS, T_BUDGET, T_WIDTHS, T_DEPTHS, T_SEEDS, T_INIT, T_TASK, T_TRAIN, T_MEASURE };

static int parse_name(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    const char *name;
    yaml_node_t *n = top->val[T_NAME];
    if (!n) return sy_fail_line(c, top->line, "name", "missing; add name: my_sweep");
    if (sy_get_string(c, n, "name", &name)) return -1;
    size_t len = strlen(name);
    int ok = len >= 1 && len <= 200 && name[0] != '.';
    for (const char *p = name; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
             *p == '-' || *p == '.';
    if (!ok)
        return SY_FAIL(c, n, "name",
                       "'%s' is not a valid name (it names output files); use 1 to 200 letters, "
                       "digits, '_', '-' or '.', not starting with '.'",
                       name);
    s->name = strdup(name);
    return s->name ? 0 : SY_FAIL(c, n, "name", "out of memory");
}

static void defaults(mlpv_sweep *s);

/* A part's section: the top level's values, overridden by the part's own; budget
 * and widths count as one key (a part giving either replaces both). */
static int merge_part(sy_ctx *c, const sy_section *top, yaml_node_t *part, sy_section *out)
{
    sy_section own;
    if (part->type != YAML_MAPPING_NODE)
        return SY_FAIL(c, part, "parts", "each part must be a mapping of keys (activations: ..., task: ...)");
    if (sy_read_section(c, part, "a part", "parts", sy_line_of(part), PART_KEYS, &own)) return -1;
    *out = *top;
    out->line = own.line;
    int sizes = own.val[1] || own.val[2]; /* budget or widths */
    if (sizes) out->key[T_BUDGET] = out->val[T_BUDGET] = out->key[T_WIDTHS] = out->val[T_WIDTHS] = NULL;
    for (int i = 0; PART_KEYS[i]; i++)
        if (own.val[i]) {
            out->key[PART_TO_TOP[i]] = own.key[i];
            out->val[PART_TO_TOP[i]] = own.val[i];
        }
    return 0;
}

/* The top level: one sweep, or with `parts:` one sweep per part sharing the name. */
static int parse_top(sy_ctx *c, yaml_node_t *root, mlpv_sweep **parts, int *n_parts)
{
    sy_section top;
    if (root->type != YAML_MAPPING_NODE)
        return SY_FAIL(c, root, NULL,
                       "the top level must be a mapping of keys (name: ..., activations: ...); "
                       "start from sweeps/reference.yaml");
    if (sy_read_section(c, root, "the top level", NULL, sy_line_of(root), TOP_KEYS, &top)) return -1;
    yaml_node_t *pl = top.val[T_PARTS];
    if (pl && (pl->type != YAML_SEQUENCE_NODE || pl->data.sequence.items.start == pl->data.sequence.items.top))
        return SY_FAIL(c, pl, "parts",
                       "not a list of parts; give a non-empty list of mappings, e.g. parts: [{task: {name: rings}}]");
    int n = pl ? (int)(pl->data.sequence.items.top - pl->data.sequence.items.start) : 1;
    *parts = calloc((size_t)n, sizeof(mlpv_sweep));
    if (!*parts) return sy_fail_line(c, 1, NULL, "out of memory");
    *n_parts = n;
    for (int i = 0; i < n; i++) {
        mlpv_sweep *s = &(*parts)[i];
        defaults(s);
        sy_section sec = top;
        if (pl && merge_part(c, &top, sy_node_at(c, pl->data.sequence.items.start[i]), &sec)) return -1;
        if (parse_name(c, &top, s) || sweep_parse_body(c, &sec, s)) return -1;
        s->part = i;
    }
    return 0;
}

static void defaults(mlpv_sweep *s)
{
    memset(s, 0, sizeof *s);
    s->init = MLPV_INIT_AUTO;
    s->bias_std = 0.1;
    s->task = MLPV_TASK_CHECKERBOARD;
    s->knob = 8;
    s->points = 2048;
    s->test_grid = 64;
    s->csv_targets = 1;
    s->test_fraction = 0.2;
    s->in_dim = 2;
    s->out_dim = 1;
    s->train = mlpv_train_defaults();
    s->grid = 128;
    s->order = 3;
    s->tau = 0.01;
    s->precision = MLPV_FLOAT;
}

int sweep_read_parts(const char *path, mlpv_sweep **parts, int *n_parts, char *err, size_t errlen)
{
    return sweep_read_parts_from(path, NULL, parts, n_parts, err, errlen);
}

int sweep_read_parts_from(const char *path, sweep_source *src, mlpv_sweep **parts, int *n_parts, char *err,
                          size_t errlen)
{
    sy_ctx c = { path, NULL, err, errlen, src };
    *parts = NULL;
    *n_parts = 0;
    if (err && errlen) err[0] = '\0';
    yaml_document_t doc;
    int rc = sy_load(&c, &doc);
    if (rc) return rc;
    c.doc = &doc;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) rc = sy_fail_line(&c, 1, NULL, "the sweep file is empty; start from sweeps/reference.yaml");
    else rc = parse_top(&c, root, parts, n_parts);
    long networks = 0;
    for (int i = 0; rc == 0 && i < *n_parts; i++) {
        mlpv_sweep *s = &(*parts)[i];
        s->path = strdup(path);
        rc = s->path ? sweep_check_sizes(s, &networks, err, errlen) : sy_fail_line(&c, 1, NULL, "out of memory");
    }
    yaml_document_delete(&doc);
    if (rc) {
        sweep_free_parts(*parts, *n_parts);
        *parts = NULL;
        *n_parts = 0;
    }
    return rc;
}

void sweep_free_parts(mlpv_sweep *parts, int n)
{
    for (int i = 0; parts && i < n; i++) sweep_free(&parts[i]);
    free(parts);
}

int sweep_read(const char *path, mlpv_sweep *s, char *err, size_t errlen)
{
    mlpv_sweep *parts;
    int n;
    int rc = sweep_read_parts(path, &parts, &n, err, errlen);
    if (rc != 0) {
        memset(s, 0, sizeof *s);
        return rc;
    }
    if (n != 1) {
        snprintf(err, errlen, "%s: the sweep has %d parts; this reader takes a sweep without 'parts:'", path, n);
        sweep_free_parts(parts, n);
        memset(s, 0, sizeof *s);
        return -1;
    }
    *s = parts[0];
    free(parts);
    return 0;
}

void sweep_free(mlpv_sweep *s)
{
    if (!s) return;
    free(s->name);
    free(s->acts);
    free(s->budgets);
    free(s->widths);
    free(s->depths);
    free(s->seeds);
    free(s->csv_path);
    free(s->csv_path_written);
    free(s->path);
    memset(s, 0, sizeof *s);
}
