/* mlpvar analyze, the figures: each one a job of the gnuplot harness
 * (gnuplot.h), a pngcairo script and its data files, whose PNG is moved into
 * DIR/report/ only when gnuplot succeeds. Without gnuplot nothing is drawn and
 * the report says why; a figure that fails gets a note with gnuplot's error. */
#include "report_plots.h"
#include "gallery.h"

#include "mlpvar/correlation.h"
#include "mlpvar/metrics.h"
#include "mlpvar/spec.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const FILES[RP_COUNT] = { "gallery.png",     "v3_depth.png", "c2c_depth.png", "accuracy_depth.png",
                                             "v3_accuracy.png", "layers.png",   "regret.png" };

const char *report_fig_file(report_fig f) { return (unsigned)f < RP_COUNT ? FILES[f] : "?"; }

/* ---- one figure: a job of the gnuplot harness (gnuplot.h) ---- */

/* Opens figure f's job, w x h pixels; on failure f's note says why. */
int fig_open(gp_job *j, int w, int h, report_fig f, report_figures *fg)
{
    char terminal[96];
    snprintf(terminal, sizeof terminal, "pngcairo noenhanced size %d,%d font ',10'", w, h);
    return gp_open(j, terminal, fg->note[f], sizeof fg->note[f]);
}

/* Runs the job into out_dir/FILES[f]: written, or the note gets gnuplot's error. */
void fig_run(gp_job *j, const char *out_dir, report_fig f, report_figures *fg)
{
    char png[GP_PATH];
    snprintf(png, sizeof png, "%s/%s", out_dir, FILES[f]);
    fg->written[f] = gp_run(j, png, fg->note[f], sizeof fg->note[f]) == 0;
}

/* Gives up on figure f: out of memory, said in its note. */
void fig_oom(gp_job *j, report_fig f, report_figures *fg)
{
    gp_discard(j, NULL, 0);
    snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
}

/* One panel's plot command, series after series: a memory stream (the text,
 * its length), and how many series it has. */

int fig_series_open(fig_series *s)
{
    s->text = NULL;
    s->len = 0;
    s->n = 0;
    return (s->f = open_memstream(&s->text, &s->len)) ? 0 : -1;
}

/* Starts one more series: ", " after the first, then the data file's name;
 * the caller writes its "using ..." and title. */
FILE *fig_series_add(fig_series *s, const char *path)
{
    fputs(s->n++ ? ", " : "", s->f);
    gp_file(s->f, path);
    return s->f;
}

/* Ends the command: 0 with s->text (free it), or -1 out of memory. */
int fig_series_close(fig_series *s)
{
    int bad = ferror(s->f);
    if (fclose(s->f) != 0 || bad) {
        free(s->text);
        s->text = NULL;
        return -1;
    }
    return 0;
}

void fig_panel(FILE *gp, const char *title)
{
    fputs("unset logscale\nunset label\nunset arrow\nset autoscale\nset xtics\nset ytics\nset grid\n"
          "set key below horizontal noopaque\nset style fill solid 1.0 noborder\nset title ",
          gp);
    gp_str(gp, title);
    fputc('\n', gp);
}

/* A panel that says there is nothing to show. */
void fig_empty(FILE *gp, const char *title, const char *why)
{
    fig_panel(gp, title);
    fputs("set xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\nunset xlabel\nunset ylabel\nunset grid\n"
          "set label 1 ",
          gp);
    gp_str(gp, why);
    fputs(" at graph 0.5,0.5 center\nplot -1 notitle\nunset label 1\n", gp);
}

int fig_layout(gp_job *j, int panels, const char *title, report_fig f, report_figures *fg)
{
    return fig_layout_sized(j, panels, 3, 560, 420, title, f, fg);
}

int fig_layout_sized(gp_job *j, int panels, int across, int w, int h, const char *title, report_fig f,
                     report_figures *fg)
{
    int cols = panels < across ? panels : across, rows = (panels + cols - 1) / cols;
    if (fig_open(j, w * cols, h * rows + 50, f, fg) != 0) return -1;
    fprintf(j->gp, "set multiplot layout %d,%d title ", rows, cols);
    gp_str(j->gp, title);
    fputs(" font ',12'\n", j->gp);
    return 0;
}

/* ---- the data's activations, tasks and panels ---- */

int fig_name_index(fig_names *s, const char *x)
{
    for (int i = 0; i < s->n; i++)
        if (!strcmp(s->name[i], x)) return i;
    if (s->n == FIG_MAXN) return FIG_MAXN - 1;
    snprintf(s->name[s->n], sizeof s->name[0], "%s", x);
    return s->n++;
}

static const char *const COLOURS[] = { "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                       "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };
static const int POINTS[] = { 7, 5, 9, 11, 13, 15, 4, 6, 8, 10 };
int fig_point(int i) { return POINTS[i % 10]; }

