/* Expansion: number lists with range strings ("4..8") into values; a read sweep
 * into configurations (budget or width, then activation, then depth) and work
 * items (configuration x seed); and its release. */
#include "sweep_file.h"
#include "sweep_yaml.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANGE 100000L   /* values in one list (ranges included) */

/* ---- lists ---- */

typedef struct { long v; unsigned long line; } lv;

static int lv_cmp(const void *a, const void *b)
{
    const lv *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int push(lv **a, long *n, long *cap, long v, unsigned long line)
{
    if (*n == *cap) {
        long nc = *cap ? 2 * *cap : 16;
        lv *p = realloc(*a, sizeof **a * (size_t)nc);
        if (!p) return -1;
        *a = p; *cap = nc;
    }
    (*a)[(*n)++] = (lv){ v, line };
    return 0;
}

/* One item of a number list: a number or a range string "LOW..HIGH". */
static int list_item(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, lv **a, long *cnt, long *cap)
{
    char hint[96];
    sy_int_hint(hint, sizeof hint, lo, hi);
    if (n->type != YAML_SCALAR_NODE)
        return SY_FAIL(c, n, key, "a %s inside the list; give numbers or ranges like \"1..8\"",
                       n->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
    if (sy_is_null(n)) return SY_FAIL(c, n, key, "empty list item; give a number or a range like \"1..8\"");
    const char *s = sy_sval(n);
    long x = 0, y = 0;
    if (!strstr(s, "..")) {
        if (sy_get_long(c, n, key, lo, hi, &x)) return -1;
        y = x;
    } else {
        char *e1, *e2;
        errno = 0;
        x = strtol(s, &e1, 10);
        while (*e1 == ' ') e1++;
        int ok = e1 != s && errno == 0 && e1[0] == '.' && e1[1] == '.';
        if (ok) {
            const char *t = e1 + 2;
            while (*t == ' ') t++;
            y = strtol(t, &e2, 10);
            while (*e2 == ' ') e2++;
            ok = e2 != t && errno == 0 && *e2 == '\0' && (*t == '-' || *t == '+' || (*t >= '0' && *t <= '9'));
        }
        if (!ok) return SY_FAIL(c, n, key, "bad range '%s'; write LOW..HIGH with whole numbers, e.g. \"1..8\"", s);
        if (y < x) return SY_FAIL(c, n, key, "bad range '%s': %ld is above %ld; write LOW..HIGH with LOW <= HIGH", s, x, y);
        if (x < lo || y > hi) return SY_FAIL(c, n, key, "range '%s' goes out of range; every value must be %s", s, hint);
        if (y - x >= MAX_RANGE)
            return SY_FAIL(c, n, key, "range '%s' has more than %ld values; use a shorter range", s, MAX_RANGE);
    }
    for (long v = x; v <= y; v++)
        if (push(a, cnt, cap, v, sy_line_of(n))) return SY_FAIL(c, n, key, "out of memory");
    return 0;
}

/* A number, a range string or a list of both; no value twice. Values in the given order. */
int sy_get_long_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long **out, int *count)
{
    lv *a = NULL;
    long cnt = 0, cap = 0;
    int rc = 0;
    if (n->type == YAML_MAPPING_NODE)
        return SY_FAIL(c, n, key, "a mapping where a list belongs; give a list like [1, 2, \"4..8\"]");
    if (n->type == YAML_SCALAR_NODE) {
        if (sy_is_null(n)) return SY_FAIL(c, n, key, "has no value; give a list like [1, 2, \"4..8\"]");
        rc = list_item(c, n, key, lo, hi, &a, &cnt, &cap);
    } else {
        if (n->data.sequence.items.top == n->data.sequence.items.start)
            return SY_FAIL(c, n, key, "empty list; give at least one value, e.g. [1, 2, \"4..8\"]");
        for (yaml_node_item_t *it = n->data.sequence.items.start; !rc && it < n->data.sequence.items.top; it++)
            rc = list_item(c, sy_node_at(c, *it), key, lo, hi, &a, &cnt, &cap);
    }
    if (!rc && cnt > MAX_RANGE) rc = SY_FAIL(c, n, key, "more than %ld values; list fewer", MAX_RANGE);
    if (!rc) {
        lv *sorted = malloc(sizeof *sorted * (size_t)cnt);
        *out = malloc(sizeof **out * (size_t)cnt);
        if (!sorted || !*out) rc = SY_FAIL(c, n, key, "out of memory");
        if (!rc) {
            memcpy(sorted, a, sizeof *sorted * (size_t)cnt);
            qsort(sorted, (size_t)cnt, sizeof *sorted, lv_cmp);
            for (long i = 1; !rc && i < cnt; i++)
                if (sorted[i].v == sorted[i - 1].v)
                    rc = sy_fail_line(c, sorted[i].line, key, "%ld is listed twice (also on line %lu); "
                                      "list each value once", sorted[i].v, sorted[i - 1].line);
            for (long i = 0; i < cnt; i++) (*out)[i] = a[i].v;
            *count = (int)cnt;
        }
        free(sorted);
        if (rc) { free(*out); *out = NULL; }
    }
    free(a);
    return rc;
}

int sy_get_int_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, int **out, int *count)
{
    long *l;
    if (sy_get_long_list(c, n, key, lo, hi, &l, count)) return -1;
    *out = malloc(sizeof **out * (size_t)*count);
    if (!*out) { free(l); return SY_FAIL(c, n, key, "out of memory"); }
    for (int i = 0; i < *count; i++) (*out)[i] = (int)l[i];
    free(l);
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
    free(s->path);
    memset(s, 0, sizeof *s);
}

