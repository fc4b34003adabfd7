/* mlpvar results DIR [--csv OUT]: a summary per configuration of a sweep's
 * records, or every record flattened to CSV; both read the store by its rules
 * (results.h). */
#include "cli_args.h"
#include "commands.h"
#include "csv_out.h"
#include "results.h"
#include "task_label.h"

#include "mlpvar/grow.h"
#include "mlpvar/stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "results";

typedef struct {
    char label[64 + TASK_LABEL_MAX]; /* activation depth width budget task */
    double *v;
    size_t nv, cap; /* variabilities */
    long records, collapsed, trained, diverged, failed, max_attempt;
    double acc_sum;
    long acc_n;
    char error[200]; /* the first failed record's error */
} group;

static group *find_group(group **g, int *n, size_t *cap, const char *label)
{
    for (int i = 0; i < *n; i++)
        if (!strcmp((*g)[i].label, label)) return &(*g)[i];
    if (MLPV_GROW(*g, *cap, *n + 1)) return NULL;
    group *x = &(*g)[(*n)++];
    memset(x, 0, sizeof *x);
    snprintf(x->label, sizeof x->label, "%s", label);
    return x;
}

static int add(group *g, const record *r)
{
    g->records++;
    if (strcmp(r->status, "ok") != 0) { /* a failure: listed below the table, not summarised */
        if (!g->failed++) snprintf(g->error, sizeof g->error, "%s", r->error);
        if (r->attempt > g->max_attempt) g->max_attempt = r->attempt;
        return 0;
    }
    if (record_has(r, RFI_variability)) {
        if (MLPV_GROW(g->v, g->cap, g->nv + 1)) return -1;
        g->v[g->nv++] = r->variability;
        g->collapsed += record_has(r, RFI_collapsed) && r->collapsed;
    }
    if (r->trained) {
        g->trained++;
        g->diverged += record_has(r, RFI_diverged) && r->diverged;
        if (record_has(r, RFI_test_accuracy)) {
            g->acc_sum += r->test_accuracy;
            g->acc_n++;
        }
    }
    return 0;
}

/* One column per schema field (rival_<name> for each rival any record has);
 * lists joined by ';'; null and absent values empty. */
static void write_csv(FILE *f, const results *res)
{
    unsigned rivals = 0;
    for (long i = 0; i < res->n; i++) rivals |= res->rec[i].rivals;
    int first = 1;
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
        const record_field *d = &RECORD_SCHEMA[i];
        if (d->type != RF_RIVALS) {
            fprintf(f, "%s%s", first ? "" : ",", d->name);
            first = 0;
            continue;
        }
        for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
            if (rivals & (1u << k)) fprintf(f, ",rival_%s", mlpv_rival_name((mlpv_rival)k));
    }
    fputc('\n', f);
    for (long n = 0; n < res->n; n++) {
        const record *r = &res->rec[n];
        for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
            const record_field *d = &RECORD_SCHEMA[i];
            const char *p = (const char *)r + d->offset;
            if (d->type == RF_RIVALS) {
                for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
                    if (rivals & (1u << k)) {
                        fputc(',', f);
                        if (r->rivals & (1u << k)) csv_write_number(f, r->rival[k]);
                    }
                continue;
            }
            if (i) fputc(',', f);
            if (!record_has(r, (record_field_id)i)) continue;
            switch (d->type) {
            case RF_STR: csv_write_text(f, *(const char *const *)p); break;
            case RF_INT: fprintf(f, "%ld", *(const long *)p); break;
            case RF_NUM: csv_write_number(f, *(const double *)p); break;
            case RF_BOOL: fputs(*(const int *)p ? "true" : "false", f); break;
            case RF_ARR: {
                const record_array *a = (const record_array *)p;
                for (int k = 0; k < a->n; k++) {
                    if (k) fputc(';', f);
                    csv_write_number(f, a->v[k]);
                }
                break;
            }
            default: break;
            }
        }
        fputc('\n', f);
    }
}

