/* Private to analysis.c and analysis_claims.c. */
#ifndef MLPVAR_ANALYSIS_INTERNAL_H
#define MLPVAR_ANALYSIS_INTERNAL_H

#include "analysis.h"

/* C1-C5 with bootstrap intervals and verdicts into a->claims. */
void analysis_claims(analysis *a);
/* The predictive-power table into a->predict. */
void analysis_predict(analysis *a);

#endif
