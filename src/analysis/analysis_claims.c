/* mlpvar analyze, part 2: the paper's claims C1-C5 (docs/claims.md) and the
 * predictive-power table, each statistic with a 95% percentile bootstrap
 * interval and a verdict computed from it.
 *
 * Resampling. At-init statistics resample the draws of every depth (with
 * replacement, each depth on its own) and recompute per-depth medians and C2C
 * fractions; C5 and the predictive table resample configurations.
 *
 * Verdict rule, for a statistic whose claimed sign is positive: holds when the
 * interval's lower end is > 0, does not hold when its upper end is < 0 (for C1,
 * <= 0: a peak at the end of the depth range is no rise-then-fall), inconclusive
 * otherwise. Claimed-negative statistics mirror this. */
#include "analysis_internal.h"

#include "mlpvar/correlation.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"
#include "mlpvar/metrics.h"
#include "mlpvar/theory.h"
#include "mlpvar/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12                /* floor under medians before taking logs (V can be exactly 0) */
#define MAX_SERIES_DEPTHS 256

/* ---- a small reproducible generator for resampling ---- */

typedef struct { uint64_t key, ctr; } boot_rng;

static double rng_u(boot_rng *r)
{
    return (double)(mlpv_mix64(r->key + r->ctr++) >> 11) * 0x1p-53;
}

/* ---- series: the at-init aggregates of one (activation, budget), by depth ---- */

typedef struct {
    const an_init *g[MAX_SERIES_DEPTHS];
    int n;
    char activation[24];
    long budget;
} series;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static int cmp_depth(const void *x, const void *y)
{
    const an_init *a = *(const an_init *const *)x, *b = *(const an_init *const *)y;
    return (a->depth > b->depth) - (a->depth < b->depth);
}

/* The largest grid present for that (activation, budget): one grid per series. */
static series series_of(const analysis *a, const char *act, long budget)
{
    series s;
    memset(&s, 0, sizeof s);
    snprintf(s.activation, sizeof s.activation, "%s", act);
    s.budget = budget;
    int grid = 0;
    for (int i = 0; i < a->n_init; i++)
        if (!strcmp(a->init[i].activation, act) && a->init[i].budget == budget && a->init[i].grid > grid)
            grid = a->init[i].grid;
    for (int i = 0; i < a->n_init && s.n < MAX_SERIES_DEPTHS; i++) {
        const an_init *g = &a->init[i];
        if (!strcmp(g->activation, act) && g->budget == budget && g->grid == grid) s.g[s.n++] = g;
    }
    qsort(s.g, (size_t)s.n, sizeof s.g[0], cmp_depth);
    return s;
}

/* Point estimates (resample = 0) or one bootstrap resample of a series. */
static void series_values(const series *s, boot_rng *r, double *med, double *c2c, double *tmp)
{
    for (int k = 0; k < s->n; k++) {
        const an_init *g = s->g[k];
        if (!r) { med[k] = g->v_median; c2c[k] = g->c2c; continue; }
        long hits = 0;
        for (int i = 0; i < g->n; i++) {
            tmp[i] = g->v[(int)(rng_u(r) * g->n)];
            hits += rng_u(r) < g->c2c;       /* a resampled collapse flag */
        }
        qsort(tmp, (size_t)g->n, sizeof(double), cmp_double);
        med[k] = mlpv_quantile_sorted(tmp, (size_t)g->n, 0.5);
        c2c[k] = (double)hits / g->n;
    }
}

/* A statistic of ns series given their per-depth medians and C2C fractions. */
typedef double (*series_stat)(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx);

