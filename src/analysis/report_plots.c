/* mlpvar analyze, the figures: each one a job of the gnuplot harness
 * (gnuplot.h), a pngcairo script and its data files, whose PNG is moved into
 * DIR/report/ only when gnuplot succeeds. Without gnuplot nothing is drawn and
 * the report says why; a figure that fails gets a note with gnuplot's error. */
#include "analysis.h"
#include "gallery.h"
#include "gnuplot.h"

#include "mlpvar/correlation.h"
#include "mlpvar/metrics.h"
#include "mlpvar/spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const FILES[RP_COUNT] = {
    "gallery.png", "v3_depth.png", "c2c_depth.png", "accuracy_depth.png", "v3_accuracy.png", "layers.png" };

const char *report_fig_file(report_fig f) { return (unsigned)f < RP_COUNT ? FILES[f] : "?"; }

double report_v3_accuracy_rho(const analysis *a, int *n)
{
    double *x = malloc(sizeof(double) * ((size_t)a->n_trained + 1)), *y = malloc(sizeof(double) * ((size_t)a->n_trained + 1));
    int k = 0;
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        if (!t->init || !isfinite(t->init->v_median) || !isfinite(t->acc_mean)) continue;
        x[k] = t->init->v_median; y[k] = t->acc_mean; k++;
    }
    double rho = k >= 2 ? mlpv_spearman(x, y, (size_t)k) : NAN;
    free(x); free(y);
    *n = k;
    return rho;
}

/* ---- one figure: a job of the gnuplot harness (gnuplot.h) ---- */

/* Opens figure f's job, w x h pixels; on failure f's note says why. */
static int fig_open(gp_job *j, int w, int h, report_fig f, report_figures *fg)
{
    char terminal[96];
    snprintf(terminal, sizeof terminal, "pngcairo noenhanced size %d,%d font ',10'", w, h);
    return gp_open(j, terminal, fg->note[f], sizeof fg->note[f]);
}

/* Runs the job into out_dir/FILES[f]: written, or the note gets gnuplot's error. */
static void fig_run(gp_job *j, const char *out_dir, report_fig f, report_figures *fg)
{
    char png[GP_PATH];
    snprintf(png, sizeof png, "%s/%s", out_dir, FILES[f]);
    fg->written[f] = gp_run(j, png, fg->note[f], sizeof fg->note[f]) == 0;
}

/* Gives up on figure f: out of memory, said in its note. */
static void fig_oom(gp_job *j, report_fig f, report_figures *fg)
{
    gp_discard(j, NULL, 0);
    snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
}

/* One panel's plot command, series after series: a memory stream (the text,
 * its length), and how many series it has. */
typedef struct { char *text; size_t len; FILE *f; int n; } series;

static int series_open(series *s)
{
    s->text = NULL; s->len = 0; s->n = 0;
    return (s->f = open_memstream(&s->text, &s->len)) ? 0 : -1;
}

/* Starts one more series: ", " after the first, then the data file's name;
 * the caller writes its "using ..." and title. */
static FILE *series_add(series *s, const char *path)
{
    fputs(s->n++ ? ", " : "", s->f);
    gp_file(s->f, path);
    return s->f;
}

/* Ends the command: 0 with s->text (free it), or -1 out of memory. */
static int series_close(series *s)
{
    int bad = ferror(s->f);
    if (fclose(s->f) != 0 || bad) { free(s->text); s->text = NULL; return -1; }
    return 0;
}

static void fig_panel(FILE *gp, const char *title)
{
    fputs("unset logscale\nunset label\nunset arrow\nset autoscale\nset xtics\nset ytics\nset grid\n"
          "set key below horizontal noopaque\nset style fill solid 1.0 noborder\nset title ", gp);
    gp_str(gp, title);
    fputc('\n', gp);
}

/* A panel that says there is nothing to show. */
static void fig_empty(FILE *gp, const char *title, const char *why)
{
    fig_panel(gp, title);
    fputs("set xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\nunset xlabel\nunset ylabel\nunset grid\n"
          "set label 1 ", gp);
    gp_str(gp, why);
    fputs(" at graph 0.5,0.5 center\nplot -1 notitle\nunset label 1\n", gp);
}

