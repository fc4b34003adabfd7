/* mlpvar theory --compare: finite against infinite width. For two inputs, the
 * correlation of the pre-activations of every hidden layer, measured in random
 * networks (wide, and at the width a parameter budget gives) and predicted by
 * the mean-field maps (theory.h), as a table and a gnuplot figure. */
#include "cli_args.h"
#include "commands.h"
#include "gnuplot.h"
#include "json_out.h"
#include "sweep_limits.h"

#include "mlpvar/network.h"
#include "mlpvar/theory.h"

#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "theory";

typedef struct {
    int layers;
    double *sum, *sum2; /* [layers]: correlation of layer k's pre-activations, over draws */
} corr_acc;

/* Correlation of two vectors across units, uncentred as in the mean-field theory. */
static double corr(const double *a, const double *b, int n)
{
    double ab = 0, aa = 0, bb = 0;
    for (int i = 0; i < n; i++) {
        ab += a[i] * b[i];
        aa += a[i] * a[i];
        bb += b[i] * b[i];
    }
    return aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : NAN;
}

typedef struct {
    const mlpv_net *net;
    corr_acc *acc;
    double *z1, *z2;
} hook_ctx;

/* After hidden layer l: the next layer's pre-activations z = W h + b for both
 * points (h unit-major [width x 2]); for l = depth-1 that is the output layer,
 * not a hidden one, and is skipped. */
static void on_layer(void *vctx, int l, const void *hv, int rows, int width, long row0, mlpv_precision p)
{
    (void)row0;
    (void)p;
    (void)rows;
    hook_ctx *c = vctx;
    const mlpv_net *net = c->net;
    if (l + 1 >= net->spec.depth) return;
    const double *h = hv, *W = net->W[l + 1], *b = net->b[l + 1];
    int fo = net->spec.width;
    for (int o = 0; o < fo; o++) {
        double s1 = b[o], s2 = b[o];
        for (int u = 0; u < width; u++) {
            s1 += W[(size_t)o * width + u] * h[2 * u];
            s2 += W[(size_t)o * width + u] * h[2 * u + 1];
        }
        c->z1[o] = s1;
        c->z2[o] = s2;
    }
    double r = corr(c->z1, c->z2, fo);
    c->acc->sum[l + 1] += r;
    c->acc->sum2[l + 1] += r * r;
}

/* Mean correlation per hidden layer over `draws` random networks of the shape. */
static void measure(mlpv_activation a, int depth, int width, double bias_std, int draws, const double x[4],
                    corr_acc *acc)
{
    acc->layers = depth;
    acc->sum = calloc((size_t)depth, sizeof(double));
    acc->sum2 = calloc((size_t)depth, sizeof(double));
    double *z1 = malloc(sizeof(double) * (size_t)width), *z2 = malloc(sizeof(double) * (size_t)width);
    if (!acc->sum || !acc->sum2 || !z1 || !z2) cli_fail(CMD, "out of memory");
    for (int d = 0; d < draws; d++) {
        mlpv_spec s = mlpv_spec_default(a, depth, width);
        s.bias_std = bias_std;
        mlpv_net *net = mlpv_net_random(&s, (uint64_t)d);
        if (!net) cli_fail(CMD, "out of memory for a network of width %d and depth %d", width, depth);
        for (int o = 0; o < width; o++) { /* layer 0's pre-activations from the inputs */
            z1[o] = net->W[0][2 * o] * x[0] + net->W[0][2 * o + 1] * x[1] + net->b[0][o];
            z2[o] = net->W[0][2 * o] * x[2] + net->W[0][2 * o + 1] * x[3] + net->b[0][o];
        }
        double r = corr(z1, z2, width);
        acc->sum[0] += r;
        acc->sum2[0] += r * r;
        hook_ctx hc = { net, acc, z1, z2 };
        double y[2], *work = malloc(sizeof(double) * 2 * (size_t)mlpv_forward_work_size(net, 2));
        if (!work) cli_fail(CMD, "out of memory");
        mlpv_forward_d(net, x, 2, y, work, on_layer, &hc, 0);
        free(work);
        mlpv_net_free(net);
    }
    free(z1);
    free(z2);
}

static void mean_se(const corr_acc *c, int k, int n, double *m, double *se)
{
    *m = c->sum[k] / n;
    double var = c->sum2[k] / n - *m * *m;
    *se = n > 1 && var > 0 ? sqrt(var / (n - 1)) : 0.0;
}

