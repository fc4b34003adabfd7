/* mlpvar analyze, the figures of trained networks: trainability vs depth
 * (accuracy_depth.png), V3 at init vs trainability (v3_accuracy.png), the
 * per-layer diagnostics (layers.png) and the regret of advice (regret.png).
 * Every panel and axis names the measure it shows: mean test accuracy, or mean
 * -test loss for tasks with real-valued targets. */
#include "report_plots.h"

#include "mlpvar/correlation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double report_v3_rho(const analysis *a, an_measure m, int *n)
{
    double *x = malloc(sizeof(double) * ((size_t)a->n_trained + 1)),
           *y = malloc(sizeof(double) * ((size_t)a->n_trained + 1));
    int k = 0;
    for (int i = 0; x && y && i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        if (t->measure != m || !t->init || !isfinite(t->init->v_median) || !isfinite(t->tr_mean)) continue;
        x[k] = t->init->v_median;
        y[k] = t->tr_mean;
        k++;
    }
    double rho = k >= 2 ? mlpv_spearman(x, y, (size_t)k) : NAN;
    free(x);
    free(y);
    *n = k;
    return rho;
}

void plot_accuracy(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_ACC_DEPTH;
    fig_names acts;
    fig_activations(a, &acts);
    char tn[AN_TASK_LABEL + 32], path[GP_PATH];
    int *tasks = NULL, nt = an_tasks(a, &tasks);
    int *idx = malloc(sizeof(int) * (size_t)a->n_trained);
    long *bl = malloc(sizeof(long) * (size_t)a->n_trained); /* a panel's budgets */
    if (nt < 0 || !idx || !bl) {
        free(tasks);
        free(idx);
        free(bl);
        snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
        return;
    }
    gp_job j;
    if (fig_layout(&j, nt, "Mean trainability vs depth (bootstrap 95% bars)", f, fg) != 0) {
        free(tasks);
        free(idx);
        free(bl);
        return;
    }
    int dlo = a->trained[0].depth, dhi = dlo;
    for (int i = 0; i < a->n_trained; i++) {
        dlo = a->trained[i].depth < dlo ? a->trained[i].depth : dlo;
        dhi = a->trained[i].depth > dhi ? a->trained[i].depth : dhi;
    }
    int logx = dhi >= 8 * dlo;
    for (int p = 0; p < nt; p++) {
        const an_trained *ref = &a->trained[tasks[p]];
        an_task_slice(ref, tn, sizeof tn);
        fig_series sr;
        if (fig_series_open(&sr) != 0) {
            fig_oom(&j, f, fg);
            free(tasks);
            free(idx);
            free(bl);
            return;
        }
        int seen_budget = 0;
        for (int i = 0; i < a->n_trained; i++) {
            if (!an_same_task(&a->trained[i], ref)) continue;
            int k = 0;
            while (k < seen_budget && bl[k] != a->trained[i].budget) k++;
            if (k == seen_budget) bl[seen_budget++] = a->trained[i].budget;
        }
        int multi = seen_budget > 1;
        for (int b = 0; b < seen_budget; b++)
            for (int s = 0; s < acts.n; s++) {
                int m = 0, valid = 0;
                for (int i = 0; i < a->n_trained; i++)
                    if (an_same_task(&a->trained[i], ref) && a->trained[i].budget == bl[b] &&
                        !strcmp(a->trained[i].activation, acts.name[s]))
                        idx[m++] = i;
                if (!m) continue;
                fig_by_depth(a, 1, idx, m);
                FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
                if (!d) continue;
                for (int k = 0; k < m; k++) {
                    const an_trained *t = &a->trained[idx[k]];
                    fprintf(d, "%d %.9g %.9g %.9g\n", t->depth, t->tr_mean, fig_or(t->tr_lo, t->tr_mean),
                            fig_or(t->tr_hi, t->tr_mean));
                    valid |= isfinite(t->tr_mean);
                }
                fclose(d);
                if (!valid) continue;
                char st[AN_TASK_LABEL + 64];
                if (multi && bl[b] > 0) snprintf(st, sizeof st, "%s, budget %ld", acts.name[s], bl[b]);
                else if (multi) snprintf(st, sizeof st, "%s, fixed width", acts.name[s]);
                else snprintf(st, sizeof st, "%s", acts.name[s]);
                fprintf(fig_series_add(&sr, path), " using 1:2:3:4 with yerrorlines lc rgb '%s' pt %d ps 0.8 title ",
                        fig_colour(&acts, acts.name[s]), fig_point(b));
                gp_str(sr.f, st);
            }
        if (fig_series_close(&sr) != 0) {
            fig_oom(&j, f, fg);
            free(tasks);
            free(idx);
            free(bl);
            return;
        }
        if (!sr.n) {
            free(sr.text);
            fig_empty(j.gp, tn, "no finite values of the measure");
            continue;
        }
        fig_panel(j.gp, tn);
        fprintf(j.gp, "%sset xlabel 'depth (hidden layers)'\nset ylabel ", logx ? "set logscale x 2\n" : "");
        gp_str(j.gp, an_measure_words(ref->measure));
        if (ref->measure == AN_ACCURACY)
            fprintf(j.gp,
                    "\nset yrange [*:1.02]\nplot %s, %.9g with lines dt 2 lc rgb '#777777' title 'success threshold'\n",
                    sr.text, a->success_threshold);
        else fprintf(j.gp, "\nplot %s\n", sr.text);
        free(sr.text);
    }
    free(tasks);
    free(idx);
    free(bl);
    snprintf(fg->caption[f], sizeof fg->caption[f],
             "The mean over seeds of each task's trainability measure vs depth, with bootstrap 95%% intervals: test "
             "accuracy, or -test loss (MSE) where the targets are real numbers, as each panel's title and axis say; "
             "one colour per activation, one panel per task; dashed: the success threshold %g (accuracy only).",
             a->success_threshold);
    fig_run(&j, out_dir, f, fg);
}