/* Figure f as a multiplot of `panels` panels, up to 3 across. */
static int open_layout(gp_job *j, int panels, const char *title, report_fig f, report_figures *fg)
{
    int cols = panels < 3 ? panels : 3, rows = (panels + cols - 1) / cols;
    if (fig_open(j, 560 * cols, 420 * rows + 50, f, fg) != 0) return -1;
    fprintf(j->gp, "set multiplot layout %d,%d title ", rows, cols);
    gp_str(j->gp, title);
    fputs(" font ',12'\n", j->gp);
    return 0;
}

/* ---- the data's activations, tasks and panels ---- */

#define MAXN 64
typedef struct { char name[MAXN][64]; int n; } names;
static int name_index(names *s, const char *x)
{
    for (int i = 0; i < s->n; i++) if (!strcmp(s->name[i], x)) return i;
    if (s->n == MAXN) return MAXN - 1;
    snprintf(s->name[s->n], sizeof s->name[0], "%s", x);
    return s->n++;
}

static const char *const COLOURS[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };
static const int POINTS[] = { 7, 5, 9, 11, 13, 15, 4, 6, 8, 10 };

/* Activations in a fixed order: relu, abs first, then as they appear. */
static void activations(const analysis *a, names *acts)
{
    acts->n = 0;
    int has_relu = 0, has_abs = 0;
    for (int i = 0; i < a->n_init; i++) { has_relu |= !strcmp(a->init[i].activation, "relu"); has_abs |= !strcmp(a->init[i].activation, "abs"); }
    for (int i = 0; i < a->n_trained; i++) { has_relu |= !strcmp(a->trained[i].activation, "relu"); has_abs |= !strcmp(a->trained[i].activation, "abs"); }
    if (has_relu) name_index(acts, "relu");
    if (has_abs) name_index(acts, "abs");
    for (int i = 0; i < a->n_init; i++) name_index(acts, a->init[i].activation);
    for (int i = 0; i < a->n_trained; i++) name_index(acts, a->trained[i].activation);
}

static const char *colour(names *acts, const char *act) { return COLOURS[name_index(acts, act) % 10]; }

/* Panel of an at-init aggregate: its budget, or minus its width for fixed-width sweeps; and its grid. */
static long init_key(const an_init *g) { return g->budget > 0 ? g->budget : -(long)g->width; }

typedef struct { long key; int grid; } ipanel;

/* Sorts m indices of a->init (or a->trained) by depth. */
static void by_depth(const analysis *a, int trained, int *idx, int m)
{
    for (int i = 1; i < m; i++) {
        int v = idx[i], k = i;
        int dv = trained ? a->trained[v].depth : a->init[v].depth;
        while (k > 0 && (trained ? a->trained[idx[k - 1]].depth : a->init[idx[k - 1]].depth) > dv) { idx[k] = idx[k - 1]; k--; }
        idx[k] = v;
    }
}

static double pos(double v) { return isfinite(v) && v > 0 ? v : NAN; }
static double or_(double v, double alt) { return isfinite(v) ? v : alt; }

