/* One part of a sweep file: every key but name and parts (activations, sizes,
 * depths, seeds, and the init, task, train and measure blocks), read from one
 * (merged) section into an mlpv_sweep; sweep_file.c reads the top level. */
#include "sweep_file_internal.h"
#include "sweep_check.h"
#include "sweep_expand.h"
#include "sweep_limits.h"
#include "sweep_yaml.h"
#include "sweep_source.h"

#include "mlpvar/rivals.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the keys of one part ---- */

static const char *task_name_i(int i) { return mlpv_task_name((mlpv_task_kind)i); }
static const char *opt_name_i(int i) { return mlpv_optimizer_name((mlpv_optimizer)i); }
static const char *init_name_i(int i) { return mlpv_init_name((mlpv_init)i); }

static int get_precision(sy_ctx *c, const yaml_node_t *n, const char *key, mlpv_precision *out)
{
    const char *s;
    if (sy_get_string(c, n, key, &s)) return -1;
    if (!strcmp(s, "float")) *out = MLPV_FLOAT;
    else if (!strcmp(s, "double")) *out = MLPV_DOUBLE;
    else return SY_FAIL(c, n, key, "unknown precision '%s'; valid names: float, double", s);
    return 0;
}

/* The items of a list node in [*start, *top); a scalar is a one-item list
 * whose one item (*one = 0) stands for the node itself. A mapping is refused
 * with an example of the list (`example`). */
static int list_items(sy_ctx *c, const yaml_node_t *n, const char *key, const char *example, yaml_node_item_t *one,
                      yaml_node_item_t **start, yaml_node_item_t **top)
{
    *one = 0;
    *start = one;
    *top = one + 1;
    if (n->type == YAML_MAPPING_NODE)
        return SY_FAIL(c, n, key, "a mapping where a list belongs; give e.g. %s", example);
    if (n->type == YAML_SEQUENCE_NODE) {
        *start = n->data.sequence.items.start;
        *top = n->data.sequence.items.top;
    }
    return 0;
}

static int get_activations(sy_ctx *c, const yaml_node_t *n, mlpv_sweep *s)
{
    const char *key = "activations";
    yaml_node_item_t one, *start, *top;
    if (list_items(c, n, key, "[relu, abs]", &one, &start, &top)) return -1;
    if (top == start) return SY_FAIL(c, n, key, "empty list; give at least one activation, e.g. [relu, abs]");
    s->acts = calloc((size_t)(top - start), sizeof *s->acts);
    if (!s->acts) return SY_FAIL(c, n, key, "out of memory");
    for (yaml_node_item_t *it = start; it < top; it++) {
        const yaml_node_t *m = it == &one ? n : sy_node_at(c, *it);
        const char *name;
        mlpv_activation a;
        if (sy_get_string(c, m, key, &name)) return -1;
        if (mlpv_activation_parse(name, &a))
            return SY_FAIL(c, m, key, "unknown activation '%s'; valid names: %s", name, mlpv_activation_names());
        for (int j = 0; j < s->n_acts; j++)
            if (s->acts[j] == a) return SY_FAIL(c, m, key, "'%s' is listed twice; list each activation once", name);
        s->acts[s->n_acts++] = a;
    }
    return 0;
}

static const char *const INIT_KEYS[] = { "scheme", "bias_std", NULL };
static const char *const TRAIN_KEYS[] = { "steps",           "lr",       "optimizer", "batch",
                                          "target_accuracy", "momentum", "precision", NULL };
static const char *const MEASURE_KEYS[] = { "grid", "order", "draws", "tau", "precision", "rivals", NULL };
static const char *const CSV_KEYS[] = { "name", "path", "targets", "test_fraction", NULL };
static const char *const KNOBS[] = { "cells", "rings", "frequency", "turns" };
static const int KNOB_DEFAULT[] = { 8, 3, 3, 2 };

