/* mlpvar analyze, part 2: the paper's claims C1-C4 and C3w (C3 over widths at
 * a fixed depth) from the at-init data (docs/claims.md), each statistic with a
 * 95% percentile bootstrap interval and a verdict computed from it; then C5
 * (claims_trained.c) and every claim's overall row.
 *
 * The series and the bootstrap over them (resampling the draws of every depth
 * or width) are in claims_series.c.
 *
 * Verdict rule, for a statistic whose claimed sign is positive: holds when the
 * interval's lower end is > 0, does not hold when its upper end is < 0 (for C1,
 * <= 0: a peak at the end of the depth range is no rise-then-fall), inconclusive
 * otherwise. Claimed-negative statistics mirror this. */
#include "analysis_internal.h"
#include "record.h"

#include "mlpvar/grow.h"

#include "mlpvar/correlation.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"
#include "mlpvar/metrics.h"
#include "mlpvar/theory.h"
#include "mlpvar/stats.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EPS 1e-12 /* floor under medians before taking logs (V can be exactly 0) */

static int argmax(const double *v, int n)
{
    int b = 0;
    for (int i = 1; i < n; i++)
        if (v[i] > v[b]) b = i;
    return b;
}

/* C1: min(log(V_peak / V_shallowest), log(V_peak / V_deepest)) of the medians:
 * > 0 exactly when the medians rise to an interior peak and fall after it. */
static double stat_c1(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)c2c;
    (void)ctx;
    int n = s->n, p = argmax(med[0], n);
    double up = log((med[0][p] + EPS) / (med[0][0] + EPS)), down = log((med[0][p] + EPS) / (med[0][n - 1] + EPS));
    return up < down ? up : down;
}

/* C2a: C2C probability at the deepest depth minus at the shallowest. */
static double stat_c2_rise(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)med;
    (void)ctx;
    return c2c[0][s->n - 1] - c2c[0][0];
}

/* C2b: Spearman of median V3 and C2C probability across depths. */
static double stat_c2_corr(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)ctx;
    return mlpv_spearman(med[0], c2c[0], (size_t)s->n);
}

/* C3: Spearman of the number of activations and median V3 over the depths up to
 * the peak (ctx: the peak's index in the point estimate). */
static double stat_c3(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)c2c;
    int upto = *(const int *)ctx + 1;
    double act[MAX_SERIES_DEPTHS];
    for (int k = 0; k < upto; k++) act[k] = (double)s->g[k]->activations;
    return mlpv_spearman(act, med[0], (size_t)upto);
}

/* C3w: Spearman of the number of activations L*n and median V3 over the
 * widths of a series at a fixed depth (all of them). */
static double stat_c3w(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)c2c;
    (void)ctx;
    double act[MAX_SERIES_DEPTHS];
    for (int k = 0; k < s->n; k++) act[k] = (double)s->g[k]->activations;
    return mlpv_spearman(act, med[0], (size_t)s->n);
}

/* C4 compares series 0 (relu) and 1 (abs) on their common depths. */
typedef struct {
    int n;
    int ir[MAX_SERIES_DEPTHS], ia[MAX_SERIES_DEPTHS];
} common_depths;

static common_depths common_of(const series *r, const series *a)
{
    common_depths c = { 0, { 0 }, { 0 } };
    for (int i = 0; i < r->n; i++)
        for (int j = 0; j < a->n; j++)
            if (r->g[i]->depth == a->g[j]->depth) {
                c.ir[c.n] = i;
                c.ia[c.n] = j;
                c.n++;
            }
    return c;
}

/* C4a: median over common depths of log(V_abs / V_relu). */
static double stat_c4_v(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)s;
    (void)ns;
    (void)c2c;
    const common_depths *c = ctx;
    double d[MAX_SERIES_DEPTHS];
    for (int k = 0; k < c->n; k++) d[k] = log((med[1][c->ia[k]] + EPS) / (med[0][c->ir[k]] + EPS));
    qsort(d, (size_t)c->n, sizeof(double), an_cmp_double);
    return mlpv_quantile_sorted(d, (size_t)c->n, 0.5);
}

/* C4b: C2C(abs) - C2C(relu) at the deepest common depth. */
static double stat_c4_c2c(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)s;
    (void)ns;
    (void)med;
    const common_depths *c = ctx;
    return c2c[1][c->ia[c->n - 1]] - c2c[0][c->ir[c->n - 1]];
}