/* v3_depth.png (c2c == 0) and c2c_depth.png (c2c == 1). */
static void plot_init(const analysis *a, const char *out_dir, int c2c, const char *vk, report_figures *fg)
{
    report_fig f = c2c ? RP_C2C_DEPTH : RP_V3_DEPTH;
    if (!a->n_init) { snprintf(fg->note[f], sizeof fg->note[f], "no at-init measurements"); return; }
    ipanel *pn = malloc(sizeof(ipanel) * (size_t)a->n_init);
    int *idx = malloc(sizeof(int) * (size_t)a->n_init), np = 0, grids = 0;
    if (!pn || !idx) { free(pn); free(idx); snprintf(fg->note[f], sizeof fg->note[f], "out of memory"); return; }
    for (int i = 0; i < a->n_init; i++) {
        ipanel p = { init_key(&a->init[i]), a->init[i].grid };
        int k = 0;
        while (k < np && (pn[k].key != p.key || pn[k].grid != p.grid)) k++;
        if (k < np) continue;
        k = np++;
        while (k > 0 && (pn[k - 1].grid > p.grid || (pn[k - 1].grid == p.grid && pn[k - 1].key > p.key))) { pn[k] = pn[k - 1]; k--; }
        pn[k] = p;
    }
    for (int k = 1; k < np; k++) grids |= pn[k].grid != pn[0].grid;
    names acts;
    activations(a, &acts);
    gp_job j;
    char title[256], path[GP_PATH];
    if (c2c) snprintf(title, sizeof title, "Probability of collapse to constant vs depth (Wilson 95%% bars)");
    else snprintf(title, sizeof title, "Median %s at init vs depth (band: quartiles over draws)", vk);
    if (open_layout(&j, np, title, f, fg) != 0) { free(pn); free(idx); return; }
    int dlo = a->init[0].depth, dhi = dlo;
    for (int i = 0; i < a->n_init; i++) { dlo = a->init[i].depth < dlo ? a->init[i].depth : dlo; dhi = a->init[i].depth > dhi ? a->init[i].depth : dhi; }
    int logx = dhi >= 8 * dlo;                  /* log depth axis when the depths span 3 octaves */
    for (int p = 0; p < np; p++) {
        char pt[128];
        if (pn[p].key > 0) snprintf(pt, sizeof pt, "budget %ld", pn[p].key);
        else snprintf(pt, sizeof pt, "width %ld", -pn[p].key);
        if (grids) { size_t o = strlen(pt); snprintf(pt + o, sizeof pt - o, ", grid %d", pn[p].grid); }
        series sr;
        if (series_open(&sr) != 0) { fig_oom(&j, f, fg); free(idx); free(pn); return; }
        for (int s = 0; s < acts.n; s++) {
            int m = 0, valid = 0;
            for (int i = 0; i < a->n_init; i++)
                if (init_key(&a->init[i]) == pn[p].key && a->init[i].grid == pn[p].grid && !strcmp(a->init[i].activation, acts.name[s]))
                    idx[m++] = i;
            if (!m) continue;
            by_depth(a, 0, idx, m);
            FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
            if (!d) continue;
            for (int k = 0; k < m; k++) {
                const an_init *g = &a->init[idx[k]];
                fprintf(d, "%d %.9g %.9g %.9g %.9g %.9g %.9g\n", g->depth, pos(g->v_median), pos(g->v_q25), pos(g->v_q75),
                        g->c2c, or_(g->c2c_lo, g->c2c), or_(g->c2c_hi, g->c2c));
                valid |= c2c ? isfinite(g->c2c) : isfinite(pos(g->v_median));
            }
            fclose(d);
            if (!valid) continue;
            const char *lc = colour(&acts, acts.name[s]);
            if (c2c) {
                fprintf(series_add(&sr, path), " using 1:5:6:7 with yerrorlines lc rgb '%s' pt 7 ps 0.8 title ", lc);
            } else {
                fprintf(series_add(&sr, path), " using 1:3:4 with filledcurves lc rgb '%s' fs transparent solid 0.18 notitle", lc);
                fprintf(series_add(&sr, path), " using 1:2 with linespoints lc rgb '%s' pt 7 ps 0.8 lw 1.5 title ", lc);
            }
            gp_str(sr.f, acts.name[s]);
        }
        if (series_close(&sr) != 0) { fig_oom(&j, f, fg); free(idx); free(pn); return; }
        if (!sr.n) { free(sr.text); fig_empty(j.gp, pt, c2c ? "no data" : "no positive values"); continue; }
        fig_panel(j.gp, pt);
        fprintf(j.gp, "%sset xlabel 'depth (hidden layers)'\n", logx ? "set logscale x 2\n" : "");
        if (c2c) fputs("set yrange [-0.02:1.02]\nset ylabel 'C2C probability'\n", j.gp);
        else fprintf(j.gp, "set logscale y\nset format y '%%.0e'\nset ylabel 'median %s'\n", vk);
        fprintf(j.gp, "plot %s\nset format y '%%g'\n", sr.text);
        free(sr.text);
    }
    free(idx);
    free(pn);
    if (c2c) snprintf(fg->caption[f], sizeof fg->caption[f],
                      "Fraction of draws collapsed to constant (collapse ratio below the threshold) vs depth, with Wilson "
                      "95%% intervals; one colour per activation, one panel per budget.");
    else snprintf(fg->caption[f], sizeof fg->caption[f],
                  "Median %s over the draws at init vs depth (log-log), shaded band from the first to the third quartile; "
                  "one colour per activation, one panel per budget. Draws whose %s is 0 are off the log axis.", vk, vk);
    fig_run(&j, out_dir, f, fg);
}