/* Activations in a fixed order: relu, abs first, then as they appear. */
void fig_activations(const analysis *a, fig_names *acts)
{
    acts->n = 0;
    int has_relu = 0, has_abs = 0;
    for (int i = 0; i < a->n_init; i++) {
        has_relu |= !strcmp(a->init[i].activation, "relu");
        has_abs |= !strcmp(a->init[i].activation, "abs");
    }
    for (int i = 0; i < a->n_trained; i++) {
        has_relu |= !strcmp(a->trained[i].activation, "relu");
        has_abs |= !strcmp(a->trained[i].activation, "abs");
    }
    if (has_relu) fig_name_index(acts, "relu");
    if (has_abs) fig_name_index(acts, "abs");
    for (int i = 0; i < a->n_init; i++) fig_name_index(acts, a->init[i].activation);
    for (int i = 0; i < a->n_trained; i++) fig_name_index(acts, a->trained[i].activation);
}

const char *fig_colour(fig_names *acts, const char *act) { return COLOURS[fig_name_index(acts, act) % 10]; }

/* Panel of an at-init aggregate: its budget, or minus its width for fixed-width sweeps; and its grid. */
static long init_key(const an_init *g) { return g->budget > 0 ? g->budget : -(long)g->width; }

typedef struct {
    long key;
    int grid;
} ipanel;

/* Sorts m indices of a->init (or a->trained) by depth. */
void fig_by_depth(const analysis *a, int trained, int *idx, int m)
{
    for (int i = 1; i < m; i++) {
        int v = idx[i], k = i;
        int dv = trained ? a->trained[v].depth : a->init[v].depth;
        while (k > 0 && (trained ? a->trained[idx[k - 1]].depth : a->init[idx[k - 1]].depth) > dv) {
            idx[k] = idx[k - 1];
            k--;
        }
        idx[k] = v;
    }
}

/* v3_depth.png (c2c == 0) and c2c_depth.png (c2c == 1). */
static void plot_init(const analysis *a, const char *out_dir, int c2c, const char *vk, report_figures *fg)
{
    report_fig f = c2c ? RP_C2C_DEPTH : RP_V3_DEPTH;
    if (!a->n_init) {
        snprintf(fg->note[f], sizeof fg->note[f], "no at-init measurements");
        return;
    }
    ipanel *pn = malloc(sizeof(ipanel) * (size_t)a->n_init);
    int *idx = malloc(sizeof(int) * (size_t)a->n_init), np = 0, grids = 0;
    if (!pn || !idx) {
        free(pn);
        free(idx);
        snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
        return;
    }
    for (int i = 0; i < a->n_init; i++) {
        ipanel p = { init_key(&a->init[i]), a->init[i].grid };
        int k = 0;
        while (k < np && (pn[k].key != p.key || pn[k].grid != p.grid)) k++;
        if (k < np) continue;
        k = np++;
        while (k > 0 && (pn[k - 1].grid > p.grid || (pn[k - 1].grid == p.grid && pn[k - 1].key > p.key))) {
            pn[k] = pn[k - 1];
            k--;
        }
        pn[k] = p;
    }
    for (int k = 1; k < np; k++) grids |= pn[k].grid != pn[0].grid;
    fig_names acts;
    fig_activations(a, &acts);
    gp_job j;
    char title[256], path[GP_PATH];
    if (c2c) snprintf(title, sizeof title, "Probability of collapse to constant vs depth (Wilson 95%% bars)");
    else snprintf(title, sizeof title, "Median %s at init vs depth (band: quartiles over draws)", vk);
    if (fig_layout(&j, np, title, f, fg) != 0) {
        free(pn);
        free(idx);
        return;
    }
    int dlo = a->init[0].depth, dhi = dlo;
    for (int i = 0; i < a->n_init; i++) {
        dlo = a->init[i].depth < dlo ? a->init[i].depth : dlo;
        dhi = a->init[i].depth > dhi ? a->init[i].depth : dhi;
    }
    int logx = dhi >= 8 * dlo; /* log depth axis when the depths span 3 octaves */
    for (int p = 0; p < np; p++) {
        char pt[128];
        if (pn[p].key > 0) snprintf(pt, sizeof pt, "budget %ld", pn[p].key);
        else snprintf(pt, sizeof pt, "width %ld", -pn[p].key);
        if (grids) {
            size_t o = strlen(pt);
            snprintf(pt + o, sizeof pt - o, ", grid %d", pn[p].grid);
        }
        fig_series sr;
        if (fig_series_open(&sr) != 0) {
            fig_oom(&j, f, fg);
            free(idx);
            free(pn);
            return;
        }
        for (int s = 0; s < acts.n; s++) {
            int m = 0, valid = 0;
            for (int i = 0; i < a->n_init; i++)
                if (init_key(&a->init[i]) == pn[p].key && a->init[i].grid == pn[p].grid &&
                    !strcmp(a->init[i].activation, acts.name[s]))
                    idx[m++] = i;
            if (!m) continue;
            fig_by_depth(a, 0, idx, m);
            FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
            if (!d) continue;
            for (int k = 0; k < m; k++) {
                const an_init *g = &a->init[idx[k]];
                fprintf(d, "%d %.9g %.9g %.9g %.9g %.9g %.9g\n", g->depth, fig_pos(g->v_median), fig_pos(g->v_q25),
                        fig_pos(g->v_q75), g->c2c, fig_or(g->c2c_lo, g->c2c), fig_or(g->c2c_hi, g->c2c));
                valid |= c2c ? isfinite(g->c2c) : isfinite(fig_pos(g->v_median));
            }
            fclose(d);
            if (!valid) continue;
            const char *lc = fig_colour(&acts, acts.name[s]);
            if (c2c) {
                fprintf(fig_series_add(&sr, path), " using 1:5:6:7 with yerrorlines lc rgb '%s' pt 7 ps 0.8 title ",
                        lc);
            } else {
                fprintf(fig_series_add(&sr, path),
                        " using 1:3:4 with filledcurves lc rgb '%s' fs transparent solid 0.18 notitle", lc);
                fprintf(fig_series_add(&sr, path), " using 1:2 with linespoints lc rgb '%s' pt 7 ps 0.8 lw 1.5 title ",
                        lc);
            }
            gp_str(sr.f, acts.name[s]);
        }
        if (fig_series_close(&sr) != 0) {
            fig_oom(&j, f, fg);
            free(idx);
            free(pn);
            return;
        }
        if (!sr.n) {
            free(sr.text);
            fig_empty(j.gp, pt, c2c ? "no data" : "no positive values");
            continue;
        }
        fig_panel(j.gp, pt);
        fprintf(j.gp, "%sset xlabel 'depth (hidden layers)'\n", logx ? "set logscale x 2\n" : "");
        if (c2c) fputs("set yrange [-0.02:1.02]\nset ylabel 'C2C probability'\n", j.gp);
        else fprintf(j.gp, "set logscale y\nset format y '%%.0e'\nset ylabel 'median %s'\n", vk);
        fprintf(j.gp, "plot %s\nset format y '%%g'\n", sr.text);
        free(sr.text);
    }
    free(idx);
    free(pn);
    if (c2c)
        snprintf(fg->caption[f], sizeof fg->caption[f],
                 "Fraction of draws collapsed to constant (collapse ratio below the threshold) vs depth, with Wilson "
                 "95%% intervals; one colour per activation, one panel per budget.");
    else
        snprintf(
            fg->caption[f], sizeof fg->caption[f],
            "Median %s over the draws at init vs depth (log-log), shaded band from the first to the third quartile; "
            "one colour per activation, one panel per budget. Draws whose %s is 0 are off the log axis.",
            vk, vk);
    fig_run(&j, out_dir, f, fg);
}

