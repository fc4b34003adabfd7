/* mlpvar advise: for a parameter budget, rank (activation, depth, width) by
 * predicted trainability from measurements at init only: no training.
 *
 * The score is the median V3 over random draws times the fraction of draws that
 * did not collapse to constant, (1 - C2C probability): variability is what
 * predicts accuracy where depth helps (README, Results), and a configuration
 * whose draws collapse is penalised for the draws it loses. Beside it, the
 * evidence: V3 quartiles, C2C probability with its Wilson interval, and the
 * infinite-width theory's trainable depth (6 xi_c) and predicted C2C depth for
 * the "auto" init.
 *
 * Noise. Each score has a 95% percentile bootstrap interval over its draws.
 * Candidates whose interval overlaps the top one's are marked: the draws
 * cannot tell them apart. Among them the cheapest network is preferred (fewer
 * layers, then fewer parameters), and the output says so (advice.h). */
#include "advice.h"
#include "cli_args.h"
#include "cli_config.h"
#include "commands.h"
#include "json_out.h"
#include "progress.h"

#include "mlpvar/measure.h"
#include "mlpvar/theory.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CMD = "advise";

static void usage(void)
{
    printf("usage: mlpvar advise --budget B [--activation relu,abs,...] [--in-dim d] [--max-depth D]\n"
           "                    [--draws N] [--grid G] [--top K] [--json]\n\n"
           "Ranks (activation, depth, width) at a parameter budget by predicted trainability,\n"
           "from random networks at init only (no training): score = median V3 x (1 - C2C\n"
           "probability) over N draws. Prints the evidence beside each candidate: V3 quartiles,\n"
           "C2C probability [Wilson 95%%], and the infinite-width theory's trainable depth (6 xi_c)\n"
           "and predicted collapse depth for the auto init (null where the theory has no finite\n"
           "value). Best first. Each score has a 95%% bootstrap interval over the draws; '~' marks\n"
           "every candidate whose interval overlaps the top one's (the draws cannot tell them apart),\n"
           "and among those advise prefers the cheapest network: fewer layers, then fewer parameters.\n\n"
           "options:\n"
           "  --budget B        parameter budget (required)\n"
           "  --activation L    candidates (default relu,abs)\n"
           "  --in-dim d        input dimension (default 2; > 2 measures on a random 2-D slice)\n"
           "  --max-depth D     depths 1..D (default 64)\n"
           "  --depth LIST      explicit depths instead of 1..D\n"
           "  --draws N         random networks per candidate (default 64)\n"
           "  --grid G          landscape grid (default 64; V3 depends on it, the ranking little)\n"
           "  --top K           print the best K (default all)\n"
           "  --seed S          first seed (default 0; also seeds the bootstrap)\n"
           "  --bootstrap B     resamples of the draws for each score's interval (default 1000)\n"
           "  --threads T       worker threads (default: all cores)\n"
           "  --json            one JSON object per candidate, best first\n"
           "  --quiet           no progress\n");
}

typedef struct {
    mlpv_spec spec;
    long budget;
    mlpv_config_summary sum;
    double score, lo, hi, trainable_depth;
    int c2c_depth;
    int near_top, preferred; /* its interval overlaps the top's; the one to prefer */
} candidate;

/* Best first; a NaN score (every draw failed) last. */
static int by_score(const void *x, const void *y)
{
    const candidate *a = x, *b = y;
    if (isnan(a->score) != isnan(b->score)) return isnan(a->score) ? 1 : -1;
    if (a->score != b->score) return a->score < b->score ? 1 : -1;
    return a->spec.depth - b->spec.depth;
}