/* "x1,y1:x2,y2", four finite numbers, nothing else: 0, or -1. */
static int parse_pair(const char *v, double x[4])
{
    const char *p = v;
    static const char sep[4] = { ',', ':', ',', '\0' };
    for (int k = 0; k < 4; k++) {
        char *end;
        x[k] = strtod(p, &end);
        if (end == p || *end != sep[k] || !isfinite(x[k])) return -1;
        p = end + 1;
    }
    return 0;
}

/* The two networks of a draw (wide, then budget-sized) within the ceilings. */
static void check_memory(int depth, int wide, int bw)
{
    for (int k = 0; k < 2; k++) {
        lim_item it;
        memset(&it, 0, sizeof it);
        it.spec = mlpv_spec_default(MLPV_RELU, depth, k ? bw : wide);
        it.grid = 2;
        it.chunk = 2;
        it.precision = MLPV_DOUBLE;
        double need = lim_item_bytes(&it), avail = lim_available_bytes();
        char t[32], c[32];
        if (need > LIM_MAX_ITEM_BYTES || (avail >= 0 && need + LIM_BASE_BYTES > avail))
            cli_die(CMD,
                    "a network of width %d and depth %d needs %s of memory, above %s (the ceiling per network, "
                    "docs/limits.md, or what this machine has available); lower %s or --depth",
                    it.spec.width, depth, lim_bytes_text(need, t, sizeof t),
                    lim_bytes_text(need > LIM_MAX_ITEM_BYTES ? LIM_MAX_ITEM_BYTES : avail, c, sizeof c),
                    k ? "--budget" : "--wide");
    }
}