const char *sweep_knob_name(mlpv_task_kind k) { return k >= 0 && k < MLPV_TASK_CSV ? KNOBS[k] : NULL; }
int sweep_knob_default(mlpv_task_kind k) { return k >= 0 && k < MLPV_TASK_CSV ? KNOB_DEFAULT[k] : 0; }

static int parse_init(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    sy_section sec;
    if (sy_read_section(c, top->val[T_INIT], "init", "init", sy_line_of(top->key[T_INIT]), INIT_KEYS, &sec)) return -1;
    if (sec.val[0]) {
        const char *name;
        char names[256];
        if (sy_get_string(c, sec.val[0], "scheme", &name)) return -1;
        if (mlpv_init_parse(name, &s->init))
            return SY_FAIL(c, sec.val[0], "scheme", "unknown init scheme '%s'; valid names: %s", name,
                           sy_join(NULL, init_name_i, MLPV_INIT_COUNT, names, sizeof names));
    }
    if (sec.val[1] && sy_get_double(c, sec.val[1], "bias_std", 0, 0, INFINITY, 0, &s->bias_std)) return -1;
    return 0;
}

static char *resolve(const char *sweep_path, const char *p)
{
    const char *slash = strrchr(sweep_path, '/');
    if (p[0] == '/' || !slash) return strdup(p);
    size_t dl = (size_t)(slash - sweep_path) + 1;
    char *r = malloc(dl + strlen(p) + 1);
    if (r) {
        memcpy(r, sweep_path, dl);
        strcpy(r + dl, p);
    }
    return r;
}

/* The CSV data of a task from its bytes (the source's, or the disk's, kept in
 * the source when it reads from disk), and the bytes' content hash. 0, or -1
 * with err naming the file. */
static int csv_load(sweep_source *src, mlpv_sweep *s, mlpv_dataset *d, char *err, size_t errlen)
{
    const source_file *held = source_find(src, s->csv_path);
    char *bytes = NULL;
    size_t len = 0;
    if (!held) {
        if (src && !src->from_disk) {
            snprintf(err, errlen, "%s: the master did not send this file (an internal error)", s->csv_path);
            return -1;
        }
        if (read_whole_file(s->csv_path, (size_t)LIM_MAX_CSV_BYTES, &bytes, &len) != 0) {
            int e = errno;
            snprintf(err, errlen, "%s: cannot %s: %s%s", s->csv_path, e == EFBIG ? "use" : "open",
                     e == EFBIG ? "larger than the ceiling for CSV data (docs/limits.md)" : strerror(e),
                     e == EFBIG ? "" : "; check the path and its permissions");
            return -1;
        }
        if (src && source_add(src, s->csv_path, bytes, len) != 0) {
            free(bytes);
            snprintf(err, errlen, "%s: out of memory", s->csv_path);
            return -1;
        }
    }
    const char *b = held ? held->bytes : bytes;
    size_t n = held ? held->len : len;
    content_hash(b, n, s->csv_hash);
    int rc = mlpv_csv_read_mem(s->csv_path, b, n, s->csv_targets, d, err, errlen);
    free(bytes);
    return rc;
}