int sweep_configs(const mlpv_sweep *s, sweep_config **out, int *n, char *err, size_t errlen)
{
    *out = NULL;
    *n = 0;
    int by_width = s->n_widths > 0;
    int in_dim = s->in_dim > 0 ? s->in_dim : 2, out_dim = s->out_dim > 0 ? s->out_dim : 1;
    long sizes = by_width ? s->n_widths : s->n_budgets;
    long total = sizes * s->n_acts * s->n_depths;
    if (total <= 0 || total > INT_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "%s: the sweep has %ld configurations; give at least one budget or width, "
                     "activation and depth, and fewer than %d in all", s->path ? s->path : "sweep", total, INT_MAX);
        return -1;
    }
    sweep_config *c = calloc((size_t)total, sizeof *c);
    if (!c) {
        if (err && errlen)
            snprintf(err, errlen, "%s: out of memory for %ld configurations", s->path ? s->path : "sweep", total);
        return -1;
    }
    int k = 0;
    for (long i = 0; i < sizes; i++)
        for (int a = 0; a < s->n_acts; a++)
            for (int d = 0; d < s->n_depths; d++) {
                int depth = s->depths[d], width;
                long budget = by_width ? 0 : s->budgets[i];
                if (by_width) {
                    width = s->widths[i];
                } else if ((width = mlpv_width_for_budget(budget, in_dim, out_dim, depth)) < 1) {
                    long least = mlpv_param_count(in_dim, out_dim, depth, 1);
                    if (err && errlen)
                        snprintf(err, errlen, "%s:%d: key 'budget': budget %ld is below the smallest network at "
                                 "depth %d (%ld parameters at width 1); raise the budget to at least %ld or drop "
                                 "depth %d", s->path ? s->path : "sweep", s->budget_line > 0 ? s->budget_line : 1,
                                 budget, depth, least, least, depth);
                    free(c);
                    return -1;
                }
                mlpv_spec sp = mlpv_spec_default(s->acts[a], depth, width);
                sp.in_dim = in_dim;
                sp.out_dim = out_dim;
                sp.init = s->init;
                sp.bias_std = s->bias_std;
                c[k].spec = sp;
                c[k].budget = budget;
                c[k].part = s->part;
                k++;
            }
    *out = c;
    *n = k;
    return 0;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

long sweep_items(const mlpv_sweep *s, int n_configs, sweep_item **out)
{
    *out = NULL;
    long draws = s->draws > 0 ? s->draws : 0, ns = s->n_seeds > 0 ? s->n_seeds : 0;
    uint64_t *tr = malloc(sizeof *tr * (size_t)(ns + 1));
    uint64_t *seed = malloc(sizeof *seed * (size_t)(draws + ns + 1));
    int *train = malloc(sizeof *train * (size_t)(draws + ns + 1));
    if (!tr || !seed || !train) { free(tr); free(seed); free(train); return -1; }
    if (ns) memcpy(tr, s->seeds, sizeof *tr * (size_t)ns);
    qsort(tr, (size_t)ns, sizeof *tr, u64_cmp);
    /* merge 0..draws-1 with the sorted training seeds, each seed once */
    long m = 0, i = 0, j = 0;
    while (i < draws || j < ns) {
        uint64_t v;
        int t = 0;
        if (j >= ns || (i < draws && (uint64_t)i < tr[j])) v = (uint64_t)i++;
        else {
            v = tr[j++];
            t = 1;
            if (i < draws && (uint64_t)i == v) i++;
        }
        if (m > 0 && seed[m - 1] == v) { train[m - 1] |= t && s->has_train; continue; }   /* repeated training seed */
        seed[m] = v;
        train[m++] = t && s->has_train;
    }
    long total = (long)(n_configs > 0 ? n_configs : 0) * m;
    sweep_item *it = total > 0 ? malloc(sizeof *it * (size_t)total) : NULL;
    if (total > 0 && !it) { free(tr); free(seed); free(train); return -1; }
    long k = 0;
    for (int c = 0; c < n_configs; c++)
        for (long q = 0; q < m; q++) {
            it[k].config = c;
            it[k].seed = seed[q];
            it[k].train = train[q];
            k++;
        }
    free(tr);
    free(seed);
    free(train);
    *out = it;
    return total;
}