int cmd_advise(int argc, char **argv)
{
    net_options o;
    net_options_defaults(&o);
    o.grid = 64;
    int draws = 64, json = 0, quiet = 0, top = 0, max_depth = 64, have_budget = 0, boot = 1000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--max-depth"))
            max_depth = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DEPTH);
        else if (!strcmp(a, "--draws")) draws = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, LIM_MAX_DRAWS);
        else if (!strcmp(a, "--top")) top = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 1, 1000000);
        else if (!strcmp(a, "--bootstrap")) boot = (int)cli_long(CMD, a, cli_value(CMD, argc, argv, &i), 10, 1000000);
        else if (!strcmp(a, "--json")) json = 1;
        else if (!strcmp(a, "--quiet")) quiet = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            net_options_free(&o);
            return 0;
        } else if (!strcmp(a, "--width") || !strcmp(a, "--weights") || !strcmp(a, "--out-dim"))
            cli_die(CMD, "%s is not an advise option: advise solves the width from --budget", a);
        else if (net_options_parse(CMD, &o, argc, argv, &i)) have_budget |= !strcmp(a, "--budget");
        else cli_die(CMD, "unknown option '%s'; see 'mlpvar advise --help'", a);
    }
    if (!have_budget) cli_die(CMD, "give a parameter budget: --budget 10000");
    if (!o.n_depths) {
        o.depths = malloc(sizeof(int) * (size_t)max_depth);
        if (!o.depths) cli_fail(CMD, "out of memory");
        for (int d = 0; d < max_depth; d++) o.depths[d] = d + 1;
        o.n_depths = max_depth;
    }
    net_options_check(CMD, &o, 1);
    /* depths the budget cannot fit are dropped, not an error: advise explores */
    int n_all = 0;
    long n_cand = (long)o.n_budgets * (o.n_acts ? o.n_acts : 2) * o.n_depths;
    net_options_check_count(CMD, n_cand, draws, "--draws");
    candidate *c = calloc((size_t)n_cand, sizeof *c);
    if (!c) cli_fail(CMD, "out of memory");
    for (int b = 0; b < o.n_budgets; b++)
        for (int a = 0; a < (o.n_acts ? o.n_acts : 2); a++)
            for (int d = 0; d < o.n_depths; d++) {
                int w = mlpv_width_for_budget(o.budgets[b], o.in_dim, 1, o.depths[d]);
                if (w < 1) continue;
                mlpv_activation act = o.n_acts ? o.acts[a] : (a ? MLPV_ABS : MLPV_RELU);
                c[n_all].spec = mlpv_spec_default(act, o.depths[d], w);
                c[n_all].spec.in_dim = o.in_dim;
                c[n_all].spec.init = o.init;
                c[n_all].spec.bias_std = o.bias_std;
                c[n_all].budget = o.budgets[b];
                n_all++;
            }
    if (!n_all)
        cli_die(CMD, "--budget %ld is smaller than the smallest network at every depth; raise it", o.budgets[0]);

    long total = (long)n_all * draws;
    lim_item *items = malloc(sizeof(lim_item) * (size_t)n_all);
    if (!items) cli_fail(CMD, "out of memory");
    for (int i = 0; i < n_all; i++) {
        items[i] = net_options_item(&o, &c[i].spec);
        items[i].diag = 0;
    }
    net_options_check_memory(CMD, &o, items, n_all, (int)(total < o.threads ? total : o.threads),
                             (double)total * sizeof(mlpv_measurement), NULL);
    free(items);
    mlpv_grid_opts g = net_options_grid(&o);
    mlpv_measurement *m = malloc(sizeof(mlpv_measurement) * (size_t)total);
    if (!m) cli_fail(CMD, "out of memory");
    openblas_set_num_threads(1);
    progress p;
    progress_start(&p, "networks", total, quiet);