static int parse_task(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    yaml_node_t *map = top->val[T_TASK], *nv = sy_lookup(c, map, "name");
    unsigned long line = sy_line_of(top->key[T_TASK]);
    const char *name;
    char names[256];
    sy_section sec;
    if (map->type == YAML_MAPPING_NODE && !nv)
        return sy_fail_line(c, line, "name", "missing in task; add name: checkerboard (one of %s)",
                            sy_join(NULL, task_name_i, MLPV_TASK_COUNT, names, sizeof names));
    if (!nv) return SY_FAIL(c, map, "task", "must be a mapping; write e.g. task: {name: checkerboard, cells: 8}");
    if (sy_get_string(c, nv, "name", &name)) return -1;
    if (mlpv_task_parse(name, &s->task))
        return SY_FAIL(c, nv, "name", "unknown task '%s'; valid names: %s", name,
                       sy_join(NULL, task_name_i, MLPV_TASK_COUNT, names, sizeof names));
    s->has_task = 1;
    if (s->task == MLPV_TASK_CSV) {
        if (sy_read_section(c, map, "task csv", "task", line, CSV_KEYS, &sec)) return -1;
        if (!sec.val[1]) return sy_fail_line(c, line, "path", "missing in task csv; add path: data.csv");
        const char *p;
        if (sy_get_string(c, sec.val[1], "path", &p)) return -1;
        s->csv_path = resolve(c->path, p);
        s->csv_path_written = strdup(p);
        if (!s->csv_path || !s->csv_path_written) return SY_FAIL(c, sec.val[1], "path", "out of memory");
        if (sec.val[2] && sy_get_int(c, sec.val[2], "targets", 1, LIM_MAX_DIM, &s->csv_targets)) return -1;
        if (sec.val[3] && sy_get_double(c, sec.val[3], "test_fraction", 0, 1, 1, 1, &s->test_fraction)) return -1;
        s->line.path = (int)sy_line_of(sec.val[1]);
        mlpv_dataset d;
        char e[1024];
        memset(&d, 0, sizeof d);
        if (csv_load(c->src, s, &d, e, sizeof e))
            return SY_FAIL(c, sec.val[1], "path", "cannot use the CSV file: %s", e);
        int bad = sweep_csv_check(&d, s->csv_path, e, sizeof e);
        s->in_dim = d.in_dim;
        s->out_dim = d.out_dim;
        s->csv_rows = d.n;
        s->csv_labels_pm1 = d.labels_pm1;
        mlpv_dataset_free(&d);
        return bad ? SY_FAIL(c, sec.val[1], "path", "%s", e) : 0;
    }
    const char *const valid[] = { "name", KNOBS[s->task], "points", "test_grid", NULL };
    char what[64];
    snprintf(what, sizeof what, "task %s", name);
    if (sy_read_section(c, map, what, "task", line, valid, &sec)) return -1;
    s->knob = KNOB_DEFAULT[s->task];
    if (sec.val[1] && sy_get_int(c, sec.val[1], KNOBS[s->task], 1, MLPV_TASK_KNOB_MAX, &s->knob)) return -1;
    if (sec.val[2] && sy_get_long(c, sec.val[2], "points", 2, LIM_MAX_POINTS, &s->points)) return -1;
    if (sec.val[3] && sy_get_int(c, sec.val[3], "test_grid", 2, LIM_MAX_TEST_GRID, &s->test_grid)) return -1;
    if (sec.val[2]) s->line.points = (int)sy_line_of(sec.key[2]);
    if (sec.val[3]) s->line.test_grid = (int)sy_line_of(sec.key[3]);
    return 0;
}

static int parse_train(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    sy_section sec;
    mlpv_train_opts *t = &s->train;
    if (!s->has_task)
        return SY_FAIL(c, top->key[T_TRAIN], "train",
                       "training needs a task; add task: {name: checkerboard} "
                       "or remove train for a measure-only sweep");
    if (sy_read_section(c, top->val[T_TRAIN], "train", "train", sy_line_of(top->key[T_TRAIN]), TRAIN_KEYS, &sec))
        return -1;
    s->has_train = 1;
    if (sec.val[0] && sy_get_int(c, sec.val[0], "steps", 1, LIM_MAX_STEPS, &t->steps)) return -1;
    if (sec.val[1] && sy_get_double(c, sec.val[1], "lr", 0, 1, INFINITY, 0, &t->lr)) return -1;
    if (sec.val[2]) {
        const char *name;
        char names[128];
        if (sy_get_string(c, sec.val[2], "optimizer", &name)) return -1;
        if (mlpv_optimizer_parse(name, &t->optimizer))
            return SY_FAIL(c, sec.val[2], "optimizer", "unknown optimizer '%s'; valid names: %s", name,
                           sy_join(NULL, opt_name_i, MLPV_OPT_COUNT, names, sizeof names));
    }
    if (sec.val[3] && sy_get_long(c, sec.val[3], "batch", 0, LIM_MAX_POINTS, &t->batch)) return -1;
    if (sec.val[3] && s->task != MLPV_TASK_CSV && t->batch > s->points)
        return SY_FAIL(c, sec.val[3], "batch",
                       "%ld is more than the %ld training points; give batch <= points, "
                       "or 0 for full batch",
                       t->batch, s->points);
    if (sec.val[4] && sy_get_double(c, sec.val[4], "target_accuracy", 0, 0, 1, 0, &t->target_accuracy)) return -1;
    if (sec.val[4] && t->target_accuracy > 0 && s->task == MLPV_TASK_CSV && !s->csv_labels_pm1)
        return SY_FAIL(c, sec.val[4], "target_accuracy",
                       "%s has real-valued targets (not all +-1), so accuracy is "
                       "not defined and training is judged by test loss; drop target_accuracy",
                       s->csv_path);
    if (sec.val[5] && sy_get_double(c, sec.val[5], "momentum", 0, 0, 1, 1, &t->momentum)) return -1;
    if (sec.val[6] && get_precision(c, sec.val[6], "precision", &t->precision)) return -1;
    return 0;
}