/* C4c: log2(peak depth of abs / peak depth of relu), over common depths. */
static double stat_c4_peak(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx)
{
    (void)ns;
    (void)c2c;
    const common_depths *c = ctx;
    double vr[MAX_SERIES_DEPTHS], va[MAX_SERIES_DEPTHS];
    for (int k = 0; k < c->n; k++) {
        vr[k] = med[0][c->ir[k]];
        va[k] = med[1][c->ia[k]];
    }
    int pr = argmax(vr, c->n), pa = argmax(va, c->n);
    return log2((double)s[1].g[c->ia[pa]]->depth / (double)s[0].g[c->ir[pr]]->depth);
}

/* ---- verdicts and claim rows ---- */

an_verdict an_verdict_of(double value, double lo, double hi, int sign, int strict)
{
    if (isnan(value) || isnan(lo) || isnan(hi)) return AN_INCONCLUSIVE;
    if (sign < 0) {
        double t = -lo;
        lo = -hi;
        hi = t;
    }
    if (lo > 0) return AN_HOLDS;
    if (hi < 0 || (strict && hi <= 0)) return AN_FAILS;
    return AN_INCONCLUSIVE;
}

an_claim *an_add_claim(analysis *a, const char *claim, an_slice kind, const char *slice, const char *statistic,
                       double value, double lo, double hi, an_verdict v)
{
    if (MLPV_GROW(a->claims, a->claims_cap, a->n_claims + 1)) {
        a->failed = 1;
        return NULL;
    }
    an_claim *c = &a->claims[a->n_claims++];
    memset(c, 0, sizeof *c);
    snprintf(c->claim, sizeof c->claim, "%s", claim);
    c->kind = kind;
    snprintf(c->slice, sizeof c->slice, "%s", slice);
    snprintf(c->statistic, sizeof c->statistic, "%s", statistic);
    c->value = value;
    c->lo = lo;
    c->hi = hi;
    c->verdict = v;
    return c;
}

/* The claim overall: holds if every counted row holds, does not hold if any
 * fails, inconclusive otherwise. Counted: the relu and abs series, the relu vs
 * abs pairs, the tasks and the pools. Other activations are reported, not
 * counted; so are C1-C4's series and pairs at a fixed width, since those claims
 * are stated at a fixed budget (C3w is the fixed-width test of C3). */
static int counted(const an_claim *c)
{
    int sized = c->budget > 0 || !strcmp(c->claim, "C3w");
    switch (c->kind) {
    case AN_SLICE_SERIES: return sized && (!strcmp(c->activation, "relu") || !strcmp(c->activation, "abs"));
    case AN_SLICE_PAIR: return sized;
    case AN_SLICE_TASK:
    case AN_SLICE_POOLED: return 1;
    default: return 0;
    }
}

static void add_overall(analysis *a, const char *claim, int first)
{
    int rows = 0, holds = 0, fails = 0;
    for (int i = first; i < a->n_claims; i++) {
        const an_claim *c = &a->claims[i];
        if (strcmp(c->claim, claim) || !counted(c)) continue;
        rows++;
        holds += c->verdict == AN_HOLDS;
        fails += c->verdict == AN_FAILS;
    }
    an_verdict v = !rows ? AN_NO_DATA : fails ? AN_FAILS : holds == rows ? AN_HOLDS : AN_INCONCLUSIVE;
    an_claim *c = an_add_claim(a, claim, AN_SLICE_OVERALL, "overall", "all counted rows of this claim (docs/claims.md)",
                               NAN, NAN, NAN, v);
    if (c)
        snprintf(c->detail, sizeof c->detail, "%d rows: %d hold, %d do not hold, %d inconclusive", rows, holds, fails,
                 rows - holds - fails);
}

/* Distinct sizes and activations of the at-init data, in order of appearance
 * (indices into a->init of their first aggregate); -1 when out of memory. */
static int distinct(const analysis *a, int by_budget, int **out)
{
    size_t cap = 0;
    int n = 0;
    *out = NULL;
    for (int i = 0; i < a->n_init; i++) {
        int seen = 0;
        for (int k = 0; k < n && !seen; k++)
            seen = by_budget ? an_size_key(&a->init[(*out)[k]]) == an_size_key(&a->init[i])
                             : !strcmp(a->init[(*out)[k]].activation, a->init[i].activation);
        if (seen) continue;
        if (MLPV_GROW(*out, cap, n + 1)) {
            free(*out);
            *out = NULL;
            return -1;
        }
        (*out)[n++] = i;
    }
    return n;
}

/* "relu, budget 3000" or "relu, width 32". */
static void size_label(const series *s, char *buf, size_t len, const char *what)
{
    if (s->budget > 0) snprintf(buf, len, "%s, budget %ld", what, s->budget);
    else snprintf(buf, len, "%s, width %d", what, s->width);
}