/* Point estimate and percentile interval over a->bootstrap resamples. */
static double boot_series(const analysis *a, const series *s, int ns, series_stat f, const void *ctx,
                          uint64_t stream, double *lo, double *hi)
{
    double *med[2], *c2c[2];
    int maxn = 1;
    for (int k = 0; k < ns; k++) {
        med[k] = malloc(sizeof(double) * MAX_SERIES_DEPTHS);
        c2c[k] = malloc(sizeof(double) * MAX_SERIES_DEPTHS);
        for (int d = 0; d < s[k].n; d++) if (s[k].g[d]->n > maxn) maxn = s[k].g[d]->n;
    }
    double *tmp = malloc(sizeof(double) * (size_t)maxn), *stats = malloc(sizeof(double) * (size_t)a->bootstrap);
    for (int k = 0; k < ns; k++) series_values(&s[k], NULL, med[k], c2c[k], tmp);
    double value = f(s, ns, med, c2c, ctx);
    boot_rng r = { mlpv_mix64(a->seed ^ (stream * 0x9E3779B97F4A7C15ull)), 0 };
    int used = 0;
    for (int b = 0; b < a->bootstrap; b++) {
        for (int k = 0; k < ns; k++) series_values(&s[k], &r, med[k], c2c[k], tmp);
        double v = f(s, ns, med, c2c, ctx);
        if (!isnan(v)) stats[used++] = v;
    }
    qsort(stats, (size_t)used, sizeof(double), cmp_double);
    *lo = used ? mlpv_quantile_sorted(stats, (size_t)used, 0.025) : NAN;
    *hi = used ? mlpv_quantile_sorted(stats, (size_t)used, 0.975) : NAN;
    for (int k = 0; k < ns; k++) { free(med[k]); free(c2c[k]); }
    free(tmp);
    free(stats);
    return value;
}

static int argmax(const double *v, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++) if (v[i] > v[b]) b = i;
    return b;
}

/* C1: min(log(V_peak / V_shallowest), log(V_peak / V_deepest)) of the medians:
 * > 0 exactly when the medians rise to an interior peak and fall after it. */
static double stat_c1(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns; (void)c2c; (void)ctx;
    int n = s->n, p = argmax(med[0], n);
    double up = log((med[0][p] + EPS) / (med[0][0] + EPS)), down = log((med[0][p] + EPS) / (med[0][n - 1] + EPS));
    return up < down ? up : down;
}

/* C2a: C2C probability at the deepest depth minus at the shallowest. */
static double stat_c2_rise(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns; (void)med; (void)ctx;
    return c2c[0][s->n - 1] - c2c[0][0];
}

/* C2b: Spearman of median V3 and C2C probability across depths. */
static double stat_c2_corr(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns; (void)ctx;
    return mlpv_spearman(med[0], c2c[0], (size_t)s->n);
}

/* C3: Spearman of the number of activations and median V3 over the depths up to
 * the peak (ctx: the peak's index in the point estimate). */
static double stat_c3(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns; (void)c2c;
    int upto = *(const int *)ctx + 1;
    double act[MAX_SERIES_DEPTHS];
    for (int k = 0; k < upto; k++) act[k] = (double)s->g[k]->activations;
    return mlpv_spearman(act, med[0], (size_t)upto);
}

/* C4 compares series 0 (relu) and 1 (abs) on their common depths. */
typedef struct { int n; int ir[MAX_SERIES_DEPTHS], ia[MAX_SERIES_DEPTHS]; } common_depths;

static common_depths common_of(const series *r, const series *a)
{
    common_depths c = { 0, { 0 }, { 0 } };
    for (int i = 0; i < r->n; i++)
        for (int j = 0; j < a->n; j++)
            if (r->g[i]->depth == a->g[j]->depth) { c.ir[c.n] = i; c.ia[c.n] = j; c.n++; }
    return c;
}

/* C4a: median over common depths of log(V_abs / V_relu). */
static double stat_c4_v(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)s; (void)ns; (void)c2c;
    const common_depths *c = ctx;
    double d[MAX_SERIES_DEPTHS];
    for (int k = 0; k < c->n; k++) d[k] = log((med[1][c->ia[k]] + EPS) / (med[0][c->ir[k]] + EPS));
    qsort(d, (size_t)c->n, sizeof(double), cmp_double);
    return mlpv_quantile_sorted(d, (size_t)c->n, 0.5);
}

