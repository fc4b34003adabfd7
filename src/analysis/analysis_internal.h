/* Private to the analysis: analysis.c, claims*.c, predict.c, regret.c, scores.c. */
#ifndef MLPVAR_ANALYSIS_INTERNAL_H
#define MLPVAR_ANALYSIS_INTERNAL_H

#include "analysis.h"
#include "record_schema.h"

#include <stdint.h>
#include <stdio.h>

/* C1-C5 with bootstrap intervals and verdicts into a->claims (claims.c).
 * 0, or -1 when out of memory. */
int analysis_claims(analysis *a);
/* C5 per task and pooled per measure (claims_trained.c); a->failed on OOM. */
void analysis_claims_c5(analysis *a);
/* The bootstrap seed of a rank correlation with the measure m over trained
 * configurations: a->seed mixed with the statistic's name (a score's name) and
 * the slice ("all", an activation, a task label), so one statistic on one
 * slice gets the same resamples wherever it is computed (C5 = predictive
 * power's V3 row) and the tables do not depend on which rows come first. */
uint64_t an_bootstrap_seed(const analysis *a, const char *stat, const char *slice, an_measure m);
/* The predictive-power table into a->predict (predict.c). 0, or -1 (OOM). */
int analysis_predict(analysis *a);
/* The regret of advice into a->regret (regret.c). 0, or -1 (OOM). */
int analysis_regret(analysis *a);

/* ---- claim rows (claims.c), shared with claims_trained.c ---- */

/* sign = +1: the claim says the statistic is > 0; -1: < 0. strict: an upper
 * end of exactly 0 already means "does not hold" (C1). */
an_verdict an_verdict_of(double value, double lo, double hi, int sign, int strict);
/* Appends a claim row; NULL (and a->failed) when out of memory. */
an_claim *an_add_claim(analysis *a, const char *claim, an_slice kind, const char *slice, const char *statistic,
                       double value, double lo, double hi, an_verdict v);
/* The detail column of a claim row (nothing when the row could not be added). */
#define AN_DETAIL(c, ...)                                                                                              \
    do {                                                                                                               \
        if (c) snprintf((c)->detail, sizeof(c)->detail, __VA_ARGS__);                                                  \
    } while (0)

/* ---- the at-init series and their bootstrap (claims_series.c), shared with claims.c ---- */

#define MAX_SERIES_DEPTHS RECORD_MAX_DEPTH /* the reader refuses deeper records; a budget fixes the width */

/* The at-init aggregates of one (activation, budget), by depth; or, for C3w,
 * of one (activation, depth) at fixed widths, by width. */
typedef struct {
    const an_init *g[MAX_SERIES_DEPTHS];
    int n;
    char activation[24];
    long budget; /* 0 for a fixed-width series */
    int width; /* the fixed width, 0 for a budget series */
    int depth; /* a series over widths: its fixed depth; 0 for a series over depths */
} series;
/* A statistic of ns series given their per-depth medians and C2C fractions. */
typedef double (*series_stat)(const series *s, int ns, double *const *med, double *const *c2c, const void *ctx);

/* qsort's comparison of doubles, ascending. */
int an_cmp_double(const void *x, const void *y);
/* A series' size: its budget, or minus its width for fixed-width sweeps (budget 0). */
long an_size_key(const an_init *g);
/* The series of (activation, size key) by depth, at the largest grid present for them. */
series an_series_of(const analysis *a, const char *act, long key);
/* The fixed-width series of (activation, depth) by width, at the largest grid present for them. */
series an_widths_of(const analysis *a, const char *act, int depth);
/* Point estimate and 95% percentile interval of f over a->bootstrap resamples of ns (1 or 2) series. */
double an_boot_series(analysis *a, const series *s, int ns, series_stat f, const void *ctx, uint64_t stream, double *lo,
                      double *hi);

/* ---- the at-init scores (scores.c) ---- */

/* A score of trained configuration index (t = &a->trained[index]); k is the
 * score's own parameter (a rival's index). NaN where it is not defined. */
typedef double (*an_score_fn)(const an_trained *t, int index, const analysis *a, int k);
typedef struct {
    const char *name; /* "V3", "V3 x (1 - C2C)", "depth", a rival's name, ... */
    an_score_fn fn;
    int k;
    int sign; /* +1: higher predicts better; -1: lower; 0: no preference (random) */
} an_score;
#define AN_MAX_SCORES (16 + MLPV_RIVAL_COUNT)
/* The scores in table order into out[AN_MAX_SCORES]; returns their count. */
int an_scores(an_score *out);

#endif
