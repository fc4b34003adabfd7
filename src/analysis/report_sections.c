/* The text of report.md and report.html: what was run, the verdicts, the
 * claims, the predictive-power and regret tables, the configurations, the
 * figures and the files (report.c gathers the facts and drives the writing). */
#include "report_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *verdict_class(an_verdict v)
{
    return v == AN_HOLDS ? "holds" : v == AN_FAILS ? "fails" : v == AN_INCONCLUSIVE ? "inconclusive" : "nodata";
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

static const char *const CSS =
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1200px;"
    "margin:2em auto;padding:0 1em;line-height:1.45;color:#222}\n"
    "table{border-collapse:collapse;margin:0.8em 0;font-size:0.9em}\n"
    "th,td{border:1px solid #ccc;padding:0.25em 0.55em;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}\ntr.holds td{background:#e8f5e9}\ntr.fails td{background:#fde8e8}\n"
    "tr.inconclusive td{background:#fff6d6}\ntr.nodata td{background:#f0f0f0;color:#666}\n"
    "code{background:#f4f4f4;padding:0 0.2em}\nfigure{margin:1em 0}\nimg{max-width:100%;border:1px solid #ddd}\n"
    "figcaption{font-style:italic;font-size:0.9em}\n";

/* The predictive-power table: each row names the measure its scores are correlated with. */
static void write_predictive(doc *d, const analysis *a, const char *vk, char (*c)[CELL])
{
    char x[3][32];
    doc_h(d, 2, "Predictive power");
    if (!a->n_predict) {
        doc_p(d, "No predictive-power table: it needs trained networks (no trained networks in this sweep).");
        return;
    }
    doc_p(d,
          "Rank correlation, across configurations, between an at-init score and the mean of the task's "
          "trainability measure (test accuracy, or -test loss where the targets are real numbers: the column "
          "Measure), with 95%% bootstrap intervals over configurations; trivial baselines (depth, width, P, AR, a "
          "random score) beside %s. A slice never mixes measures. n = configurations. The last column is the "
          "Spearman partial correlation controlling for depth, so that no score is credited for merely encoding "
          "depth (empty for depth itself).",
          vk);
    static const char *const h[] = { "Score",
                                     "Slice",
                                     "Measure",
                                     "n",
                                     "Spearman rho [95% CI]",
                                     "Kendall tau-b [95% CI]",
                                     "partial rho given depth [95% CI]" };
    doc_table(d, 7, h);
    for (int i = 0; i < a->n_predict; i++) {
        const an_predict *p = &a->predict[i];
        snprintf(c[0], CELL, "%s", p->score);
        snprintf(c[1], CELL, "%s", p->slice);
        snprintf(c[2], CELL, "%s", an_measure_name(p->measure));
        snprintf(c[3], CELL, "%d", p->n);
        doc_ci(c[4], doc_g3(x[0], p->spearman), p->sp_lo, p->sp_hi);
        doc_ci(c[5], doc_g3(x[1], p->kendall), p->kd_lo, p->kd_hi);
        doc_ci(c[6], doc_g3(x[2], p->partial), p->pa_lo, p->pa_hi);
        doc_row(d, 7, c, NULL);
    }
    doc_table_end(d);
    for (int m = 0; m < AN_MEASURE_COUNT; m++) {
        int nv = 0;
        double rho = report_v3_rho(a, (an_measure)m, &nv);
        if (nv >= 2)
            doc_p(d,
                  "Over the %d trained configurations judged by %s with a median %s at init, Spearman rho(%s, %s) "
                  "= %s.",
                  nv, an_measure_name((an_measure)m), vk, vk, an_measure_words((an_measure)m), doc_g3(x[0], rho));
    }
}

/* The least regret among a's rows of the same task as row r. */
static double least_regret(const analysis *a, const an_regret *r)
{
    double m = NAN;
    for (int i = 0; i < a->n_regret; i++) {
        const an_regret *q = &a->regret[i];
        if (q->measure == r->measure && !strcmp(q->task_label, r->task_label) && !isnan(q->regret) &&
            (isnan(m) || q->regret < m))
            m = q->regret;
    }
    return m;
}

/* The regret table (docs/claims.md, "Regret of advice"); the least regret of each task in bold. */
static void write_regret(doc *d, const analysis *a, char (*c)[CELL])
{
    char x[3][32];
    doc_h(d, 2, "Regret of advice");
    if (!a->n_regret) {
        doc_p(d, "No regret table: it needs a task with at least 2 trained configurations.");
        return;
    }
    doc_p(d, "If you follow a score, how much do you lose? For each task and each at-init score: the best mean of "
             "the task's measure among its trained configurations, minus the mean of the configuration the score "
             "ranks first (configurations with equal scores count as their average; the random baseline ties them "
             "all). Top-3 regret: the best minus the best of the score's first three. 95%% percentile bootstrap "
             "intervals over seeds (each configuration's seeds resampled, the best and the picks found again; the "
             "scores held fixed). 0 means the score's first pick is the best configuration; **bold**: the least "
             "regret of the task. Ranks: which end of the score is taken first.");
    static const char *const h[] = { "Task",      "Measure",         "Score",
                                     "Ranks",     "Configurations",  "Ranked first",
                                     "Best mean", "Regret [95% CI]", "Top-3 regret [95% CI]" };
    doc_table(d, 9, h);
    for (int i = 0; i < a->n_regret; i++) {
        const an_regret *r = &a->regret[i];
        int least = r->regret == least_regret(a, r);
        snprintf(c[0], CELL, "%s", r->task_label);
        snprintf(c[1], CELL, "%s", an_measure_name(r->measure));
        snprintf(c[2], CELL, "%s", r->score);
        snprintf(c[3], CELL, "%s", an_direction_name(r->sign));
        snprintf(c[4], CELL, "%d of %d", r->n, r->n_task);
        snprintf(c[5], CELL, "%s", r->pick);
        doc_g3(c[6], r->best);
        doc_ci(c[7], doc_g3(x[0], r->regret), r->lo, r->hi);
        if (least) {
            char t[CELL];
            snprintf(t, sizeof t, "%s", c[7]);
            snprintf(c[7], CELL, "**%.500s**", t);
        }
        doc_ci(c[8], doc_g3(x[1], r->regret3), r->lo3, r->hi3);
        doc_row(d, 9, c, NULL);
    }
    doc_table_end(d);
}

void report_write_doc(const analysis *a, const run_facts *r, const report_figures *fg, FILE *md, FILE *html)
{
    doc dd = { md, html }, *d = &dd;
    char b[4][1024], x[4][32];
    char(*c)[CELL] = calloc(12, CELL);
    const char *vk = r->vk;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>mlpvar analysis: ", html);
    doc_html_inline(html, a->dir ? a->dir : "");
    fprintf(html, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", CSS);
    fputs("# mlpvar analysis report\n\n", md);
    fputs("<h1>mlpvar analysis report</h1>\n", html);
    doc_p(d,
          "Every number below is computed by `mlpvar analyze` from the records of `%s/results.jsonl`; "
          "the exact values are in the CSV files and `summary.json` beside this report.",
          a->dir ? a->dir : ".");

    doc_h(d, 2, "What was run");
    doc_list(d, 1);
    doc_li(d, "Records: %ld (%ld with an at-init measurement, %ld trained, of which %ld diverged).", a->n_rec,
           r->n_init_rec, r->n_trained_rec, r->n_diverged_rec);
    if (a->n_failed)
        doc_li(d,
               "Failed records: %ld, left out of everything below (`mlpvar results` lists them with their errors; "
               "rerunning the sweep retries them).",
               a->n_failed);
    join_l(b[0], sizeof b[0], &r->parts);
    doc_li(d, "Parts of the sweep: %s (draws measured in several parts are pooled, one per seed).", b[0]);
    join_s(b[0], sizeof b[0], &r->acts);
    join_l(b[1], sizeof b[1], &r->budgets);
    join_l(b[2], sizeof b[2], &r->depths);
    join_l(b[3], sizeof b[3], &r->grids);
    if (r->budgets.n && r->budgets.v[0] <= 0) { /* budget 0: a fixed-width configuration */
        lset rest = { r->budgets.v + 1, r->budgets.n - 1, 0 };
        join_l(b[1], sizeof b[1], &rest);
        size_t o = strlen(b[1]);
        snprintf(b[1] + o, sizeof b[1] - o, "%s", rest.n ? " and fixed widths" : " (fixed widths)");
    }
    doc_li(d,
           "At-init configurations: %d; activations %s; budgets %s; depths %s; grid %s; "
           "draws per configuration %d to %d (%ld in all).",
           a->n_init, b[0], b[1], b[2], b[3], r->draws_min, r->draws_max, r->draws_total);
    if (a->n_trained) {
        join_s(b[0], sizeof b[0], &r->tasks);
        doc_li(d,
               "Trained configurations: %d; tasks (and the measure each is judged by) %s; seeds per configuration "
               "%d to %d; success = test accuracy >= %g (tasks judged by accuracy).",
               a->n_trained, b[0], r->seeds_min, r->seeds_max, a->success_threshold);
    } else {
        doc_li(d, "Trained configurations: none (no trained networks in this sweep).");
    }
    doc_li(d,
           "Intervals: 95%%; bootstrap with %d resamples (seed %llu) for statistics and means, "
           "Wilson for proportions (C2C probability, success rate).",
           a->bootstrap, a->seed);
    doc_list(d, 0);

    doc_h(d, 2, "Summary of the verdicts");
    doc_p(d, "%d claim tests: %d hold, %d do not hold, %d inconclusive, %d without data.", a->n_claims,
          r->verdicts[AN_HOLDS], r->verdicts[AN_FAILS], r->verdicts[AN_INCONCLUSIVE], r->verdicts[AN_NO_DATA]);
    int listed = 0;
    for (int pass = 0; pass < 4; pass++) /* does not hold, then inconclusive; "overall" rows first */
        for (int i = 0; i < a->n_claims; i++) {
            const an_claim *k = &a->claims[i];
            int overall = k->kind == AN_SLICE_OVERALL;
            if (k->verdict != (pass < 2 ? AN_FAILS : AN_INCONCLUSIVE) || overall != (pass % 2 == 0)) continue;
            if (!listed++) {
                doc_p(d, "If a claim of the paper does not hold in these measurements, the report says so. "
                         "Claims that do not hold or are inconclusive:");
                doc_list(d, 1);
            }
            doc_ci(c[0], doc_g3(x[0], k->value), k->lo, k->hi);
            if (isnan(k->value))
                doc_li(d, "**%s** (%s): **%s**: %s. %s", k->claim, k->slice, an_verdict_name(k->verdict), k->statistic,
                       k->detail);
            else
                doc_li(d, "**%s** (%s): **%s**: %s = %s. %s", k->claim, k->slice, an_verdict_name(k->verdict),
                       k->statistic, c[0], k->detail);
        }
    if (listed) doc_list(d, 0);
    else if (a->n_claims) doc_p(d, "Every claim tested holds in these measurements.");
    for (int i = 0, first = 1; i < a->n_claims; i++)
        if (a->claims[i].verdict == AN_NO_DATA) {
            if (first) {
                doc_p(d, "Not tested (no data in this sweep):");
                doc_list(d, 1);
                first = 0;
            }
            doc_li(d, "%s (%s): %s", a->claims[i].claim, a->claims[i].slice, a->claims[i].detail);
        }
    if (r->verdicts[AN_NO_DATA]) doc_list(d, 0);

    doc_h(d, 2, "The paper's claims");
    doc_p(d,
          "C1: at a fixed budget, median %s rises with depth, peaks, then falls. "
          "C2: C2C probability rises with depth; across depths %s and C2C probability are negatively correlated. "
          "C3: before the collapse regime, %s rises with the number of activations. "
          "C4: abs gives higher %s and lower C2C probability than ReLU at equal depth and budget, and peaks deeper. "
          "C5: %s at init predicts trainability (rank correlation with each task's measure: mean test accuracy, "
          "or mean -test loss where the targets are real numbers). "
          "C3w is C3 where depth does not move with it: at each fixed depth, over widths.",
          vk, vk, vk, vk, vk);
    doc_h(d, 3, "How verdicts are decided");
    doc_p(
        d,
        "Each claim is tested on slices of the data (an activation, a budget, a task). For each slice one "
        "statistic is computed with a 95%% percentile bootstrap interval (1000 resamples by default): at-init "
        "statistics resample the draws of every depth (or width), C5 and the predictive table resample configurations. "
        "The claim **holds** when the whole interval lies strictly on the claimed side of zero, **does not "
        "hold** when it lies wholly on the other side, and is **inconclusive** when the interval straddles "
        "zero. For C1 the statistic is min(log(peak/shallowest), log(peak/deepest)) of the median V3, which "
        "is exactly 0 when the peak sits at either end of the depth range, so an interval that ends at 0 "
        "already counts as **does not hold** (no rise-then-fall). Each claim's **overall** row holds when "
        "all its relu and abs rows hold, does not hold when any of them does not, and is inconclusive "
        "otherwise; other activations (tanh, gelu) are reported but not counted, nor are C1-C4's rows at a "
        "fixed width (those claims are stated at a fixed budget; C3w is C3 at fixed depths). A slice without enough "
        "data gets **no data**. The detail column gives the numbers behind each verdict.");
    doc_h(d, 3, "Verdict table");
    if (a->n_claims) {
        static const char *const h[] = { "Claim", "Slice", "Statistic", "Value [95% CI]", "Verdict", "Detail" };
        doc_table(d, 6, h);
        for (int i = 0; i < a->n_claims; i++) {
            const an_claim *k = &a->claims[i];
            snprintf(c[0], CELL, "%s", k->claim);
            snprintf(c[1], CELL, "%s", k->slice);
            snprintf(c[2], CELL, "%s", k->statistic);
            doc_ci(c[3], doc_g3(x[0], k->value), k->lo, k->hi);
            snprintf(c[4], CELL, "%s%s%s", k->verdict == AN_HOLDS ? "" : "**", an_verdict_name(k->verdict),
                     k->verdict == AN_HOLDS ? "" : "**");
            snprintf(c[5], CELL, "%s", k->detail);
            doc_row(d, 6, c, verdict_class(k->verdict));
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No claim was tested.");
    }

    write_predictive(d, a, vk, c);
    write_regret(d, a, c);

    doc_h(d, 2, "At-init configurations");
    if (a->n_init) {
        char hv[64];
        snprintf(hv, sizeof hv, "%s median [q25, q75]", vk);
        const char *const h[] = { "Activation", "Budget", "Depth", "Width",
                                  "AR",         "Draws",  hv,      "C2C [Wilson 95%] (collapsed/draws)" };
        doc_table(d, 8, h);
        for (int i = 0; i < a->n_init; i++) {
            const an_init *g = &a->init[i];
            snprintf(c[0], CELL, "%s", g->activation);
            doc_budget(c[1], g->budget);
            snprintf(c[2], CELL, "%d", g->depth);
            snprintf(c[3], CELL, "%d", g->width);
            doc_g3(c[4], g->activation_ratio);
            snprintf(c[5], CELL, "%d", g->n);
            doc_ci(c[6], doc_g3(x[0], g->v_median), g->v_q25, g->v_q75);
            doc_ci(c[7], doc_g3(x[1], g->c2c), g->c2c_lo, g->c2c_hi);
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
        const char *const h[] = { "Task",       "Measure",
                                  "Activation", "Budget",
                                  "Depth",      "Width",
                                  "Seeds",      "Mean of the measure [95% CI]",
                                  "R^2 mean",   "Success [Wilson 95%]",
                                  "Diverged",   hv };
        doc_table(d, 12, h);
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            snprintf(c[0], CELL, "%s", t->task_label);
            snprintf(c[1], CELL, "%s", an_measure_name(t->measure));
            snprintf(c[2], CELL, "%s", t->activation);
            doc_budget(c[3], t->budget);
            snprintf(c[4], CELL, "%d", t->depth);
            snprintf(c[5], CELL, "%d", t->width);
            snprintf(c[6], CELL, "%d", t->n);
            doc_ci(c[7], doc_g3(x[0], t->tr_mean), t->tr_lo, t->tr_hi);
            doc_g3(c[8], t->r2_mean);
            doc_ci(c[9], doc_g3(x[1], t->success), t->success_lo, t->success_hi);
            doc_g3(c[10], t->diverged_rate);
            if (t->init) snprintf(c[11], CELL, "%s (%d draws)", doc_g3(x[2], t->init->v_median), t->init->n);
            else snprintf(c[11], CELL, "n/a");
            doc_row(d, 12, c, NULL);
        }
        doc_table_end(d);
    } else {
        doc_p(d, "No trained networks in this sweep: no trainability table, no trainability figures, no predictive "
                 "power, no regret.");
    }

    doc_h(d, 2, "Figures");
    if (!fg->gnuplot)
        doc_p(d, "**gnuplot was not found**, so no figures were drawn (install it with `apt-get install gnuplot-nox` "
                 "and run `mlpvar analyze` again); every table and file above is complete without it.");
    for (int f = 0; f < RP_COUNT; f++) {
        if (fg->written[f]) doc_fig(d, report_fig_file((report_fig)f), fg->caption[f]);
        else if (fg->gnuplot && fg->note[f][0])
            doc_p(d, "`%s`: not drawn: %s.", report_fig_file((report_fig)f), fg->note[f]);
    }

    doc_h(d, 2, "Files");
    doc_list(d, 1);
    doc_li(d, "`init_configs.csv`: one row per at-init configuration (%d).", a->n_init);
    doc_li(d, "`trained_configs.csv`: one row per trained configuration (%d).", a->n_trained);
    doc_li(d, "`claims.csv`: one row per claim test (%d).", a->n_claims);
    doc_li(d, "`predictive.csv`: one row per predictive-power row (%d).", a->n_predict);
    doc_li(d, "`regret.csv`: one row per task and score of the regret table (%d).", a->n_regret);
    doc_li(d, "`summary.json`: every number of this report, the same text as in the CSV files.");
    doc_list(d, 0);
    fputs("</body>\n</html>\n", html);
    free(c);
}