/* C4b: C2C(abs) - C2C(relu) at the deepest common depth. */
static double stat_c4_c2c(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)s; (void)ns; (void)med;
    const common_depths *c = ctx;
    return c2c[1][c->ia[c->n - 1]] - c2c[0][c->ir[c->n - 1]];
}

/* C4c: log2(peak depth of abs / peak depth of relu), over common depths. */
static double stat_c4_peak(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns; (void)c2c;
    const common_depths *c = ctx;
    double vr[MAX_SERIES_DEPTHS], va[MAX_SERIES_DEPTHS];
    for (int k = 0; k < c->n; k++) { vr[k] = med[0][c->ir[k]]; va[k] = med[1][c->ia[k]]; }
    int pr = argmax(vr, c->n), pa = argmax(va, c->n);
    return log2((double)s[1].g[c->ia[pa]]->depth / (double)s[0].g[c->ir[pr]]->depth);
}

/* ---- verdicts and claim rows ---- */

/* sign = +1: the claim says the statistic is > 0; -1: < 0. strict: for C1, an
 * upper end of exactly 0 already means "does not hold". */
static an_verdict verdict_of(double value, double lo, double hi, int sign, int strict)
{
    if (isnan(value) || isnan(lo) || isnan(hi)) return AN_INCONCLUSIVE;
    if (sign < 0) { double t = -lo; lo = -hi; hi = t; }
    if (lo > 0) return AN_HOLDS;
    if (hi < 0 || (strict && hi <= 0)) return AN_FAILS;
    return AN_INCONCLUSIVE;
}

static an_claim *add_claim(analysis *a, const char *claim, const char *slice, const char *statistic,
                           double value, double lo, double hi, an_verdict v)
{
    a->claims = realloc(a->claims, sizeof(an_claim) * (size_t)(a->n_claims + 1));
    an_claim *c = &a->claims[a->n_claims++];
    memset(c, 0, sizeof *c);
    snprintf(c->claim, sizeof c->claim, "%s", claim);
    snprintf(c->slice, sizeof c->slice, "%s", slice);
    snprintf(c->statistic, sizeof c->statistic, "%s", statistic);
    c->value = value; c->lo = lo; c->hi = hi; c->verdict = v;
    return c;
}

/* The claim overall: holds if every relu/abs row holds, does not hold if any
 * fails, inconclusive otherwise (extra activations are reported, not counted). */
static void add_overall(analysis *a, const char *claim, int first)
{
    int rows = 0, holds = 0, fails = 0;
    for (int i = first; i < a->n_claims; i++) {
        const an_claim *c = &a->claims[i];
        if (strcmp(c->claim, claim) || (strncmp(c->slice, "relu", 4) && strncmp(c->slice, "abs", 3) &&
                                        strncmp(c->slice, "relu vs abs", 11) && strncmp(c->slice, "task", 4) &&
                                        strncmp(c->slice, "all", 3)))
            continue;
        rows++;
        holds += c->verdict == AN_HOLDS;
        fails += c->verdict == AN_FAILS;
    }
    an_verdict v = !rows ? AN_NO_DATA : fails ? AN_FAILS : holds == rows ? AN_HOLDS : AN_INCONCLUSIVE;
    an_claim *c = add_claim(a, claim, "overall", "all relu and abs rows of this claim", NAN, NAN, NAN, v);
    snprintf(c->detail, sizeof c->detail, "%d rows: %d hold, %d do not hold, %d inconclusive", rows, holds, fails,
             rows - holds - fails);
}

/* Distinct activations and budgets of the at-init data, in order of appearance. */
static int distinct_budgets(const analysis *a, long *out, int max)
{
    int n = 0;
    for (int i = 0; i < a->n_init; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= out[k] == a->init[i].budget;
        if (!seen && n < max) out[n++] = a->init[i].budget;
    }
    return n;
}

