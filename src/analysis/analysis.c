/* mlpvar analyze, part 1: records -> per-configuration aggregates. The claims
 * and the predictive-power table are computed in analysis_claims.c. */
#include "analysis.h"
#include "analysis_internal.h"
#include "results.h"

#include "mlpvar/correlation.h"
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

static int same_shape(const an_record *r, const an_init *g)
{
    return r->depth == g->depth && r->width == g->width && r->budget == g->budget && r->grid == g->grid &&
           !strcmp(r->activation, g->activation);
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* At-init aggregates: pooled over parts, one draw per (shape, seed). */
static void build_init(analysis *a)
{
    int cap = 0;
    char *used = calloc((size_t)a->n_rec + 1, 1);
    for (long i = 0; i < a->n_rec; i++) {
        if (used[i] || isnan(a->rec[i].variability)) continue;
        if (a->n_init == cap) { cap = cap ? 2 * cap : 64; a->init = realloc(a->init, sizeof(an_init) * (size_t)cap); }
        an_init *g = &a->init[a->n_init++];
        const an_record *r0 = &a->rec[i];
        memset(g, 0, sizeof *g);
        snprintf(g->activation, sizeof g->activation, "%s", r0->activation);
        g->depth = (int)r0->depth; g->width = (int)r0->width; g->grid = (int)r0->grid; g->budget = r0->budget;
        g->params = r0->params; g->activation_ratio = r0->activation_ratio;
        g->activations = (long)r0->depth * r0->width;
        long seen_cap = 0, *seeds = NULL;
        double *rho = NULL, dead = 0;
        for (long j = i; j < a->n_rec; j++) {
            const an_record *r = &a->rec[j];
            if (used[j] || isnan(r->variability) || !same_shape(r, g)) continue;
            used[j] = 1;
            int dup = 0;
            for (int k = 0; k < g->n && !dup; k++) dup = seeds[k] == r->seed;
            if (dup) continue;                  /* the same network measured in another part */
            if (g->n == seen_cap) {
                seen_cap = seen_cap ? 2 * seen_cap : 64;
                seeds = realloc(seeds, sizeof(long) * (size_t)seen_cap);
                g->v = realloc(g->v, sizeof(double) * (size_t)seen_cap);
                rho = realloc(rho, sizeof(double) * (size_t)seen_cap);
            }
            seeds[g->n] = r->seed;
            g->v[g->n] = r->variability;
            rho[g->n] = r->collapse_ratio;
            g->collapsed += r->collapsed;
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
        free(seeds);
        free(rho);
    }
    free(used);
}

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

static int same_trained(const an_record *r, const an_trained *t)
{
    return r->trained && r->depth == t->depth && r->width == t->width && r->budget == t->budget &&
           r->knob == t->knob && r->task && !strcmp(r->task, t->task) && !strcmp(r->activation, t->activation);
}

/* A diverged run, or one whose accuracy is not finite, counts at chance (0.5)
 * in the mean and as a failure in the success rate. */
static void build_trained(analysis *a)
{
    int cap = 0;
    char *used = calloc((size_t)a->n_rec + 1, 1);
    double *acc = malloc(sizeof(double) * (size_t)(a->n_rec + 1));
    for (long i = 0; i < a->n_rec; i++) {
        if (used[i] || !a->rec[i].trained) continue;
        if (a->n_trained == cap) { cap = cap ? 2 * cap : 64; a->trained = realloc(a->trained, sizeof(an_trained) * (size_t)cap); }
        an_trained *t = &a->trained[a->n_trained++];
        const an_record *r0 = &a->rec[i];
        memset(t, 0, sizeof *t);
        snprintf(t->task, sizeof t->task, "%s", r0->task ? r0->task : "");
        snprintf(t->activation, sizeof t->activation, "%s", r0->activation);
        t->knob = (int)r0->knob; t->depth = (int)r0->depth; t->width = (int)r0->width; t->budget = r0->budget;
        t->params = r0->params; t->activation_ratio = r0->activation_ratio;
        t->n_layers = r0->layer_grad_norm.n;
        t->grad_mean = calloc((size_t)t->n_layers + 1, sizeof(double));
        t->dead_mean = calloc((size_t)r0->depth + 1, sizeof(double));
        long success = 0, diverged = 0;
        double *rv[MLPV_RIVAL_COUNT];
        int nrv[MLPV_RIVAL_COUNT] = { 0 };
        for (int k = 0; k < MLPV_RIVAL_COUNT; k++) rv[k] = malloc(sizeof(double) * (size_t)(a->n_rec + 1));
        for (long j = i; j < a->n_rec; j++) {
            const an_record *r = &a->rec[j];
            if (used[j] || !same_trained(r, t)) continue;
            used[j] = 1;
            for (int k = 0; k < MLPV_RIVAL_COUNT; k++) if (isfinite(r->rival[k])) rv[k][nrv[k]++] = r->rival[k];
            int failed = r->diverged || !isfinite(r->test_accuracy);
            acc[t->n] = failed ? 0.5 : r->test_accuracy;
            success += !failed && r->test_accuracy >= a->success_threshold;
            diverged += r->diverged;
            for (int l = 0; l < t->n_layers && l < r->layer_grad_norm.n; l++) t->grad_mean[l] += r->layer_grad_norm.v[l];
            for (int l = 0; l < r->depth && l < r->layer_dead_fraction.n; l++) t->dead_mean[l] += r->layer_dead_fraction.v[l];
            t->n++;
        }
        for (int k = 0; k < MLPV_RIVAL_COUNT; k++) {     /* undefined draws (e.g. NASWOT's -inf) are left out */
            t->rival[k] = nrv[k] ? mlpv_summarize(rv[k], (size_t)nrv[k]).median : NAN;
            free(rv[k]);
        }
        for (int l = 0; l < t->n_layers; l++) t->grad_mean[l] /= t->n;
        for (int l = 0; l < t->depth; l++) t->dead_mean[l] /= t->n;
        t->acc_mean = mlpv_mean_ci(acc, (size_t)t->n, a->bootstrap, a->seed + (unsigned long long)a->n_trained,
                                   0.95, &t->acc_lo, &t->acc_hi);
        t->success = (double)success / t->n;
        mlpv_wilson(success, t->n, MLPV_Z95, &t->success_lo, &t->success_hi);
        t->diverged_rate = (double)diverged / t->n;
        t->init = init_of(a, r0);
    }
    free(acc);
    free(used);
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
    build_init(a);
    build_trained(a);
    analysis_claims(a);
    analysis_predict(a);
    return 0;
}

void analysis_free(analysis *a)
{
    results_free(&a->res);
    for (int i = 0; i < a->n_init; i++) free(a->init[i].v);
    free(a->init);
    for (int i = 0; i < a->n_trained; i++) { free(a->trained[i].grad_mean); free(a->trained[i].dead_mean); }
    free(a->trained);
    free(a->claims);
    free(a->predict);
    memset(a, 0, sizeof *a);
}
