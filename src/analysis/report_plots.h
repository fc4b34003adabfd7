/* Private to the figures: report_plots.c (the harness around one figure, the
 * at-init figures and the gallery) and report_plots_trained.c (the figures of
 * trained networks and of the regret of advice). */
#ifndef MLPVAR_REPORT_PLOTS_H
#define MLPVAR_REPORT_PLOTS_H

#include "analysis.h"
#include "gnuplot.h"

#include <math.h>
#include <stdio.h>

/* ---- one figure: a job of the gnuplot harness ---- */

/* Opens figure f's job, w x h pixels. 0, or -1 with f's note saying why. */
int fig_open(gp_job *j, int w, int h, report_fig f, report_figures *fg);
/* Figure f as a multiplot of `panels` panels, up to 3 across. 0 or -1 as fig_open. */
int fig_layout(gp_job *j, int panels, const char *title, report_fig f, report_figures *fg);
/* The same, up to `across` panels of w x h pixels in a row. */
int fig_layout_sized(gp_job *j, int panels, int across, int w, int h, const char *title, report_fig f,
                     report_figures *fg);
/* Runs the job into out_dir/<f's file>: written, or the note gets gnuplot's error. */
void fig_run(gp_job *j, const char *out_dir, report_fig f, report_figures *fg);
/* Gives up on figure f: out of memory, said in its note. */
void fig_oom(gp_job *j, report_fig f, report_figures *fg);
/* Starts a panel titled title (every setting of the previous panel reset). */
void fig_panel(FILE *gp, const char *title);
/* A panel that says there is nothing to show. */
void fig_empty(FILE *gp, const char *title, const char *why);

/* One panel's plot command, series after series: a memory stream (the text,
 * its length), and how many series it has. */
typedef struct {
    char *text;
    size_t len;
    FILE *f;
    int n;
} fig_series;
int fig_series_open(fig_series *s); /* 0, or -1 out of memory */
/* Starts one more series: ", " after the first, then the data file's name; the
 * caller writes its "using ..." and title to the stream returned. */
FILE *fig_series_add(fig_series *s, const char *path);
int fig_series_close(fig_series *s); /* 0 with s->text (free it), or -1 */

/* ---- the data's activations, tasks and panels ---- */

#define FIG_MAXN 64
typedef struct {
    char name[FIG_MAXN][AN_TASK_LABEL + 32];
    int n;
} fig_names;
/* The index of x in s, added when new (the last slot is shared past FIG_MAXN names). */
int fig_name_index(fig_names *s, const char *x);
/* The activations of the data: relu, abs first, then as they appear. */
void fig_activations(const analysis *a, fig_names *acts);
const char *fig_colour(fig_names *acts, const char *act); /* an activation's colour */
int fig_point(int i); /* the i-th point type */
/* Sorts m indices of a->init (trained 0) or a->trained (1) by depth. */
void fig_by_depth(const analysis *a, int trained, int *idx, int m);

static inline double fig_pos(double v) { return isfinite(v) && v > 0 ? v : NAN; } /* for a log axis */
static inline double fig_or(double v, double alt) { return isfinite(v) ? v : alt; }

/* The figures of trained networks (report_plots_trained.c); each never fails:
 * what it could not draw is said in fg->note. */
void plot_accuracy(const analysis *a, const char *out_dir, report_figures *fg);
void plot_v3_accuracy(const analysis *a, const char *out_dir, const char *vk, report_figures *fg);
void plot_layers(const analysis *a, const char *out_dir, report_figures *fg);
void plot_regret(const analysis *a, const char *out_dir, report_figures *fg);

#endif
