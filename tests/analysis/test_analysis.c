/* Check tests of the analysis on data built by hand, each against a
 * computation written here independently of src/analysis:
 *  - an_topk_expected against a brute force over every order of the tied items;
 *  - the regret table on hand-built trained aggregates against the brute force,
 *    and its bootstrap interval where the resampling distribution is known;
 *  - C3w (C3 over widths at a fixed depth) against a hand Spearman;
 *  - a task whose records say trainability "test_loss", judged by -test loss
 *    (C5, the predictive table, the regret), beside a task judged by accuracy. */
#include "analysis.h"
#include "analysis_internal.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- brute force: every order of the items, ties broken every way ---- */

static int perm[8], used_[8];
static double bf_sum;
static long bf_count;

/* Items idx[m] ranked by eff (higher first): extends perm[0..depth-1] in every
 * order whose eff never rises; at full length adds the best of the first k. */
static void bf_walk(const double *eff, const double *val, const int *idx, int m, int k, int depth)
{
    if (depth == m) {
        double b = -INFINITY;
        for (int i = 0; i < k && i < m; i++) b = fmax(b, val[idx[perm[i]]]);
        bf_sum += b;
        bf_count++;
        return;
    }
    for (int i = 0; i < m; i++) {
        if (used_[i] || (depth && eff[idx[i]] > eff[idx[perm[depth - 1]]])) continue;
        used_[i] = 1;
        perm[depth] = i;
        bf_walk(eff, val, idx, m, k, depth + 1);
        used_[i] = 0;
    }
}

static double brute_topk(const double *key, const double *val, int n, int k, int sign)
{
    double eff[8];
    int idx[8], m = 0;
    for (int i = 0; i < n; i++) {
        if (isnan(key[i]) || isnan(val[i])) continue;
        eff[i] = sign > 0 ? key[i] : sign < 0 ? -key[i] : 0.0;
        idx[m++] = i;
    }
    if (!m) return NAN;
    bf_sum = 0;
    bf_count = 0;
    memset(used_, 0, sizeof used_);
    bf_walk(eff, val, idx, m, k, 0);
    return bf_sum / (double)bf_count;
}

static unsigned long long lcg = 88172645463325252ull;
static double rnd(void)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg >> 11) * 0x1p-53;
}

START_TEST(topk_against_brute_force)
{
    char work[AN_TOPK_WORK(8)];
    for (int trial = 0; trial < 3000; trial++) {
        int n = 1 + (int)(rnd() * 7), k = (int[]){ 1, 2, 3, 5 }[(int)(rnd() * 4)], sign = (int)(rnd() * 3) - 1;
        double key[8], val[8];
        for (int i = 0; i < n; i++) {
            key[i] = rnd() < 0.1 ? NAN : (double)(int)(rnd() * 3); /* many ties */
            val[i] = rnd() < 0.3 ? 0.5 : (double)(int)(rnd() * 100) / 100; /* some equal values */
        }
        double want = brute_topk(key, val, n, k, sign), got = an_topk_expected(key, val, n, k, sign, work);
        if (isnan(want)) ck_assert_msg(isnan(got), "trial %d: want NaN, got %g", trial, got);
        else
            ck_assert_msg(fabs(got - want) < 1e-12, "trial %d (n %d, k %d, sign %d): got %.17g, want %.17g", trial, n,
                          k, sign, got, want);
    }
}
END_TEST

/* ---- hand-built trained aggregates ---- */

#define NC 6
static an_init hinit[NC];
static an_trained htr[NC];
static double hseeds[NC][4];

/* Configuration i: activation, depth, width, params, its at-init median V3 and
 * C2C probability, and its seeds' accuracies. */
