/* mlpvar analyze, part 1: records -> per-configuration aggregates, and the
 * one definition of a task (an_task_label). The claims are computed in
 * claims.c and claims_trained.c, the predictive-power table in predict.c, the
 * regret of advice in regret.c. */
#include "analysis.h"
#include "analysis_internal.h"
#include "results.h"
#include "store.h"

#include "mlpvar/correlation.h"
#include "mlpvar/grow.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"
#include "mlpvar/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *an_verdict_name(an_verdict v)
{
    switch (v) {
    case AN_HOLDS: return "holds";
    case AN_FAILS: return "does not hold";
    case AN_INCONCLUSIVE: return "inconclusive";
    default: return "no data";
    }
}

const char *an_measure_name(an_measure m) { return m == AN_NEG_TEST_LOSS ? "-test loss" : "accuracy"; }
const char *an_measure_key(an_measure m) { return m == AN_NEG_TEST_LOSS ? "-test_loss" : "accuracy"; }
const char *an_measure_words(an_measure m)
{
    return m == AN_NEG_TEST_LOSS ? "mean -test loss (MSE)" : "mean test accuracy";
}

void an_task_label(const analysis *a, const record *r, char *buf, size_t len)
{
    snprintf(buf, len, "%s", task_labels_of(&a->tasks, r));
}

const char *an_direction_name(int sign)
{
    return sign > 0 ? "highest first" : sign < 0 ? "lowest first" : "random pick";
}

int an_same_task(const an_trained *x, const an_trained *y)
{
    return x->measure == y->measure && !strcmp(x->task_label, y->task_label);
}

void an_task_slice(const an_trained *t, char *buf, size_t len)
{
    snprintf(buf, len, "%s (%s)", t->task_label, an_measure_name(t->measure));
}

int an_tasks(const analysis *a, int **first)
{
    size_t cap = 0;
    int n = 0;
    *first = NULL;
    for (int i = 0; i < a->n_trained; i++) {
        int seen = 0;
        for (int k = 0; k < n && !seen; k++) seen = an_same_task(&a->trained[(*first)[k]], &a->trained[i]);
        if (seen) continue;
        if (MLPV_GROW(*first, cap, n + 1)) {
            free(*first);
            *first = NULL;
            return -1;
        }
        (*first)[n++] = i;
    }
    return n;
}

int an_has_measure(const analysis *a, an_measure m)
{
    for (int i = 0; i < a->n_trained; i++)
        if (a->trained[i].measure == m) return 1;
    return 0;
}

