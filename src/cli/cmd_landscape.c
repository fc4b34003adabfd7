/* mlpvar landscape: one network's landscape as CSV (from a weight file or one
 * random configuration), or a gnuplot gallery PNG of random landscapes. */
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"

#include "mlpvar/measure.h"
#include "mlpvar/weights_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const CMD = "landscape";

static void usage(void)
{
    printf("usage: mlpvar landscape --weights FILE [--grid G] [--output K] --csv OUT\n"
           "       mlpvar landscape --activation A --budget B --depth L [options] --csv OUT\n"
           "       mlpvar landscape --activation relu,abs --budget 10000 --depth 1,4,16,64 --png OUT\n\n"
           "CSV: G rows of G comma-separated values; row i is the i-th value of the first\n"
           "coordinate, -1 + 2i/(G-1); column j the second. A weight file is computed in double.\n"
           "PNG: a gallery, activations down, depths across, V_k and collapse ratio in each title\n"
           "(needs gnuplot). Random networks use seed S (--seed).\n\n"
           "options:\n%s"
           "  --output K          which output to write for multi-output networks (default 0)\n"
           "  --csv OUT           write one landscape as CSV\n"
           "  --png OUT           write a gallery PNG\n", NET_OPTIONS_HELP);
}

static int write_csv(const char *path, const double *F, int g)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++)
            fprintf(f, "%.17g%c", F[(size_t)i * g + j], j + 1 < g ? ',' : '\n');
    return fclose(f);
}

/* Writes each landscape as a gnuplot matrix file and one multiplot script. */
int landscape_gallery(const net_options *o, const config_row *rows, int n_rows, const char *png)
{
    int n_acts = o->n_acts ? o->n_acts : 2, cols = n_rows / n_acts;
    char dir[] = "/tmp/mlpvar-gallery-XXXXXX";
    if (!mkdtemp(dir)) { fprintf(stderr, "mlpvar landscape: cannot make a temporary folder: %s\n", strerror(errno)); return 1; }
    char path[4096];
    snprintf(path, sizeof path, "%s/plot.gp", dir);
    FILE *gp = fopen(path, "w");
    if (!gp) { fprintf(stderr, "mlpvar landscape: cannot write %s\n", path); return 1; }
    fprintf(gp, "set terminal pngcairo size %d,%d font ',9'\nset output '%s'\n", 260 * cols, 280 * n_acts + 40, png);
    fprintf(gp, "set multiplot layout %d,%d title 'Random landscapes on [-1,1]^2, grid %d, seed %llu (V%d, collapse ratio rho)'\n",
            n_acts, cols, o->grid, (unsigned long long)o->seed, o->order);
    fputs("unset key\nunset colorbox\nunset tics\nset size ratio -1\nset palette rgb 33,13,10\n", gp);
    mlpv_grid_opts g = net_options_grid(o);
    size_t npts = (size_t)o->grid * o->grid;
    double *F = malloc(sizeof(double) * npts * rows[0].spec.out_dim);
    for (int r = 0; r < n_rows; r++) {
        const mlpv_spec *s = &rows[r].spec;
        F = realloc(F, sizeof(double) * npts * s->out_dim);
        mlpv_net *net = mlpv_net_random(s, o->seed);
        if (!net || mlpv_landscape(net, &g, F, NULL) != 0) {
            fprintf(stderr, "mlpvar landscape: out of memory\n");
            mlpv_net_free(net); free(F); fclose(gp); return 1;
        }
        mlpv_measurement m = mlpv_measure_landscape(F, 1, o->grid, o->order, o->tau);
        mlpv_net_free(net);
        snprintf(path, sizeof path, "%s/f%d.dat", dir, r);
        FILE *d = fopen(path, "w");
        if (!d) { fprintf(stderr, "mlpvar landscape: cannot write %s\n", path); free(F); fclose(gp); return 1; }
        for (int i = 0; i < o->grid; i++)
            for (int j = 0; j < o->grid; j++) fprintf(d, "%.7g%c", F[(size_t)i * o->grid + j], j + 1 < o->grid ? ' ' : '\n');
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
    if (system(cmd) != 0) fprintf(stderr, "mlpvar landscape: could not remove %s\n", dir);
    if (rc != 0) {
        fprintf(stderr, "mlpvar landscape: gnuplot failed (exit %d); install it with 'apt-get install gnuplot-nox'\n", rc);
        return 1;
    }
    fprintf(stderr, "wrote %s\n", png);
    return 0;
}

int cmd_landscape(int argc, char **argv)
{
    net_options o;
    net_options_defaults(&o);
    const char *csv = NULL, *png = NULL;
    int output = 0;
    for (int i = 1; i < argc; i++) {
        if (net_options_parse(CMD, &o, argc, argv, &i)) continue;
        const char *a = argv[i];
        if (!strcmp(a, "--csv")) csv = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--png")) png = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--output")) output = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 0, 100000);
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) { usage(); net_options_free(&o); return 0; }
        else cli_die(CMD, "unknown option '%s'; see 'mlpvar landscape --help'", a);
    }
    net_options_check(CMD, &o, png != NULL);
    if (!csv && !png) cli_die(CMD, "nothing to write; give --csv OUT or --png OUT");
    if (csv && png) cli_die(CMD, "give one of --csv and --png, not both");
    if (png && o.weights) cli_die(CMD, "--png draws random networks; for a weight file use --csv");

    mlpv_net *net = NULL;
    config_row *rows = NULL;
    int n_rows = 0, rc = 0;
    if (o.weights) {
        char err[512];
        if (!(net = mlpv_weights_read(o.weights, err, sizeof err))) {
            fprintf(stderr, "mlpvar landscape: %s\n", err);
            net_options_free(&o);
            return EXIT_USAGE;
        }
        o.precision = MLPV_DOUBLE;
    } else {
        rows = net_options_rows(CMD, &o, &n_rows);
        if (png) { rc = landscape_gallery(&o, rows, n_rows, png); goto done; }
        if (n_rows != 1)
            cli_die(CMD, "--csv writes one landscape but the options give %d networks; "
                    "give one activation, one depth and one budget or width", n_rows);
        net = mlpv_net_random(&rows[0].spec, o.seed);
    }
    if (output >= net->spec.out_dim)
        cli_die(CMD, "--output %d: the network has %d outputs (0..%d)", output, net->spec.out_dim, net->spec.out_dim - 1);
    mlpv_grid_opts g = net_options_grid(&o);
    size_t npts = (size_t)o.grid * o.grid;
    double *F = malloc(sizeof(double) * npts * net->spec.out_dim);
    if (!F || mlpv_landscape(net, &g, F, NULL) != 0) {
        fprintf(stderr, "mlpvar landscape: out of memory for a %dx%d grid\n", o.grid, o.grid);
        rc = 1;
    } else if (write_csv(csv, F + (size_t)output * npts, o.grid) != 0) {
        fprintf(stderr, "mlpvar landscape: cannot write '%s': %s\n", csv, strerror(errno));
        rc = 1;
    }
    free(F);
done:
    mlpv_net_free(net);
    free(rows);
    net_options_free(&o);
    return rc;
}