static int distinct_acts(const analysis *a, char out[][24], int max)
{
    int n = 0;
    for (int i = 0; i < a->n_init; i++) {
        int seen = 0;
        for (int k = 0; k < n; k++) seen |= !strcmp(out[k], a->init[i].activation);
        if (!seen && n < max) snprintf(out[n++], 24, "%s", a->init[i].activation);
    }
    return n;
}

static void claims_per_series(analysis *a, const series *s, uint64_t stream)
{
    char slice[96];
    snprintf(slice, sizeof slice, "%s, budget %ld", s->activation, s->budget);
    double lo, hi, v;
    int n = s->n;
    double med[MAX_SERIES_DEPTHS];
    for (int k = 0; k < n; k++) med[k] = s->g[k]->v_median;
    int p = argmax(med, n);

    v = boot_series(a, s, 1, stat_c1, NULL, stream + 1, &lo, &hi);
    an_claim *c = add_claim(a, "C1", slice, "min log(V3 peak / V3 at the shallowest, / V3 at the deepest depth)",
                            v, lo, hi, verdict_of(v, lo, hi, +1, 1));
    snprintf(c->detail, sizeof c->detail, "median V3 %.3g at depth %d, peak %.3g at depth %d, %.3g at depth %d",
             med[0], s->g[0]->depth, med[p], s->g[p]->depth, med[n - 1], s->g[n - 1]->depth);

    v = boot_series(a, s, 1, stat_c2_rise, NULL, stream + 2, &lo, &hi);
    c = add_claim(a, "C2", slice, "C2C probability at the deepest minus at the shallowest depth",
                  v, lo, hi, verdict_of(v, lo, hi, +1, 0));
    snprintf(c->detail, sizeof c->detail, "C2C %.3f at depth %d, %.3f at depth %d", s->g[0]->c2c, s->g[0]->depth,
             s->g[n - 1]->c2c, s->g[n - 1]->depth);
    v = boot_series(a, s, 1, stat_c2_corr, NULL, stream + 3, &lo, &hi);
    c = add_claim(a, "C2", slice, "Spearman(median V3, C2C probability) across depths",
                  v, lo, hi, verdict_of(v, lo, hi, -1, 0));
    snprintf(c->detail, sizeof c->detail, "%d depths%s", n, isnan(v) ? "; C2C is constant (no collapse seen)" : "");

    if (p >= 2) {
        v = boot_series(a, s, 1, stat_c3, &p, stream + 4, &lo, &hi);
        c = add_claim(a, "C3", slice, "Spearman(number of activations L*n, median V3) over depths up to the peak",
                      v, lo, hi, verdict_of(v, lo, hi, +1, 0));
        snprintf(c->detail, sizeof c->detail, "depths %d..%d: activations %ld..%ld", s->g[0]->depth,
                 s->g[p]->depth, s->g[0]->activations, s->g[p]->activations);
    } else {
        c = add_claim(a, "C3", slice, "Spearman(number of activations L*n, median V3) over depths up to the peak",
                      NAN, NAN, NAN, AN_NO_DATA);
        snprintf(c->detail, sizeof c->detail, "the peak is at depth %d: fewer than 3 depths before it", s->g[p]->depth);
    }
}

