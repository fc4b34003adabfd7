/* mlpvar analyze: what a sweep's records say about the paper's claims.
 * analysis.c loads DIR/results.jsonl and computes everything below from the data;
 * report.c writes it out (report.md, report.html, CSV tables, summary.json,
 * gnuplot figures). Nothing here is written by hand. */
#ifndef MLPVAR_ANALYSIS_H
#define MLPVAR_ANALYSIS_H

#include <stddef.h>

#include "mlpvar/rivals.h"
#include "results.h"

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
    long activations;              /* depth * width */
    int n;                         /* draws */
    double *v;                     /* [n] variabilities, sorted ascending */
    double v_median, v_q25, v_q75;
    double rho_median;
    long collapsed;
    double c2c, c2c_lo, c2c_hi;    /* Wilson 95% */
    double dead_last;              /* mean dead fraction of the last hidden layer */
} an_init;

/* Trained aggregate of one (task, knob, activation, depth, width, budget). */
typedef struct {
    char task[24];
    int knob;
    char activation[24];
    int depth, width;
    long budget, params;
    double activation_ratio;
    int n;                         /* trained seeds */
    double acc_mean, acc_lo, acc_hi;          /* bootstrap 95% of the mean */
    double success, success_lo, success_hi;   /* accuracy >= threshold, Wilson 95% */
    double diverged_rate;
    const an_init *init;           /* its at-init aggregate (V3 from every draw), or NULL */
    double rival[MLPV_RIVAL_COUNT];   /* median over seeds of each rival score (NaN when absent) */
    double *grad_mean, *dead_mean; int n_layers;   /* per-layer means at init over seeds */
} an_trained;

typedef enum { AN_HOLDS, AN_FAILS, AN_INCONCLUSIVE, AN_NO_DATA } an_verdict;
const char *an_verdict_name(an_verdict v);    /* "holds", "does not hold", "inconclusive", "no data" */

/* What a claim row is about; the overall rows count the relu and abs series,
 * the pairs, the tasks and the pool. */
typedef enum {
    AN_SLICE_SERIES,               /* one activation at one budget (or width), over depths */
    AN_SLICE_PAIR,                 /* relu vs abs at one budget (or width) */
    AN_SLICE_TASK,                 /* the trained configurations of one task */
    AN_SLICE_POOLED,               /* every trained configuration */
    AN_SLICE_OVERALL               /* the claim's verdict over its counted rows */
} an_slice;

/* One claim's test on one slice of the data (e.g. C1 for relu at budget 10000). */
typedef struct {
    char claim[4];                 /* "C1".."C5" */
    an_slice kind;
    char activation[24];           /* AN_SLICE_SERIES: the activation */
    long budget;                   /* AN_SLICE_SERIES: the budget (0: a fixed width) */
    char slice[96];                /* "relu, budget 10000", for people */
    char statistic[160];           /* what is measured, in words */
    double value, lo, hi;          /* the statistic and its 95% bootstrap interval */
    an_verdict verdict;
    char detail[256];              /* the numbers behind the verdict, in words */
} an_claim;

/* A row of the predictive-power table. */
typedef struct {
    char score[40];                /* "V3", "collapse ratio", "depth", "random", a rival, ... */
    char slice[64];                /* "all", "relu", "checkerboard:8", ... */
    int n;                         /* configurations */
    double spearman, sp_lo, sp_hi;
    double kendall, kd_lo, kd_hi;
    double partial, pa_lo, pa_hi;  /* Spearman partial correlation controlling for depth */
} an_predict;

typedef struct {
    const char *dir;
    results res;                   /* the store's records (results_load) */
    const an_record *rec; long n_rec;   /* res.rec, or records built by a test */
    long n_failed;                 /* records with status "failed": left out of everything below */
    an_init *init; int n_init;
    an_trained *trained; int n_trained;
    an_claim *claims; int n_claims; size_t claims_cap;
    an_predict *predict; int n_predict; size_t predict_cap;
    int failed;                    /* out of memory while computing (analysis_run returns -1) */
    double success_threshold;      /* accuracy counted as success (default 0.75) */
    int bootstrap;                 /* resamples (default 1000) */
    unsigned long long seed;       /* bootstrap seed */
} analysis;

/* Loads DIR/results.jsonl by the store's rules (results.h) and computes
 * aggregates, claims and predictive power. Returns 0; -2 with one line in err
 * when DIR is not a store or holds no records; -1 on a read error. */
int analysis_run(analysis *a, const char *dir, char *err, size_t errlen);
void analysis_free(analysis *a);

/* Writes out_dir (DIR/report): report.md, report.html, *.csv, summary.json, *.png.
 * Returns 0, or -1 with one line in err. */
int report_write(const analysis *a, const char *out_dir, char *err, size_t errlen);


/* ---- report: shared by report.c and report_plots.c (added by the report writer) ---- */
typedef enum { RP_GALLERY, RP_V3_DEPTH, RP_C2C_DEPTH, RP_ACC_DEPTH, RP_V3_ACC, RP_LAYERS, RP_COUNT } report_fig;
typedef struct {
    int gnuplot;                   /* 1 when gnuplot was found on PATH */
    int written[RP_COUNT];         /* 1 when DIR/report/<file> was written */
    char note[RP_COUNT][200];      /* why a figure is missing ("" when written) */
    char caption[RP_COUNT][400];   /* what a written figure shows */
} report_figures;
/* "gallery.png", "v3_depth.png", ... */
const char *report_fig_file(report_fig f);
/* Spearman rho of (median V3 at init, mean test accuracy) over the trained
 * configurations where both are finite (the data of v3_accuracy.png); *n gets
 * their count. NaN when n < 2. */
double report_v3_accuracy_rho(const analysis *a, int *n);
/* Draws every figure it has data for into out_dir (which must exist) with gnuplot;
 * never fails: what it could not draw is said in figs->note. */
void report_plots(const analysis *a, const char *out_dir, report_figures *figs);

#endif