static an_claim *series_claim(analysis *a, const series *s, const char *claim, const char *slice, const char *statistic,
                              double v, double lo, double hi, an_verdict verdict)
{
    an_claim *c = an_add_claim(a, claim, AN_SLICE_SERIES, slice, statistic, v, lo, hi, verdict);
    if (c) {
        snprintf(c->activation, sizeof c->activation, "%s", s->activation);
        c->budget = s->budget;
    }
    return c;
}

static void claims_per_series(analysis *a, const series *s, uint64_t stream)
{
    char slice[96];
    size_label(s, slice, sizeof slice, s->activation);
    double lo, hi, v;
    int n = s->n;
    double med[MAX_SERIES_DEPTHS];
    for (int k = 0; k < n; k++) med[k] = s->g[k]->v_median;
    int p = argmax(med, n);

    v = an_boot_series(a, s, 1, stat_c1, NULL, stream + 1, &lo, &hi);
    an_claim *c = series_claim(a, s, "C1", slice, "min log(V3 peak / V3 at the shallowest, / V3 at the deepest depth)",
                               v, lo, hi, an_verdict_of(v, lo, hi, +1, 1));
    AN_DETAIL(c, "median V3 %.3g at depth %d, peak %.3g at depth %d, %.3g at depth %d", med[0], s->g[0]->depth, med[p],
              s->g[p]->depth, med[n - 1], s->g[n - 1]->depth);

    v = an_boot_series(a, s, 1, stat_c2_rise, NULL, stream + 2, &lo, &hi);
    c = series_claim(a, s, "C2", slice, "C2C probability at the deepest minus at the shallowest depth", v, lo, hi,
                     an_verdict_of(v, lo, hi, +1, 0));
    AN_DETAIL(c, "C2C %.3f at depth %d, %.3f at depth %d", s->g[0]->c2c, s->g[0]->depth, s->g[n - 1]->c2c,
              s->g[n - 1]->depth);
    v = an_boot_series(a, s, 1, stat_c2_corr, NULL, stream + 3, &lo, &hi);
    c = series_claim(a, s, "C2", slice, "Spearman(median V3, C2C probability) across depths", v, lo, hi,
                     an_verdict_of(v, lo, hi, -1, 0));
    AN_DETAIL(c, "%d depths%s", n, isnan(v) ? "; C2C is constant (no collapse seen)" : "");

    const char *c3 = "Spearman(number of activations L*n, median V3) over depths up to the peak";
    if (p >= 2) {
        v = an_boot_series(a, s, 1, stat_c3, &p, stream + 4, &lo, &hi);
        c = series_claim(a, s, "C3", slice, c3, v, lo, hi, an_verdict_of(v, lo, hi, +1, 0));
        AN_DETAIL(c, "depths %d..%d: activations %ld..%ld", s->g[0]->depth, s->g[p]->depth, s->g[0]->activations,
                  s->g[p]->activations);
    } else {
        c = series_claim(a, s, "C3", slice, c3, NAN, NAN, NAN, AN_NO_DATA);
        AN_DETAIL(c, "the peak is at depth %d: fewer than 3 depths before it", s->g[p]->depth);
    }
}

/* C3w for one (activation, depth) over its widths (s->n >= 3). */
static void claim_c3w(analysis *a, const series *s, uint64_t stream)
{
    char slice[96];
    snprintf(slice, sizeof slice, "%s, depth %d", s->activation, s->depth);
    double lo, hi, v = an_boot_series(a, s, 1, stat_c3w, NULL, stream, &lo, &hi);
    an_claim *c =
        series_claim(a, s, "C3w", slice, "Spearman(number of activations L*n, median V3) over widths at a fixed depth",
                     v, lo, hi, an_verdict_of(v, lo, hi, +1, 0));
    if (c) c->depth = s->depth;
    double med[MAX_SERIES_DEPTHS];
    for (int k = 0; k < s->n; k++) med[k] = s->g[k]->v_median;
    int p = argmax(med, s->n);
    AN_DETAIL(c, "%d widths %d..%d: median V3 %.3g at width %d, %.3g at width %d, peak %.3g at width %d", s->n,
              s->g[0]->width, s->g[s->n - 1]->width, med[0], s->g[0]->width, med[s->n - 1], s->g[s->n - 1]->width,
              med[p], s->g[p]->width);
}

static void claim_c4_rows(analysis *a, const series *r, const series *ab, uint64_t stream);

