/* mlpvar analyze, part 3: the predictive-power table: for every at-init score
 * and every slice (all, per activation, per task), rank correlations with the
 * mean test accuracy over trained configurations, with bootstrap intervals,
 * and the partial Spearman given depth (docs/claims.md). */
#include "analysis_internal.h"

#include "mlpvar/correlation.h"
#include "mlpvar/metrics.h"
#include "mlpvar/grow.h"
#include "mlpvar/rng.h"
#include "mlpvar/rivals.h"
#include "mlpvar/theory.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    if (!x || !y || !z) { free(x); free(y); free(z); a->failed = 1; return; }
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
        if (MLPV_GROW(a->predict, a->predict_cap, a->n_predict + 1)) { a->failed = 1; break; }
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

int analysis_predict(analysis *a)
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
    return a->failed ? -1 : 0;
}
