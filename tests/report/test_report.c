/* Check tests of report_write (src/analysis/report.c, report_plots.c) on a
 * small analysis built by hand: every artefact is written, the verdict table
 * and the claims that do not hold are in report.md, summary.json states the CSV
 * numbers with the same text, the HTML has its tables; without gnuplot and
 * without training the report still comes out; a failing gnuplot leaves a note
 * per figure. `test_report figures` draws the figures with the real gnuplot and
 * checks the PNGs (exit 77, a skip, where gnuplot is not on PATH). */
#include "analysis.h"
#include "gnuplot.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *dir, const char *name, long *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    if (len) *len = (long)got;
    return s;
}

static char *make_tmp(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/test-report-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    return dir;
}

static void rm_tree(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- the synthetic analysis ---- */

#define NI 7
#define NT 5
static an_init init[NI];
static an_trained trained[NT];
static an_claim claims[5];
static an_predict predict[4];
static an_regret regret[3];
static an_record rec[4];
static double vbuf[NI][8], grad[NT][20], dead[NT][20];

static void set_init(int i, const char *act, int depth, double vmed, int n, long collapsed)
{
    an_init *g = &init[i];
    memset(g, 0, sizeof *g);
    snprintf(g->activation, sizeof g->activation, "%s", act);
    g->depth = depth;
    g->budget = 3000;
    g->grid = 128;
    g->width = depth == 1 ? 750 : depth == 4 ? 30 : depth == 8 ? 20 : 13;
    g->params = 3000;
    g->activations = (long)depth * g->width;
    g->activation_ratio = (double)g->activations / (double)g->params;
    g->n = n;
    g->v = vbuf[i];
    for (int k = 0; k < n; k++) vbuf[i][k] = vmed * (0.5 + 0.25 * k);
    g->v_median = vmed;
    g->v_q25 = vmed * 0.6;
    g->v_q75 = vmed * 1.7;
    g->rho_median = 0.9 / depth;
    g->collapsed = collapsed;
    g->c2c = (double)collapsed / n;
    g->c2c_lo = g->c2c * 0.5;
    g->c2c_hi = g->c2c * 0.5 + 0.5;
    g->dead_last = 0.01 * depth;
}

static void set_trained(int i, const char *act, int depth, const an_init *g, double acc)
{
    an_trained *t = &trained[i];
    memset(t, 0, sizeof *t);
    snprintf(t->task_label, sizeof t->task_label, "checkerboard:8");
    t->measure = AN_ACCURACY;
    snprintf(t->activation, sizeof t->activation, "%s", act);
    t->depth = depth;
    t->width = g ? g->width : 10;
    t->budget = 3000;
    t->params = 2990;
    t->activation_ratio = g ? g->activation_ratio : 0.1;
    t->n = 8;
    t->tr_mean = acc;
    t->tr_lo = acc - 0.03;
    t->tr_hi = acc + 0.02;
    t->r2_mean = NAN;
    t->success = acc > 0.75 ? 0.875 : 0.125;
    t->success_lo = t->success - 0.2;
    t->success_hi = t->success + 0.1;
    t->diverged_rate = depth > 8 ? 0.125 : 0.0;
    t->init = g;
    t->n_layers = depth + 1;
    t->grad_mean = grad[i];
    t->dead_mean = dead[i];
    for (int l = 0; l <= depth; l++) {
        grad[i][l] = pow(0.7, l) * 1e-1;
        dead[i][l] = strcmp(act, "relu") ? 0.0 : 0.03 * l;
    }
}

static void set_claim(int i, const char *c, const char *slice, double v, double lo, double hi, an_verdict vd,
                      const char *detail)
{
    an_claim *k = &claims[i];
    memset(k, 0, sizeof *k);
    snprintf(k->claim, sizeof k->claim, "%s", c);
    snprintf(k->slice, sizeof k->slice, "%s", slice);
    snprintf(k->statistic, sizeof k->statistic, "Spearman rho of median V3 with depth");
    k->value = v;
    k->lo = lo;
    k->hi = hi;
    k->verdict = vd;
    snprintf(k->detail, sizeof k->detail, "%s", detail);
}

static void set_predict(int i, const char *score, const char *slice, int n, double sp, double kd)
{
    an_predict *p = &predict[i];
    snprintf(p->score, sizeof p->score, "%s", score);
    snprintf(p->slice, sizeof p->slice, "%s", slice);
    p->n = n;
    p->spearman = sp;
    p->sp_lo = sp - 0.2;
    p->sp_hi = sp + 0.1;
    p->kendall = kd;
    p->kd_lo = kd - 0.25;
    p->kd_hi = kd + 0.1;
}

static void set_regret(int i, const char *score, int sign, double r, double r3)
{
    an_regret *g = &regret[i];
    memset(g, 0, sizeof *g);
    snprintf(g->score, sizeof g->score, "%s", score);
    snprintf(g->task_label, sizeof g->task_label, "checkerboard:8");
    g->measure = AN_ACCURACY;
    g->sign = sign;
    g->n = 4;
    g->n_task = 4;
    g->best = 0.89;
    g->pick_mean = 0.89 - r;
    snprintf(g->pick, sizeof g->pick, "abs, depth 4, width 30");
    g->regret = r;
    g->lo = r > 0 ? r - 0.01 : 0;
    g->hi = r + 0.02;
    g->regret3 = r3;
    g->lo3 = 0;
    g->hi3 = r3 + 0.01;
}

static analysis build(int with_training)
{
    set_init(0, "relu", 1, 1.9e-3, 8, 0);
    set_init(1, "relu", 4, 4.7e-3, 8, 0);
    set_init(2, "relu", 16, 1.2e-3, 8, 3);
    set_init(3, "abs", 1, 2.1e-3, 8, 0);
    set_init(4, "abs", 4, 9.3e-3, 8, 0);
    set_init(5, "abs", 16, 6.5e-3, 8, 1);
    set_init(6, "abs", 8, 0.0, 1, 1); /* one collapsed draw: V3 = 0 */
    init[6].v_q25 = NAN;
    init[6].v_q75 = NAN;
    init[6].rho_median = NAN;
    set_trained(0, "relu", 1, &init[0], 0.80);
    set_trained(1, "relu", 4, &init[1], 0.87);
    set_trained(2, "relu", 16, &init[2], 0.61);
    set_trained(3, "abs", 4, &init[4], 0.89);
    set_trained(4, "abs", 16, NULL, NAN); /* no at-init aggregate, accuracy NaN */
    trained[4].tr_lo = NAN;
    trained[4].tr_hi = NAN;
    set_claim(0, "C1", "relu, budget 3000", 0.71, 0.52, 0.88, AN_HOLDS, "rises to depth 4 then falls");
    set_claim(1, "C2", "relu, budget 3000", -0.4, -0.7, -0.1, AN_FAILS, "C2C \"falls\" with depth, 0/8 at depth 16");
    set_claim(2, "C4", "budget 3000", 0.1, -0.2, 0.3, AN_INCONCLUSIVE, "interval straddles 0 | pipes");
    set_claim(3, "C3", "abs, budget 3000", NAN, NAN, NAN, AN_NO_DATA, "fewer than 3 depths before collapse");
    set_claim(4, "C5", "checkerboard:8", 1.0 / 3.0, -0.1, 0.9, AN_INCONCLUSIVE, "n = 4 configurations");
    set_predict(0, "V3", "all", 4, 0.4, 1.0 / 3.0);
    set_predict(1, "depth", "all", 4, -0.2, -0.1);
    set_predict(2, "random", "all", 4, NAN, NAN);
    set_predict(3, "V3", "relu", 3, 0.5, 0.3333333333333333);
    set_regret(0, "V3", +1, 0.0, 0.0);
    set_regret(1, "depth", -1, 0.09, 0.02);
    set_regret(2, "random", 0, 0.0425, 0.005);
    for (int i = 0; i < 4; i++) {
        memset(&rec[i], 0, sizeof rec[i]);
        rec[i].activation = i < 2 ? "relu" : "abs";
        rec[i].status = "ok";
        rec[i].part = i % 2;
        rec[i].order = 3;
        rec[i].grid = 128;
        rec[i].depth = 4;
        rec[i].variability = 1e-3 * (i + 1);
        rec[i].trained = with_training && i == 0;
        rec[i].test_accuracy = rec[i].trained ? 0.8 : NAN;
    }
    analysis a;
    memset(&a, 0, sizeof a);
    a.dir = "/data/sweep \"x\" & <y>";
    a.rec = rec;
    a.n_rec = 4;
    a.init = init;
    a.n_init = NI;
    a.trained = trained;
    a.n_trained = with_training ? NT : 0;
    a.claims = claims;
    a.n_claims = 5;
    a.predict = predict;
    a.n_predict = with_training ? 4 : 0;
    a.regret = regret;
    a.n_regret = with_training ? 3 : 0;
    a.success_threshold = 0.75;
    a.bootstrap = 200;
    a.seed = 7;
    return a;
}

/* ---- CSV parsing and the summary.json cross-check ---- */

/* Splits one CSV line (RFC 4180 quotes) into cells; returns the count. */
static int csv_cells(const char *line, char cells[][512], int max)
{
    int n = 0;
    const char *p = line;
    while (n < max) {
        size_t o = 0;
        if (*p == '"') {
            for (p++; *p; p++) {
                if (*p == '"' && p[1] == '"') {
                    cells[n][o++] = '"';
                    p++;
                } else if (*p == '"') {
                    p++;
                    break;
                } else cells[n][o++] = *p;
            }
        } else {
            while (*p && *p != ',' && *p != '\n') cells[n][o++] = *p++;
        }
        cells[n++][o] = '\0';
        if (*p != ',') break;
        p++;
    }
    return n;
}

static int is_number(const char *s)
{
    if (!*s) return 1;
    char *end;
    strtod(s, &end);
    return *end == '\0';
}

/* Every row of the CSV file is the same-index line of summary.json's array `key`,
 * each number with the same text (null for an empty cell). */
static void check_csv_json(const char *dir, const char *csv_name, const char *key, int rows_expected)
{
    char *csv = slurp(dir, csv_name, NULL), *js = slurp(dir, "summary.json", NULL);
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(js);
    char pat[128];
    snprintf(pat, sizeof pat, "\"%s\": [", key);
    char *arr = strstr(js, pat);
    ck_assert_msg(arr != NULL, "summary.json has no array %s", key);
    arr += strlen(pat);
    static char head[32][512], cells[32][512];
    char *save = NULL, *line = strtok_r(csv, "\n", &save);
    ck_assert_ptr_nonnull(line);
    int nh = csv_cells(line, head, 32), rows = 0, numbers = 0;
    while ((line = strtok_r(NULL, "\n", &save))) {
        ck_assert_int_eq(csv_cells(line, cells, 32), nh);
        char *obj = strchr(arr, '{');
        ck_assert_ptr_nonnull(obj);
        char *close = strchr(obj, '\n');
        if (!close) close = obj + strlen(obj);
        char saved = *close;
        *close = '\0';
        for (int j = 0; j < nh; j++) {
            char want[40000];
            if (is_number(cells[j])) {
                snprintf(want, sizeof want, "\"%s\": %s", head[j], cells[j][0] ? cells[j] : "null");
                numbers++;
            } else if (!strpbrk(cells[j], "\"\\")) {
                snprintf(want, sizeof want, "\"%s\": \"%s\"", head[j], cells[j]);
            } else {
                continue;
            }
            /* a number's text must end where the JSON value ends */
            char *hit = strstr(obj, want);
            ck_assert_msg(hit != NULL, "%s row %d: %s not in %s", csv_name, rows, want, obj);
            char after = hit[strlen(want)];
            ck_assert_msg(after == ',' || after == '}', "%s row %d: %s is a prefix", csv_name, rows, want);
        }
        *close = saved;
        arr = close;
        rows++;
    }
    ck_assert_int_eq(rows, rows_expected);
    if (rows) ck_assert_int_gt(numbers, 0);
    free(csv);
    free(js);
}

static void check_nonempty(const char *dir, const char *name)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ck_assert_msg(stat(path, &st) == 0 && st.st_size > 0, "%s is missing or empty", path);
}

