/* mlpvar analyze, the report: DIR/report/report.md and report.html (the same
 * text, written side by side), the CSV tables, summary.json and the figures
 * (report_plots.c). The CSV cells and summary.json (json_out) print every number
 * as %.17g (empty or null when not finite), so they agree exactly. */
#include "analysis.h"
#include "json_out.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *verdict_word(an_verdict v)
{
    switch (v) {
    case AN_HOLDS: return "holds";
    case AN_FAILS: return "does not hold";
    case AN_INCONCLUSIVE: return "inconclusive";
    default: return "no data";
    }
}

static const char *verdict_class(an_verdict v)
{
    return v == AN_HOLDS ? "holds" : v == AN_FAILS ? "fails" : v == AN_INCONCLUSIVE ? "inconclusive" : "nodata";
}

/* ---- rows shared by the CSV files and summary.json ---- */

enum { K_STR, K_NUM, K_INT };
typedef struct { const char *key; int kind; const char *s; double d; long l; } cell;
#define MAX_CELLS 24
#define S_(k, v) (c[n++] = (cell){ k, K_STR, v, 0, 0 })
#define D_(k, v) (c[n++] = (cell){ k, K_NUM, NULL, v, 0 })
#define I_(k, v) (c[n++] = (cell){ k, K_INT, NULL, 0, v })

static int init_cells(const an_init *g, cell *c)
{
    int n = 0;
    S_("activation", g->activation); I_("budget", g->budget); I_("depth", g->depth); I_("width", g->width);
    I_("grid", g->grid); I_("params", g->params); D_("activation_ratio", g->activation_ratio);
    I_("activations", g->activations); I_("draws", g->n);
    D_("variability_median", g->v_median); D_("variability_q25", g->v_q25); D_("variability_q75", g->v_q75);
    D_("rho_median", g->rho_median); I_("collapsed", g->collapsed);
    D_("c2c", g->c2c); D_("c2c_lo", g->c2c_lo); D_("c2c_hi", g->c2c_hi); D_("dead_last", g->dead_last);
    return n;
}

static int trained_cells(const an_trained *t, cell *c)
{
    int n = 0;
    S_("task", t->task); I_("knob", t->knob); S_("activation", t->activation); I_("budget", t->budget);
    I_("depth", t->depth); I_("width", t->width); I_("params", t->params);
    D_("activation_ratio", t->activation_ratio); I_("seeds", t->n);
    D_("acc_mean", t->acc_mean); D_("acc_lo", t->acc_lo); D_("acc_hi", t->acc_hi);
    D_("success", t->success); D_("success_lo", t->success_lo); D_("success_hi", t->success_hi);
    D_("diverged_rate", t->diverged_rate);
    I_("init_draws", t->init ? t->init->n : 0);
    D_("variability_median", t->init ? t->init->v_median : NAN);
    D_("c2c", t->init ? t->init->c2c : NAN);
    return n;
}

static int claim_cells(const an_claim *k, cell *c)
{
    int n = 0;
    S_("claim", k->claim); S_("slice", k->slice); S_("statistic", k->statistic);
    D_("value", k->value); D_("lo", k->lo); D_("hi", k->hi);
    S_("verdict", verdict_word(k->verdict)); S_("detail", k->detail);
    return n;
}

static int predict_cells(const an_predict *p, cell *c)
{
    int n = 0;
    S_("score", p->score); S_("slice", p->slice); I_("n", p->n);
    D_("spearman", p->spearman); D_("spearman_lo", p->sp_lo); D_("spearman_hi", p->sp_hi);
    D_("kendall", p->kendall); D_("kendall_lo", p->kd_lo); D_("kendall_hi", p->kd_hi);
    D_("partial_given_depth", p->partial); D_("partial_lo", p->pa_lo); D_("partial_hi", p->pa_hi);
    return n;
}

typedef int (*cells_fn)(const void *item, cell *c);
static int init_cells_v(const void *p, cell *c) { return init_cells(p, c); }
static int trained_cells_v(const void *p, cell *c) { return trained_cells(p, c); }
static int claim_cells_v(const void *p, cell *c) { return claim_cells(p, c); }
static int predict_cells_v(const void *p, cell *c) { return predict_cells(p, c); }