/* One panel of v3_accuracy.png: the configurations judged by measure m. */
static int v3_panel(const analysis *a, gp_job *j, an_measure m, const char *vk, fig_names *acts, const int *tasks,
                    int nt)
{
    char path[GP_PATH], title[256], st[2 * AN_TASK_LABEL + 80], tn[AN_TASK_LABEL + 32];
    int n = 0;
    double rho = report_v3_rho(a, m, &n);
    snprintf(title, sizeof title, "median %s at init vs %s: Spearman rho = %.3f (n = %d)", vk, an_measure_words(m), rho,
             n);
    fig_series sr;
    if (fig_series_open(&sr) != 0) return -1;
    for (int p = 0; p < nt; p++) {
        const an_trained *ref = &a->trained[tasks[p]];
        if (ref->measure != m) continue;
        an_task_slice(ref, tn, sizeof tn);
        for (int s = 0; s < acts->n; s++) {
            FILE *d = NULL;
            for (int i = 0; i < a->n_trained; i++) {
                const an_trained *t = &a->trained[i];
                if (!an_same_task(t, ref) || strcmp(t->activation, acts->name[s])) continue;
                if (!t->init || !isfinite(fig_pos(t->init->v_median)) || !isfinite(t->tr_mean)) continue;
                if (!d && !(d = gp_data(j, path, sizeof path, NULL, 0))) break;
                fprintf(d, "%.9g %.9g\n", t->init->v_median, t->tr_mean);
            }
            if (!d) continue;
            fclose(d);
            fprintf(fig_series_add(&sr, path), " using 1:2 with points lc rgb '%s' pt %d ps 1.3 title ",
                    fig_colour(acts, acts->name[s]), fig_point(p));
            snprintf(st, sizeof st, "%s, %s", acts->name[s], tn);
            gp_str(sr.f, st);
        }
    }
    if (fig_series_close(&sr) != 0) return -1;
    if (!sr.n) fig_empty(j->gp, title, "no trained configuration with a positive median at init");
    else {
        fig_panel(j->gp, title);
        fprintf(j->gp, "set logscale x\nset format x '%%.0e'\nset xlabel 'median %s at init'\nset ylabel ", vk);
        gp_str(j->gp, an_measure_words(m));
        fprintf(j->gp, "\nplot %s\n", sr.text);
    }
    free(sr.text);
    return 0;
}

