/* The choices of `mlpvar advise` that measure nothing, apart from the
 * measuring so that they can be tested on their own: the advise score of a
 * candidate's draws with a bootstrap interval over the draws, and which
 * candidates lie within the top one's noise and which of them to prefer. */
#ifndef MLPVAR_ADVICE_H
#define MLPVAR_ADVICE_H

#include <stdint.h>

/* The advise score of n draws: median V x (1 - fraction collapsed). Draws
 * whose v is NaN (failed measurements) are left out; NaN when none is left.
 * work: [n] doubles. */
double advice_score(const double *v, const int *collapsed, int n, double *work);

/* The advise score of the draws with its 95% percentile bootstrap interval:
 * B resamples of the n draws with replacement (a draw's V and collapse flag
 * together), each from stream b of mlpv_rng_uniform(seed). Returns the score;
 * *lo = *hi = NaN when it is NaN or B < 1. 0 on success, -1 out of memory. */
int advice_score_ci(const double *v, const int *collapsed, int n, int B, uint64_t seed, double *score, double *lo,
                    double *hi);

typedef struct {
    double score, lo, hi; /* in: the score and its interval */
    int depth; /* in: hidden layers */
    long params; /* in: parameters */
    int near_top; /* out: its interval overlaps the top candidate's */
} advice_candidate;

/* The top candidate is the one with the highest score (the first of equal
 * ones); every candidate whose [lo, hi] overlaps the top's is marked near_top
 * (the top itself included; NaN intervals overlap nothing but themselves).
 * Among the marked, the preferred is the cheapest: fewest layers, then fewest
 * parameters, then the highest score, then the first. Returns the preferred
 * index with the top's in *top; -1 (and *top -1) when no score is finite. */
int advice_prefer(advice_candidate *c, int n, int *top);

#endif
