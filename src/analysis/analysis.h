/* mlpvar analyze: what a sweep's records say about the paper's claims.
 * analysis.c loads DIR/results.jsonl and computes everything below from the data;
 * report.c writes it out (report.md, report.html, CSV tables, summary.json,
 * gnuplot figures). Nothing here is written by hand. */
#ifndef MLPVAR_ANALYSIS_H
#define MLPVAR_ANALYSIS_H

#include <stddef.h>

#include "mlpvar/rivals.h"
#include "results.h"
#include "task_label.h"

#define AN_MAX_LAYERS 512

/* One record of results.jsonl (record_schema.h: the one schema). */
typedef record an_record;

/* At-init aggregate of one shape: (activation, depth, width, budget, grid), draws
 * pooled over parts and deduplicated by seed (same shape and seed = same network). */
typedef struct {
    char activation[24];
    int depth, width, grid;
    long budget, params;
    double activation_ratio;
    long activations; /* depth * width */
    int n; /* draws */
    double *v; /* [n] variabilities, sorted ascending */
    double v_median, v_q25, v_q75;
    double rho_median;
    long collapsed;
    double c2c, c2c_lo, c2c_hi; /* Wilson 95% */
    double dead_last; /* mean dead fraction of the last hidden layer */
} an_init;

/* The measure of trainability a trained configuration is judged by, named by
 * its records' `trainability`: test accuracy (targets +-1), or minus the test
 * loss (real-valued targets; the test MSE, negated so that higher is better,
 * as every score and statistic here assumes). */
typedef enum { AN_ACCURACY, AN_NEG_TEST_LOSS, AN_MEASURE_COUNT } an_measure;
const char *an_measure_name(an_measure m); /* "accuracy", "-test loss": in slices, rows and captions */
const char *an_measure_key(an_measure m); /* "accuracy", "-test_loss": in CSV cells and summary.json */
const char *an_measure_words(an_measure m); /* "mean test accuracy", "mean -test loss (MSE)" */

/* The task of a trained record, as one string: every place in the analysis
 * that groups, compares or prints tasks goes through it: the label of r's
 * task, unique among the tasks of the analysis (task_label.h: "checkerboard:8",
 * "data.csv", ...). Writes at most len bytes, NUL-terminated. */
#define AN_TASK_LABEL TASK_LABEL_MAX
struct analysis_s;
void an_task_label(const struct analysis_s *a, const record *r, char *buf, size_t len);

/* Trained aggregate of one (task, measure, activation, depth, width, budget). */
typedef struct {
    char task_label[AN_TASK_LABEL]; /* an_task_label of its records */
    an_measure measure; /* its records' trainability */
    char activation[24];
    int depth, width;
    long budget, params;
    double activation_ratio;
    int n; /* trained seeds */
    double *seed_v; /* [n] each seed's value of the measure (a failed run at chance, below) */
    double tr_mean, tr_lo, tr_hi; /* mean of the measure over seeds, bootstrap 95% */
    double r2_mean; /* mean test R^2 over seeds (a failed run: 0); NaN for accuracy */
    double success, success_lo, success_hi; /* accuracy >= threshold, Wilson 95%; NaN for -test loss */
    double diverged_rate;
    const an_init *init; /* its at-init aggregate (V3 from every draw), or NULL */
    double rival[MLPV_RIVAL_COUNT]; /* median over seeds of each rival score (NaN when absent) */
    double *grad_mean, *dead_mean;
    int n_layers; /* per-layer means at init over seeds */
} an_trained;

/* A task of the analysis: its label and its measure (a task whose records name
 * two measures is two tasks). 1 when x and y are configurations of one task. */
int an_same_task(const an_trained *x, const an_trained *y);
/* "checkerboard:8 (accuracy)": the task and the measure it is judged by. */
void an_task_slice(const an_trained *t, char *buf, size_t len);

typedef enum { AN_HOLDS, AN_FAILS, AN_INCONCLUSIVE, AN_NO_DATA } an_verdict;
const char *an_verdict_name(an_verdict v); /* "holds", "does not hold", "inconclusive", "no data" */

/* What a claim row is about; the overall rows count the relu and abs series,
 * the pairs, the tasks and the pool. */
typedef enum {
    AN_SLICE_SERIES, /* one activation at one budget (or width), over depths;
                                      C3w: one activation at one depth, over widths */
    AN_SLICE_PAIR, /* relu vs abs at one budget (or width) */
    AN_SLICE_TASK, /* the trained configurations of one task */
    AN_SLICE_POOLED, /* every trained configuration */
    AN_SLICE_OVERALL /* the claim's verdict over its counted rows */
} an_slice;

/* One claim's test on one slice of the data (e.g. C1 for relu at budget 10000). */
typedef struct {
    char claim[4]; /* "C1".."C5", and "C3w" (C3 over widths at a fixed depth) */
    an_slice kind;
    char activation[24]; /* AN_SLICE_SERIES: the activation */
    long budget; /* AN_SLICE_SERIES: the budget (0: a fixed width) */
    int depth; /* C3w: the fixed depth */
    char slice[AN_TASK_LABEL + 64]; /* "relu, budget 10000", for people */
    char statistic[160]; /* what is measured, in words */
    double value, lo, hi; /* the statistic and its 95% bootstrap interval */
    an_verdict verdict;
    char detail[256]; /* the numbers behind the verdict, in words */
} an_claim;