/* The measure a trained record names (a record without one: accuracy). */
static an_measure measure_of(const an_record *r)
{
    return r->trainability && !strcmp(r->trainability, "test_loss") ? AN_NEG_TEST_LOSS : AN_ACCURACY;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

uint64_t an_bootstrap_seed(const analysis *a, const char *stat, const char *slice, an_measure m)
{
    char measure[16];
    snprintf(measure, sizeof measure, "%d", (int)m);
    uint64_t h = store_fnv(store_fnv(store_fnv(STORE_FNV_START, stat), slice), measure);
    return mlpv_mix64((uint64_t)a->seed ^ h);
}

/* ---- grouping: records with equal keys, groups in the sweep file's order ---- */

static const analysis *sort_a; /* qsort has no context argument */

/* The at-init shape: activation, depth, width, budget, grid; then seed, then file order. */
static int cmp_shape(const void *x, const void *y)
{
    const an_record *r = &sort_a->rec[*(const long *)x], *q = &sort_a->rec[*(const long *)y];
    int c = strcmp(r->activation, q->activation);
    if (c) return c;
    if (r->depth != q->depth) return r->depth < q->depth ? -1 : 1;
    if (r->width != q->width) return r->width < q->width ? -1 : 1;
    if (r->budget != q->budget) return r->budget < q->budget ? -1 : 1;
    if (r->grid != q->grid) return r->grid < q->grid ? -1 : 1;
    if (r->seed != q->seed) return r->seed < q->seed ? -1 : 1;
    return (*(const long *)x > *(const long *)y) - (*(const long *)x < *(const long *)y);
}

/* The trained configuration: task (an_task_label), measure, activation, depth,
 * width, budget; then seed, then file order. */
static int cmp_task(const an_record *r, const an_record *q)
{
    int c = strcmp(task_labels_of(&sort_a->tasks, r), task_labels_of(&sort_a->tasks, q));
    return c ? c : (int)measure_of(r) - (int)measure_of(q);
}

static int cmp_trained(const void *x, const void *y)
{
    const an_record *r = &sort_a->rec[*(const long *)x], *q = &sort_a->rec[*(const long *)y];
    int c = cmp_task(r, q);
    if (c) return c;
    c = strcmp(r->activation, q->activation);
    if (c) return c;
    if (r->depth != q->depth) return r->depth < q->depth ? -1 : 1;
    if (r->width != q->width) return r->width < q->width ? -1 : 1;
    if (r->budget != q->budget) return r->budget < q->budget ? -1 : 1;
    if (r->seed != q->seed) return r->seed < q->seed ? -1 : 1;
    return (*(const long *)x > *(const long *)y) - (*(const long *)x < *(const long *)y);
}

typedef struct {
    long first, start, n;
} group; /* a run of idx[start .. start+n-1] */

/* Where a record stands in the sweep file: part, configuration, seed (then
 * its line), so that groups come out in the sweep's order whatever the order
 * of the lines in results.jsonl (1 rank or many, resumed or not). */
static int sweep_order(const analysis *a, long i, long j)
{
    const an_record *r = &a->rec[i], *q = &a->rec[j];
    if (r->part != q->part) return r->part < q->part ? -1 : 1;
    if (r->config != q->config) return r->config < q->config ? -1 : 1;
    if (r->seed != q->seed) return r->seed < q->seed ? -1 : 1;
    return (i > j) - (i < j);
}

static int by_first(const void *x, const void *y)
{
    const group *g = x, *h = y;
    return sweep_order(sort_a, g->first, h->first);
}

/* Sorts the eligible record indices idx[n] with cmp and cuts them into groups
 * (runs equal under cmp up to its last, tie-breaking keys: `keys` levels compared
 * by same()), ordered by each group's first record in the sweep (sweep_order). */
static group *group_records(const analysis *a, long *idx, long n, int (*cmp)(const void *, const void *),
                            int (*same)(const an_record *, const an_record *), long *n_groups)
{
    *n_groups = 0;
    sort_a = a;
    qsort(idx, (size_t)n, sizeof *idx, cmp);
    group *g = malloc(sizeof *g * (size_t)(n + 1));
    if (!g) return NULL;
    long k = 0;
    for (long i = 0; i < n; i++) {
        if (k && same(&a->rec[idx[g[k - 1].start]], &a->rec[idx[i]])) {
            g[k - 1].n++;
            if (sweep_order(a, idx[i], g[k - 1].first) < 0) g[k - 1].first = idx[i];
        } else {
            g[k++] = (group){ idx[i], i, 1 };
        }
    }
    qsort(g, (size_t)k, sizeof *g, by_first);
    *n_groups = k;
    return g;
}

static int same_shape(const an_record *r, const an_record *q)
{
    return r->depth == q->depth && r->width == q->width && r->budget == q->budget && r->grid == q->grid &&
           !strcmp(r->activation, q->activation);
}

static int same_trained(const an_record *r, const an_record *q)
{
    return r->depth == q->depth && r->width == q->width && r->budget == q->budget && !cmp_task(r, q) &&
           !strcmp(r->activation, q->activation);
}

/* Failed records are left out of every aggregate (analysis_run counts them). */
static int ok(const an_record *r) { return !strcmp(r->status, "ok"); }

/* ---- at init ---- */

/* One shape's aggregate from its records idx[0..m-1] (sorted by seed): one
 * draw per seed, pooled over parts (same shape and seed = same network). */
static int init_aggregate(const analysis *a, const long *idx, long m, an_init *g)
{
    const an_record *r0 = &a->rec[idx[0]];
    memset(g, 0, sizeof *g);
    snprintf(g->activation, sizeof g->activation, "%s", r0->activation);
    g->depth = (int)r0->depth;
    g->width = (int)r0->width;
    g->grid = (int)r0->grid;
    g->budget = r0->budget;
    g->params = r0->params;
    g->activation_ratio = r0->activation_ratio;
    g->activations = r0->depth * r0->width;
    g->v = malloc(sizeof(double) * (size_t)m);
    double *rho = malloc(sizeof(double) * (size_t)m), dead = 0;
    if (!g->v || !rho) {
        free(rho);
        return -1;
    }
    for (long j = 0; j < m; j++) {
        const an_record *r = &a->rec[idx[j]];
        if (j && r->seed == a->rec[idx[j - 1]].seed) continue; /* measured again in another part */
        g->v[g->n] = r->variability;
        rho[g->n] = r->collapse_ratio;
        g->collapsed += record_has(r, RFI_collapsed) && r->collapsed;
        const record_array *ld = &r->layer_dead_fraction;
        dead += ld->n ? ld->v[ld->n - 1] : 0.0;
        g->n++;
    }
    qsort(g->v, (size_t)g->n, sizeof(double), cmp_double);
    g->v_median = mlpv_quantile_sorted(g->v, (size_t)g->n, 0.5);
    g->v_q25 = mlpv_quantile_sorted(g->v, (size_t)g->n, 0.25);
    g->v_q75 = mlpv_quantile_sorted(g->v, (size_t)g->n, 0.75);
    g->rho_median = mlpv_summarize(rho, (size_t)g->n).median;
    g->c2c = (double)g->collapsed / g->n;
    mlpv_wilson(g->collapsed, g->n, MLPV_Z95, &g->c2c_lo, &g->c2c_hi);
    g->dead_last = dead / g->n;
    free(rho);
    return 0;
}

static int build_init(analysis *a, long *idx)
{
    long n = 0, ng;
    for (long i = 0; i < a->n_rec; i++)
        if (ok(&a->rec[i]) && record_has(&a->rec[i], RFI_variability)) idx[n++] = i;
    group *g = group_records(a, idx, n, cmp_shape, same_shape, &ng);
    if (!g) return -1;
    a->init = calloc((size_t)ng + 1, sizeof(an_init));
    int rc = a->init ? 0 : -1;
    for (long k = 0; !rc && k < ng; k++) {
        rc = init_aggregate(a, idx + g[k].start, g[k].n, &a->init[k]);
        a->n_init = (int)k + 1;
    }
    free(g);
    return rc;
}

/* ---- trained ---- */

/* The at-init aggregate of a trained configuration: same shape, most draws. */
static const an_init *init_of(const analysis *a, const an_record *r)
{
    const an_init *best = NULL;
    for (int i = 0; i < a->n_init; i++) {
        const an_init *g = &a->init[i];
        if (g->depth == r->depth && g->width == r->width && g->budget == r->budget &&
            !strcmp(g->activation, r->activation) && (!best || g->n > best->n))
            best = g;
    }
    return best;
}

/* The test loss of a constant predictor on a task judged by -test loss (R^2 =
 * 0): the test targets' variance, estimated as the median over the task's
 * finished runs idx[0..n-1] of test_loss / (1 - test_r2). NaN when no run gives it. */
static double chance_loss(const analysis *a, const long *idx, long n, const an_record *r0, double *work)
{
    long k = 0;
    for (long j = 0; j < n; j++) {
        const an_record *r = &a->rec[idx[j]];
        if (cmp_task(r, r0) || !isfinite(r->test_loss) || !isfinite(r->test_r2) || r->test_r2 >= 1) continue;
        work[k++] = r->test_loss / (1 - r->test_r2);
    }
    return k ? mlpv_summarize(work, (size_t)k).median : NAN;
}

/* One trained configuration from its records idx[0..m-1] (file order). A run
 * that diverged, or whose measure is not finite, counts at chance: accuracy
 * 0.5, or for -test loss a constant predictor (R^2 0, test loss `chance`, left
 * out when chance is NaN); it counts as a failure in the success rate. The
 * mean R^2 is over the runs whose R^2 is defined, a failed run counting 0.
 * work: [m * (1 + rivals)] doubles. 0, or -1 out of memory. */
static int trained_aggregate(analysis *a, const long *idx, long m, double chance, an_trained *t, double *work)
{
    const an_record *r0 = &a->rec[idx[0]];
    memset(t, 0, sizeof *t);
    an_task_label(a, r0, t->task_label, sizeof t->task_label);
    t->measure = measure_of(r0);
    snprintf(t->activation, sizeof t->activation, "%s", r0->activation);
    t->depth = (int)r0->depth;
    t->width = (int)r0->width;
    t->budget = r0->budget;
    t->params = r0->params;
    t->activation_ratio = r0->activation_ratio;
    t->n_layers = r0->layer_grad_norm.n;
    t->grad_mean = calloc((size_t)t->n_layers + 1, sizeof(double));
    t->dead_mean = calloc((size_t)r0->depth + 1, sizeof(double));
    t->seed_v = malloc(sizeof(double) * (size_t)m);
    if (!t->grad_mean || !t->dead_mean || !t->seed_v) return -1;
    int loss = t->measure == AN_NEG_TEST_LOSS;
    double *rv[MLPV_RIVAL_COUNT], r2 = 0;
    int nrv[MLPV_RIVAL_COUNT] = { 0 };
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) rv[k] = work + (size_t)m * (size_t)(k + 1);
    long success = 0, diverged = 0, seeds = 0, r2n = 0;
    for (long j = 0; j < m; j++) {
        const an_record *r = &a->rec[idx[j]];
        seeds++;
        for (int k = 0; k < MLPV_RIVAL_COUNT; k++)
            if (isfinite(r->rival[k])) rv[k][nrv[k]++] = r->rival[k];
        int div = record_has(r, RFI_diverged) && r->diverged;
        double v = loss ? -r->test_loss : r->test_accuracy;
        int failed = div || !isfinite(v);
        success += !loss && !failed && v >= a->success_threshold;
        diverged += div;
        for (int l = 0; l < t->n_layers && l < r->layer_grad_norm.n; l++) t->grad_mean[l] += r->layer_grad_norm.v[l];
        for (int l = 0; l < r->depth && l < r->layer_dead_fraction.n; l++)
            t->dead_mean[l] += r->layer_dead_fraction.v[l];
        if (failed && loss && isnan(chance)) continue; /* no chance level known: left out */
        t->seed_v[t->n++] = failed ? (loss ? -chance : 0.5) : v;
        if (loss && (failed || isfinite(r->test_r2))) {
            r2 += failed ? 0.0 : r->test_r2;
            r2n++;
        }
    }
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) /* undefined draws (e.g. NASWOT's -inf) are left out */
        t->rival[k] = nrv[k] ? mlpv_summarize(rv[k], (size_t)nrv[k]).median : NAN;
    for (int l = 0; l < t->n_layers; l++) t->grad_mean[l] /= (double)seeds;
    for (int l = 0; l < t->depth; l++) t->dead_mean[l] /= (double)seeds;
    t->tr_mean = t->tr_lo = t->tr_hi = NAN;
    if (t->n)
        t->tr_mean = mlpv_mean_ci(t->seed_v, (size_t)t->n, a->bootstrap, a->seed + (unsigned long long)a->n_trained,
                                  0.95, &t->tr_lo, &t->tr_hi);
    t->r2_mean = r2n ? r2 / (double)r2n : NAN;
    t->success = t->success_lo = t->success_hi = NAN;
    if (!loss) {
        t->success = (double)success / (double)seeds;
        mlpv_wilson(success, seeds, MLPV_Z95, &t->success_lo, &t->success_hi);
    }
    t->diverged_rate = (double)diverged / (double)seeds;
    t->init = init_of(a, r0);
    return 0;
}

