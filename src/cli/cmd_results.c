/* mlpvar results DIR [--csv OUT]: a summary per configuration of a sweep's
 * records, or every record flattened to CSV. */
#include "cli_args.h"
#include "commands.h"
#include "results_file.h"

#include "mlpvar/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "results";

typedef struct {
    char label[128];                 /* activation depth width budget */
    double *v; long nv, cap;         /* variabilities */
    long records, collapsed, trained, diverged, failed;
    double acc_sum; long acc_n;
} group;

typedef struct {
    group *g; int n;
    char **cols; int ncols;          /* CSV: union of keys in first-seen order */
    FILE *csv;
    char **rows; long nrows;         /* CSV rows kept until the columns are known */
} summary;

static group *find_group(summary *s, const char *label)
{
    for (int i = 0; i < s->n; i++) if (!strcmp(s->g[i].label, label)) return &s->g[i];
    s->g = realloc(s->g, sizeof(group) * (size_t)(s->n + 1));
    group *g = &s->g[s->n++];
    memset(g, 0, sizeof *g);
    snprintf(g->label, sizeof g->label, "%s", label);
    return g;
}

static void on_record(void *ctx, const result_record *r)
{
    summary *s = ctx;
    char label[128], task[48] = "-";
    const char *act = result_get(r, "activation"), *tk = result_get(r, "task");
    if (tk) snprintf(task, sizeof task, "%s:%.0f", tk, result_num(r, "knob"));
    snprintf(label, sizeof label, "%-10s %6.0f %6.0f %8.0f  %-15s", act ? act : "?", result_num(r, "depth"),
             result_num(r, "width"), result_num(r, "budget"), task);
    group *g = find_group(s, label);
    if (g->nv == g->cap) { g->cap = g->cap ? 2 * g->cap : 64; g->v = realloc(g->v, sizeof(double) * (size_t)g->cap); }
    g->records++;
    double v = result_num(r, "variability");
    if (!isnan(v)) g->v[g->nv++] = v;
    const char *c = result_get(r, "collapsed"), *t = result_get(r, "trained"), *d = result_get(r, "diverged");
    const char *ok = result_get(r, "ok");
    g->collapsed += c && !strcmp(c, "true");
    g->failed += ok && strcmp(ok, "true") != 0;
    if (t && !strcmp(t, "true")) {
        g->trained++;
        g->diverged += d && !strcmp(d, "true");
        double a = result_num(r, "test_accuracy");
        if (!isnan(a)) { g->acc_sum += a; g->acc_n++; }
    }
    if (s->csv) {
        for (int i = 0; i < r->n; i++) {
            int have = 0;
            for (int k = 0; k < s->ncols && !have; k++) have = !strcmp(s->cols[k], r->f[i].key);
            if (!have) { s->cols = realloc(s->cols, sizeof(char *) * (size_t)(s->ncols + 1)); s->cols[s->ncols++] = strdup(r->f[i].key); }
        }
        /* keep "key=value" pairs, laid out once all columns are known */
        size_t len = 0;
        for (int i = 0; i < r->n; i++) len += strlen(r->f[i].key) + strlen(r->f[i].value) + 2;
        char *row = malloc(len + 1), *p = row;
        for (int i = 0; i < r->n; i++) p += sprintf(p, "%s\x1f%s\x1e", r->f[i].key, r->f[i].value);
        s->rows = realloc(s->rows, sizeof(char *) * (size_t)(s->nrows + 1));
        s->rows[s->nrows++] = row;
    }
}

static void write_csv(summary *s)
{
    for (int k = 0; k < s->ncols; k++) fprintf(s->csv, "%s%s", k ? "," : "", s->cols[k]);
    fputc('\n', s->csv);
    for (long i = 0; i < s->nrows; i++) {
        for (int k = 0; k < s->ncols; k++) {
            size_t kl = strlen(s->cols[k]);
            const char *val = "";
            size_t vl = 0;
            for (char *p = s->rows[i]; *p; ) {
                char *sep = strchr(p, '\x1f'), *end = strchr(sep, '\x1e');
                if ((size_t)(sep - p) == kl && !strncmp(p, s->cols[k], kl)) { val = sep + 1; vl = (size_t)(end - sep - 1); break; }
                p = end + 1;
            }
            int quote = memchr(val, ',', vl) || memchr(val, '"', vl);
            fprintf(s->csv, "%s%s%.*s%s", k ? "," : "", quote ? "\"" : "", (int)vl, val, quote ? "\"" : "");
        }
        fputc('\n', s->csv);
    }
}

int cmd_results(int argc, char **argv)
{
    const char *dir = NULL, *csv = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--csv")) csv = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: mlpvar results DIR [--csv OUT]\n\n"
                   "Summarises a sweep's DIR/results.jsonl per configuration (records, median V, C2C\n"
                   "probability, trained networks, mean test accuracy, diverged), or with --csv writes\n"
                   "every record as a CSV row (lists joined by ';').\n");
            return 0;
        } else if (argv[i][0] == '-') cli_die(CMD, "unknown option '%s'; see 'mlpvar results --help'", argv[i]);
        else if (!dir) dir = argv[i];
        else cli_die(CMD, "one folder at a time; got '%s' and '%s'", dir, argv[i]);
    }
    if (!dir) cli_die(CMD, "give the sweep's output folder: mlpvar results DIR");
    summary s;
    memset(&s, 0, sizeof s);
    if (csv && !(s.csv = fopen(csv, "w"))) cli_die(CMD, "--csv: cannot write '%s'; check the folder exists", csv);
    char path[4096], err[1024];
    snprintf(path, sizeof path, "%s/results.jsonl", dir);
    long n = results_read(path, on_record, &s, err, sizeof err);
    if (n < 0) { fprintf(stderr, "mlpvar results: %s\n", err); if (s.csv) fclose(s.csv); return 2; }
    if (s.csv) { write_csv(&s); fclose(s.csv); fprintf(stderr, "wrote %ld records to %s\n", n, csv); }
    else {
        printf("%ld records in %s\n", n, path);
        printf("%-10s %6s %6s %8s  %-15s %7s %11s %6s %7s %9s %8s\n", "activation", "depth", "width", "budget",
               "task", "records", "V median", "C2C", "trained", "test acc", "diverged");
        for (int i = 0; i < s.n; i++) {
            group *g = &s.g[i];
            double med = g->nv ? mlpv_summarize(g->v, (size_t)g->nv).median : NAN;
            printf("%s %7ld %11.3e %6.3f %7ld %9.4f %8ld%s\n", g->label, g->records, med,
                   g->nv ? (double)g->collapsed / (double)g->nv : NAN, g->trained,
                   g->acc_n ? g->acc_sum / (double)g->acc_n : NAN, g->diverged,
                   g->failed ? "  (some records failed)" : "");
        }
    }
    for (int i = 0; i < s.n; i++) free(s.g[i].v);
    free(s.g);
    for (int k = 0; k < s.ncols; k++) free(s.cols[k]);
    free(s.cols);
    for (long i = 0; i < s.nrows; i++) free(s.rows[i]);
    free(s.rows);
    return 0;
}
