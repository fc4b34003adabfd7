/* mlpvar analyze DIR: the paper's claims judged from a sweep's records, and a report. */
#include "analysis.h"
#include "cli_args.h"
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const CMD = "analyze";

static void usage(void)
{
    printf("usage: mlpvar analyze DIR [--out REPORT_DIR] [--bootstrap B] [--threshold T] [--seed S]\n\n"
           "Reads DIR/results.jsonl (from mlpvar sweep) and judges the paper's claims C1-C5 from\n"
           "the data: each statistic with a 95%% bootstrap interval and a verdict (holds, does not\n"
           "hold, inconclusive) by the rule written in the report. Writes DIR/report/ (or\n"
           "REPORT_DIR): report.md, report.html, CSV tables, summary.json and PNG figures.\n\n"
           "options:\n"
           "  --out DIR        where the report goes (default DIR/report)\n"
           "  --bootstrap B    bootstrap resamples (default 1000)\n"
           "  --threshold T    test accuracy counted as a success (default 0.75)\n"
           "  --seed S         bootstrap seed (default 0)\n");
}

static void print_tables(const analysis *a)
{
    printf("%ld records: %d at-init configurations, %d trained configurations\n\n", a->n_rec, a->n_init,
           a->n_trained);
    printf("%-4s %-24s %-14s %-26s %s\n", "", "slice", "verdict", "statistic [95% CI]", "");
    for (int i = 0; i < a->n_claims; i++) {
        const an_claim *c = &a->claims[i];
        char stat[64] = "";
        if (!isnan(c->value)) snprintf(stat, sizeof stat, "%.3f [%.3f, %.3f]", c->value, c->lo, c->hi);
        printf("%-4s %-24s %-14s %-26s %s\n", c->claim, c->slice, an_verdict_name(c->verdict), stat,
               c->verdict == AN_NO_DATA || c->kind == AN_SLICE_OVERALL ? c->detail : c->statistic);
    }
    if (a->n_predict) {
        printf("\npredictive power for mean test accuracy (Spearman and Kendall tau-b, 95%% bootstrap CI)\n");
        printf("%-24s %-16s %4s  %-24s %-24s %-24s\n", "score", "slice", "n", "Spearman", "Kendall",
               "partial | depth");
        for (int i = 0; i < a->n_predict; i++) {
            const an_predict *p = &a->predict[i];
            printf("%-24s %-16s %4d  %6.3f [%6.3f, %6.3f]  %6.3f [%6.3f, %6.3f]  %6.3f [%6.3f, %6.3f]\n", p->score,
                   p->slice, p->n, p->spearman, p->sp_lo, p->sp_hi, p->kendall, p->kd_lo, p->kd_hi, p->partial,
                   p->pa_lo, p->pa_hi);
        }
    }
}

int cmd_analyze(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL;
    analysis a;
    memset(&a, 0, sizeof a);
    a.bootstrap = 1000;
    a.success_threshold = 0.75;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--out")) out = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(o, "--bootstrap")) a.bootstrap = (int)cli_long(CMD, o, cli_value(CMD, argc, argv, &i), 10, 1000000);
        else if (!strcmp(o, "--threshold")) a.success_threshold = cli_double(CMD, o, cli_value(CMD, argc, argv, &i), 0.0, 1.0);
        else if (!strcmp(o, "--seed")) a.seed = (unsigned long long)cli_long(CMD, o, cli_value(CMD, argc, argv, &i), 0, 1L << 62);
        else if (!strcmp(o, "--help") || !strcmp(o, "-h")) { usage(); return 0; }
        else if (o[0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar analyze --help'", o);
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
        fprintf(stderr, "mlpvar analyze: left out %ld failed records (mlpvar results %s lists them; rerunning the "
                "sweep retries them)\n", a.n_failed, dir);
    snprintf(report_dir, sizeof report_dir, "%s", out ? out : dir);
    if (!out) strncat(report_dir, "/report", sizeof report_dir - strlen(report_dir) - 1);
    print_tables(&a);
    int rc = 0;
    if (report_write(&a, report_dir, err, sizeof err) != 0) {
        fprintf(stderr, "mlpvar analyze: %s\n", err);
        rc = 1;
    } else {
        printf("\nreport: %s/report.md (and report.html, summary.json, CSV tables, figures)\n", report_dir);
    }
    analysis_free(&a);
    return rc;
}