static void claim_c4(analysis *a, const series *r, const series *ab, uint64_t stream)
{
    int first = a->n_claims;
    claim_c4_rows(a, r, ab, stream);
    for (int i = first; i < a->n_claims; i++) a->claims[i].budget = r->budget; /* 0: a fixed width */
}

/* The rows of claim_c4. */
static void claim_c4_rows(analysis *a, const series *r, const series *ab, uint64_t stream)
{
    series two[2] = { *r, *ab };
    common_depths cd = common_of(r, ab);
    char slice[96];
    size_label(r, slice, sizeof slice, "relu vs abs");
    if (cd.n < 3) {
        an_add_claim(a, "C4", AN_SLICE_PAIR, slice, "relu and abs share fewer than 3 depths", NAN, NAN, NAN,
                     AN_NO_DATA);
        return;
    }
    double lo, hi, v;
    v = an_boot_series(a, two, 2, stat_c4_v, &cd, stream + 1, &lo, &hi);
    an_claim *c = an_add_claim(a, "C4", AN_SLICE_PAIR, slice, "median over depths of log(V3 abs / V3 relu)", v, lo, hi,
                               an_verdict_of(v, lo, hi, +1, 0));
    AN_DETAIL(c, "abs/relu median-V3 ratio %.3g over %d common depths", exp(v), cd.n);
    v = an_boot_series(a, two, 2, stat_c4_c2c, &cd, stream + 2, &lo, &hi);
    c = an_add_claim(a, "C4", AN_SLICE_PAIR, slice, "C2C(abs) - C2C(relu) at the deepest common depth", v, lo, hi,
                     an_verdict_of(v, lo, hi, -1, 0));
    AN_DETAIL(c, "depth %d: abs %.3f, relu %.3f", r->g[cd.ir[cd.n - 1]]->depth, ab->g[cd.ia[cd.n - 1]]->c2c,
              r->g[cd.ir[cd.n - 1]]->c2c);
    v = an_boot_series(a, two, 2, stat_c4_peak, &cd, stream + 3, &lo, &hi);
    c = an_add_claim(a, "C4", AN_SLICE_PAIR, slice, "log2(depth of abs's V3 peak / depth of relu's)", v, lo, hi,
                     an_verdict_of(v, lo, hi, +1, 0));
    double vr[MAX_SERIES_DEPTHS], va[MAX_SERIES_DEPTHS];
    for (int k = 0; k < cd.n; k++) {
        vr[k] = r->g[cd.ir[k]]->v_median;
        va[k] = ab->g[cd.ia[k]]->v_median;
    }
    AN_DETAIL(c, "median V3 peaks at depth %d (abs) and %d (relu)", ab->g[cd.ia[argmax(va, cd.n)]]->depth,
              r->g[cd.ir[argmax(vr, cd.n)]]->depth);
}

int analysis_claims(analysis *a)
{
    int *budgets, *acts;
    int nb = distinct(a, 1, &budgets), na = distinct(a, 0, &acts);
    if (nb < 0 || na < 0) {
        free(budgets);
        free(acts);
        return -1;
    }
    uint64_t stream = 100;
    int first = a->n_claims;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < na; i++) {
            series s = an_series_of(a, a->init[acts[i]].activation, an_size_key(&a->init[budgets[b]]));
            if (s.n >= 3) claims_per_series(a, &s, stream);
            stream += 10;
        }
    for (int b = 0; b < nb; b++) {
        long key = an_size_key(&a->init[budgets[b]]);
        series r = an_series_of(a, "relu", key), ab = an_series_of(a, "abs", key);
        if (r.n >= 3 && ab.n >= 3) claim_c4(a, &r, &ab, stream);
        stream += 10;
    }
    /* C3w: each activation at each fixed depth of the fixed-width data, over widths */
    uint64_t wstream = 1ull << 32;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < a->n_init; j++) {
            const an_init *g = &a->init[j];
            if (g->budget > 0 || strcmp(g->activation, a->init[acts[i]].activation)) continue;
            int seen = 0;
            for (int k = 0; k < j && !seen; k++)
                seen = a->init[k].budget <= 0 && a->init[k].depth == g->depth &&
                       !strcmp(a->init[k].activation, g->activation);
            series s = seen ? (series){ .n = 0 } : an_widths_of(a, g->activation, g->depth);
            if (s.n >= 3) claim_c3w(a, &s, wstream);
            wstream += 10;
        }
    analysis_claims_c5(a);
    free(budgets);
    free(acts);
    const char *names[] = { "C1", "C2", "C3", "C3w", "C4", "C5" };
    for (int k = 0; k < 6; k++) add_overall(a, names[k], first);
    return a->failed ? -1 : 0;
}
