/* The at-init scores that the predictive-power table (predict.c) and the
 * regret of advice (regret.c) judge, each with the direction in which it
 * predicts trainability (docs/claims.md, "The scores"). */
#include "analysis_internal.h"

#include "mlpvar/rivals.h"
#include "mlpvar/rng.h"
#include "mlpvar/metrics.h"
#include "mlpvar/theory.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double sc_v3(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->init ? t->init->v_median : NAN;
}
static double sc_advise(const an_trained *t, int i, const analysis *a, int k) /* mlpvar advise's score */
{
    (void)i;
    (void)a;
    (void)k;
    return t->init ? t->init->v_median * (1.0 - t->init->c2c) : NAN;
}
static double sc_rho(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->init ? t->init->rho_median : NAN;
}
static double sc_c2c(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->init ? t->init->c2c : NAN;
}
static double sc_ar(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->activation_ratio;
}
static double sc_depth(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->depth;
}
static double sc_width(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return t->width;
}
static double sc_params(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return (double)t->params;
}
static double sc_random(const an_trained *t, int i, const analysis *a, int k)
{
    (void)t;
    (void)k;
    return (double)(mlpv_mix64(a->seed ^ 0x52414E44ull ^ (uint64_t)i) >> 11) * 0x1p-53; /* a fixed random score */
}
static double sc_rival(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    return t->rival[k];
}

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
    (void)i;
    (void)a;
    (void)k;
    return theory_depth(t->activation, 0) - t->depth;
}
static double sc_theory_c2c(const an_trained *t, int i, const analysis *a, int k)
{
    (void)i;
    (void)a;
    (void)k;
    return theory_depth(t->activation, 1) - t->depth;
}

int an_scores(an_score *out)
{
    /* sign: +1 a higher score predicts a better trained network, -1 a lower one,
     * 0 none (the random baseline). Rivals are all higher-is-better (rivals.h). */
    static const an_score fixed[] = {
        { "V3", sc_v3, 0, +1 },
        { "V3 x (1 - C2C)", sc_advise, 0, +1 },
        { "collapse ratio", sc_rho, 0, +1 }, /* further from collapse to constant */
        { "C2C probability", sc_c2c, 0, -1 }, /* collapsed draws cannot fit anything */
        { "activation ratio", sc_ar, 0, +1 }, /* the paper: more activations, more variability */
        { "theory 6xi_c - depth", sc_theory_trainable, 0, +1 },
        { "theory C2C depth - depth", sc_theory_c2c, 0, +1 },
        { "depth", sc_depth, 0, -1 }, /* the shallow-first baseline */
        { "width", sc_width, 0, +1 },
        { "parameters", sc_params, 0, +1 },
        { "random", sc_random, 0, 0 },
    };
    int n = 0;
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) out[n++] = fixed[i];
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) out[n++] = (an_score){ mlpv_rival_name((mlpv_rival)k), sc_rival, k, +1 };
    return n;
}