/* Writes a's report into out = TMP/report; every text artefact must be there. */
static void write_report(const analysis *a, const char *tmp, char *out, size_t len)
{
    char err[512] = "";
    snprintf(out, len, "%s/report", tmp);
    ck_assert_msg(report_write(a, out, err, sizeof err) == 0, "report_write: %s", err);
    static const char *const files[] = { "report.md",  "report.html",    "init_configs.csv", "trained_configs.csv",
                                         "claims.csv", "predictive.csv", "regret.csv",       "summary.json" };
    for (int i = 0; i < 8; i++) check_nonempty(out, files[i]);
}

static const char *const PNGS[RP_COUNT] = { "gallery.png",     "v3_depth.png", "c2c_depth.png", "accuracy_depth.png",
                                            "v3_accuracy.png", "layers.png",   "regret.png" };

START_TEST(full_report)
{
    analysis a = build(1);
    setenv("PATH", "/nonexistent", 1); /* the figures are checked by `test_report figures` */
    char *tmp = make_tmp(), out[256];
    write_report(&a, tmp, out, sizeof out);

    char *md = slurp(out, "report.md", NULL);
    ck_assert_ptr_nonnull(
        strstr(md, "| C1 | relu, budget 3000 | Spearman rho of median V3 with depth | 0.71 [0.52, 0.88] | holds |"));
    ck_assert_ptr_nonnull(strstr(md, "| C2 | relu, budget 3000 |"));
    ck_assert_ptr_nonnull(strstr(md, "**does not hold**"));
    ck_assert_ptr_nonnull(strstr(md, "| C4 | budget 3000 |"));
    ck_assert_ptr_nonnull(strstr(md, "interval straddles 0 \\| pipes")); /* a pipe in a cell is escaped */
    ck_assert_ptr_nonnull(
        strstr(md, "| C3 | abs, budget 3000 | Spearman rho of median V3 with depth | n/a | **no data** |"));
    ck_assert_ptr_nonnull(strstr(md, "Claims that do not hold or are inconclusive"));
    ck_assert_ptr_nonnull(strstr(md, "| V3 | all | accuracy | 4 | 0.4 [0.2, 0.5] |"));
    ck_assert_ptr_nonnull(strstr(md, "| relu | 3000 | 16 | 13 |"));
    ck_assert_ptr_nonnull(strstr(md, "| checkerboard:8 | accuracy | abs | 3000 | 16 |"));
    /* the regret table: the least regret of the task in bold, the others not */
    ck_assert_ptr_nonnull(strstr(md, "## Regret of advice"));
    ck_assert_ptr_nonnull(strstr(md,
                                 "| checkerboard:8 | accuracy | V3 | highest first | 4 of 4 | abs, depth 4, width 30 "
                                 "| 0.89 | **0 [0, 0.02]** | 0 [0, 0.01] |"));
    ck_assert_ptr_nonnull(strstr(md, "| checkerboard:8 | accuracy | depth | lowest first | 4 of 4 |"));
    ck_assert_ptr_nonnull(strstr(md, "| 0.09 [0.08, 0.11] | 0.02 [0, 0.03] |"));
    ck_assert_ptr_nonnull(strstr(md, "| random | random pick |"));
    ck_assert_ptr_nonnull(strstr(md, "## Trained configurations"));
    ck_assert_ptr_null(strstr(md, "No trained networks in this sweep"));

    check_csv_json(out, "init_configs.csv", "init", NI);
    check_csv_json(out, "trained_configs.csv", "trained", NT);
    check_csv_json(out, "claims.csv", "claims", 5);
    check_csv_json(out, "predictive.csv", "predictive", 4);
    check_csv_json(out, "regret.csv", "regret", 3);
    char *js = slurp(out, "summary.json", NULL);
    ck_assert_ptr_nonnull(strstr(js, "\"records\": 4"));
    ck_assert_ptr_nonnull(strstr(js, "\"init_configs\": 7"));
    ck_assert_ptr_nonnull(strstr(js, "\"does not hold\": 1"));
    ck_assert_ptr_nonnull(strstr(js, "\"kendall\": 0.33333333333333331")); /* %.17g of 1/3 */
    ck_assert_ptr_nonnull(strstr(js, "\"spearman\": null"));

    char *csv = slurp(out, "claims.csv", NULL);
    ck_assert_ptr_nonnull(strstr(csv, "C2,\"relu, budget 3000\","));
    ck_assert_ptr_nonnull(strstr(csv, "\"C2C \"\"falls\"\" with depth, 0/8 at depth 16\""));
    ck_assert_ptr_nonnull(strstr(csv, ",,,no data,")); /* NaN value, lo, hi */

    char *html = slurp(out, "report.html", NULL);
    ck_assert_ptr_nonnull(strstr(html, "<!DOCTYPE html>"));
    ck_assert_ptr_nonnull(strstr(html, "<table>"));
    ck_assert_ptr_nonnull(strstr(html, "<tr class=\"fails\">"));
    ck_assert_ptr_nonnull(strstr(html, "C2C &quot;falls&quot; with depth"));
    ck_assert_ptr_nonnull(strstr(html, "sweep &quot;x&quot; &amp; &lt;y&gt;"));
    ck_assert_ptr_null(strstr(html, "<y>"));
    ck_assert_ptr_nonnull(strstr(html, "</html>"));

    ck_assert_ptr_nonnull(strstr(md, "gnuplot was not found"));
    ck_assert_ptr_null(strstr(html, "<img"));
    free(md);
    free(js);
    free(csv);
    free(html);
    rm_tree(tmp);
}
END_TEST