static void usage(void)
{
    printf("usage: mlpvar results DIR [--csv OUT]\n\n"
           "Summarises a sweep's DIR/results.jsonl per configuration (records, median V, C2C\n"
           "probability, trained networks, mean test accuracy, diverged), or with --csv writes\n"
           "every record as a CSV row (lists joined by ';'). Reads the store by its rules: the\n"
           "latest record of each key counts; lines that are not records are skipped with a\n"
           "warning (docs/records.md).\n");
}

int cmd_results(int argc, char **argv)
{
    const char *dir = NULL, *csv = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--csv")) csv = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage();
            return 0;
        } else if (argv[i][0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar results --help'", argv[i]);
        else if (!dir) dir = argv[i];
        else cli_die(CMD, "one folder at a time; got '%s' and '%s'", dir, argv[i]);
    }
    if (!dir) cli_die(CMD, "give the sweep's output folder: mlpvar results DIR");
    results res;
    char err[1024];
    int rc = results_load(dir, &res, err, sizeof err);
    if (rc) {
        fprintf(stderr, "mlpvar results: %s\n", err);
        return rc == -2 ? EXIT_USAGE : 1;
    }
    char ignored[1024];
    results_stats_line(&res.st, dir, ignored, sizeof ignored);
    if (ignored[0]) fprintf(stderr, "mlpvar results: %s\n", ignored);
    int status = 0;
    if (csv) {
        FILE *f = fopen(csv, "w");
        if (!f) {
            fprintf(stderr, "mlpvar results: --csv: cannot write '%s': %s\n", csv, strerror(errno));
            results_free(&res);
            return 1;
        }
        write_csv(f, &res);
        if (fclose(f) != 0) {
            fprintf(stderr, "mlpvar results: cannot write '%s': %s\n", csv, strerror(errno));
            status = 1;
        } else fprintf(stderr, "wrote %ld records to %s\n", res.n, csv);
        results_free(&res);
        return status;
    }
    group *g = NULL;
    int ng = 0;
    size_t cap = 0;
    task_labels tasks;
    if (task_labels_build(&tasks, res.rec, res.n) != 0) status = 1;
    for (long i = 0; i < res.n && !status; i++) {
        const record *r = &res.rec[i];
        char label[sizeof g->label];
        snprintf(label, sizeof label, "%-10s %6ld %6ld %8ld  %-15s", r->activation, r->depth, r->width, r->budget,
                 task_labels_of(&tasks, r));
        group *x = find_group(&g, &ng, &cap, label);
        if (!x || add(x, r)) status = 1;
    }
    if (status) fprintf(stderr, "mlpvar results: out of memory\n");
    else {
        printf("%ld records in %s/results.jsonl\n", res.n, dir);
        printf("%-10s %6s %6s %8s  %-15s %7s %6s %11s %6s %7s %9s %8s\n", "activation", "depth", "width", "budget",
               "task", "records", "failed", "V median", "C2C", "trained", "test acc", "diverged");
        long failed = 0;
        for (int i = 0; i < ng; i++) {
            group *x = &g[i];
            double med = x->nv ? mlpv_summarize(x->v, x->nv).median : NAN;
            printf("%s %7ld %6ld %11.3e %6.3f %7ld %9.4f %8ld\n", x->label, x->records, x->failed, med,
                   x->nv ? (double)x->collapsed / (double)x->nv : NAN, x->trained,
                   x->acc_n ? x->acc_sum / (double)x->acc_n : NAN, x->diverged);
            failed += x->failed;
        }
        if (failed) {
            printf("\n%ld failed records (the latest attempt of each network; a rerun of the sweep retries them):\n",
                   failed);
            printf("%-10s %6s %6s %8s  %-15s %6s %8s  %s\n", "activation", "depth", "width", "budget", "task", "failed",
                   "attempts", "first error");
            for (int i = 0; i < ng; i++)
                if (g[i].failed) printf("%s %6ld %8ld  %s\n", g[i].label, g[i].failed, g[i].max_attempt, g[i].error);
        }
    }
    for (int i = 0; i < ng; i++) free(g[i].v);
    free(g);
    task_labels_free(&tasks);
    results_free(&res);
    return status;
}