static void task_name(char *buf, size_t len, const an_trained *t) { snprintf(buf, len, "%s:%d", t->task, t->knob); }

static void plot_accuracy(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_ACC_DEPTH;
    names tasks = { .n = 0 }, acts;
    activations(a, &acts);
    char tn[64], path[GP_PATH];
    for (int i = 0; i < a->n_trained; i++) { task_name(tn, sizeof tn, &a->trained[i]); name_index(&tasks, tn); }
    int *idx = malloc(sizeof(int) * (size_t)a->n_trained);
    long *bl = malloc(sizeof(long) * (size_t)a->n_trained);       /* a panel's budgets */
    if (!idx || !bl) { free(idx); free(bl); snprintf(fg->note[f], sizeof fg->note[f], "out of memory"); return; }
    gp_job j;
    if (open_layout(&j, tasks.n, "Mean test accuracy vs depth (bootstrap 95% bars)", f, fg) != 0) { free(idx); free(bl); return; }
    int dlo = a->trained[0].depth, dhi = dlo;
    for (int i = 0; i < a->n_trained; i++) { dlo = a->trained[i].depth < dlo ? a->trained[i].depth : dlo; dhi = a->trained[i].depth > dhi ? a->trained[i].depth : dhi; }
    int logx = dhi >= 8 * dlo;
    for (int p = 0; p < tasks.n; p++) {
        series sr;
        if (series_open(&sr) != 0) { fig_oom(&j, f, fg); free(idx); free(bl); return; }
        int seen_budget = 0;
        for (int i = 0; i < a->n_trained; i++) {
            task_name(tn, sizeof tn, &a->trained[i]);
            if (strcmp(tn, tasks.name[p])) continue;
            int k = 0;
            while (k < seen_budget && bl[k] != a->trained[i].budget) k++;
            if (k == seen_budget) bl[seen_budget++] = a->trained[i].budget;
        }
        int multi = seen_budget > 1;
        for (int b = 0; b < seen_budget; b++)
            for (int s = 0; s < acts.n; s++) {
                int m = 0, valid = 0;
                for (int i = 0; i < a->n_trained; i++) {
                    task_name(tn, sizeof tn, &a->trained[i]);
                    if (!strcmp(tn, tasks.name[p]) && a->trained[i].budget == bl[b] && !strcmp(a->trained[i].activation, acts.name[s]))
                        idx[m++] = i;
                }
                if (!m) continue;
                by_depth(a, 1, idx, m);
                FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
                if (!d) continue;
                for (int k = 0; k < m; k++) {
                    const an_trained *t = &a->trained[idx[k]];
                    fprintf(d, "%d %.9g %.9g %.9g\n", t->depth, t->acc_mean, or_(t->acc_lo, t->acc_mean), or_(t->acc_hi, t->acc_mean));
                    valid |= isfinite(t->acc_mean);
                }
                fclose(d);
                if (!valid) continue;
                char st[96];
                if (multi && bl[b] > 0) snprintf(st, sizeof st, "%s, budget %ld", acts.name[s], bl[b]);
                else if (multi) snprintf(st, sizeof st, "%s, fixed width", acts.name[s]);
                else snprintf(st, sizeof st, "%s", acts.name[s]);
                fprintf(series_add(&sr, path), " using 1:2:3:4 with yerrorlines lc rgb '%s' pt %d ps 0.8 title ",
                        colour(&acts, acts.name[s]), POINTS[b % 10]);
                gp_str(sr.f, st);
            }
        if (series_close(&sr) != 0) { fig_oom(&j, f, fg); free(idx); free(bl); return; }
        if (!sr.n) { free(sr.text); fig_empty(j.gp, tasks.name[p], "no finite accuracy"); continue; }
        fig_panel(j.gp, tasks.name[p]);
        fprintf(j.gp, "%sset xlabel 'depth (hidden layers)'\nset ylabel 'mean test accuracy'\nset yrange [*:1.02]\n",
                logx ? "set logscale x 2\n" : "");
        fprintf(j.gp, "plot %s, %.9g with lines dt 2 lc rgb '#777777' title 'success threshold'\n", sr.text, a->success_threshold);
        free(sr.text);
    }
    free(idx);
    free(bl);
    snprintf(fg->caption[f], sizeof fg->caption[f],
             "Mean test accuracy over seeds vs depth with bootstrap 95%% intervals; one colour per activation, one "
             "panel per task (name:knob); dashed: the success threshold %g.", a->success_threshold);
    fig_run(&j, out_dir, f, fg);
}