/* A gnuplot that fails: every figure has its note with gnuplot's error line,
 * none is listed or linked, no PNG is left. */
START_TEST(failing_gnuplot_notes)
{
    analysis a = build(1);
    char *tmp = make_tmp(), out[256], bin[256], exe[300];
    snprintf(bin, sizeof bin, "%s/bin", tmp);
    ck_assert_int_eq(mkdir(bin, 0700), 0);
    snprintf(exe, sizeof exe, "%s/gnuplot", bin);
    FILE *f = fopen(exe, "w");
    ck_assert_ptr_nonnull(f);
    fputs("#!/bin/sh\necho '\"x.gp\" line 4: a made-up error' >&2\nexit 3\n", f);
    fclose(f);
    ck_assert_int_eq(chmod(exe, 0755), 0);
    setenv("PATH", bin, 1);
    write_report(&a, tmp, out, sizeof out);
    char *md = slurp(out, "report.md", NULL), *js = slurp(out, "summary.json", NULL);
    ck_assert_ptr_null(strstr(md, "gnuplot was not found"));
    for (int i = 0; i < RP_COUNT; i++) {
        char want[256];
        snprintf(want, sizeof want, "`%s`: not drawn: %sgnuplot failed (exit 3): line 4: a made-up error.", PNGS[i],
                 i == 0 ? "the landscape gallery failed: " : "");
        ck_assert_msg(strstr(md, want) != NULL, "report.md lacks: %s", want);
        char path[512];
        snprintf(path, sizeof path, "%s/%s", out, PNGS[i]);
        ck_assert_msg(access(path, F_OK) != 0, "%s written by a failing gnuplot", PNGS[i]);
    }
    ck_assert_ptr_null(strstr(md, ".png)"));
    ck_assert_ptr_nonnull(strstr(js, "\"gnuplot\": true"));
    ck_assert_ptr_nonnull(strstr(js, "\"figures\": []"));
    free(md);
    free(js);
    rm_tree(tmp);
}
END_TEST

