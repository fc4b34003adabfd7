/* mlpvar landscape: one network's landscape as CSV (from a weight file or one
 * random configuration), or a gnuplot gallery PNG of random landscapes. */
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"
#include "gallery.h"

#include "mlpvar/measure.h"
#include "mlpvar/weights_file.h"

#include <errno.h>
#include <math.h>
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
           "  --png OUT           write a gallery PNG\n",
           NET_OPTIONS_HELP);
}

static int write_csv(const char *path, const double *F, int g)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++) fprintf(f, "%.17g%c", F[(size_t)i * g + j], j + 1 < g ? ',' : '\n');
    return fclose(f);
}

static int all_finite(const double *F, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(F[i])) return 0;
    return 1;
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
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            net_options_free(&o);
            return 0;
        } else cli_die(CMD, "unknown option '%s'; see 'mlpvar landscape --help'", a);
    }
    net_options_check(CMD, &o, png != NULL);
    if (!csv && !png) cli_die(CMD, "nothing to write; give --csv OUT or --png OUT");
    if (csv && png) cli_die(CMD, "give one of --csv and --png, not both");
    if (png && o.weights) cli_die(CMD, "--png draws random networks; for a weight file use --csv");

    mlpv_net *net = NULL;
    config_row *rows = NULL;
    int n_rows = 0, rc = 0;
    if (o.weights) {
        net = net_options_read_weights(CMD, &o);
        o.precision = MLPV_DOUBLE;
    } else {
        rows = net_options_rows(CMD, &o, &n_rows);
        lim_item *items = malloc(sizeof(lim_item) * (size_t)n_rows);
        if (!items) cli_fail(CMD, "out of memory");
        for (int r = 0; r < n_rows; r++) items[r] = net_options_item(&o, &rows[r].spec);
        net_options_check_memory(CMD, &o, items, png ? n_rows : 1, 1, png ? 0 : 8.0 * o.grid * o.grid, NULL);
        free(items);
        if (png) {
            int n_acts = o.n_acts ? o.n_acts : 2;
            mlpv_spec *specs = malloc(sizeof(mlpv_spec) * (size_t)n_rows);
            if (!specs) {
                fprintf(stderr, "mlpvar landscape: out of memory\n");
                rc = 1;
                goto done;
            }
            for (int r = 0; r < n_rows; r++) specs[r] = rows[r].spec;
            gallery_opts go = { specs, n_acts, n_rows / n_acts, net_options_grid(&o), o.order, o.tau, o.seed };
            char err[512];
            if (landscape_gallery(&go, png, err, sizeof err) != 0) {
                fprintf(stderr, "mlpvar landscape: %s\n", err);
                rc = 1;
            } else {
                fprintf(stderr, "wrote %s\n", png);
            }
            free(specs);
            goto done;
        }
        if (n_rows != 1)
            cli_die(CMD,
                    "--csv writes one landscape but the options give %d networks; "
                    "give one activation, one depth and one budget or width",
                    n_rows);
        if (!(net = mlpv_net_random(&rows[0].spec, o.seed))) cli_fail(CMD, "out of memory for the network");
    }
    if (output >= net->spec.out_dim)
        cli_die(CMD, "--output %d: the network has %d outputs (0..%d)", output, net->spec.out_dim,
                net->spec.out_dim - 1);
    mlpv_grid_opts g = net_options_grid(&o);
    size_t npts = (size_t)o.grid * o.grid;
    double *F = malloc(sizeof(double) * npts * net->spec.out_dim);
    if (!F || mlpv_landscape(net, &g, F, NULL) != 0) {
        fprintf(stderr, "mlpvar landscape: out of memory for a %dx%d grid\n", o.grid, o.grid);
        rc = 1;
    } else if (o.weights && !all_finite(F + (size_t)output * npts, npts)) {
        net_options_check_finite(CMD, &o, net, 0);
    } else if (write_csv(csv, F + (size_t)output * npts, o.grid) != 0) {
        cli_write_error(CMD, "--csv", csv, errno);
    }
    free(F);
done:
    mlpv_net_free(net);
    free(rows);
    net_options_free(&o);
    return rc;
}