typedef struct { const char *name, *json; const void *items; size_t size; int n; cells_fn fn; } table_def;

/* The one number format of the CSV files and summary.json. */
static void exact(char *buf, size_t len, double v, const char *missing)
{
    if (isfinite(v)) snprintf(buf, len, "%.17g", v); else snprintf(buf, len, "%s", missing);
}

static void csv_str(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) { fputs(s, f); return; }
    fputc('"', f);
    for (; *s; s++) { if (*s == '"') fputc('"', f); fputc(*s, f); }
    fputc('"', f);
}

static int write_csv(const char *dir, const table_def *t)
{
    char path[4096], num[40];
    snprintf(path, sizeof path, "%s/%s", dir, t->name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    cell c[MAX_CELLS];
    /* a zeroed item gives the header when there are no rows */
    static const union { an_init i; an_trained t; an_claim c; an_predict p; } zero;
    int nc = t->fn(t->n ? t->items : (const void *)&zero, c);
    for (int j = 0; j < nc; j++) fprintf(f, "%s%s", j ? "," : "", c[j].key);
    fputc('\n', f);
    for (int i = 0; i < t->n; i++) {
        nc = t->fn((const char *)t->items + (size_t)i * t->size, c);
        for (int j = 0; j < nc; j++) {
            if (j) fputc(',', f);
            if (c[j].kind == K_STR) csv_str(f, c[j].s);
            else if (c[j].kind == K_INT) fprintf(f, "%ld", c[j].l);
            else { exact(num, sizeof num, c[j].d, ""); fputs(num, f); }
        }
        fputc('\n', f);
    }
    return fclose(f);
}

/* A row as one JSON object (the same numbers as its CSV row). */
static void json_row(json_obj *j, const cell *c, int nc)
{
    json_open_object(j, NULL, 0);
    for (int k = 0; k < nc; k++) {
        if (c[k].kind == K_STR) json_str(j, c[k].key, c[k].s);
        else if (c[k].kind == K_INT) json_int(j, c[k].key, c[k].l);
        else json_num(j, c[k].key, c[k].d);
    }
    json_close_object(j);
}

/* ---- what was run ---- */

typedef struct { long *v; int n, cap; } lset;
static void lset_add(lset *s, long x)
{
    for (int i = 0; i < s->n; i++) if (s->v[i] == x) return;
    if (s->n == s->cap) { s->cap = s->cap ? 2 * s->cap : 16; s->v = realloc(s->v, sizeof(long) * (size_t)s->cap); }
    int i = s->n++;
    while (i > 0 && s->v[i - 1] > x) { s->v[i] = s->v[i - 1]; i--; }
    s->v[i] = x;
}

#define MAX_NAMES 64
typedef struct { char v[MAX_NAMES][64]; int n; } sset;
static void sset_add(sset *s, const char *x)
{
    for (int i = 0; i < s->n; i++) if (!strcmp(s->v[i], x)) return;
    if (s->n < MAX_NAMES) snprintf(s->v[s->n++], sizeof s->v[0], "%s", x);
}

static void join_l(char *buf, size_t len, const lset *s)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->n && o < len; i++) o += (size_t)snprintf(buf + o, len - o, "%s%ld", i ? ", " : "", s->v[i]);
    if (!s->n) snprintf(buf, len, "none");
}

static void join_s(char *buf, size_t len, const sset *s)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < s->n && o < len; i++) o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", s->v[i]);
    if (!s->n) snprintf(buf, len, "none");
}

typedef struct {
    long n_trained_rec, n_diverged_rec, n_init_rec, draws_total;
    int draws_min, draws_max, seeds_min, seeds_max;
    lset parts, budgets, depths, grids, orders;
    sset acts, tasks;
    int verdicts[4];
    char vk[16];                    /* "V3", or "V_k" when the orders differ */
} run_facts;

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
    char task[64];
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        sset_add(&r->acts, t->activation);
        lset_add(&r->depths, t->depth);
        snprintf(task, sizeof task, "%s:%d", t->task, t->knob);
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
    free(r->parts.v); free(r->budgets.v); free(r->depths.v); free(r->grids.v); free(r->orders.v);
}

