/* mlpvar analyze, part 3: the predictive-power table: for every at-init score
 * (scores.c) and every slice (all, per activation, per task), rank correlations
 * with the mean of the trainability measure over trained configurations, with
 * bootstrap intervals, and the partial Spearman given depth (docs/claims.md).
 * A slice never mixes measures: "all" and the activations come once per
 * measure present, a task is judged by the measure its records name. */
#include "analysis_internal.h"

#include "mlpvar/correlation.h"
#include "mlpvar/grow.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which configurations a slice holds (ctx: the slice's own data). */
typedef int (*slice_fn)(const an_trained *t, const void *ctx);

static void predict_slice(analysis *a, const char *slice, an_measure m, slice_fn in, const void *ctx)
{
    size_t cap = (size_t)a->n_trained + 1;
    double *x = malloc(sizeof(double) * cap), *y = malloc(sizeof(double) * cap), *z = malloc(sizeof(double) * cap);
    if (!x || !y || !z) {
        free(x);
        free(y);
        free(z);
        a->failed = 1;
        return;
    }
    an_score scores[AN_MAX_SCORES];
    int ns = an_scores(scores);
    for (int k = 0; k < ns; k++) {
        size_t n = 0;
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            if (t->measure != m || !in(t, ctx)) continue;
            double s = scores[k].fn(t, i, a, scores[k].k);
            if (isnan(s) || isnan(t->tr_mean)) continue;
            x[n] = s;
            y[n] = t->tr_mean;
            z[n] = t->depth;
            n++;
        }
        if (n < 4) continue;
        if (MLPV_GROW(a->predict, a->predict_cap, a->n_predict + 1)) {
            a->failed = 1;
            break;
        }
        an_predict *p = &a->predict[a->n_predict++];
        memset(p, 0, sizeof *p);
        snprintf(p->score, sizeof p->score, "%s", scores[k].name);
        snprintf(p->slice, sizeof p->slice, "%s", slice);
        p->measure = m;
        p->n = (int)n;
        uint64_t seed = an_bootstrap_seed(a, scores[k].name, slice, m);
        p->spearman =
            mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, n, a->bootstrap, seed, 0.95, &p->sp_lo, &p->sp_hi, NULL);
        p->kendall = mlpv_bootstrap_ci(mlpv_stat_kendall_tau_b, x, y, NULL, n, a->bootstrap, seed, 0.95, &p->kd_lo,
                                       &p->kd_hi, NULL);
        p->partial = p->pa_lo = p->pa_hi = NAN;
        if (strcmp(scores[k].name, "depth"))
            p->partial = mlpv_bootstrap_ci(mlpv_stat_partial_spearman, x, y, z, n, a->bootstrap, seed, 0.95, &p->pa_lo,
                                           &p->pa_hi, NULL);
    }
    free(x);
    free(y);
    free(z);
}

static int in_all(const an_trained *t, const void *ctx)
{
    (void)t;
    (void)ctx;
    return 1;
}
static int in_act(const an_trained *t, const void *ctx) { return !strcmp(t->activation, (const char *)ctx); }
static int in_task(const an_trained *t, const void *ctx) { return an_same_task(t, ctx); }

int analysis_predict(analysis *a)
{
    for (int m = 0; m < AN_MEASURE_COUNT; m++) {
        if (!an_has_measure(a, (an_measure)m)) continue;
        predict_slice(a, "all", (an_measure)m, in_all, NULL);
        for (int i = 0; i < a->n_trained; i++) {
            int seen = a->trained[i].measure != (an_measure)m;
            for (int j = 0; j < i && !seen; j++)
                seen = a->trained[j].measure == (an_measure)m &&
                       !strcmp(a->trained[j].activation, a->trained[i].activation);
            if (!seen) predict_slice(a, a->trained[i].activation, (an_measure)m, in_act, a->trained[i].activation);
        }
    }
    int *tasks, nt = an_tasks(a, &tasks);
    if (nt < 0) return -1;
    for (int k = 0; k < nt; k++) {
        const an_trained *t = &a->trained[tasks[k]];
        predict_slice(a, t->task_label, t->measure, in_task, t);
    }
    free(tasks);
    return a->failed ? -1 : 0;
}