#pragma omp parallel for schedule(dynamic, 1) num_threads(o.threads)
    for (long t = 0; t < total; t++) {
        if (mlpv_measure_draw(&c[t / draws].spec, o.seed + (uint64_t)(t % draws), &g, o.order, o.tau, &m[t], NULL) != 0)
            m[t].variability = m[t].collapse_ratio = NAN;
#pragma omp critical(progress)
        progress_add(&p, 1);
    }
    progress_finish(&p);
    double *dv = malloc(sizeof(double) * (size_t)draws);
    int *dc = malloc(sizeof(int) * (size_t)draws);
    if (!dv || !dc) {
        fprintf(stderr, "mlpvar advise: out of memory\n");
        exit(1);
    }
    for (int i = 0; i < n_all; i++) {
        c[i].sum = mlpv_summarize_draws(m + (size_t)i * draws, (size_t)draws);
        for (int k = 0; k < draws; k++) {
            dv[k] = m[(size_t)i * draws + k].variability;
            dc[k] = m[(size_t)i * draws + k].collapsed;
        }
        /* the score (median V x (1 - C2C)) and its interval over the draws */
        if (advice_score_ci(dv, dc, draws, boot, o.seed ^ (0xAD71CEull * (uint64_t)(i + 1)), &c[i].score, &c[i].lo,
                            &c[i].hi) != 0) {
            fprintf(stderr, "mlpvar advise: out of memory\n");
            exit(1);
        }
        mlpv_mean_field mf;
        double sw2 = mlpv_auto_gain(c[i].spec.activation), sb2 = c[i].spec.bias_std * c[i].spec.bias_std;
        c[i].trainable_depth =
            mlpv_mean_field_solve(c[i].spec.activation, sw2, sb2, &mf) == 0 ? mf.trainable_depth : NAN;
        c[i].c2c_depth = mlpv_predicted_c2c_depth(c[i].spec.activation, sw2, sb2, o.tau, 100000);
    }
    free(dv);
    free(dc);
    qsort(c, (size_t)n_all, sizeof *c, by_score);
    /* which candidates the draws cannot tell from the top one, and the cheapest of them */
    advice_candidate *ac = malloc(sizeof *ac * (size_t)n_all);
    if (!ac) {
        fprintf(stderr, "mlpvar advise: out of memory\n");
        exit(1);
    }
    for (int i = 0; i < n_all; i++)
        ac[i] = (advice_candidate){ c[i].score, c[i].lo, c[i].hi, c[i].spec.depth, mlpv_spec_params(&c[i].spec), 0 };
    int best, pref = advice_prefer(ac, n_all, &best), near = 0;
    for (int i = 0; i < n_all; i++) {
        c[i].near_top = ac[i].near_top;
        c[i].preferred = i == pref;
        near += ac[i].near_top;
    }
    free(ac);
    int shown = top && top < n_all ? top : n_all;
    if (!json)
        printf("# budget %ld: %d candidates, %d draws each, V%d on a %dx%d grid; score = median V x (1 - C2C) "
               "[95%% bootstrap CI over draws]; ~: within the top's noise\n"
               "%4s %-10s %6s %6s %8s %-33s  %-23s %-21s %9s %9s\n",
               o.budgets[0], n_all, draws, o.order, o.grid, o.grid, "rank", "activation", "depth", "width", "params",
               "  score [95% CI]", "V [q25, q75]", "C2C [95% CI]", "6 xi_c", "C2C depth");
    for (int i = 0; i < shown; i++) {
        const candidate *k = &c[i];
        if (json) {
            json_obj j;
            json_begin(&j, stdout);
            json_int(&j, "rank", i + 1);
            json_str(&j, "activation", mlpv_activation_name(k->spec.activation));
            json_int(&j, "depth", k->spec.depth);
            json_int(&j, "width", k->spec.width);
            json_int(&j, "budget", k->budget);
            json_int(&j, "params", mlpv_spec_params(&k->spec));
            json_num(&j, "score", k->score);
            json_num(&j, "score_lo", k->lo);
            json_num(&j, "score_hi", k->hi);
            json_bool(&j, "near_top", k->near_top);
            json_bool(&j, "preferred", k->preferred);
            json_num(&j, "variability_median", k->sum.variability.median);
            json_num(&j, "variability_q25", k->sum.variability.q25);
            json_num(&j, "variability_q75", k->sum.variability.q75);
            json_num(&j, "c2c_probability", k->sum.c2c_probability);
            json_num(&j, "c2c_ci_low", k->sum.c2c_ci_low);
            json_num(&j, "c2c_ci_high", k->sum.c2c_ci_high);
            json_num(&j, "theory_trainable_depth", k->trainable_depth);
            json_num(&j, "theory_c2c_depth", k->c2c_depth > 0 ? (double)k->c2c_depth : NAN);
            json_int(&j, "draws", draws);
            json_int(&j, "grid", o.grid);
            json_end(&j);
        } else {
            char td[16] = "-", cd[16] = "-";
            if (isfinite(k->trainable_depth)) snprintf(td, sizeof td, "%.1f", k->trainable_depth);
            if (k->c2c_depth > 0) snprintf(cd, sizeof cd, "%d", k->c2c_depth);
            printf("%4d %-10s %6d %6d %8ld %c %9.3e [%9.3e, %9.3e]  [%9.3e, %9.3e] %5.3f [%5.3f, %5.3f] %9s %9s\n",
                   i + 1, mlpv_activation_name(k->spec.activation), k->spec.depth, k->spec.width,
                   mlpv_spec_params(&k->spec), k->near_top ? '~' : ' ', k->score, k->lo, k->hi, k->sum.variability.q25,
                   k->sum.variability.q75, k->sum.c2c_probability, k->sum.c2c_ci_low, k->sum.c2c_ci_high, td, cd);
        }
    }
    if (!json && pref >= 0) {
        const candidate *k = &c[pref];
        printf("# %d candidate%s within the top's noise (~: 95%% intervals overlapping rank 1's)", near,
               near == 1 ? " is" : "s are");
        if (pref == best) printf("; rank 1 is also the cheapest of them: prefer it\n");
        else
            printf("; prefer the cheapest of them (fewer layers, then fewer parameters): rank %d, %s, depth %d, "
                   "width %d, %ld parameters (rank 1: depth %d, %ld parameters)\n",
                   pref + 1, mlpv_activation_name(k->spec.activation), k->spec.depth, k->spec.width,
                   mlpv_spec_params(&k->spec), c[best].spec.depth, mlpv_spec_params(&c[best].spec));
    }
    free(m);
    free(c);
    net_options_free(&o);
    return 0;
}