static void claim_c4(analysis *a, const series *r, const series *ab, uint64_t stream)
{
    series two[2] = { *r, *ab };
    common_depths cd = common_of(r, ab);
    char slice[96];
    snprintf(slice, sizeof slice, "relu vs abs, budget %ld", r->budget);
    if (cd.n < 3) {
        add_claim(a, "C4", slice, "relu and abs share fewer than 3 depths", NAN, NAN, NAN, AN_NO_DATA);
        return;
    }
    double lo, hi, v;
    v = boot_series(a, two, 2, stat_c4_v, &cd, stream + 1, &lo, &hi);
    an_claim *c = add_claim(a, "C4", slice, "median over depths of log(V3 abs / V3 relu)", v, lo, hi,
                            verdict_of(v, lo, hi, +1, 0));
    snprintf(c->detail, sizeof c->detail, "abs/relu median-V3 ratio %.3g over %d common depths", exp(v), cd.n);
    v = boot_series(a, two, 2, stat_c4_c2c, &cd, stream + 2, &lo, &hi);
    c = add_claim(a, "C4", slice, "C2C(abs) - C2C(relu) at the deepest common depth", v, lo, hi,
                  verdict_of(v, lo, hi, -1, 0));
    snprintf(c->detail, sizeof c->detail, "depth %d: abs %.3f, relu %.3f", r->g[cd.ir[cd.n - 1]]->depth,
             ab->g[cd.ia[cd.n - 1]]->c2c, r->g[cd.ir[cd.n - 1]]->c2c);
    v = boot_series(a, two, 2, stat_c4_peak, &cd, stream + 3, &lo, &hi);
    c = add_claim(a, "C4", slice, "log2(depth of abs's V3 peak / depth of relu's)", v, lo, hi,
                  verdict_of(v, lo, hi, +1, 0));
    double vr[MAX_SERIES_DEPTHS], va[MAX_SERIES_DEPTHS];
    for (int k = 0; k < cd.n; k++) { vr[k] = r->g[cd.ir[k]]->v_median; va[k] = ab->g[cd.ia[k]]->v_median; }
    snprintf(c->detail, sizeof c->detail, "median V3 peaks at depth %d (abs) and %d (relu)",
             ab->g[cd.ia[argmax(va, cd.n)]]->depth, r->g[cd.ir[argmax(vr, cd.n)]]->depth);
}

/* C5 on the trained configurations whose task matches (NULL: all). */
static void claim_c5(analysis *a, const char *task, int knob, uint64_t stream)
{
    double *x = malloc(sizeof(double) * (size_t)(a->n_trained + 1)), *y = malloc(sizeof(double) * (size_t)(a->n_trained + 1));
    double *d = malloc(sizeof(double) * (size_t)(a->n_trained + 1));
    size_t n = 0;
    int best = -1;
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        if (!t->init || (task && (strcmp(t->task, task) || t->knob != knob))) continue;
        x[n] = t->init->v_median; y[n] = t->acc_mean; d[n] = t->depth; n++;
        if (best < 0 || t->acc_mean > a->trained[best].acc_mean) best = i;
    }
    /* Where the most accurate configuration falls in `mlpvar advise`'s ranking
     * (score = median V3 x (1 - C2C probability)) among these configurations. */
    int rank = 1;
    if (best >= 0) {
        const an_trained *b = &a->trained[best];
        double sb = b->init->v_median * (1.0 - b->init->c2c);
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            if (!t->init || (task && (strcmp(t->task, task) || t->knob != knob))) continue;
            rank += t->init->v_median * (1.0 - t->init->c2c) > sb;
        }
    }
    char slice[96];
    if (task) snprintf(slice, sizeof slice, "task %s:%d", task, knob);
    else snprintf(slice, sizeof slice, "all tasks pooled");
    double lo, hi;
    double v = n >= 4 ? mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, n, a->bootstrap, a->seed + stream, 0.95,
                                          &lo, &hi, NULL) : NAN;
    if (n < 4) lo = hi = NAN;
    an_claim *c = add_claim(a, "C5", slice, "Spearman(V3 at init, mean test accuracy) over configurations",
                            v, lo, hi, n < 4 ? AN_NO_DATA : verdict_of(v, lo, hi, +1, 0));
    if (best >= 0)
        snprintf(c->detail, sizeof c->detail, "%zu configurations; depth alone gives %.2f; the most accurate (%s, "
                 "depth %d, %.3f) ranks %d of %zu by the advise score", n, n >= 2 ? mlpv_spearman(d, y, n) : NAN,
                 a->trained[best].activation, a->trained[best].depth, a->trained[best].acc_mean, rank, n);
    free(x); free(y); free(d);
}