int cmd_theory_compare(int argc, char **argv)
{
    mlpv_activation *acts = NULL;
    int n_acts = 0, depth = 32, wide = 1000, draws = 16, json = 0;
    long budget = 10000;
    double bias_std = 0.1, x[4] = { 1.0, 1.0, 1.0, -1.0 };
    const char *png = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--compare")) continue;
        if (!strcmp(a, "--activation")) {
            free(acts);
            acts = cli_activation_list(CMD, cli_value(CMD, argc, argv, &i), &n_acts);
        } else if (!strcmp(a, "--depth"))
            depth = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DEPTH);
        else if (!strcmp(a, "--wide")) wide = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 2, 100000);
        else if (!strcmp(a, "--budget")) budget = cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_BUDGET);
        else if (!strcmp(a, "--draws")) draws = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 2, LIM_MAX_DRAWS);
        else if (!strcmp(a, "--bias-std")) bias_std = cli_double(CMD, a, cli_value(CMD, argc, argv, &i), 0.0, 100.0);
        else if (!strcmp(a, "--pair")) {
            const char *v = cli_value(CMD, argc, argv, &i);
            if (parse_pair(v, x) != 0)
                cli_die(CMD,
                        "--pair: '%.80s' is not two 2-D points of finite numbers; write x1,y1:x2,y2 (e.g. 1,1:1,-1)",
                        v);
        } else if (!strcmp(a, "--png")) png = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(a, "--json")) json = 1;
        else cli_die(CMD, "unknown option '%s' with --compare; see 'mlpvar theory --help'", a);
    }
    if (!n_acts) {
        acts = malloc(2 * sizeof *acts);
        acts[0] = MLPV_RELU;
        acts[1] = MLPV_ABS;
        n_acts = 2;
    }
    int bw = mlpv_width_for_budget(budget, 2, 1, depth);
    if (bw < 1) cli_die(CMD, "--budget %ld is smaller than the smallest network at depth %d; raise it", budget, depth);
    check_memory(depth, wide, bw);
    openblas_set_num_threads(1);
    /* the figure: one gnuplot job (gnuplot.h) with one data file, a block per activation */
    gp_job job;
    char dat_path[GP_PATH], gerr[512];
    FILE *dat = NULL;
    if (png) {
        char terminal[64];
        snprintf(terminal, sizeof terminal, "pngcairo size %d,420 font ',10'", 420 * n_acts);
        if (gp_open(&job, terminal, gerr, sizeof gerr) != 0) {
            fprintf(stderr, "mlpvar theory: %s\n", gerr);
            free(acts);
            return 1;
        }
        if (!(dat = gp_data(&job, dat_path, sizeof dat_path, gerr, sizeof gerr))) {
            gp_discard(&job, NULL, 0);
            fprintf(stderr, "mlpvar theory: %s\n", gerr);
            free(acts);
            return 1;
        }
    }
    if (!json)
        printf("# inputs (%g, %g) and (%g, %g); auto init, bias std %g; %d draws per width\n"
               "# corr = mean correlation of hidden layer k's pre-activations across units (SE)\n"
               "%-10s %5s %10s %22s %22s\n",
               x[0], x[1], x[2], x[3], bias_std, draws, "activation", "layer", "theory", "wide (width W)",
               "budget-sized");
    for (int k = 0; k < n_acts; k++) {
        mlpv_activation a = acts[k];
        double sw2 = mlpv_auto_gain(a), sb2 = bias_std * bias_std;
        /* first layer: W ~ N(0, 1/2) over 2 inputs: q = |x|^2 / 2 + sb2 */
        double q1 = (x[0] * x[0] + x[1] * x[1]) / 2 + sb2, q2 = (x[2] * x[2] + x[3] * x[3]) / 2 + sb2;
        double c0 = ((x[0] * x[2] + x[1] * x[3]) / 2 + sb2) / sqrt(q1 * q2);
        corr_acc cw, cb;
        measure(a, depth, wide, bias_std, draws, x, &cw);
        measure(a, depth, bw, bias_std, draws, x, &cb);
        for (int l = 0; l < depth; l++) {
            double th = mlpv_predicted_corr(a, sw2, sb2, q1, q2, c0, l), mw, sew, mb, seb;
            mean_se(&cw, l, draws, &mw, &sew);
            mean_se(&cb, l, draws, &mb, &seb);
            if (json) {
                json_obj j;
                json_begin(&j, stdout);
                json_str(&j, "activation", mlpv_activation_name(a));
                json_int(&j, "layer", l + 1);
                json_num(&j, "theory", th);
                json_int(&j, "wide_width", wide);
                json_num(&j, "wide_mean", mw);
                json_num(&j, "wide_se", sew);
                json_int(&j, "budget_width", bw);
                json_num(&j, "budget_mean", mb);
                json_num(&j, "budget_se", seb);
                json_end(&j);
            } else {
                printf("%-10s %5d %10.4f %13.4f (%6.4f) %13.4f (%6.4f)\n", mlpv_activation_name(a), l + 1, th, mw, sew,
                       mb, seb);
            }
            if (dat) fprintf(dat, "%d %.9g %.9g %.9g %.9g %.9g\n", l + 1, th, mw, sew, mb, seb);
        }
        if (dat) fputs("\n\n", dat);
        free(cw.sum);
        free(cw.sum2);
        free(cb.sum);
        free(cb.sum2);
    }
    int rc = 0;
    if (dat) {
        int bad = fclose(dat) != 0;
        fprintf(job.gp,
                "set multiplot layout 1,%d title 'Correlation of two inputs layer by layer: theory (infinite "
                "width) vs random networks (%d draws)'\nset xlabel 'hidden layer'\nset ylabel 'correlation'\n"
                "set yrange [*:1.02]\nset key bottom right\nset grid\n",
                n_acts, draws);
        for (int k = 0; k < n_acts; k++) {
            fputs("set title ", job.gp);
            gp_str(job.gp, mlpv_activation_name(acts[k]));
            fputs("\nplot ", job.gp);
            gp_file(job.gp, dat_path);
            fprintf(job.gp,
                    " index %d using 1:2 with lines lw 2 title 'theory', "
                    "'' index %d using 1:3:4 with yerrorbars pt 7 ps 0.5 title 'width %d', "
                    "'' index %d using 1:5:6 with yerrorbars pt 5 ps 0.5 title 'width %d (budget %ld)'\n",
                    k, k, wide, k, bw, budget);
        }
        if (bad) {
            gp_discard(&job, NULL, 0);
            fprintf(stderr, "mlpvar theory: cannot write %s: %s\n", dat_path, strerror(errno));
            rc = 1;
        } else if (gp_run(&job, png, gerr, sizeof gerr) != 0) {
            fprintf(stderr, "mlpvar theory: %s\n", gerr);
            rc = 1;
        } else {
            fprintf(stderr, "wrote %s\n", png);
        }
    }
    free(acts);
    return rc;
}