/* measure: rivals: a list of rival at-init score names (rivals.h). */
static int get_rivals(sy_ctx *c, const yaml_node_t *n, mlpv_sweep *s)
{
    const char *key = "rivals";
    yaml_node_item_t one, *start, *top;
    if (list_items(c, n, key, "[snip, naswot]", &one, &start, &top)) return -1;
    for (yaml_node_item_t *it = start; it < top; it++) {
        const yaml_node_t *m = it == &one ? n : sy_node_at(c, *it);
        const char *name;
        mlpv_rival r;
        if (sy_get_string(c, m, key, &name)) return -1;
        if (mlpv_rival_parse(name, &r))
            return SY_FAIL(c, m, key, "unknown rival '%s'; valid names: %s", name, mlpv_rival_names());
        if (s->rivals & (1u << r)) return SY_FAIL(c, m, key, "'%s' is listed twice; list each rival once", name);
        s->rivals |= 1u << r;
    }
    return 0;
}

static int parse_measure(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    sy_section sec;
    unsigned long line = sy_line_of(top->key[T_MEASURE]);
    if (sy_read_section(c, top->val[T_MEASURE], "measure", "measure", line, MEASURE_KEYS, &sec)) return -1;
    if (sec.val[0] && sy_get_int(c, sec.val[0], "grid", 2, LIM_MAX_GRID, &s->grid)) return -1;
    if (sec.val[1] && sy_get_int(c, sec.val[1], "order", 1, LIM_MAX_ORDER, &s->order)) return -1;
    if (sec.val[2] && sy_get_int(c, sec.val[2], "draws", 1, LIM_MAX_DRAWS, &s->draws)) return -1;
    if (sec.val[0]) s->line.grid = (int)sy_line_of(sec.key[0]);
    if (sec.val[2]) s->line.draws = (int)sy_line_of(sec.key[2]);
    if (sec.val[3] && sy_get_double(c, sec.val[3], "tau", 0, 0, 1, 0, &s->tau)) return -1;
    if (sec.val[4] && get_precision(c, sec.val[4], "precision", &s->precision)) return -1;
    if (sec.val[5] && get_rivals(c, sec.val[5], s)) return -1;
    for (int r = 0; r < MLPV_RIVAL_COUNT; r++)
        if ((s->rivals & (1u << r)) && (mlpv_rival_needs((mlpv_rival)r) & MLPV_RIVAL_NEEDS_TARGETS) &&
            !top->val[T_TASK])
            return SY_FAIL(c, sec.val[5], "rivals",
                           "'%s' needs the targets of a task; add task: {name: "
                           "checkerboard} or drop it",
                           mlpv_rival_name((mlpv_rival)r));
    if (s->grid <= s->order) {
        int g = sec.val[0] != NULL;
        return SY_FAIL(c, g ? sec.val[0] : sec.val[1], g ? "grid" : "order",
                       "grid %d must be larger than order %d (the k-th difference needs k+1 points); "
                       "raise grid or lower order",
                       s->grid, s->order);
    }
    return 0;
}