/* gallery.png: relu, abs (+ tanh, gelu when in the data) at the largest budget, 4 depths over the data's range. */
static void plot_gallery(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_GALLERY;
    if (!a->n_init) {
        snprintf(fg->note[f], sizeof fg->note[f], "no at-init measurements");
        return;
    }
    long budget = 0;
    int dmin = a->init[0].depth, dmax = a->init[0].depth, width = a->init[0].width, order = 3;
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        if (g->budget > budget) budget = g->budget;
        if (g->depth < dmin) dmin = g->depth;
        if (g->depth > dmax) {
            dmax = g->depth;
            width = g->width;
        }
    }
    for (long i = 0; i < a->n_rec; i++)
        if (isfinite(a->rec[i].variability) && a->rec[i].order > 0) {
            order = a->rec[i].order;
            break;
        }
    fig_names acts;
    fig_activations(a, &acts);
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
    if (!nd) {
        snprintf(fg->note[f], sizeof fg->note[f], "no depth fits budget %ld", budget);
        return;
    }
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
    for (int k = 0, w = 0; k < na; k++)
        w += snprintf(al + w, sizeof al - (size_t)w, "%s%s", k ? ", " : "", mlpv_activation_name(av[k]));
    if (budget > 0)
        snprintf(fg->caption[f], sizeof fg->caption[f],
                 "Random landscapes at init on [-1,1]^2 (seed 0, grid 128), budget %ld: "
                 "rows %s, columns depths %s; each title gives V%d and the collapse ratio rho.",
                 budget, al, dl, order);
    else
        snprintf(fg->caption[f], sizeof fg->caption[f],
                 "Random landscapes at init on [-1,1]^2 (seed 0, grid 128), width %d: "
                 "rows %s, columns depths %s; each title gives V%d and the collapse ratio rho.",
                 width, al, dl, order);
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
        if (isfinite(a->rec[i].variability) && a->rec[i].order > 0) {
            snprintf(vk, sizeof vk, "V%d", (int)a->rec[i].order);
            break;
        }
    plot_gallery(a, out_dir, fg);
    plot_init(a, out_dir, 0, vk, fg);
    plot_init(a, out_dir, 1, vk, fg);
    if (!a->n_trained) {
        for (int f = RP_ACC_DEPTH; f < RP_COUNT; f++) snprintf(fg->note[f], sizeof fg->note[f], "no trained networks");
        return;
    }
    plot_accuracy(a, out_dir, fg);
    plot_v3_accuracy(a, out_dir, vk, fg);
    plot_layers(a, out_dir, fg);
    plot_regret(a, out_dir, fg);
}
