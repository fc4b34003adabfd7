/* The landscape gallery: each landscape a gnuplot matrix file, one multiplot
 * script, run by the gnuplot harness (gnuplot.h). */
#include "gallery.h"
#include "gnuplot.h"

#include "mlpvar/measure.h"

#include <stdio.h>
#include <stdlib.h>

/* Writes landscape r's values (g x g, row i = first input) into a new data file
 * of the job and its panel into the script. Returns 0, or -1 with err. */
static int panel(gp_job *j, const gallery_opts *o, int r, double **F, char *err, size_t errlen)
{
    int g = o->grid.grid;
    const mlpv_spec *s = &o->specs[r];
    double *nf = realloc(*F, sizeof(double) * (size_t)g * (size_t)g * (size_t)s->out_dim);
    mlpv_net *net = nf ? mlpv_net_random(s, o->seed) : NULL;
    if (nf) *F = nf;
    if (!net || mlpv_landscape(net, &o->grid, *F, NULL) != 0) {
        snprintf(err, errlen, "out of memory");
        mlpv_net_free(net);
        return -1;
    }
    mlpv_measurement m = mlpv_measure_landscape(*F, 1, g, o->order, o->tau);
    mlpv_net_free(net);
    char path[GP_PATH];
    FILE *d = gp_data(j, path, sizeof path, err, errlen);
    if (!d) return -1;
    for (int i = 0; i < g; i++)
        for (int k = 0; k < g; k++) fprintf(d, "%.7g%c", (*F)[(size_t)i * g + k], k + 1 < g ? ' ' : '\n');
    if (fclose(d) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    char title[160];
    snprintf(title, sizeof title, "%s, depth %d, width %d\nV%d = %.2e, rho = %.3g", mlpv_activation_name(s->activation),
             s->depth, s->width, o->order, m.variability, m.collapse_ratio);
    fputs("set title ", j->gp);
    gp_str(j->gp, title);
    fputs("\nplot ", j->gp);
    gp_file(j->gp, path);
    fputs(" matrix with image\n", j->gp);
    return 0;
}

int landscape_gallery(const gallery_opts *o, const char *png, char *err, size_t errlen)
{
    char terminal[96];
    snprintf(terminal, sizeof terminal, "pngcairo size %d,%d font ',9'", 260 * o->cols, 280 * o->rows + 40);
    gp_job j;
    if (gp_open(&j, terminal, err, errlen) != 0) return -1;
    fprintf(
        j.gp,
        "set multiplot layout %d,%d title 'Random landscapes on [-1,1]^2, grid %d, seed %llu (V%d, collapse ratio rho)'\n",
        o->rows, o->cols, o->grid.grid, (unsigned long long)o->seed, o->order);
    fputs("unset key\nunset colorbox\nunset tics\nset size ratio -1\nset palette rgb 33,13,10\n", j.gp);
    double *F = NULL;
    for (int r = 0; r < o->rows * o->cols; r++)
        if (panel(&j, o, r, &F, err, errlen) != 0) {
            free(F);
            gp_discard(&j, NULL, 0);
            return -1;
        }
    free(F);
    return gp_run(&j, png, err, errlen);
}