static int parse_seeds(sy_ctx *c, sy_section *top, mlpv_sweep *s)
{
    yaml_node_t *n = top->val[T_SEEDS];
    long count = 1, *l = NULL;
    int rc = 0;
    if (n && n->type == YAML_SCALAR_NODE && !strstr(sy_sval(n), "..")) {
        if (sy_get_long(c, n, "seeds", 1, LIM_MAX_SEEDS, &count)) return -1;
        n = NULL;
    }
    if (n) {
        int k;
        if (sy_get_long_list(c, n, "seeds", 0, SY_NO_MAX, &l, &k)) return -1;
        count = k;
    }
    s->seeds = malloc(sizeof *s->seeds * (size_t)count);
    if (!s->seeds) rc = sy_fail_line(c, top->line, "seeds", "out of memory");
    for (long i = 0; !rc && i < count; i++) s->seeds[i] = l ? (uint64_t)l[i] : (uint64_t)i;
    s->n_seeds = (int)count;
    free(l);
    if (!rc) sweep_sort_seeds(s->seeds, count); /* ascending */
    return rc;
}

/* Every key but name and parts, from one (merged) section (sweep_file_internal.h). */
int sweep_parse_body(sy_ctx *c, sy_section *sec, mlpv_sweep *s)
{
    sy_section top = *sec;
    if (!top.val[T_ACTS]) return sy_fail_line(c, top.line, "activations", "missing; add activations: [relu, abs]");
    if (get_activations(c, top.val[T_ACTS], s)) return -1;
    if (top.val[T_BUDGET] && top.val[T_WIDTHS]) {
        int w_later = sy_line_of(top.key[T_WIDTHS]) >= sy_line_of(top.key[T_BUDGET]);
        return SY_FAIL(c, top.key[w_later ? T_WIDTHS : T_BUDGET], w_later ? "widths" : "budget",
                       "budget and widths are both given; keep one (budget solves the width per depth)");
    }
    if (!top.val[T_BUDGET] && !top.val[T_WIDTHS])
        return sy_fail_line(c, top.line, "budget", "missing; add budget: 3000 (parameters) or widths: [16, 32]");
    if (top.val[T_BUDGET]) {
        s->budget_line = (int)sy_line_of(top.key[T_BUDGET]);
        if (sy_get_long_list(c, top.val[T_BUDGET], "budget", 1, LIM_MAX_BUDGET, &s->budgets, &s->n_budgets)) return -1;
    }
    if (top.val[T_WIDTHS]) {
        s->line.widths = (int)sy_line_of(top.key[T_WIDTHS]);
        if (sy_get_int_list(c, top.val[T_WIDTHS], "widths", 1, LIM_MAX_WIDTH, &s->widths, &s->n_widths)) return -1;
    }
    if (!top.val[T_DEPTHS])
        return sy_fail_line(c, top.line, "depths", "missing; add depths: [1, 2, 4, 8] or [\"1..8\"]");
    s->line.depths = (int)sy_line_of(top.key[T_DEPTHS]);
    s->line.activations = (int)sy_line_of(top.key[T_ACTS]);
    if (top.val[T_SEEDS]) s->line.seeds = (int)sy_line_of(top.key[T_SEEDS]);
    if (sy_get_int_list(c, top.val[T_DEPTHS], "depths", 1, LIM_MAX_DEPTH, &s->depths, &s->n_depths)) return -1;
    if (parse_seeds(c, &top, s)) return -1;
    if (top.val[T_INIT] && parse_init(c, &top, s)) return -1;
    if (top.val[T_TASK] && parse_task(c, &top, s)) return -1;
    if (top.val[T_TRAIN] && parse_train(c, &top, s)) return -1;
    if (top.val[T_MEASURE] && parse_measure(c, &top, s)) return -1;
    if (!s->draws) s->draws = s->n_seeds;
    return 0;
}