void plot_v3_accuracy(const analysis *a, const char *out_dir, const char *vk, report_figures *fg)
{
    report_fig f = RP_V3_ACC;
    fig_names acts;
    fig_activations(a, &acts);
    int *tasks, nt = an_tasks(a, &tasks), panels = 0, zero = 0;
    if (nt < 0) {
        snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
        return;
    }
    for (int m = 0; m < AN_MEASURE_COUNT; m++) panels += an_has_measure(a, (an_measure)m);
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        zero += t->init && isfinite(t->init->v_median) && t->init->v_median <= 0 && isfinite(t->tr_mean);
    }
    gp_job j;
    int rc = panels > 1 ? fig_layout(&j, panels, "V3 at init vs trainability, one panel per measure", f, fg)
                        : fig_open(&j, 800, 600, f, fg);
    if (rc != 0) {
        free(tasks);
        return;
    }
    char rhos[256] = "";
    for (int m = 0, o = 0; m < AN_MEASURE_COUNT; m++) {
        if (!an_has_measure(a, (an_measure)m)) continue;
        if (v3_panel(a, &j, (an_measure)m, vk, &acts, tasks, nt) != 0) {
            fig_oom(&j, f, fg);
            free(tasks);
            return;
        }
        int n = 0;
        double rho = report_v3_rho(a, (an_measure)m, &n);
        o += snprintf(rhos + o, sizeof rhos - (size_t)o, "%s%s: Spearman rho = %.3f over n = %d configurations",
                      o ? "; " : "", an_measure_words((an_measure)m), rho, n);
    }
    free(tasks);
    snprintf(fg->caption[f], sizeof fg->caption[f],
             "One point per trained configuration: median %s at init (log axis) against the mean of its task's "
             "trainability measure; colour = activation, point type = task. %s%s.",
             vk, rhos, zero ? " (those with a median of 0 are counted but off the log axis)" : "");
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

void plot_layers(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_LAYERS;
    const an_trained *ts[2] = { deepest(a, "relu"), deepest(a, "abs") };
    if (!ts[0] && !ts[1]) {
        snprintf(fg->note[f], sizeof fg->note[f], "no trained relu or abs configuration with per-layer data");
        return;
    }
    fig_names acts;
    fig_activations(a, &acts);
    gp_job j;
    if (fig_layout(&j, 2, "Per-layer diagnostics at init, deepest trained configurations", f, fg) != 0) return;
    char path[GP_PATH], st[AN_TASK_LABEL + 96];
    int xt = (ts[0] ? ts[0]->depth : 0) <= 16 && (ts[1] ? ts[1]->depth : 0) <= 16; /* integer tics */
    fig_series sr[2]; /* the left panel's series, the right one's */
    if (fig_series_open(&sr[0]) != 0) {
        fig_oom(&j, f, fg);
        return;
    }
    if (fig_series_open(&sr[1]) != 0) {
        fig_series_close(&sr[0]);
        free(sr[0].text);
        fig_oom(&j, f, fg);
        return;
    }
    for (int c = 0; c < 2; c++) {
        const an_trained *t = ts[c];
        if (!t) continue;
        snprintf(st, sizeof st, "%s, depth %d, width %d, %s", t->activation, t->depth, t->width, t->task_label);
        for (int w = 0; w < 2; w++) { /* 0: dead fraction per hidden layer, 1: gradient norm per weight layer */
            int m = w ? t->n_layers : (t->dead_mean ? t->depth : 0), valid = 0;
            const double *v = w ? t->grad_mean : t->dead_mean;
            if (!m || !v) continue;
            FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
            if (!d) continue;
            for (int l = 0; l < m; l++) {
                double y = w ? fig_pos(v[l]) : v[l];
                fprintf(d, "%d %.9g\n", l + 1, y);
                valid |= isfinite(y);
            }
            fclose(d);
            if (!valid) continue;
            fprintf(fig_series_add(&sr[w], path), " using 1:2 with linespoints lc rgb '%s' pt 7 ps 0.6 title ",
                    fig_colour(&acts, t->activation));
            gp_str(sr[w].f, st);
        }
    }
    int bad = fig_series_close(&sr[0]) != 0;
    bad |= fig_series_close(&sr[1]) != 0;
    if (bad) {
        free(sr[0].text);
        free(sr[1].text);
        fig_oom(&j, f, fg);
        return;
    }
    if (!sr[0].n) fig_empty(j.gp, "dead units at init", "no per-layer dead fractions");
    else {
        fig_panel(j.gp, "dead units at init");
        if (xt) fputs("set xtics 1\n", j.gp);
        fprintf(j.gp,
                "set xlabel 'hidden layer'\nset ylabel 'fraction of dead units'\nset yrange [-0.02:1.02]\nplot %s\n",
                sr[0].text);
    }
    if (!sr[1].n) fig_empty(j.gp, "weight-gradient norm at init", "no positive gradient norms");
    else {
        fig_panel(j.gp, "weight-gradient norm at init");
        if (xt) fputs("set xtics 1\n", j.gp);
        fprintf(
            j.gp,
            "set logscale y\nset format y '%%.0e'\nset xlabel 'weight layer (last: output)'\nset ylabel 'gradient norm'\nplot %s\nset format y '%%g'\n",
            sr[1].text);
    }
    free(sr[0].text);
    free(sr[1].text);
    snprintf(
        fg->caption[f], sizeof fg->caption[f],
        "Per-layer diagnostics at init, means over seeds, for the deepest trained relu and abs configurations: "
        "fraction of dead units per hidden layer (left) and the norm of each layer's weight gradient (right, log axis).");
    fig_run(&j, out_dir, f, fg);
}
/* regret.png: one panel per task, the regret of each score (top 1 and top 3)
 * with its 95% interval over seeds. */
