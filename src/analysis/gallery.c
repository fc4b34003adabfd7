/* The landscape gallery: each landscape a gnuplot matrix file, one multiplot
 * script, in a temporary folder removed afterwards. */
#include "gallery.h"

#include "mlpvar/measure.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int landscape_gallery(const gallery_opts *o, const char *png, char *err, size_t errlen)
{
    int g = o->grid.grid, n = o->rows * o->cols;
    char dir[] = "/tmp/mlpvar-gallery-XXXXXX";
    if (!mkdtemp(dir)) { snprintf(err, errlen, "cannot make a temporary folder: %s", strerror(errno)); return -1; }
    char path[4096];
    snprintf(path, sizeof path, "%s/plot.gp", dir);
    FILE *gp = fopen(path, "w");
    if (!gp) { snprintf(err, errlen, "cannot write %s", path); return -1; }
    fprintf(gp, "set terminal pngcairo size %d,%d font ',9'\nset output '%s'\n", 260 * o->cols, 280 * o->rows + 40, png);
    fprintf(gp, "set multiplot layout %d,%d title 'Random landscapes on [-1,1]^2, grid %d, seed %llu (V%d, collapse ratio rho)'\n",
            o->rows, o->cols, g, (unsigned long long)o->seed, o->order);
    fputs("unset key\nunset colorbox\nunset tics\nset size ratio -1\nset palette rgb 33,13,10\n", gp);
    size_t npts = (size_t)g * g;
    double *F = NULL;
    for (int r = 0; r < n; r++) {
        const mlpv_spec *s = &o->specs[r];
        double *nf = realloc(F, sizeof(double) * npts * (size_t)s->out_dim);
        mlpv_net *net = nf ? mlpv_net_random(s, o->seed) : NULL;
        if (nf) F = nf;
        if (!net || mlpv_landscape(net, &o->grid, F, NULL) != 0) {
            snprintf(err, errlen, "out of memory");
            mlpv_net_free(net); free(F); fclose(gp); return -1;
        }
        mlpv_measurement m = mlpv_measure_landscape(F, 1, g, o->order, o->tau);
        mlpv_net_free(net);
        snprintf(path, sizeof path, "%s/f%d.dat", dir, r);
        FILE *d = fopen(path, "w");
        if (!d) { snprintf(err, errlen, "cannot write %s", path); free(F); fclose(gp); return -1; }
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++) fprintf(d, "%.7g%c", F[(size_t)i * g + j], j + 1 < g ? ' ' : '\n');
        fclose(d);
        fprintf(gp, "set title \"%s, depth %d, width %d\\nV%d = %.2e, rho = %.3g\"\n",
                mlpv_activation_name(s->activation), s->depth, s->width, o->order, m.variability, m.collapse_ratio);
        fprintf(gp, "plot '%s' matrix with image\n", path);
    }
    free(F);
    fputs("unset multiplot\n", gp);
    fclose(gp);
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "gnuplot '%s/plot.gp'", dir);
    int rc = system(cmd);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "mlpvar: could not remove %s\n", dir);
    if (rc != 0) {
        snprintf(err, errlen, "gnuplot failed (exit %d); install it with 'apt-get install gnuplot-nox'", rc);
        return -1;
    }
    return 0;
}