static void plot_v3_accuracy(const analysis *a, const char *out_dir, const char *vk, report_figures *fg)
{
    report_fig f = RP_V3_ACC;
    names tasks = { .n = 0 }, acts;
    activations(a, &acts);
    char tn[64], path[GP_PATH], title[256], st[160];
    for (int i = 0; i < a->n_trained; i++) { task_name(tn, sizeof tn, &a->trained[i]); name_index(&tasks, tn); }
    int n = 0, zero = 0;
    double rho = report_v3_accuracy_rho(a, &n);
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        zero += t->init && isfinite(t->init->v_median) && t->init->v_median <= 0 && isfinite(t->acc_mean);
    }
    snprintf(title, sizeof title, "median %s at init vs mean test accuracy: Spearman rho = %.3f (n = %d)", vk, rho, n);
    gp_job j;
    series sr;
    if (fig_open(&j, 800, 600, f, fg) != 0) return;
    if (series_open(&sr) != 0) { fig_oom(&j, f, fg); return; }
    for (int p = 0; p < tasks.n; p++)
        for (int s = 0; s < acts.n; s++) {
            FILE *d = NULL;
            for (int i = 0; i < a->n_trained; i++) {
                const an_trained *t = &a->trained[i];
                task_name(tn, sizeof tn, t);
                if (strcmp(tn, tasks.name[p]) || strcmp(t->activation, acts.name[s])) continue;
                if (!t->init || !isfinite(pos(t->init->v_median)) || !isfinite(t->acc_mean)) continue;
                if (!d && !(d = gp_data(&j, path, sizeof path, NULL, 0))) break;
                fprintf(d, "%.9g %.9g\n", t->init->v_median, t->acc_mean);
            }
            if (!d) continue;
            fclose(d);
            fprintf(series_add(&sr, path), " using 1:2 with points lc rgb '%s' pt %d ps 1.3 title ",
                    colour(&acts, acts.name[s]), POINTS[p % 10]);
            snprintf(st, sizeof st, "%s, %s", acts.name[s], tasks.name[p]);
            gp_str(sr.f, st);
        }
    if (series_close(&sr) != 0) { fig_oom(&j, f, fg); return; }
    if (!sr.n) fig_empty(j.gp, title, "no trained configuration with a positive median at init");
    else {
        fig_panel(j.gp, title);
        fprintf(j.gp, "set logscale x\nset format x '%%.0e'\nset xlabel 'median %s at init'\nset ylabel 'mean test accuracy'\n"
                "plot %s\n", vk, sr.text);
    }
    free(sr.text);
    snprintf(fg->caption[f], sizeof fg->caption[f],
             "One point per trained configuration: median %s at init (log axis) against mean test accuracy; colour = "
             "activation, point type = task. Spearman rho = %.3f over n = %d configurations%s.", vk, rho, n,
             zero ? " (those with a median of 0 are counted but off the log axis)" : "");
    fig_run(&j, out_dir, f, fg);
}

static const an_trained *deepest(const analysis *a, const char *act)
{
    const an_trained *best = NULL;
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        if (strcmp(t->activation, act) || (!t->n_layers && !t->dead_mean)) continue;
        if (!best || t->depth > best->depth) best = t;
    }
    return best;
}