void analysis_claims(analysis *a)
{
    long budgets[32];
    char acts[16][24];
    int nb = distinct_budgets(a, budgets, 32), na = distinct_acts(a, acts, 16);
    uint64_t stream = 100;
    int first = a->n_claims;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < na; i++) {
            series s = series_of(a, acts[i], budgets[b]);
            if (s.n >= 3) claims_per_series(a, &s, stream);
            stream += 10;
        }
    for (int b = 0; b < nb; b++) {
        series r = series_of(a, "relu", budgets[b]), ab = series_of(a, "abs", budgets[b]);
        if (r.n >= 3 && ab.n >= 3) claim_c4(a, &r, &ab, stream);
        stream += 10;
    }
    /* C5 per task (regime), then pooled */
    for (int i = 0; i < a->n_trained; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= !strcmp(a->trained[j].task, a->trained[i].task) && a->trained[j].knob == a->trained[i].knob;
        if (!seen) claim_c5(a, a->trained[i].task, a->trained[i].knob, stream++);
    }
    if (a->n_trained) claim_c5(a, NULL, 0, stream++);
    const char *names[] = { "C1", "C2", "C3", "C4", "C5" };
    for (int k = 0; k < 5; k++) add_overall(a, names[k], first);
}

/* ---- predictive power ---- */

/* A score of a trained configuration; k is the score's own parameter (a rival's index). */
typedef double (*score_fn)(const an_trained *t, int index, const analysis *a, int k);
static double sc_v3(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->init ? t->init->v_median : NAN; }
static double sc_rho(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->init ? t->init->rho_median : NAN; }
static double sc_c2c(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->init ? t->init->c2c : NAN; }
static double sc_ar(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->activation_ratio; }
static double sc_depth(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->depth; }
static double sc_width(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return t->width; }
static double sc_params(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; (void)k; return (double)t->params; }
static double sc_random(const an_trained *t, int i, const analysis *a, int k)
{
    (void)t; (void)k;
    return (double)(mlpv_mix64(a->seed ^ 0x52414E44ull ^ (uint64_t)i) >> 11) * 0x1p-53;   /* a fixed random score */
}
static double sc_rival(const an_trained *t, int i, const analysis *a, int k) { (void)i; (void)a; return t->rival[k]; }

/* Infinite-width theory for the auto init (bias std 0.1): how far the depth is
 * inside the predicted trainable depth 6 xi_c, and inside the predicted collapse
 * depth. NaN where the theory gives no finite depth (then not scored). */
static double theory_depth(const char *act, int which)
{
    mlpv_activation a;
    if (mlpv_activation_parse(act, &a)) return NAN;
    double sw2 = mlpv_auto_gain(a), sb2 = 0.01;
    if (which == 0) {
        mlpv_mean_field mf;
        return mlpv_mean_field_solve(a, sw2, sb2, &mf) == 0 && isfinite(mf.trainable_depth) ? mf.trainable_depth : NAN;
    }
    int d = mlpv_predicted_c2c_depth(a, sw2, sb2, MLPV_TAU_DEFAULT, 100000);
    return d > 0 ? d : NAN;
}
static double sc_theory_trainable(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i; (void)a; (void)k;
    return theory_depth(t->activation, 0) - t->depth;
}
static double sc_theory_c2c(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i; (void)a; (void)k;
    return theory_depth(t->activation, 1) - t->depth;
}

typedef struct { char name[40]; score_fn fn; int k; } score_def;