/* ---- report.md and report.html, written side by side ---- */

typedef struct { FILE *md, *html; } doc;

/* HTML text with `code` and **bold** spans (the markdown subset the report uses). */
static void html_inline(FILE *f, const char *s)
{
    int code = 0, bold = 0;
    for (; *s; s++) {
        if (*s == '`') { fputs(code ? "</code>" : "<code>", f); code = !code; continue; }
        if (!code && s[0] == '*' && s[1] == '*') { fputs(bold ? "</strong>" : "<strong>", f); bold = !bold; s++; continue; }
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
    if (code) fputs("</code>", f);
    if (bold) fputs("</strong>", f);
}

static void md_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') fputs("\\|", f);
        else if (*s == '\n' || *s == '\r') fputc(' ', f);
        else fputc(*s, f);
    }
}

static void doc_h(doc *d, int level, const char *text)
{
    fprintf(d->md, "\n%.*s %s\n\n", level, "######", text);
    fprintf(d->html, "<h%d>", level);
    html_inline(d->html, text);
    fprintf(d->html, "</h%d>\n", level);
}

/* One formatted block of text in both documents: markdown with md_before /
 * md_after around it, HTML inside the element tag. */
static void doc_text(doc *d, const char *md_before, const char *md_after, const char *tag, const char *fmt,
                     va_list ap)
{
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    fprintf(d->md, "%s%s%s", md_before, buf, md_after);
    fprintf(d->html, "<%s>", tag);
    html_inline(d->html, buf);
    fprintf(d->html, "</%s>\n", tag);
}