static void hand_config(int i, const char *act, int depth, int width, long params, double v3, double c2c,
                        const double *seeds, int n)
{
    an_init *g = &hinit[i];
    an_trained *t = &htr[i];
    memset(g, 0, sizeof *g);
    memset(t, 0, sizeof *t);
    snprintf(g->activation, sizeof g->activation, "%s", act);
    g->depth = depth;
    g->width = width;
    g->budget = 3000;
    g->params = params;
    g->v_median = v3;
    g->c2c = c2c;
    g->rho_median = 0.5;
    snprintf(t->task_label, sizeof t->task_label, "checkerboard:8");
    t->measure = AN_ACCURACY;
    snprintf(t->activation, sizeof t->activation, "%s", act);
    t->depth = depth;
    t->width = width;
    t->budget = 3000;
    t->params = params;
    t->activation_ratio = (double)depth * width / params;
    t->n = n;
    t->seed_v = hseeds[i];
    double s = 0;
    for (int j = 0; j < n; j++) {
        hseeds[i][j] = seeds[j];
        s += seeds[j];
    }
    t->tr_mean = s / n;
    t->init = g;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) t->rival[k] = NAN;
}

static const an_regret *find_regret(const analysis *a, const char *score)
{
    for (int i = 0; i < a->n_regret; i++)
        if (!strcmp(a->regret[i].score, score)) return &a->regret[i];
    return NULL;
}

/* The regret of every score with a key written here, against the brute force. */
START_TEST(regret_against_brute_force)
{
    /* seeds constant within each configuration: every bootstrap resample equals
     * the data, so each interval must be the point itself */
    hand_config(0, "relu", 1, 750, 3001, 1.0e-3, 0.0, (double[]){ 0.80, 0.80 }, 2);
    hand_config(1, "abs", 1, 750, 3001, 2.0e-3, 0.0, (double[]){ 0.78, 0.78 }, 2);
    hand_config(2, "relu", 4, 30, 2911, 4.0e-3, 0.0, (double[]){ 0.88, 0.88 }, 2);
    hand_config(3, "abs", 4, 30, 2911, 9.0e-3, 0.25, (double[]){ 0.86, 0.86 }, 2);
    hand_config(4, "relu", 16, 13, 2950, 1.0e-3, 0.5, (double[]){ 0.60, 0.60 }, 2);
    hand_config(5, "abs", 16, 13, 2950, 9.0e-3, 0.0, (double[]){ 0.70, 0.70 }, 2);
    analysis a;
    memset(&a, 0, sizeof a);
    a.trained = htr;
    a.n_trained = NC;
    a.bootstrap = 200;
    a.seed = 3;
    ck_assert_int_eq(analysis_regret(&a), 0);
    struct {
        const char *score;
        int sign;
        double key[NC];
    } want[] = {
        { "V3", +1, { 1.0e-3, 2.0e-3, 4.0e-3, 9.0e-3, 1.0e-3, 9.0e-3 } }, /* tie at the top */
        { "V3 x (1 - C2C)", +1, { 1.0e-3, 2.0e-3, 4.0e-3, 6.75e-3, 0.5e-3, 9.0e-3 } },
        { "C2C probability", -1, { 0, 0, 0, 0.25, 0.5, 0 } }, /* lowest first, 4 tied */
        { "depth", -1, { 1, 1, 4, 4, 16, 16 } },
        { "parameters", +1, { 3001, 3001, 2911, 2911, 2950, 2950 } },
        { "random", 0, { 0, 0, 0, 0, 0, 0 } },
    };
    double acc[NC], best = -1;
    char work[AN_TOPK_WORK(NC)];
    (void)work;
    for (int i = 0; i < NC; i++) {
        acc[i] = htr[i].tr_mean;
        best = fmax(best, acc[i]);
    }
    for (size_t s = 0; s < sizeof want / sizeof want[0]; s++) {
        const an_regret *r = find_regret(&a, want[s].score);
        ck_assert_msg(r != NULL, "no regret row for %s", want[s].score);
        double r1 = best - brute_topk(want[s].key, acc, NC, 1, want[s].sign);
        double r3 = best - brute_topk(want[s].key, acc, NC, 3, want[s].sign);
        ck_assert_int_eq(r->sign, want[s].sign);
        ck_assert_int_eq(r->n, NC);
        ck_assert_msg(fabs(r->best - best) < 1e-15, "%s: best %g", want[s].score, r->best);
        ck_assert_msg(fabs(r->regret - r1) < 1e-12, "%s: regret %.17g, want %.17g", want[s].score, r->regret, r1);
        ck_assert_msg(fabs(r->regret3 - r3) < 1e-12, "%s: top-3 regret %.17g, want %.17g", want[s].score, r->regret3,
                      r3);
        ck_assert_msg(fabs(r->lo - r1) < 1e-12 && fabs(r->hi - r1) < 1e-12, "%s: interval [%g, %g] around %g",
                      want[s].score, r->lo, r->hi, r1);
        ck_assert_msg(fabs(r->lo3 - r3) < 1e-12 && fabs(r->hi3 - r3) < 1e-12, "%s: top-3 interval", want[s].score);
    }
    /* spelled out: V3 ties abs depth 4 (0.86) and abs depth 16 (0.70): regret 0.88 - 0.78 */
    ck_assert(fabs(find_regret(&a, "V3")->regret - 0.10) < 1e-12);
    ck_assert_str_eq(find_regret(&a, "V3")->pick, "2 tied: abs depth 4, abs depth 16");
    /* depth: relu 1 (0.80) and abs 1 (0.78) tie: regret 0.88 - 0.79 */
    ck_assert(fabs(find_regret(&a, "depth")->regret - 0.09) < 1e-12);
    /* top 3 by V3 x (1 - C2C): abs 16, abs 4, relu 4: contains the best */
    ck_assert(fabs(find_regret(&a, "V3 x (1 - C2C)")->regret3) < 1e-12);
    ck_assert_str_eq(find_regret(&a, "V3 x (1 - C2C)")->pick, "abs, depth 16, width 13");
    free(a.regret);
}
END_TEST