static int score_list(score_def *out)
{
    static const struct { const char *name; score_fn fn; } fixed[] = {
        { "V3", sc_v3 }, { "collapse ratio", sc_rho }, { "C2C probability", sc_c2c },
        { "activation ratio", sc_ar }, { "theory 6xi_c - depth", sc_theory_trainable },
        { "theory C2C depth - depth", sc_theory_c2c }, { "depth", sc_depth }, { "width", sc_width },
        { "parameters", sc_params }, { "random", sc_random },
    };
    int n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        snprintf(out[n].name, sizeof out[n].name, "%s", fixed[i].name);
        out[n].fn = fixed[i].fn;
        out[n++].k = 0;
    }
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) {
        snprintf(out[n].name, sizeof out[n].name, "%s", mlpv_rival_name((mlpv_rival)k));
        out[n].fn = sc_rival;
        out[n++].k = k;
    }
    return n;
}

static void predict_slice(analysis *a, const char *slice, int (*in)(const an_trained *, const void *), const void *ctx)
{
    size_t cap = (size_t)a->n_trained + 1;
    double *x = malloc(sizeof(double) * cap), *y = malloc(sizeof(double) * cap), *z = malloc(sizeof(double) * cap);
    score_def scores[32];
    int ns = score_list(scores);
    for (int k = 0; k < ns; k++) {
        size_t n = 0;
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            if (!in(t, ctx)) continue;
            double s = scores[k].fn(t, i, a, scores[k].k);
            if (isnan(s)) continue;
            x[n] = s; y[n] = t->acc_mean; z[n] = t->depth; n++;
        }
        if (n < 4) continue;
        a->predict = realloc(a->predict, sizeof(an_predict) * (size_t)(a->n_predict + 1));
        an_predict *p = &a->predict[a->n_predict++];
        memset(p, 0, sizeof *p);
        memcpy(p->score, scores[k].name, sizeof p->score);     /* both 40 chars, NUL-terminated */
        snprintf(p->slice, sizeof p->slice, "%s", slice);
        p->n = (int)n;
        uint64_t seed = a->seed + 7919 * (uint64_t)a->n_predict;
        p->spearman = mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, n, a->bootstrap, seed, 0.95, &p->sp_lo, &p->sp_hi, NULL);
        p->kendall = mlpv_bootstrap_ci(mlpv_stat_kendall_tau_b, x, y, NULL, n, a->bootstrap, seed, 0.95, &p->kd_lo, &p->kd_hi, NULL);
        p->partial = p->pa_lo = p->pa_hi = NAN;
        if (scores[k].fn != sc_depth)
            p->partial = mlpv_bootstrap_ci(mlpv_stat_partial_spearman, x, y, z, n, a->bootstrap, seed, 0.95,
                                           &p->pa_lo, &p->pa_hi, NULL);
    }
    free(x);
    free(y);
    free(z);
}

static int in_all(const an_trained *t, const void *ctx) { (void)t; (void)ctx; return 1; }
static int in_act(const an_trained *t, const void *ctx) { return !strcmp(t->activation, (const char *)ctx); }
static int in_task(const an_trained *t, const void *ctx)
{
    const an_trained *ref = ctx;
    return !strcmp(t->task, ref->task) && t->knob == ref->knob;
}

void analysis_predict(analysis *a)
{
    predict_slice(a, "all", in_all, NULL);
    for (int i = 0; i < a->n_trained; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= !strcmp(a->trained[j].activation, a->trained[i].activation);
        if (!seen) predict_slice(a, a->trained[i].activation, in_act, a->trained[i].activation);
    }
    for (int i = 0; i < a->n_trained; i++) {
        int seen = 0;
        for (int j = 0; j < i; j++)
            seen |= !strcmp(a->trained[j].task, a->trained[i].task) && a->trained[j].knob == a->trained[i].knob;
        if (!seen) {
            char slice[64];
            snprintf(slice, sizeof slice, "%s:%d", a->trained[i].task, a->trained[i].knob);
            predict_slice(a, slice, in_task, &a->trained[i]);
        }
    }
}
