/* mlpvar analyze DIR: the paper's claims judged from a sweep's records, and a report. */
#include "analysis.h"
#include "cli_args.h"
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "analyze";

static void usage(void)
{
    printf("usage: mlpvar analyze DIR [--out REPORT_DIR] [--bootstrap B] [--threshold T] [--seed S] [--verbose]\n\n"
           "Reads DIR/results.jsonl (from mlpvar sweep) and judges the paper's claims C1-C5 from\n"
           "the data: each statistic with a 95%% bootstrap interval and a verdict (holds, does not\n"
           "hold, inconclusive) by the rule written in the report. Writes DIR/report/ (or\n"
           "REPORT_DIR): report.md, report.html, CSV tables, summary.json and PNG figures. The\n"
           "terminal gets a short summary: each claim's overall verdict, per task the headline\n"
           "predictive numbers and the least regret of advice, and the report's path.\n\n"
           "options:\n"
           "  --out DIR        where the report goes (default DIR/report)\n"
           "  --bootstrap B    bootstrap resamples (default 1000)\n"
           "  --threshold T    test accuracy counted as a success (default 0.75)\n"
           "  --seed S         bootstrap seed (default 0)\n"
           "  --verbose        print every table of the report, not only the summary\n");
}

/* --verbose: every table of the report, as text. */
static void print_tables(const analysis *a)
{
    printf("%ld records: %d at-init configurations, %d trained configurations\n\n", a->n_rec, a->n_init, a->n_trained);
    printf("%-4s %-32s %-14s %-26s %s\n", "", "slice", "verdict", "statistic [95% CI]", "");
    for (int i = 0; i < a->n_claims; i++) {
        const an_claim *c = &a->claims[i];
        char stat[64] = "";
        if (!isnan(c->value)) snprintf(stat, sizeof stat, "%.3f [%.3f, %.3f]", c->value, c->lo, c->hi);
        printf("%-4s %-32s %-14s %-26s %s\n", c->claim, c->slice, an_verdict_name(c->verdict), stat,
               c->verdict == AN_NO_DATA || c->kind == AN_SLICE_OVERALL ? c->detail : c->statistic);
    }
    if (a->n_predict) {
        printf("\npredictive power for the mean of each slice's trainability measure (Spearman and Kendall tau-b, "
               "95%% bootstrap CI)\n");
        printf("%-24s %-20s %-10s %4s  %-24s %-24s %-24s\n", "score", "slice", "measure", "n", "Spearman", "Kendall",
               "partial | depth");
        for (int i = 0; i < a->n_predict; i++) {
            const an_predict *p = &a->predict[i];
            printf("%-24s %-20s %-10s %4d  %6.3f [%6.3f, %6.3f]  %6.3f [%6.3f, %6.3f]  %6.3f [%6.3f, %6.3f]\n",
                   p->score, p->slice, an_measure_name(p->measure), p->n, p->spearman, p->sp_lo, p->sp_hi, p->kendall,
                   p->kd_lo, p->kd_hi, p->partial, p->pa_lo, p->pa_hi);
        }
    }
    if (a->n_regret) {
        printf("\nregret of advice: the task's best mean minus the mean of the score's first pick (and of the best of "
               "its first 3), 95%% bootstrap CI over seeds\n");
        printf("%-20s %-10s %-24s %-13s %-26s %-26s %s\n", "task", "measure", "score", "ranks", "regret",
               "top-3 regret", "ranked first");
        for (int i = 0; i < a->n_regret; i++) {
            const an_regret *r = &a->regret[i];
            printf("%-20s %-10s %-24s %-13s %7.4f [%7.4f, %7.4f] %7.4f [%7.4f, %7.4f] %s\n", r->task_label,
                   an_measure_name(r->measure), r->score, an_direction_name(r->sign), r->regret, r->lo, r->hi,
                   r->regret3, r->lo3, r->hi3, r->pick);
        }
    }
}

#define SUMMARY_TASKS 6 /* tasks named in the short summary; the rest are in the report */

/* The predictive row of score for task t, or NULL. */
static const an_predict *predict_row(const analysis *a, const an_trained *t, const char *score)
{
    for (int i = 0; i < a->n_predict; i++) {
        const an_predict *p = &a->predict[i];
        if (p->measure == t->measure && !strcmp(p->slice, t->task_label) && !strcmp(p->score, score)) return p;
    }
    return NULL;
}

/* The regret row of score for task t, or NULL. */
static const an_regret *regret_row(const analysis *a, const an_trained *t, const char *score)
{
    for (int i = 0; i < a->n_regret; i++) {
        const an_regret *r = &a->regret[i];
        if (r->measure == t->measure && !strcmp(r->task_label, t->task_label) && !strcmp(r->score, score)) return r;
    }
    return NULL;
}

/* The short summary: the overall verdict of each claim, per task the headline
 * Spearman correlations and the least regret, at most about 25 lines. */