/* With the real gnuplot: all six figures are PNGs, linked from report.md and
 * report.html, listed in summary.json, with no note. */
START_TEST(figures)
{
    analysis a = build(1);
    char *tmp = make_tmp(), out[256];
    write_report(&a, tmp, out, sizeof out);
    char *md = slurp(out, "report.md", NULL), *html = slurp(out, "report.html", NULL),
         *js = slurp(out, "summary.json", NULL);
    for (int i = 0; i < RP_COUNT; i++) {
        long n = 0;
        char *png = slurp(out, PNGS[i], &n);
        ck_assert_msg(png != NULL, "%s not written", PNGS[i]);
        ck_assert_msg(n > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8), "%s is not a PNG", PNGS[i]);
        free(png);
        char tag[64];
        snprintf(tag, sizeof tag, "<img src=\"%s\"", PNGS[i]);
        ck_assert_msg(strstr(html, tag) != NULL, "report.html lacks %s", tag);
        snprintf(tag, sizeof tag, "](%s)", PNGS[i]);
        ck_assert_msg(strstr(md, tag) != NULL, "report.md lacks %s", tag);
        snprintf(tag, sizeof tag, "\"%s\"", PNGS[i]);
        ck_assert_msg(strstr(strstr(js, "\"figures\": ["), tag) != NULL, "summary.json does not list %s", PNGS[i]);
    }
    ck_assert_ptr_null(strstr(md, "not drawn"));
    ck_assert_ptr_nonnull(strstr(js, "\"gnuplot\": true"));
    free(md);
    free(html);
    free(js);
    rm_tree(tmp);
}
END_TEST