/* A known resampling distribution: the score's pick A has seeds {0.6, 0.9},
 * the best other configuration is always 0.8: A's resampled mean is 0.6, 0.75
 * or 0.9 with probabilities 1/4, 1/2, 1/4, so the regret is 0.2, 0.05 or 0 and
 * its 95% interval [0, 0.2] (B = 1000 makes both ends certain). */
START_TEST(regret_interval_known_distribution)
{
    hand_config(0, "relu", 1, 750, 3001, 9.0e-3, 0.0, (double[]){ 0.6, 0.9 }, 2);
    hand_config(1, "relu", 2, 40, 3001, 1.0e-3, 0.0, (double[]){ 0.8, 0.8 }, 2);
    hand_config(2, "relu", 3, 30, 3001, 2.0e-3, 0.0, (double[]){ 0.5, 0.5 }, 2);
    analysis a;
    memset(&a, 0, sizeof a);
    a.trained = htr;
    a.n_trained = 3;
    a.bootstrap = 1000;
    a.seed = 11;
    ck_assert_int_eq(analysis_regret(&a), 0);
    const an_regret *r = find_regret(&a, "V3");
    ck_assert_ptr_nonnull(r);
    ck_assert(fabs(r->regret - 0.05) < 1e-12);
    ck_assert_msg(fabs(r->lo) < 1e-12 && fabs(r->hi - 0.2) < 1e-12, "interval [%.17g, %.17g]", r->lo, r->hi);
    ck_assert(fabs(r->regret3) < 1e-12); /* the first three are all of them */
    free(a.regret);
}
END_TEST

/* ---- records in memory ---- */

#define MAXR 600
static an_record R[MAXR];
static int nr;

static an_record *rec_base(const char *act, int depth, int width, long budget, int seed)
{
    ck_assert_int_lt(nr, MAXR);
    an_record *r = &R[nr++];
    memset(r, 0, sizeof *r);
    r->key = "k";
    r->sweep = "t";
    r->status = "ok";
    r->activation = act;
    r->init = "auto";
    r->depth = depth;
    r->width = width;
    r->budget = budget;
    r->params = (long)width * width * depth + 3 * width;
    r->activations = (long)depth * width;
    r->activation_ratio = (double)r->activations / (double)r->params;
    r->in_dim = 2;
    r->out_dim = 1;
    r->seed = seed;
    r->grid = 64;
    r->order = 3;
    r->tau = 0.01;
    r->attempt = 1;
    r->variability = r->collapse_ratio = NAN;
    r->test_loss = r->test_accuracy = r->test_r2 = NAN;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) r->rival[k] = NAN;
    return r;
}