void plot_regret(const analysis *a, const char *out_dir, report_figures *fg)
{
    report_fig f = RP_REGRET;
    if (!a->n_regret) {
        snprintf(fg->note[f], sizeof fg->note[f], "no task with at least 2 trained configurations");
        return;
    }
    int *first = malloc(sizeof(int) * (size_t)a->n_regret), nt = 0; /* each task's first row */
    if (!first) {
        snprintf(fg->note[f], sizeof fg->note[f], "out of memory");
        return;
    }
    for (int i = 0; i < a->n_regret; i++) {
        const an_regret *r = &a->regret[i];
        int seen = 0;
        for (int k = 0; k < nt && !seen; k++)
            seen = a->regret[first[k]].measure == r->measure && !strcmp(a->regret[first[k]].task_label, r->task_label);
        if (!seen) first[nt++] = i;
    }
    gp_job j;
    if (fig_layout_sized(&j, nt, 2, 820, 520,
                         "Regret of advice: best mean minus the mean of the score's pick "
                         "(95% bars over seeds)",
                         f, fg) != 0) {
        free(first);
        return;
    }
    char path[GP_PATH], title[AN_TASK_LABEL + 64];
    for (int p = 0; p < nt; p++) {
        const an_regret *r0 = &a->regret[first[p]];
        snprintf(title, sizeof title, "%s (%s)", r0->task_label, an_measure_name(r0->measure));
        FILE *d = gp_data(&j, path, sizeof path, NULL, 0);
        if (!d) {
            fig_empty(j.gp, title, "no data file");
            continue;
        }
        fig_panel(j.gp, title);
        fputs("set bmargin 9\nset xtics rotate by 60 right font ',8' (", j.gp); /* one tic per score, named */
        int x = 0;
        for (int i = first[p]; i < a->n_regret; i++) {
            const an_regret *r = &a->regret[i];
            if (r->measure != r0->measure || strcmp(r->task_label, r0->task_label)) continue;
            fprintf(d, "%d %.9g %.9g %.9g %.9g %.9g %.9g\n", x, r->regret, fig_or(r->lo, r->regret),
                    fig_or(r->hi, r->regret), r->regret3, fig_or(r->lo3, r->regret3), fig_or(r->hi3, r->regret3));
            fputs(x ? ", " : "", j.gp);
            gp_str(j.gp, r->score);
            fprintf(j.gp, " %d", x++);
        }
        fclose(d);
        char yl[96];
        snprintf(yl, sizeof yl, "regret in %s", an_measure_words(r0->measure));
        fprintf(j.gp, ")\nset xrange [-0.6:%d.6]\nset yrange [0:*]\nset ylabel ", x - 1);
        gp_str(j.gp, yl);
        fputs("\nplot ", j.gp);
        gp_file(j.gp, path);
        fputs(" using ($1-0.12):2:3:4 with yerrorbars lc rgb '#1f77b4' pt 7 ps 0.9 title 'regret (first pick)', ",
              j.gp);
        gp_file(j.gp, path);
        fputs(" using ($1+0.12):5:6:7 with yerrorbars lc rgb '#ff7f0e' pt 5 ps 0.8 title 'top-3 regret'\n", j.gp);
        fputs("set xtics autofreq norotate font ''\nset bmargin\n", j.gp);
    }
    free(first);
    snprintf(
        fg->caption[f], sizeof fg->caption[f],
        "For each task (one panel) and each at-init score: the task's best mean trainability minus the mean of the "
        "configuration the score ranks first (blue), and minus the best of its first three (orange), with 95%% "
        "percentile bootstrap intervals over seeds; 0 = the score picks the best configuration. The y axis is in "
        "the task's measure (test accuracy, or -test loss).");
    fig_run(&j, out_dir, f, fg);
}
