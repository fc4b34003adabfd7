/* The ETA of a sweep, learned from measured item times. The cost model
 * (plan_item_cost, in flop-equivalents) is the prior; for each kind of item
 * (plan_item_kind: part x trained or not x activation) an item's seconds are
 * learned from the items done so far: a x flops + b (least squares) once the
 * kind has 3 items of different costs, else b = 0 and a its seconds per flop,
 * shrunk towards the pooled rate while it has few observations. The
 * wall-clock rate of the whole run corrects for idle workers and overheads. */
#ifndef MLPVAR_ETA_H
#define MLPVAR_ETA_H

typedef struct {
    int kinds, workers;
    double *seen_sec, *seen_cost; /* [kinds]: measured seconds and predicted flops of done items */
    double *left_cost, *left_n; /* [kinds]: predicted flops and count of items not yet done */
    double *n, *sxx, *sxy; /* [kinds]: least-squares sums of done items (x = flops, y = seconds) */
    double prior_rate; /* seconds per flop before anything is measured */
} eta_model;

/* 0, or -1 when out of memory. */
int eta_init(eta_model *m, int kinds, int workers);
void eta_free(eta_model *m);
void eta_add_todo(eta_model *m, int kind, double cost);
/* An item of `kind` and predicted `cost` finished in `seconds` of worker time. */
void eta_done(eta_model *m, int kind, double cost, double seconds);
/* Seconds per flop for `kind` as learned so far (the ratio model). */
double eta_rate(const eta_model *m, int kind);
/* The predicted seconds of one item of `kind` and cost `cost`. */
double eta_item_seconds(const eta_model *m, int kind, double cost);
/* Estimated seconds of wall time left, given the run's wall time so far;
 * negative when nothing is measured yet. */
double eta_seconds(const eta_model *m, double wall_elapsed);

#endif
