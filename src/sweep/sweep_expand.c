/* Expansion of a read sweep into configurations (budget or width, then
 * activation, then depth) and work items (configuration x seed). */
#include "sweep_expand.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            snprintf(err, errlen,
                     "%s: the sweep has %ld configurations; give at least one budget or width, "
                     "activation and depth, and fewer than %d in all",
                     s->path ? s->path : "sweep", total, INT_MAX);
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
                        snprintf(err, errlen,
                                 "%s:%d: key 'budget': budget %ld is below the smallest network at "
                                 "depth %d (%ld parameters at width 1); raise the budget to at least %ld or drop "
                                 "depth %d",
                                 s->path ? s->path : "sweep", s->budget_line > 0 ? s->budget_line : 1, budget, depth,
                                 least, least, depth);
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

void sweep_sort_seeds(uint64_t *seeds, long n) { qsort(seeds, (size_t)n, sizeof *seeds, u64_cmp); }

long sweep_items(const mlpv_sweep *s, int n_configs, sweep_item **out)
{
    *out = NULL;
    long draws = s->draws > 0 ? s->draws : 0, ns = s->n_seeds > 0 ? s->n_seeds : 0;
    uint64_t *tr = malloc(sizeof *tr * (size_t)(ns + 1));
    uint64_t *seed = malloc(sizeof *seed * (size_t)(draws + ns + 1));
    int *train = malloc(sizeof *train * (size_t)(draws + ns + 1));
    if (!tr || !seed || !train) {
        free(tr);
        free(seed);
        free(train);
        return -1;
    }
    if (ns) memcpy(tr, s->seeds, sizeof *tr * (size_t)ns);
    sweep_sort_seeds(tr, ns); /* a hand-built sweep may list them in any order */
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
        if (m > 0 && seed[m - 1] == v) {
            train[m - 1] |= t && s->has_train;
            continue;
        } /* repeated training seed */
        seed[m] = v;
        train[m++] = t && s->has_train;
    }
    long total = (long)(n_configs > 0 ? n_configs : 0) * m;
    sweep_item *it = total > 0 ? malloc(sizeof *it * (size_t)total) : NULL;
    if (total > 0 && !it) {
        free(tr);
        free(seed);
        free(train);
        return -1;
    }
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