/* No training, no gnuplot: everything but the figures, and the report says why. */
START_TEST(no_training_no_gnuplot)
{
    analysis a = build(0);
    setenv("PATH", "/nonexistent", 1);
    char *tmp = make_tmp(), out[256];
    write_report(&a, tmp, out, sizeof out);
    char *md = slurp(out, "report.md", NULL);
    ck_assert_ptr_nonnull(strstr(md, "gnuplot was not found"));
    ck_assert_ptr_nonnull(strstr(md, "No trained networks in this sweep"));
    ck_assert_ptr_nonnull(strstr(md, "does not hold"));
    ck_assert_ptr_null(strstr(md, ".png)"));
    for (int i = 0; i < RP_COUNT; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", out, PNGS[i]);
        ck_assert_msg(access(path, F_OK) != 0, "%s written without gnuplot", PNGS[i]);
    }
    check_csv_json(out, "trained_configs.csv", "trained", 0);
    check_csv_json(out, "predictive.csv", "predictive", 0);
    check_csv_json(out, "regret.csv", "regret", 0);
    check_csv_json(out, "init_configs.csv", "init", NI);
    char *csv = slurp(out, "trained_configs.csv", NULL);
    ck_assert_ptr_nonnull(strstr(csv, "task,trainability,activation,"));
    char *js = slurp(out, "summary.json", NULL);
    ck_assert_ptr_nonnull(strstr(js, "\"gnuplot\": false"));
    ck_assert_ptr_nonnull(strstr(js, "\"figures\": []"));
    ck_assert_ptr_nonnull(strstr(js, "\"trained\": []"));
    free(md);
    free(csv);
    free(js);
    rm_tree(tmp);
}
END_TEST

