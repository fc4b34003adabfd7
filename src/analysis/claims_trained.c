/* mlpvar analyze: claim C5, "V3 at init predicts trainability", on the trained
 * configurations: per task, judged by the measure its records name (mean test
 * accuracy, or mean -test loss for real-valued targets), then pooled over the
 * tasks of each measure (docs/claims.md). The interval resamples configurations. */
#include "analysis_internal.h"

#include "mlpvar/correlation.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trained configuration t is in C5's slice: one task (ref), or every task judged by m. */
static int in_slice(const an_trained *t, const an_trained *ref, an_measure m)
{
    return t->init && !isnan(t->tr_mean) && (ref ? an_same_task(t, ref) : t->measure == m);
}

/* C5 on the configurations of task ref, or (ref NULL) of every task judged by m. */
static void claim_c5(analysis *a, const an_trained *ref, an_measure m)
{
    size_t cap = (size_t)a->n_trained + 1;
    double *x = malloc(sizeof(double) * cap), *y = malloc(sizeof(double) * cap), *d = malloc(sizeof(double) * cap);
    if (!x || !y || !d) {
        free(x);
        free(y);
        free(d);
        a->failed = 1;
        return;
    }
    size_t n = 0;
    int best = -1;
    for (int i = 0; i < a->n_trained; i++) {
        const an_trained *t = &a->trained[i];
        if (!in_slice(t, ref, m)) continue;
        x[n] = t->init->v_median;
        y[n] = t->tr_mean;
        d[n] = t->depth;
        n++;
        if (best < 0 || t->tr_mean > a->trained[best].tr_mean) best = i;
    }
    /* Where the best configuration falls in `mlpvar advise`'s ranking
     * (score = median V3 x (1 - C2C probability)) among these configurations. */
    int rank = 1;
    if (best >= 0) {
        const an_trained *b = &a->trained[best];
        double sb = b->init->v_median * (1.0 - b->init->c2c);
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            if (in_slice(t, ref, m)) rank += t->init->v_median * (1.0 - t->init->c2c) > sb;
        }
    }
    char slice[AN_TASK_LABEL + 64], stat[160];
    if (ref) {
        char ts[AN_TASK_LABEL + 32];
        an_task_slice(ref, ts, sizeof ts);
        snprintf(slice, sizeof slice, "task %s", ts);
    } else {
        snprintf(slice, sizeof slice, "all tasks pooled (%s)", an_measure_name(m));
    }
    snprintf(stat, sizeof stat, "Spearman(V3 at init, %s) over configurations", an_measure_words(m));
    double lo = NAN, hi = NAN;
    /* the seed of predictive power's V3 row on the same slice: the same interval */
    uint64_t seed = an_bootstrap_seed(a, "V3", ref ? ref->task_label : "all", m);
    double v =
        n >= 4 ? mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, n, a->bootstrap, seed, 0.95, &lo, &hi, NULL) : NAN;
    an_claim *c = an_add_claim(a, "C5", ref ? AN_SLICE_TASK : AN_SLICE_POOLED, slice, stat, v, lo, hi,
                               n < 4 ? AN_NO_DATA : an_verdict_of(v, lo, hi, +1, 0));
    if (best >= 0)
        AN_DETAIL(c,
                  "%zu configurations; depth alone gives %.2f; the best (%s, depth %d, %s %.3g) ranks %d of %zu "
                  "by the advise score",
                  n, n >= 2 ? mlpv_spearman(d, y, n) : NAN, a->trained[best].activation, a->trained[best].depth,
                  an_measure_name(m), a->trained[best].tr_mean, rank, n);
    else AN_DETAIL(c, "no trained configuration with an at-init aggregate and a finite %s", an_measure_name(m));
    free(x);
    free(y);
    free(d);
}

void analysis_claims_c5(analysis *a)
{
    int *tasks, nt = an_tasks(a, &tasks);
    if (nt < 0) {
        a->failed = 1;
        return;
    }
    for (int k = 0; k < nt; k++) claim_c5(a, &a->trained[tasks[k]], a->trained[tasks[k]].measure);
    free(tasks);
    for (int m = 0; m < AN_MEASURE_COUNT; m++)
        if (an_has_measure(a, (an_measure)m)) claim_c5(a, NULL, (an_measure)m);
}
