/* mlpvar theory: infinite-width signal propagation (mean-field theory) for
 * each activation: fixed points, depth scales, trainable depth and the depth
 * at which theory says every pair of inputs has collapsed together. */
#include "cli_args.h"
#include "commands.h"
#include "json_out.h"

#include "mlpvar/theory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "theory";

#define SB2_DEFAULT 0.01 /* bias std 0.1 (docs/definitions.md, init) */
#define TAU_DEFAULT 0.01
#define MAX_DEPTH_DEFAULT 1000

static void usage(void)
{
    printf("usage: mlpvar theory [--activation LIST] [--sw2 X] [--sb2 Y] [--tau T] [--max-depth N] [--json]\n\n"
           "Infinite-width theory of a deep random MLP (Poole et al. 2016, Schoenholz et al. 2017),\n"
           "weights W ~ N(0, sw2 / fan_in), biases b ~ N(0, sb2), for each activation:\n"
           "  q*           fixed point of the length map q -> sw2 E[phi(sqrt(q) z)^2] + sb2 that\n"
           "               iterating from q = 1 reaches (about a corner input's first-layer variance)\n"
           "  c*           stable fixed point of the correlation map at q*: 1 in the ordered phase,\n"
           "               < 1 in the chaotic phase\n"
           "  chi_1        sw2 E[phi'(sqrt(q*) z)^2]: < 1 ordered, 1 critical, > 1 chaotic\n"
           "  chi_c        slope of the correlation map at c* (= chi_1 when c* = 1)\n"
           "  xi_q, xi_c   depth scales -1/log(slope) of the length and correlation maps\n"
           "  trainable_depth      6 xi_c\n"
           "  predicted_c2c_depth  first depth at which every pair of inputs of [-1,1]^2 (a 3 x 3\n"
           "               grid: corners, edge midpoints, origin) has output correlation > 1 - tau,\n"
           "               from the first layer of the \"auto\" init (sw2 = 1 on the 2 inputs, bias\n"
           "               sb2) and the maps after it\n\n"
           "options:\n"
           "  --activation LIST  comma-separated (default relu,abs); %s\n"
           "  --sw2 X            weight variance gain, > 0 (default: the \"auto\" gain 1/E[phi(z)^2],\n"
           "                     relu 2, abs 1)\n"
           "  --sb2 Y            bias variance, >= 0 (default 0.01)\n"
           "  --tau T            correlation threshold of the predicted C2C depth, 0 < T < 1 (default\n"
           "                     0.01). The measured collapse ratio rho = std/RMS of a landscape is\n"
           "                     about sqrt(mean(1 - c)), so rho < tau matches 1 - c < tau^2.\n"
           "  --max-depth N      deepest network for the predicted C2C depth (default 1000)\n"
           "  --json             one JSON object per line per activation instead of the table\n\n"
           "Finite against infinite width:\n"
           "  mlpvar theory --compare [--activation LIST] [--depth L] [--wide W] [--budget B]\n"
           "                [--draws N] [--pair x1,y1:x2,y2] [--bias-std S] [--png FILE] [--json]\n"
           "  the correlation of two inputs' pre-activations at every hidden layer: predicted by the\n"
           "  maps, and measured (mean and SE over N draws, auto init) in networks of width W\n"
           "  (default 1000) and of the width budget B gives at depth L (defaults 10000, 32); pair\n"
           "  default (1,1):(1,-1), 16 draws; --png draws it.\n\n"
           "Empty values (\"-\" in the table, null in JSON):\n"
           "  - q diverges (has_q_star false): then q*, c*, chi_c, xi_q, xi_c and trainable_depth\n"
           "    are empty. E.g. relu at sw2 = 2 with sb2 > 0 (q grows by sb2 per layer), relu at\n"
           "    sw2 > 2, abs at sw2 >= 1 with sb2 > 0: so at the \"auto\" gains relu and abs have no\n"
           "    q*. chi_1 of relu, abs, leaky_relu and identity does not depend on q and is given.\n"
           "    gelu and silu at their \"auto\" gains: q of the corner inputs diverges while q near\n"
           "    the origin settles at a small fixed point.\n"
           "  - a depth scale is infinite: at criticality (slope 1: chi_c = 1, e.g. relu at sw2 = 2,\n"
           "    sb2 = 0, where every q is a fixed point and q* = 1 is shown) xi and trainable_depth\n"
           "    diverge.\n"
           "  - predicted_c2c_depth: no depth up to --max-depth collapses every pair, e.g. in the\n"
           "    chaotic phase (c* < 1 - tau).\n"
           "With sb2 = 0 and an activation with phi(0) = 0 the ordered phase has q* = 0; then c* = 1\n"
           "and chi_c = chi_1 by convention. Pair expectations: closed forms for relu, abs,\n"
           "leaky_relu, sin, identity; Gauss-Hermite or split Gauss-Legendre quadrature otherwise\n"
           "(relative error ~1e-11 or better).\n",
           mlpv_activation_names());
}