static void doc_p(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_p(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_text(d, "", "\n\n", "p", fmt, ap);
    va_end(ap);
}

static void doc_list(doc *d, int open) { fputs(open ? "<ul>\n" : "</ul>\n", d->html); if (!open) fputc('\n', d->md); }

static void doc_li(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void doc_li(doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    doc_text(d, "- ", "\n", "li", fmt, ap);
    va_end(ap);
}

#define CELL 512
static void doc_table(doc *d, int nc, const char *const *head)
{
    fputc('|', d->md);
    for (int j = 0; j < nc; j++) { fputc(' ', d->md); md_cell(d->md, head[j]); fputs(" |", d->md); }
    fputs("\n|", d->md);
    for (int j = 0; j < nc; j++) fputs("---|", d->md);
    fputc('\n', d->md);
    fputs("<table>\n<thead><tr>", d->html);
    for (int j = 0; j < nc; j++) { fputs("<th>", d->html); html_inline(d->html, head[j]); fputs("</th>", d->html); }
    fputs("</tr></thead>\n<tbody>\n", d->html);
}

static void doc_row(doc *d, int nc, char (*cells)[CELL], const char *cls)
{
    fputc('|', d->md);
    for (int j = 0; j < nc; j++) { fputc(' ', d->md); md_cell(d->md, cells[j]); fputs(" |", d->md); }
    fputc('\n', d->md);
    if (cls) fprintf(d->html, "<tr class=\"%s\">", cls); else fputs("<tr>", d->html);
    for (int j = 0; j < nc; j++) { fputs("<td>", d->html); html_inline(d->html, cells[j]); fputs("</td>", d->html); }
    fputs("</tr>\n", d->html);
}

static void doc_table_end(doc *d) { fputs("</tbody>\n</table>\n", d->html); fputc('\n', d->md); }

static void doc_fig(doc *d, const char *file, const char *caption)
{
    fprintf(d->md, "![%s](%s)\n\n*%s*\n\n", file, file, caption);
    fprintf(d->html, "<figure><img src=\"%s\" alt=\"%s\">\n<figcaption>", file, file);
    html_inline(d->html, caption);
    fputs("</figcaption></figure>\n", d->html);
}

/* Numbers for reading (the exact ones are in the CSV files and summary.json). */
static const char *g3(char *buf, double v)
{
    if (isnan(v)) snprintf(buf, 32, "n/a"); else snprintf(buf, 32, "%.3g", v);
    return buf;
}

static void ci(char *out, const char *v, double lo, double hi)
{
    char a[32], b[32];
    if (isnan(lo) && isnan(hi)) snprintf(out, CELL, "%s", v);
    else snprintf(out, CELL, "%s [%s, %s]", v, g3(a, lo), g3(b, hi));
}

/* Budget 0 marks a fixed-width configuration. */
static void budget_cell(char *out, long budget)
{
    if (budget > 0) snprintf(out, CELL, "%ld", budget); else snprintf(out, CELL, "- (fixed width)");
}

static const char *const CSS =
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1200px;"
    "margin:2em auto;padding:0 1em;line-height:1.45;color:#222}\n"
    "table{border-collapse:collapse;margin:0.8em 0;font-size:0.9em}\n"
    "th,td{border:1px solid #ccc;padding:0.25em 0.55em;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}\ntr.holds td{background:#e8f5e9}\ntr.fails td{background:#fde8e8}\n"
    "tr.inconclusive td{background:#fff6d6}\ntr.nodata td{background:#f0f0f0;color:#666}\n"
    "code{background:#f4f4f4;padding:0 0.2em}\nfigure{margin:1em 0}\nimg{max-width:100%;border:1px solid #ddd}\n"
    "figcaption{font-style:italic;font-size:0.9em}\n";

static void write_doc(const analysis *a, const run_facts *r, const report_figures *fg, FILE *md, FILE *html)
{
    doc dd = { md, html }, *d = &dd;
    char b[4][1024], x[4][32];
    char (*c)[CELL] = calloc(12, CELL);
    const char *vk = r->vk;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mlpvar analysis: ", html);
    html_inline(html, a->dir ? a->dir : "");
    fprintf(html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);
    fputs("# mlpvar analysis report\n\n", md);
    fputs("<h1>mlpvar analysis report</h1>\n", html);
    doc_p(d, "Every number below is computed by `mlpvar analyze` from the records of `%s/results.jsonl`; "
          "the exact values are in the CSV files and `summary.json` beside this report.", a->dir ? a->dir : ".");

    doc_h(d, 2, "What was run");
    doc_list(d, 1);
    doc_li(d, "Records: %ld (%ld with an at-init measurement, %ld trained, of which %ld diverged).",
           a->n_rec, r->n_init_rec, r->n_trained_rec, r->n_diverged_rec);
    if (a->n_failed)
        doc_li(d, "Failed records: %ld, left out of everything below (`mlpvar results` lists them with their errors; "
               "rerunning the sweep retries them).", a->n_failed);
    join_l(b[0], sizeof b[0], &r->parts);
    doc_li(d, "Parts of the sweep: %s (draws measured in several parts are pooled, one per seed).", b[0]);
    join_s(b[0], sizeof b[0], &r->acts); join_l(b[1], sizeof b[1], &r->budgets);
    join_l(b[2], sizeof b[2], &r->depths); join_l(b[3], sizeof b[3], &r->grids);
    if (r->budgets.n && r->budgets.v[0] <= 0) {   /* budget 0: a fixed-width configuration */
        lset rest = { r->budgets.v + 1, r->budgets.n - 1, 0 };
        join_l(b[1], sizeof b[1], &rest);
        size_t o = strlen(b[1]);
        snprintf(b[1] + o, sizeof b[1] - o, "%s", rest.n ? " and fixed widths" : " (fixed widths)");
    }
    doc_li(d, "At-init configurations: %d; activations %s; budgets %s; depths %s; grid %s; "
           "draws per configuration %d to %d (%ld in all).", a->n_init, b[0], b[1], b[2], b[3],
           r->draws_min, r->draws_max, r->draws_total);
    if (a->n_trained) {
        join_s(b[0], sizeof b[0], &r->tasks);
        doc_li(d, "Trained configurations: %d; tasks (name:knob) %s; seeds per configuration %d to %d; "
               "success = test accuracy >= %g.", a->n_trained, b[0], r->seeds_min, r->seeds_max, a->success_threshold);
    } else {
        doc_li(d, "Trained configurations: none (no trained networks in this sweep).");
    }
    doc_li(d, "Intervals: 95%%; bootstrap with %d resamples (seed %llu) for statistics and means, "
           "Wilson for proportions (C2C probability, success rate).", a->bootstrap, a->seed);
    doc_list(d, 0);

    doc_h(d, 2, "Summary of the verdicts");
    doc_p(d, "%d claim tests: %d hold, %d do not hold, %d inconclusive, %d without data.", a->n_claims,
          r->verdicts[AN_HOLDS], r->verdicts[AN_FAILS], r->verdicts[AN_INCONCLUSIVE], r->verdicts[AN_NO_DATA]);
    int listed = 0;
    for (int pass = 0; pass < 4; pass++)          /* does not hold, then inconclusive; "overall" rows first */
        for (int i = 0; i < a->n_claims; i++) {
            const an_claim *k = &a->claims[i];
            int overall = k->kind == AN_SLICE_OVERALL;
            if (k->verdict != (pass < 2 ? AN_FAILS : AN_INCONCLUSIVE) || overall != (pass % 2 == 0)) continue;
            if (!listed++) {
                doc_p(d, "If a claim of the paper does not hold in these measurements, the report says so. "
                      "Claims that do not hold or are inconclusive:");
                doc_list(d, 1);
            }
            ci(c[0], g3(x[0], k->value), k->lo, k->hi);
            if (isnan(k->value)) doc_li(d, "**%s** (%s): **%s**: %s. %s", k->claim, k->slice, verdict_word(k->verdict),
                                        k->statistic, k->detail);
            else doc_li(d, "**%s** (%s): **%s**: %s = %s. %s", k->claim, k->slice, verdict_word(k->verdict),
                        k->statistic, c[0], k->detail);
        }
    if (listed) doc_list(d, 0);
    else if (a->n_claims) doc_p(d, "Every claim tested holds in these measurements.");
    for (int i = 0, first = 1; i < a->n_claims; i++)
        if (a->claims[i].verdict == AN_NO_DATA) {
            if (first) { doc_p(d, "Not tested (no data in this sweep):"); doc_list(d, 1); first = 0; }
            doc_li(d, "%s (%s): %s", a->claims[i].claim, a->claims[i].slice, a->claims[i].detail);
        }
    if (r->verdicts[AN_NO_DATA]) doc_list(d, 0);

    doc_h(d, 2, "The paper's claims");
    doc_p(d, "C1: at a fixed budget, median %s rises with depth, peaks, then falls. "
          "C2: C2C probability rises with depth; across depths %s and C2C probability are negatively correlated. "
          "C3: before the collapse regime, %s rises with the number of activations. "
          "C4: abs gives higher %s and lower C2C probability than ReLU at equal depth and budget, and peaks deeper. "
          "C5: %s at init predicts trainability (rank correlation with accuracy).", vk, vk, vk, vk, vk);
    doc_h(d, 3, "How verdicts are decided");
    doc_p(d, "Each claim is tested on slices of the data (an activation, a budget, a task). For each slice one "
          "statistic is computed with a 95%% percentile bootstrap interval (1000 resamples by default): at-init "
          "statistics resample the draws of every depth, C5 and the predictive table resample configurations. "
          "The claim **holds** when the whole interval lies strictly on the claimed side of zero, **does not "
          "hold** when it lies wholly on the other side, and is **inconclusive** when the interval straddles "
          "zero. For C1 the statistic is min(log(peak/shallowest), log(peak/deepest)) of the median V3, which "
          "is exactly 0 when the peak sits at either end of the depth range, so an interval that ends at 0 "
          "already counts as **does not hold** (no rise-then-fall). Each claim's **overall** row holds when "
          "all its relu and abs rows hold, does not hold when any of them does not, and is inconclusive "
          "otherwise; other activations (tanh, gelu) are reported but not counted. A slice without enough "
          "data gets **no data**. The detail column gives the numbers behind each verdict.");
    doc_h(d, 3, "Verdict table");
    if (a->n_claims) {
        static const char *const h[] = { "Claim", "Slice", "Statistic", "Value [95% CI]", "Verdict", "Detail" };
        doc_table(d, 6, h);
        for (int i = 0; i < a->n_claims; i++) {
            const an_claim *k = &a->claims[i];
            snprintf(c[0], CELL, "%s", k->claim); snprintf(c[1], CELL, "%s", k->slice);
            snprintf(c[2], CELL, "%s", k->statistic); ci(c[3], g3(x[0], k->value), k->lo, k->hi);
            snprintf(c[4], CELL, "%s%s%s", k->verdict == AN_HOLDS ? "" : "**", verdict_word(k->verdict),
                     k->verdict == AN_HOLDS ? "" : "**");
            snprintf(c[5], CELL, "%s", k->detail);
            doc_row(d, 6, c, verdict_class(k->verdict));
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No claim was tested.");
    }

    doc_h(d, 2, "Predictive power");
    if (a->n_predict) {
        doc_p(d, "Rank correlation, across configurations, between an at-init score and the mean test accuracy, "
              "with 95%% bootstrap intervals over configurations; trivial baselines (depth, width, P, AR, a "
              "random score) beside %s. n = configurations. The last column is the Spearman partial "
              "correlation controlling for depth, so that no score is credited for merely encoding depth "
              "(empty for depth itself).", vk);
        static const char *const h[] = { "Score", "Slice", "n", "Spearman rho [95% CI]", "Kendall tau-b [95% CI]",
                                         "partial rho given depth [95% CI]" };
        doc_table(d, 6, h);
        for (int i = 0; i < a->n_predict; i++) {
            const an_predict *p = &a->predict[i];
            snprintf(c[0], CELL, "%s", p->score); snprintf(c[1], CELL, "%s", p->slice);
            snprintf(c[2], CELL, "%d", p->n);
            ci(c[3], g3(x[0], p->spearman), p->sp_lo, p->sp_hi);
            ci(c[4], g3(x[1], p->kendall), p->kd_lo, p->kd_hi);
            ci(c[5], g3(x[2], p->partial), p->pa_lo, p->pa_hi);
            doc_row(d, 6, c, NULL);
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No predictive-power table: it needs trained networks (no trained networks in this sweep).");
    }
    int nv = 0;
    double rho = report_v3_accuracy_rho(a, &nv);
    if (nv >= 2) doc_p(d, "Over the %d trained configurations with a median %s at init, Spearman rho(%s, accuracy) = %s.",
                       nv, vk, vk, g3(x[0], rho));

    doc_h(d, 2, "At-init configurations");
    if (a->n_init) {
        char hv[64];
        snprintf(hv, sizeof hv, "%s median [q25, q75]", vk);
        const char *const h[] = { "Activation", "Budget", "Depth", "Width", "AR", "Draws", hv,
                                  "C2C [Wilson 95%] (collapsed/draws)" };
        doc_table(d, 8, h);
        for (int i = 0; i < a->n_init; i++) {
            const an_init *g = &a->init[i];
            snprintf(c[0], CELL, "%s", g->activation); budget_cell(c[1], g->budget);
            snprintf(c[2], CELL, "%d", g->depth); snprintf(c[3], CELL, "%d", g->width);
            g3(c[4], g->activation_ratio); snprintf(c[5], CELL, "%d", g->n);
            ci(c[6], g3(x[0], g->v_median), g->v_q25, g->v_q75);
            ci(c[7], g3(x[1], g->c2c), g->c2c_lo, g->c2c_hi);
            size_t o = strlen(c[7]);
            snprintf(c[7] + o, CELL - o, " (%ld/%d)", g->collapsed, g->n);
            doc_row(d, 8, c, NULL);
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No at-init measurements in this sweep.");
    }

    doc_h(d, 2, "Trained configurations");
    if (a->n_trained) {
        char hv[64];
        snprintf(hv, sizeof hv, "%s median at init", vk);
        const char *const h[] = { "Task", "Activation", "Budget", "Depth", "Width", "Seeds",
                                  "Accuracy mean [95% CI]", "Success [Wilson 95%]", "Diverged", hv };
        doc_table(d, 10, h);
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            snprintf(c[0], CELL, "%s:%d", t->task, t->knob); snprintf(c[1], CELL, "%s", t->activation);
            budget_cell(c[2], t->budget); snprintf(c[3], CELL, "%d", t->depth);
            snprintf(c[4], CELL, "%d", t->width); snprintf(c[5], CELL, "%d", t->n);
            ci(c[6], g3(x[0], t->acc_mean), t->acc_lo, t->acc_hi);
            ci(c[7], g3(x[1], t->success), t->success_lo, t->success_hi);
            g3(c[8], t->diverged_rate);
            if (t->init) snprintf(c[9], CELL, "%s (%d draws)", g3(x[2], t->init->v_median), t->init->n);
            else snprintf(c[9], CELL, "n/a");
            doc_row(d, 10, c, NULL);
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No trained networks in this sweep: no accuracy table, no accuracy figures, no predictive power.");
    }

    doc_h(d, 2, "Figures");
    if (!fg->gnuplot)
        doc_p(d, "**gnuplot was not found**, so no figures were drawn (install it with `apt-get install gnuplot-nox` "
              "and run `mlpvar analyze` again); every table and file above is complete without it.");
    for (int f = 0; f < RP_COUNT; f++) {
        if (fg->written[f]) doc_fig(d, report_fig_file((report_fig)f), fg->caption[f]);
        else if (fg->gnuplot && fg->note[f][0]) doc_p(d, "`%s`: not drawn: %s.", report_fig_file((report_fig)f), fg->note[f]);
    }

    doc_h(d, 2, "Files");
    doc_list(d, 1);
    doc_li(d, "`init_configs.csv`: one row per at-init configuration (%d).", a->n_init);
    doc_li(d, "`trained_configs.csv`: one row per trained configuration (%d).", a->n_trained);
    doc_li(d, "`claims.csv`: one row per claim test (%d).", a->n_claims);
    doc_li(d, "`predictive.csv`: one row per predictive-power row (%d).", a->n_predict);
    doc_li(d, "`summary.json`: every number of this report, the same text as in the CSV files.");
    doc_list(d, 0);
    fputs("</body>\n</html>\n", html);
    free(c);
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
    int nv = 0;
    double rho = report_v3_accuracy_rho(a, &nv);
    json_num(&j, "variability_accuracy_spearman", rho);
    json_int(&j, "variability_accuracy_n", nv);
    json_bool(&j, "gnuplot", fg->gnuplot);
    json_open_array(&j, "figures", 0);
    for (int k = 0; k < RP_COUNT; k++)
        if (fg->written[k]) json_str(&j, NULL, report_fig_file((report_fig)k));
    json_close_array(&j);
    cell c[MAX_CELLS];
    for (int t = 0; t < ntab; t++) {
        json_open_array(&j, tabs[t].json, 1);
        for (int i = 0; i < tabs[t].n; i++)
            json_row(&j, c, tabs[t].fn((const char *)tabs[t].items + (size_t)i * tabs[t].size, c));
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
    table_def tabs[] = {
        { "claims.csv", "claims", a->claims, sizeof(an_claim), a->n_claims, claim_cells_v },
        { "predictive.csv", "predictive", a->predict, sizeof(an_predict), a->n_predict, predict_cells_v },
        { "init_configs.csv", "init", a->init, sizeof(an_init), a->n_init, init_cells_v },
        { "trained_configs.csv", "trained", a->trained, sizeof(an_trained), a->n_trained, trained_cells_v },
    };
    int ntab = (int)(sizeof tabs / sizeof tabs[0]);
    for (int t = 0; t < ntab; t++)
        if (write_csv(out_dir, &tabs[t]) != 0) {
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
        if (fclose(js) != 0) { snprintf(err, errlen, "cannot write %s/summary.json", out_dir); rc = -1; }
    } else rc = -1;
    FILE *md = rc ? NULL : open_in(out_dir, "report.md", err, errlen);
    FILE *html = md ? open_in(out_dir, "report.html", err, errlen) : NULL;
    if (md && html) {
        write_doc(a, &r, &fg, md, html);
        if (fclose(html) != 0) { snprintf(err, errlen, "cannot write %s/report.html", out_dir); rc = -1; }
        html = NULL;
    } else rc = -1;
    if (html) fclose(html);
    if (md && fclose(md) != 0 && !rc) { snprintf(err, errlen, "cannot write %s/report.md", out_dir); rc = -1; }
    facts_free(&r);
    return rc;
}