static void rec_init(const char *act, int depth, int width, long budget, int seed, double v)
{
    an_record *r = rec_base(act, depth, width, budget, seed);
    r->variability = v;
    r->collapse_ratio = 0.5;
    r->collapsed = 0;
    r->present |= 1ull << RFI_variability | 1ull << RFI_collapse_ratio | 1ull << RFI_collapsed;
}

/* A trained record judged by measure ("accuracy" or "test_loss"): value is the
 * test accuracy or the test loss; r2 its R^2 (NaN for accuracy). */
static void rec_trained(const char *task, int knob, const char *measure, const char *act, int depth, int width,
                        int seed, double value, double r2, int diverged)
{
    an_record *r = rec_base(act, depth, width, 3000, seed);
    r->task = task;
    r->trained = 1;
    r->trainability = measure;
    r->diverged = diverged;
    r->present |= 1ull << RFI_task | 1ull << RFI_diverged;
    if (!strcmp(task, "csv")) { /* the task identity fields of a CSV task (task_label.h) */
        r->csv_path = "data/reg.csv";
        r->csv_rows = 100;
        r->csv_targets = 1;
        r->test_fraction = 0.2;
        r->csv_hash = "0123456789abcdef";
        r->present |= 1ull << RFI_csv_path | 1ull << RFI_csv_rows | 1ull << RFI_csv_targets |
                      1ull << RFI_test_fraction | 1ull << RFI_csv_hash;
        (void)knob;
    } else { /* a generated task: its knob under its own name */
        r->cells = knob;
        r->points = 2048;
        r->test_grid = 64;
        r->present |= 1ull << RFI_cells | 1ull << RFI_points | 1ull << RFI_test_grid;
    }
    if (diverged) return;
    if (!strcmp(measure, "test_loss")) {
        r->test_loss = value;
        r->test_r2 = r2;
    } else r->test_accuracy = value;
}

static const an_claim *find_claim(const analysis *a, const char *claim, const char *slice)
{
    for (int i = 0; i < a->n_claims; i++)
        if (!strcmp(a->claims[i].claim, claim) && !strcmp(a->claims[i].slice, slice)) return &a->claims[i];
    return NULL;
}

/* Spearman without ties, by the textbook formula 1 - 6 sum d^2 / (n (n^2 - 1)). */
static double hand_spearman(const double *x, const double *y, int n)
{
    double d2 = 0;
    for (int i = 0; i < n; i++) {
        int rx = 1, ry = 1;
        for (int j = 0; j < n; j++) {
            rx += x[j] < x[i];
            ry += y[j] < y[i];
        }
        d2 += (double)(rx - ry) * (rx - ry);
    }
    return 1 - 6 * d2 / (n * ((double)n * n - 1));
}

START_TEST(c3_over_widths)
{
    nr = 0;
    static const int widths[] = { 8, 16, 32, 64, 128 };
    static const double relu_med[] = { 1e-3, 3e-3, 2e-3, 5e-3, 4e-3 }, abs_med[] = { 5e-3, 4e-3, 3e-3, 2e-3, 1e-3 };
    for (int w = 0; w < 5; w++)
        for (int s = 0; s < 5; s++) { /* five equal draws: every resample has the same medians */
            rec_init("relu", 3, widths[w], 0, s, relu_med[w]);
            rec_init("abs", 3, widths[w], 0, s, abs_med[w]);
        }
    rec_init("relu", 5, 8, 0, 0, 1e-3); /* one width at depth 5: no C3w row there */
    for (int s = 0; s < 5; s++) { /* width 8 at depths 1, 2, 3: a series over depths, rising */
        rec_init("relu", 1, 8, 0, s, 1e-4);
        rec_init("relu", 2, 8, 0, s, 5e-4);
    }
    analysis a;
    memset(&a, 0, sizeof a);
    a.rec = R;
    a.n_rec = nr;
    a.bootstrap = 100;
    a.success_threshold = 0.75;
    ck_assert_int_eq(analysis_compute(&a), 0);
    double act[5];
    for (int w = 0; w < 5; w++) act[w] = 3.0 * widths[w];
    const an_claim *c = find_claim(&a, "C3w", "relu, depth 3");
    ck_assert_ptr_nonnull(c);
    double want = hand_spearman(act, relu_med, 5); /* 0.8 */
    ck_assert(fabs(want - 0.8) < 1e-12);
    ck_assert_msg(fabs(c->value - want) < 1e-12, "C3w relu: %.17g, want %.17g", c->value, want);
    ck_assert(fabs(c->lo - want) < 1e-12 && fabs(c->hi - want) < 1e-12);
    ck_assert_int_eq(c->verdict, AN_HOLDS);
    ck_assert_int_eq(c->depth, 3);
    c = find_claim(&a, "C3w", "abs, depth 3");
    ck_assert_ptr_nonnull(c);
    ck_assert(fabs(c->value + 1) < 1e-12);
    ck_assert_int_eq(c->verdict, AN_FAILS);
    ck_assert_ptr_null(find_claim(&a, "C3w", "relu, depth 5"));
    c = find_claim(&a, "C3w", "overall");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->verdict, AN_FAILS);
    /* width 8's series over depths is reported, but C1 is stated at a fixed budget: not counted */
    c = find_claim(&a, "C1", "relu, width 8");
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->verdict, AN_FAILS);
    ck_assert_int_eq(find_claim(&a, "C1", "overall")->verdict, AN_NO_DATA);
    ck_assert_ptr_null(find_claim(&a, "C1", "relu, width 16")); /* one depth at width 16: no series */
    analysis_free(&a);
}
END_TEST