static void plot_layers(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_LAYERS;
    const an_trained *ts[2] = { deepest(a, "relu"), deepest(a, "abs") };
    if (!ts[0] && !ts[1]) { snprintf(fg->note[f], sizeof fg->note[f], "no trained relu or abs configuration with per-layer data"); return; }
    names acts;
    activations(a, &acts);
    gp_job j;
    if (open_layout(&j, 2, "Per-layer diagnostics at init, deepest trained configurations", f, fg) != 0) return;
    char path[GP_PATH], st[160];
    int xt = (ts[0] ? ts[0]->depth : 0) <= 16 && (ts[1] ? ts[1]->depth : 0) <= 16;   /* integer tics */
    series sr[2];                             /* the left panel's series, the right one's */
    if (series_open(&sr[0]) != 0) { fig_oom(&j, f, fg); return; }
    if (series_open(&sr[1]) != 0) { series_close(&sr[0]); free(sr[0].text); fig_oom(&j, f, fg); return; }
    for (int c = 0; c < 2; c++) {
        const an_trained *t = ts[c];
        if (!t) continue;
        snprintf(st, sizeof st, "%s, depth %d, width %d, %s:%d", t->activation, t->depth, t->width, t->task, t->knob);
        for (int w = 0; w < 2; w++) {         /* 0: dead fraction per hidden layer, 1: gradient norm per weight layer */
            int m = w ? t->n_layers : (t->dead_mean ? t->depth : 0), valid = 0;
            const double *v = w ? t->grad_mean : t->dead_mean;
            if (!m || !v) continue;
            FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
            if (!d) continue;
            for (int l = 0; l < m; l++) {
                double y = w ? pos(v[l]) : v[l];
                fprintf(d, "%d %.9g\n", l + 1, y);
                valid |= isfinite(y);
            }
            fclose(d);
            if (!valid) continue;
            fprintf(series_add(&sr[w], path), " using 1:2 with linespoints lc rgb '%s' pt 7 ps 0.6 title ", colour(&acts, t->activation));
            gp_str(sr[w].f, st);
        }
    }
    int bad = series_close(&sr[0]) != 0;
    bad |= series_close(&sr[1]) != 0;
    if (bad) { free(sr[0].text); free(sr[1].text); fig_oom(&j, f, fg); return; }
    if (!sr[0].n) fig_empty(j.gp, "dead units at init", "no per-layer dead fractions");
    else {
        fig_panel(j.gp, "dead units at init");
        if (xt) fputs("set xtics 1\n", j.gp);
        fprintf(j.gp, "set xlabel 'hidden layer'\nset ylabel 'fraction of dead units'\nset yrange [-0.02:1.02]\nplot %s\n", sr[0].text);
    }
    if (!sr[1].n) fig_empty(j.gp, "weight-gradient norm at init", "no positive gradient norms");
    else {
        fig_panel(j.gp, "weight-gradient norm at init");
        if (xt) fputs("set xtics 1\n", j.gp);
        fprintf(j.gp, "set logscale y\nset format y '%%.0e'\nset xlabel 'weight layer (last: output)'\nset ylabel 'gradient norm'\nplot %s\nset format y '%%g'\n", sr[1].text);
    }
    free(sr[0].text);
    free(sr[1].text);
    snprintf(fg->caption[f], sizeof fg->caption[f],
             "Per-layer diagnostics at init, means over seeds, for the deepest trained relu and abs configurations: "
             "fraction of dead units per hidden layer (left) and the norm of each layer's weight gradient (right, log axis).");
    fig_run(&j, out_dir, f, fg);
}