static const char *phase(const mlpv_mean_field *m)
{
    if (!m->has_q_star) return "q diverges";
    if (m->c_star < 1.0) return "chaotic";
    if (fabs(m->chi_c - 1.0) <= 1e-9) return "critical";
    return m->chi_c < 1.0 ? "ordered" : "chaotic";
}

static void cell(double v)
{
    if (isnan(v)) printf(" %10s", "-");
    else if (isinf(v)) printf(" %10s", "inf");
    else printf(" %10.4g", v);
}

int cmd_theory(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--compare")) return cmd_theory_compare(argc, argv);
    const char *acts = "relu,abs";
    double sw2 = NAN, sb2 = SB2_DEFAULT, tau = TAU_DEFAULT;
    long max_depth = MAX_DEPTH_DEFAULT;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (!strcmp(o, "--help") || !strcmp(o, "-h")) {
            usage();
            return 0;
        } else if (!strcmp(o, "--activation")) acts = cli_value(CMD, argc, argv, &i);
        else if (!strcmp(o, "--sw2")) {
            sw2 = cli_double(CMD, o, cli_value(CMD, argc, argv, &i), -1e300, 1e300);
            if (!(sw2 > 0)) cli_die(CMD, "--sw2: %g is not positive; give a weight variance gain > 0", sw2);
        } else if (!strcmp(o, "--sb2")) {
            sb2 = cli_double(CMD, o, cli_value(CMD, argc, argv, &i), -1e300, 1e300);
            if (!(sb2 >= 0)) cli_die(CMD, "--sb2: %g is negative; give a bias variance >= 0", sb2);
        } else if (!strcmp(o, "--tau")) {
            tau = cli_double(CMD, o, cli_value(CMD, argc, argv, &i), -1e300, 1e300);
            if (!(tau > 0 && tau < 1)) cli_die(CMD, "--tau: %g is out of range; give a value with 0 < tau < 1", tau);
        } else if (!strcmp(o, "--max-depth")) {
            max_depth = cli_long(CMD, o, cli_value(CMD, argc, argv, &i), 1, 100000);
        } else if (!strcmp(o, "--json")) json = 1;
        else cli_die(CMD, "unknown option '%s'; see 'mlpvar theory --help'", o);
    }
    int na;
    mlpv_activation *a = cli_activation_list(CMD, acts, &na);
    if (!json)
        printf("%-10s %10s %10s %10s %10s %10s %10s %10s %10s %10s %10s  %s\n", "activation", "sw2", "sb2", "q*", "c*",
               "chi_1", "chi_c", "xi_q", "xi_c", "train_dep", "c2c_depth", "phase");
    int rc = 0;
    for (int k = 0; k < na; k++) {
        double s2 = isnan(sw2) ? mlpv_auto_gain(a[k]) : sw2;
        mlpv_mean_field m;
        if (mlpv_mean_field_solve(a[k], s2, sb2, &m) != 0) {
            fprintf(stderr, "mlpvar theory: %s: the theory is not defined at sw2 = %g, sb2 = %g\n",
                    mlpv_activation_name(a[k]), s2, sb2);
            rc = 1;
            continue;
        }
        int d = mlpv_predicted_c2c_depth(a[k], s2, sb2, tau, (int)max_depth);
        double depth = d < 0 ? NAN : (double)d;
        if (json) {
            json_obj j;
            json_begin(&j, stdout);
            json_str(&j, "activation", mlpv_activation_name(a[k]));
            json_num(&j, "sw2", s2);
            json_num(&j, "sb2", sb2);
            json_bool(&j, "has_q_star", m.has_q_star);
            json_num(&j, "q_star", m.q_star);
            json_num(&j, "c_star", m.c_star);
            json_num(&j, "chi_1", m.chi_1);
            json_num(&j, "chi_c", m.chi_c);
            json_num(&j, "slope_q", m.slope_q);
            json_num(&j, "xi_q", m.xi_q);
            json_num(&j, "xi_c", m.xi_c);
            json_num(&j, "trainable_depth", m.trainable_depth);
            json_num(&j, "predicted_c2c_depth", depth);
            json_num(&j, "tau", tau);
            json_int(&j, "max_depth", max_depth);
            json_str(&j, "phase", phase(&m));
            json_end(&j);
        } else {
            printf("%-10s", mlpv_activation_name(a[k]));
            cell(s2);
            cell(sb2);
            cell(m.q_star);
            cell(m.c_star);
            cell(m.chi_1);
            cell(m.chi_c);
            cell(m.xi_q);
            cell(m.xi_c);
            cell(m.trainable_depth);
            cell(depth);
            printf("  %s\n", phase(&m));
        }
        fflush(stdout);
    }
    free(a);
    return rc;
}