/* A row of the predictive-power table. */
typedef struct {
    char score[40]; /* "V3", "collapse ratio", "depth", "random", a rival, ... */
    char slice[AN_TASK_LABEL]; /* "all", "relu", "checkerboard:8", ... */
    an_measure measure; /* the trainability measure the scores are correlated with */
    int n; /* configurations */
    double spearman, sp_lo, sp_hi;
    double kendall, kd_lo, kd_hi;
    double partial, pa_lo, pa_hi; /* Spearman partial correlation controlling for depth */
} an_predict;

/* A row of the regret table (docs/claims.md): for one task and one at-init
 * score, how much of the task's best mean trainability is lost by training the
 * configuration the score ranks first (or the best of its first three). */
typedef struct {
    char score[40];
    char task_label[AN_TASK_LABEL];
    an_measure measure;
    int sign; /* +1: the highest score ranks first; -1: the lowest; 0: a random pick */
    int n; /* configurations the score ranks (score and measure defined) */
    int n_task; /* configurations of the task (measure defined) */
    double best; /* the best mean of the measure among the n_task */
    double pick_mean; /* the mean of the configuration ranked first (ties: their average) */
    char pick[96]; /* "relu, depth 4, width 27", or "3 tied: ..." */
    double regret, lo, hi; /* best - pick_mean, percentile 95% over seeds */
    double regret3, lo3, hi3; /* best - (best mean among the first 3), expected over ties */
} an_regret;

/* How a score of this sign ranks: "highest first", "lowest first", "random pick". */
const char *an_direction_name(int sign);

/* The expected best value among the first k of n items ranked by key: the
 * highest key first (sign > 0), the lowest first (sign < 0), or every item
 * tied (sign == 0); items with equal keys come in a uniformly random order,
 * over which the expectation is taken. Items whose key or value is NaN are
 * left out; NaN when none is left (or k < 1). With fewer than k items, the
 * best of them. work: AN_TOPK_WORK(n) bytes of scratch. */
#define AN_TOPK_WORK(n) ((size_t)(n)*2 * sizeof(double) + 1)
double an_topk_expected(const double *key, const double *value, int n, int k, int sign, void *work);

typedef struct analysis_s {
    const char *dir;
    results res; /* the store's records (results_load) */
    const an_record *rec;
    long n_rec; /* res.rec, or records built by a test */
    long n_failed; /* records with status "failed": left out of everything below */
    task_labels tasks; /* the records' tasks and their labels */
    an_init *init;
    int n_init;
    an_trained *trained;
    int n_trained;
    an_claim *claims;
    int n_claims;
    size_t claims_cap;
    an_predict *predict;
    int n_predict;
    size_t predict_cap;
    an_regret *regret;
    int n_regret;
    size_t regret_cap;
    int failed; /* out of memory while computing (analysis_run returns -1) */
    double success_threshold; /* accuracy counted as success (default 0.75) */
    int bootstrap; /* resamples (default 1000) */
    unsigned long long seed; /* bootstrap seed */
} analysis;

/* The tasks of a->trained, in order of appearance: (*first)[k] is the index of
 * the first configuration of task k (free it). Returns their count, or -1 out of
 * memory (*first NULL). */
int an_tasks(const analysis *a, int **first);
/* 1 when some trained configuration is judged by measure m. */
int an_has_measure(const analysis *a, an_measure m);

/* Loads DIR/results.jsonl by the store's rules (results.h) and computes
 * aggregates, claims, predictive power and regret. Returns 0; -2 with one line in err
 * when DIR is not a store or holds no records; -1 on a read error. */
int analysis_run(analysis *a, const char *dir, char *err, size_t errlen);
/* The same from records already in a->rec[a->n_rec] (a test's, built in
 * memory), with a->bootstrap, a->seed and a->success_threshold set and every
 * computed field zero. 0, or -1 out of memory. analysis_free releases what it
 * computed (and a->res, empty here). */
int analysis_compute(analysis *a);
void analysis_free(analysis *a);

/* Writes out_dir (DIR/report): report.md, report.html, *.csv, summary.json, *.png.
 * Returns 0, or -1 with one line in err. */
int report_write(const analysis *a, const char *out_dir, char *err, size_t errlen);

/* ---- report: shared by report.c, report_sections.c and report_plots.c (added by the report writer) ---- */
typedef enum {
    RP_GALLERY,
    RP_V3_DEPTH,
    RP_C2C_DEPTH,
    RP_ACC_DEPTH,
    RP_V3_ACC,
    RP_LAYERS,
    RP_REGRET,
    RP_COUNT
} report_fig;
typedef struct {
    int gnuplot; /* 1 when gnuplot was found on PATH */
    int written[RP_COUNT]; /* 1 when DIR/report/<file> was written */
    char note[RP_COUNT][200]; /* why a figure is missing ("" when written) */
    char caption[RP_COUNT][600]; /* what a written figure shows */
} report_figures;
/* "gallery.png", "v3_depth.png", ... */
const char *report_fig_file(report_fig f);
/* Spearman rho of (median V3 at init, mean of measure m) over the trained
 * configurations judged by m where both are finite (the data of
 * v3_accuracy.png); *n gets their count. NaN when n < 2. */
double report_v3_rho(const analysis *a, an_measure m, int *n);
/* Draws every figure it has data for into out_dir (which must exist) with gnuplot;
 * never fails: what it could not draw is said in figs->note. */
void report_plots(const analysis *a, const char *out_dir, report_figures *figs);

#endif