static void print_summary(const analysis *a)
{
    printf("%ld records: %d at-init and %d trained configurations\n", a->n_rec, a->n_init, a->n_trained);
    printf("overall verdicts (each claim over its relu and abs rows; every row: --verbose or claims.csv):\n");
    for (int i = 0; i < a->n_claims; i++) {
        const an_claim *c = &a->claims[i];
        if (c->kind == AN_SLICE_OVERALL) printf("  %-4s %-14s %s\n", c->claim, an_verdict_name(c->verdict), c->detail);
    }
    int *tasks, nt = an_tasks(a, &tasks);
    if (nt <= 0) {
        free(tasks);
        return;
    }
    static const char *const headline[] = { "V3", "V3 x (1 - C2C)", "depth" };
    printf("predictive power: Spearman rho with each task's measure [95%% CI over configurations]:\n");
    for (int k = 0; k < nt && k < SUMMARY_TASKS; k++) {
        const an_trained *t = &a->trained[tasks[k]];
        char ts[AN_TASK_LABEL + 32];
        an_task_slice(t, ts, sizeof ts);
        printf("  %s:", ts);
        int shown = 0;
        for (int h = 0; h < 3; h++) {
            const an_predict *p = predict_row(a, t, headline[h]);
            if (p) printf("%s %s %.2f [%.2f, %.2f]", shown++ ? ";" : "", p->score, p->spearman, p->sp_lo, p->sp_hi);
        }
        printf("%s\n", shown ? "" : " none (fewer than 4 configurations)");
    }
    if (nt > SUMMARY_TASKS) printf("  ... and %d more tasks in the report\n", nt - SUMMARY_TASKS);
    printf("regret of advice: best mean minus the mean of the score's first pick [95%% CI over seeds]:\n");
    for (int k = 0; k < nt && k < SUMMARY_TASKS; k++) {
        const an_trained *t = &a->trained[tasks[k]];
        char ts[AN_TASK_LABEL + 32];
        an_task_slice(t, ts, sizeof ts);
        const an_regret *least = NULL;
        int tied = 0;
        for (int i = 0; i < a->n_regret; i++) {
            const an_regret *r = &a->regret[i];
            if (r->measure != t->measure || strcmp(r->task_label, t->task_label) || isnan(r->regret)) continue;
            if (!least || r->regret < least->regret) {
                least = r;
                tied = 0;
            } else if (r->regret == least->regret) tied++;
        }
        if (!least) {
            printf("  %s: no regret (fewer than 2 configurations)\n", ts);
            continue;
        }
        printf("  %s: least %s %.3g [%.3g, %.3g]", ts, least->score, least->regret, least->lo, least->hi);
        if (tied) printf(" (and %d more score%s as low)", tied, tied == 1 ? "" : "s");
        static const char *const beside[] = { "V3", "V3 x (1 - C2C)", "random" };
        for (int h = 0; h < 3; h++) {
            const an_regret *r = regret_row(a, t, beside[h]);
            if (r && r != least) printf("; %s %.3g [%.3g, %.3g]", r->score, r->regret, r->lo, r->hi);
        }
        printf("\n");
    }
    if (nt > SUMMARY_TASKS) printf("  ... and %d more tasks in the report\n", nt - SUMMARY_TASKS);
    free(tasks);
}

int cmd_analyze(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    int verbose = 0;
    analysis a;
    memset(&a, 0, sizeof a);
    a.bootstrap = 1000;
    a.success_threshold = 0.75;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--out")) out = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(o, "--bootstrap"))
            a.bootstrap = (int)cli_long(CMD, o, cli_value(CMD, argc, argv, &i), 10, 1000000);
        else if (!strcmp(o, "--threshold"))
            a.success_threshold = cli_double(CMD, o, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(o, "--seed"))
            a.seed = (unsigned long long)cli_long(CMD, o, cli_value(CMD, argc, argv, &i), 0, 1L << 62);
        else if (!strcmp(o, "--verbose")) verbose = 1;
        else if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            return 0;
        } else if (o[0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar analyze --help'", o);
        else if (!dir) dir = o;
        else cli_die(CMD, "one results folder at a time; got '%s' and '%s'", dir, o);
    }
    if (!dir) cli_die(CMD, "give a sweep's results folder: mlpvar analyze DIR");
    char err[1024], report_dir[4096];
    int loaded = analysis_run(&a, dir, err, sizeof err);
    if (loaded != 0) {
        fprintf(stderr, "mlpvar analyze: %s\n", err);
        analysis_free(&a);
        return loaded == -2 ? EXIT_USAGE : 1;
    }
    char ignored[1024];
    results_stats_line(&a.res.st, dir, ignored, sizeof ignored);
    if (ignored[0]) fprintf(stderr, "mlpvar analyze: %s\n", ignored);
    if (a.n_failed)
        fprintf(stderr,
                "mlpvar analyze: left out %ld failed records (mlpvar results %s lists them; rerunning the "
                "sweep retries them)\n",
                a.n_failed, dir);
    snprintf(report_dir, sizeof report_dir, "%s", out ? out : dir);
    if (!out) strncat(report_dir, "/report", sizeof report_dir - strlen(report_dir) - 1);
    if (verbose) print_tables(&a);
    else print_summary(&a);
    int rc = 0;
    if (report_write(&a, report_dir, err, sizeof err) != 0) {
        fprintf(stderr, "mlpvar analyze: %s\n", err);
        rc = 1;
    } else {
        printf("%sreport: %s/report.md (and report.html, summary.json, CSV tables, figures)%s\n", verbose ? "\n" : "",
               report_dir, verbose ? "" : "; --verbose prints every table");
    }
    analysis_free(&a);
    return rc;
}