/* gallery.png: relu, abs (+ tanh, gelu when in the data) at the largest budget, 4 depths over the data's range. */
static void plot_gallery(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_GALLERY;
    if (!a->n_init) { snprintf(fg->note[f], sizeof fg->note[f], "no at-init measurements"); return; }
    long budget = 0;
    int dmin = a->init[0].depth, dmax = a->init[0].depth, width = a->init[0].width, order = 3;
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        if (g->budget > budget) budget = g->budget;
        if (g->depth < dmin) dmin = g->depth;
        if (g->depth > dmax) { dmax = g->depth; width = g->width; }
    }
    for (long i = 0; i < a->n_rec; i++) if (isfinite(a->rec[i].variability) && a->rec[i].order > 0) { order = a->rec[i].order; break; }
    names acts;
    activations(a, &acts);
    mlpv_activation av[4];
    int na = 0;
    static const char *const want[] = { "relu", "abs", "tanh", "gelu" };
    for (int k = 0; k < 4; k++) {
        int present = k < 2;
        for (int s = 0; s < acts.n && !present; s++) present = !strcmp(acts.name[s], want[k]);
        if (present && mlpv_activation_parse(want[k], &av[na]) == 0) na++;
    }
    int cand[4] = { dmin, dmax / 16, dmax / 4, dmax }, depths[4], nd = 0;
    for (int k = 0; k < 4; k++) {
        int dd = cand[k] < dmin ? dmin : cand[k], dup = 0;
        for (int q = 0; q < nd; q++) dup |= depths[q] == dd;
        if (dup || (budget > 0 && mlpv_width_for_budget(budget, 2, 1, dd) < 1)) continue;
        depths[nd++] = dd;
    }
    if (!nd) { snprintf(fg->note[f], sizeof fg->note[f], "no depth fits budget %ld", budget); return; }
    mlpv_spec specs[16];
    for (int r = 0; r < na; r++)
        for (int k = 0; k < nd; k++) {
            int w = budget > 0 ? mlpv_width_for_budget(budget, 2, 1, depths[k]) : width;
            specs[r * nd + k] = mlpv_spec_default(av[r], depths[k], w);
        }
    char png[GP_PATH], gerr[256];
    snprintf(png, sizeof png, "%s/%s", out_dir, FILES[f]);
    gallery_opts go = { specs, na, nd, mlpv_grid_defaults(128), order, MLPV_TAU_DEFAULT, 0 };
    fg->written[f] = landscape_gallery(&go, png, gerr, sizeof gerr) == 0;
    if (!fg->written[f]) snprintf(fg->note[f], sizeof fg->note[f], "the landscape gallery failed: %.150s", gerr);
    char dl[128] = "", al[64] = "";
    for (int k = 0, w = 0; k < nd; k++) w += snprintf(dl + w, sizeof dl - (size_t)w, "%s%d", k ? ", " : "", depths[k]);
    for (int k = 0, w = 0; k < na; k++) w += snprintf(al + w, sizeof al - (size_t)w, "%s%s", k ? ", " : "", mlpv_activation_name(av[k]));
    if (budget > 0)
        snprintf(fg->caption[f], sizeof fg->caption[f], "Random landscapes at init on [-1,1]^2 (seed 0, grid 128), budget %ld: "
                 "rows %s, columns depths %s; each title gives V%d and the collapse ratio rho.", budget, al, dl, order);
    else
        snprintf(fg->caption[f], sizeof fg->caption[f], "Random landscapes at init on [-1,1]^2 (seed 0, grid 128), width %d: "
                 "rows %s, columns depths %s; each title gives V%d and the collapse ratio rho.", width, al, dl, order);
}

void report_plots(const analysis *a, const char *out_dir, report_figures *fg)
{
    memset(fg, 0, sizeof *fg);
    char exe[GP_PATH];
    fg->gnuplot = gp_which(exe, sizeof exe) == 0;
    if (!fg->gnuplot) {
        for (int f = 0; f < RP_COUNT; f++) snprintf(fg->note[f], sizeof fg->note[f], "gnuplot not found");
        return;
    }
    char vk[16] = "V3";
    for (long i = 0; i < a->n_rec; i++)
        if (isfinite(a->rec[i].variability) && a->rec[i].order > 0) { snprintf(vk, sizeof vk, "V%d", (int)a->rec[i].order); break; }
    plot_gallery(a, out_dir, fg);
    plot_init(a, out_dir, 0, vk, fg);
    plot_init(a, out_dir, 1, vk, fg);
    if (!a->n_trained) {
        for (int f = RP_ACC_DEPTH; f <= RP_LAYERS; f++) snprintf(fg->note[f], sizeof fg->note[f], "no trained networks");
        return;
    }
    plot_accuracy(a, out_dir, fg);
    plot_v3_accuracy(a, out_dir, vk, fg);
    plot_layers(a, out_dir, fg);
}