static int build_trained(analysis *a, long *idx)
{
    long n = 0, ng;
    for (long i = 0; i < a->n_rec; i++)
        if (ok(&a->rec[i]) && a->rec[i].trained && a->rec[i].task) idx[n++] = i;
    group *g = group_records(a, idx, n, cmp_trained, same_trained, &ng);
    double *work = malloc(sizeof(double) * (size_t)(n + 1) * (1 + MLPV_RIVAL_COUNT));
    a->trained = calloc((size_t)ng + 1, sizeof(an_trained));
    int rc = g && work && a->trained ? 0 : -1;
    for (long k = 0; !rc && k < ng; k++) {
        /* file order inside the group: the bootstrap of the mean does not care, the medians neither */
        const an_record *r0 = &a->rec[idx[g[k].start]];
        double chance = measure_of(r0) == AN_NEG_TEST_LOSS ? chance_loss(a, idx, n, r0, work) : NAN;
        a->n_trained = (int)k + 1; /* the bootstrap stream of configuration k is seed + k + 1 */
        rc = trained_aggregate(a, idx + g[k].start, g[k].n, chance, &a->trained[k], work);
    }
    free(work);
    free(g);
    return rc;
}

int analysis_run(analysis *a, const char *dir, char *err, size_t errlen)
{
    double thr = a->success_threshold > 0 ? a->success_threshold : 0.75;
    int B = a->bootstrap > 0 ? a->bootstrap : 1000;
    unsigned long long seed = a->seed;
    memset(a, 0, sizeof *a);
    a->dir = dir;
    a->success_threshold = thr;
    a->bootstrap = B;
    a->seed = seed;
    int rc = results_load(dir, &a->res, err, errlen);
    if (rc) return rc;
    a->rec = a->res.rec;
    a->n_rec = a->res.n;
    if (a->n_rec == 0) {
        snprintf(err, errlen, "%s/results.jsonl holds no records yet; run the sweep first (mlpvar sweep FILE --out %s)",
                 dir, dir);
        return -2;
    }
    rc = analysis_compute(a);
    if (rc) snprintf(err, errlen, "out of memory analysing %ld records", a->n_rec);
    return rc;
}

int analysis_compute(analysis *a)
{
    a->n_failed = 0;
    for (long i = 0; i < a->n_rec; i++) a->n_failed += !ok(&a->rec[i]);
    long *idx = malloc(sizeof(long) * ((size_t)a->n_rec + 1));
    int rc = idx && task_labels_build(&a->tasks, a->rec, a->n_rec) == 0 && build_init(a, idx) == 0 &&
                     build_trained(a, idx) == 0 && analysis_claims(a) == 0 && analysis_predict(a) == 0 &&
                     analysis_regret(a) == 0
                 ? 0
                 : -1;
    free(idx);
    return rc;
}

void analysis_free(analysis *a)
{
    results_free(&a->res);
    task_labels_free(&a->tasks);
    for (int i = 0; i < a->n_init; i++) free(a->init[i].v);
    free(a->init);
    for (int i = 0; i < a->n_trained; i++) {
        free(a->trained[i].grad_mean);
        free(a->trained[i].dead_mean);
        free(a->trained[i].seed_v);
    }
    free(a->trained);
    free(a->claims);
    free(a->predict);
    free(a->regret);
    memset(a, 0, sizeof *a);
}
