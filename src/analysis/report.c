/* mlpvar analyze, the report: DIR/report/report.md and report.html (the same
 * text, written side by side; report_sections.c), the CSV tables, summary.json
 * and the figures (report_plots.c). Here: the run's facts, summary.json and the
 * order of writing. The CSV cells and summary.json (json_out) print every number
 * as %.17g (empty or null when not finite), so they agree exactly. */
#include "report_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void lset_add(lset *s, long x)
{
    for (int i = 0; i < s->n; i++)
        if (s->v[i] == x) return;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = realloc(s->v, sizeof(long) * (size_t)s->cap);
    }
    int i = s->n++;
    while (i > 0 && s->v[i - 1] > x) {
        s->v[i] = s->v[i - 1];
        i--;
    }
    s->v[i] = x;
}

static void sset_add(sset *s, const char *x)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->v[i], x)) return;
    if (s->n < MAX_NAMES) snprintf(s->v[s->n++], sizeof s->v[0], "%s", x);
}

static void facts(const analysis *a, run_facts *r)
{
    memset(r, 0, sizeof *r);
    for (long i = 0; i < a->n_rec; i++) {
        const an_record *e = &a->rec[i];
        r->n_trained_rec += e->trained != 0;
        r->n_diverged_rec += e->diverged != 0;
        r->n_init_rec += isfinite(e->variability) != 0;
        lset_add(&r->parts, e->part);
        if (isfinite(e->variability)) lset_add(&r->orders, e->order);
    }
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        sset_add(&r->acts, g->activation);
        lset_add(&r->budgets, g->budget);
        lset_add(&r->depths, g->depth);
        lset_add(&r->grids, g->grid);
        r->draws_total += g->n;
        if (!i || g->n < r->draws_min) r->draws_min = g->n;
        if (!i || g->n > r->draws_max) r->draws_max = g->n;
    }
    char task[AN_TASK_LABEL + 32];
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        sset_add(&r->acts, t->activation);
        lset_add(&r->depths, t->depth);
        an_task_slice(t, task, sizeof task);
        sset_add(&r->tasks, task);
        if (!i || t->n < r->seeds_min) r->seeds_min = t->n;
        if (!i || t->n > r->seeds_max) r->seeds_max = t->n;
    }
    for (int i = 0; i < a->n_claims; i++) {
        unsigned v = (unsigned)a->claims[i].verdict;
        r->verdicts[v < 4 ? v : 3]++;
    }
    if (r->orders.n == 1) snprintf(r->vk, sizeof r->vk, "V%ld", r->orders.v[0]);
    else snprintf(r->vk, sizeof r->vk, r->orders.n ? "V_k" : "V3");
}

static void facts_free(run_facts *r)
{
    free(r->parts.v);
    free(r->budgets.v);
    free(r->depths.v);
    free(r->grids.v);
    free(r->orders.v);
}

/* ---- summary.json ---- */

static void write_summary(FILE *f, const analysis *a, const run_facts *r, const report_figures *fg,
                          const table_def *tabs, int ntab)
{
    json_obj j;
    json_begin_multiline(&j, f);
    char src[4200];
    snprintf(src, sizeof src, "%s/results.jsonl", a->dir ? a->dir : ".");
    json_str(&j, "source", src);
    json_int(&j, "records", a->n_rec);
    json_int(&j, "records_failed", a->n_failed);
    json_int(&j, "records_at_init", r->n_init_rec);
    json_int(&j, "records_trained", r->n_trained_rec);
    json_int(&j, "records_diverged", r->n_diverged_rec);
    json_open_array(&j, "parts", 0);
    for (int i = 0; i < r->parts.n; i++) json_int(&j, NULL, r->parts.v[i]);
    json_close_array(&j);
    json_int(&j, "init_configs", a->n_init);
    json_int(&j, "trained_configs", a->n_trained);
    json_int(&j, "draws_total", r->draws_total);
    json_num(&j, "success_threshold", a->success_threshold);
    json_int(&j, "bootstrap", a->bootstrap);
    json_int(&j, "seed", (long)a->seed);
    json_open_object(&j, "verdicts", 0);
    json_int(&j, "holds", r->verdicts[AN_HOLDS]);
    json_int(&j, "does not hold", r->verdicts[AN_FAILS]);
    json_int(&j, "inconclusive", r->verdicts[AN_INCONCLUSIVE]);
    json_int(&j, "no data", r->verdicts[AN_NO_DATA]);
    json_close_object(&j);
    for (int m = 0; m < AN_MEASURE_COUNT; m++) { /* variability_accuracy_*, variability_neg_test_loss_* */
        int nv = 0;
        double rho = report_v3_rho(a, (an_measure)m, &nv);
        const char *base = m == AN_ACCURACY ? "variability_accuracy" : "variability_neg_test_loss";
        char key[64];
        snprintf(key, sizeof key, "%s_spearman", base);
        json_num(&j, key, rho);
        snprintf(key, sizeof key, "%s_n", base);
        json_int(&j, key, nv);
    }
    json_bool(&j, "gnuplot", fg->gnuplot);
    json_open_array(&j, "figures", 0);
    for (int k = 0; k < RP_COUNT; k++)
        if (fg->written[k]) json_str(&j, NULL, report_fig_file((report_fig)k));
    json_close_array(&j);
    cell c[MAX_CELLS];
    for (int t = 0; t < ntab; t++) {
        json_open_array(&j, tabs[t].json, 1);
        for (int i = 0; i < tabs[t].n; i++)
            report_json_row(&j, c, tabs[t].fn((const char *)tabs[t].items + (size_t)i * tabs[t].size, c));
        json_close_array(&j);
    }
    json_end(&j);
}

static FILE *open_in(const char *dir, const char *name, char *err, size_t errlen)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    return f;
}

int report_write(const analysis *a, const char *out_dir, char *err, size_t errlen)
{
    if (mkdir(out_dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", out_dir, strerror(errno));
        return -1;
    }
    table_def tabs[REPORT_TABLES];
    int ntab = report_tables(a, tabs);
    for (int t = 0; t < ntab; t++)
        if (report_write_csv(out_dir, &tabs[t]) != 0) {
            snprintf(err, errlen, "cannot write %s/%s: %s", out_dir, tabs[t].name, strerror(errno));
            return -1;
        }
    report_figures fg;
    report_plots(a, out_dir, &fg);
    run_facts r;
    facts(a, &r);
    int rc = 0;
    FILE *js = open_in(out_dir, "summary.json", err, errlen);
    if (js) {
        write_summary(js, a, &r, &fg, tabs, ntab);
        if (fclose(js) != 0) {
            snprintf(err, errlen, "cannot write %s/summary.json", out_dir);
            rc = -1;
        }
    } else rc = -1;
    FILE *md = rc ? NULL : open_in(out_dir, "report.md", err, errlen);
    FILE *html = md ? open_in(out_dir, "report.html", err, errlen) : NULL;
    if (md && html) {
        report_write_doc(a, &r, &fg, md, html);
        if (fclose(html) != 0) {
            snprintf(err, errlen, "cannot write %s/report.html", out_dir);
            rc = -1;
        }
        html = NULL;
    } else rc = -1;
    if (html) fclose(html);
    if (md && fclose(md) != 0 && !rc) {
        snprintf(err, errlen, "cannot write %s/report.md", out_dir);
        rc = -1;
    }
    facts_free(&r);
    return rc;
}