/* An existing out_dir is reused; an impossible one is an error with a message. */
START_TEST(out_dir_errors)
{
    analysis a = build(0);
    setenv("PATH", "/nonexistent", 1);
    char *tmp = make_tmp(), out[256], err[512] = "";
    snprintf(out, sizeof out, "%s/report", tmp);
    ck_assert_int_eq(report_write(&a, out, err, sizeof err), 0);
    ck_assert_int_eq(report_write(&a, out, err, sizeof err), 0);
    snprintf(out, sizeof out, "%s/missing/report", tmp);
    ck_assert_int_eq(report_write(&a, out, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot create"));
    rm_tree(tmp);
}
END_TEST

int main(int argc, char **argv)
{
    int draw = argc > 1 && !strcmp(argv[1], "figures");
    char found[GP_PATH];
    if (draw && gp_which(found, sizeof found) != 0) {
        printf("gnuplot is not on PATH: skipped\n");
        return 77;
    }
    Suite *s = suite_create("report");
    TCase *tc = tcase_create(draw ? "figures" : "report");
    tcase_set_timeout(tc, 300);
    if (draw) {
        tcase_add_test(tc, figures);
    } else {
        tcase_add_test(tc, full_report);
        tcase_add_test(tc, no_training_no_gnuplot);
        tcase_add_test(tc, failing_gnuplot_notes);
        tcase_add_test(tc, out_dir_errors);
    }
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