/* A CSV-like task with real-valued targets (trainability "test_loss") beside a
 * checkerboard judged by accuracy: each judged by its own measure. */
START_TEST(test_loss_task)
{
    nr = 0;
    static const int depths[] = { 1, 2, 4, 8, 16 }, widths[] = { 60, 38, 26, 18, 13 };
    static const double v3[] = { 1e-3, 4e-3, 6e-3, 5e-3, 2e-3 };
    /* test losses of 3 seeds; configuration 2's second seed diverged */
    static const double loss[5][3] = {
        { 0.50, 0.54, 0.52 }, { 0.30, 0.34, 0.29 }, { 0.20, NAN, 0.22 }, { 0.25, 0.27, 0.26 }, { 0.45, 0.41, 0.40 }
    };
    static const double r2[5][3] = {
        { 0.50, 0.46, 0.48 }, { 0.70, 0.66, 0.71 }, { 0.80, NAN, 0.78 }, { 0.75, 0.73, 0.74 }, { 0.55, 0.59, 0.60 }
    };
    static const double accs[5] = { 0.70, 0.80, 0.75, 0.90, 0.60 };
    for (int c = 0; c < 5; c++) {
        for (int s = 0; s < 8; s++) rec_init("relu", depths[c], widths[c], 3000, s, v3[c] * (1 + 0.01 * (s - 4)));
        for (int s = 0; s < 3; s++) {
            rec_trained("csv", 8, "test_loss", "relu", depths[c], widths[c], s, loss[c][s], r2[c][s],
                        isnan(loss[c][s]));
            rec_trained("checkerboard", 4, "accuracy", "relu", depths[c], widths[c], s, accs[c], NAN, 0);
        }
    }
    analysis a;
    memset(&a, 0, sizeof a);
    a.rec = R;
    a.n_rec = nr;
    a.bootstrap = 200;
    a.success_threshold = 0.75;
    ck_assert_int_eq(analysis_compute(&a), 0);
    ck_assert_int_eq(a.n_trained, 10);
    /* the chance loss: median over finished runs of loss / (1 - R^2) */
    double ratio[15];
    int nratio = 0;
    for (int c = 0; c < 5; c++)
        for (int s = 0; s < 3; s++)
            if (!isnan(loss[c][s])) ratio[nratio++] = loss[c][s] / (1 - r2[c][s]);
    for (int i = 1; i < nratio; i++) /* insertion sort, then the middle one of 14: the mean of two */
        for (int k = i; k > 0 && ratio[k - 1] > ratio[k]; k--) {
            double t = ratio[k];
            ratio[k] = ratio[k - 1];
            ratio[k - 1] = t;
        }
    double chance = (ratio[nratio / 2 - 1] + ratio[nratio / 2]) / 2;
    double want_mean[5], want_r2[5], v3med[5];
    for (int c = 0; c < 5; c++) {
        double s = 0, q = 0;
        for (int k = 0; k < 3; k++) {
            s += isnan(loss[c][k]) ? chance : loss[c][k];
            q += isnan(loss[c][k]) ? 0 : r2[c][k];
        }
        want_mean[c] = -s / 3;
        want_r2[c] = q / 3;
        v3med[c] = v3[c] * (1 + 0.01 * (-0.5)); /* the median of the 8 draws v3 (1 + 0.01 (s - 4)), s = 0..7 */
    }
    int seen = 0;
    for (int i = 0; i < a.n_trained; i++) {
        const an_trained *t = &a.trained[i];
        if (strcmp(t->task_label, "reg.csv")) {
            ck_assert_str_eq(t->task_label, "checkerboard:4");
            ck_assert_int_eq(t->measure, AN_ACCURACY);
            ck_assert(isnan(t->r2_mean));
            continue;
        }
        int c = 0;
        while (depths[c] != t->depth) c++;
        seen++;
        ck_assert_int_eq(t->measure, AN_NEG_TEST_LOSS);
        ck_assert_msg(fabs(t->tr_mean - want_mean[c]) < 1e-12, "depth %d: mean %.17g, want %.17g", t->depth, t->tr_mean,
                      want_mean[c]);
        ck_assert(fabs(t->r2_mean - want_r2[c]) < 1e-12);
        ck_assert(isnan(t->success));
        ck_assert(fabs(t->init->v_median - v3med[c]) < 1e-15);
    }
    ck_assert_int_eq(seen, 5);
    /* C5 on the loss task: Spearman(V3, -test loss), named as such */
    const an_claim *c5 = find_claim(&a, "C5", "task reg.csv (-test loss)");
    ck_assert_ptr_nonnull(c5);
    ck_assert_ptr_nonnull(strstr(c5->statistic, "mean -test loss"));
    double rho = hand_spearman(v3med, want_mean, 5);
    ck_assert_msg(fabs(c5->value - rho) < 1e-12, "C5 %.17g, want %.17g", c5->value, rho);
    ck_assert_ptr_nonnull(find_claim(&a, "C5", "task checkerboard:4 (accuracy)"));
    ck_assert_ptr_nonnull(find_claim(&a, "C5", "all tasks pooled (-test loss)"));
    ck_assert_ptr_nonnull(find_claim(&a, "C5", "all tasks pooled (accuracy)"));
    /* the predictive table: the task's row by the same measure, no slice mixing measures */
    int found = 0;
    for (int i = 0; i < a.n_predict; i++) {
        const an_predict *p = &a.predict[i];
        if (!strcmp(p->slice, "reg.csv") && !strcmp(p->score, "V3")) {
            found++;
            ck_assert_int_eq(p->measure, AN_NEG_TEST_LOSS);
            ck_assert(fabs(p->spearman - rho) < 1e-12);
        }
        if (!strcmp(p->slice, "all")) ck_assert_int_eq(p->n, 5); /* one measure per "all" row */
    }
    ck_assert_int_eq(found, 1);
    /* the regret by V3 on the loss task: the best -loss minus the -loss of V3's first (depth 4) */
    double best = -INFINITY;
    for (int c = 0; c < 5; c++) best = fmax(best, want_mean[c]);
    for (int i = 0; i < a.n_regret; i++) {
        const an_regret *r = &a.regret[i];
        if (strcmp(r->task_label, "reg.csv") || strcmp(r->score, "V3")) continue;
        ck_assert_int_eq(r->measure, AN_NEG_TEST_LOSS);
        ck_assert(fabs(r->regret - (best - want_mean[2])) < 1e-12);
        found++;
    }
    ck_assert_int_eq(found, 2);
    analysis_free(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("analysis");
    TCase *tc = tcase_create("analysis");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, topk_against_brute_force);
    tcase_add_test(tc, regret_against_brute_force);
    tcase_add_test(tc, regret_interval_known_distribution);
    tcase_add_test(tc, c3_over_widths);
    tcase_add_test(tc, test_loss_task);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
