/* Private to analysis.c, claims.c and predict.c. */
#ifndef MLPVAR_ANALYSIS_INTERNAL_H
#define MLPVAR_ANALYSIS_INTERNAL_H

#include "analysis.h"

/* C1-C5 with bootstrap intervals and verdicts into a->claims (claims.c).
 * 0, or -1 when out of memory. */
int analysis_claims(analysis *a);
/* The predictive-power table into a->predict (predict.c). 0, or -1 (OOM). */
int analysis_predict(analysis *a);

#endif
