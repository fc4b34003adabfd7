/* Private to the report writer: report.c (the run's facts, summary.json and
 * the order of writing), report_sections.c (the text of report.md and
 * report.html), report_doc.c (report.md and report.html side by side) and
 * report_tables.c (the rows of the CSV files and summary.json). */
#ifndef MLPVAR_REPORT_INTERNAL_H
#define MLPVAR_REPORT_INTERNAL_H

#include "analysis.h"
#include "json_out.h"

#include <stdio.h>

/* ---- the two documents (report_doc.c) ---- */

typedef struct {
    FILE *md, *html;
} doc;
#define CELL 512 /* bytes of a table cell */

/* HTML text with `code` and **bold** spans (the markdown subset the report uses). */
void doc_html_inline(FILE *f, const char *s);
void doc_h(doc *d, int level, const char *text);
void doc_p(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_list(doc *d, int open); /* open (1) or close (0) a list */
void doc_li(doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void doc_table(doc *d, int nc, const char *const *head);
void doc_row(doc *d, int nc, char (*cells)[CELL], const char *cls); /* cls: the HTML row class, or NULL */
void doc_table_end(doc *d);
void doc_fig(doc *d, const char *file, const char *caption);
/* A number for reading (%.3g, "n/a" for NaN) into buf[32]; returns buf. */
const char *doc_g3(char *buf, double v);
/* "v [lo, hi]" (just v when both ends are NaN) into out[CELL]. */
void doc_ci(char *out, const char *v, double lo, double hi);
/* A budget, or "- (fixed width)" for 0, into out[CELL]. */
void doc_budget(char *out, long budget);

/* ---- rows of the CSV files and summary.json (report_tables.c) ---- */

enum { K_STR, K_NUM, K_INT };
typedef struct {
    const char *key;
    int kind;
    const char *s;
    double d;
    long l;
} cell;
#define MAX_CELLS 24
typedef int (*cells_fn)(const void *item, cell *c); /* an item's cells; returns their count */
typedef struct {
    const char *name, *json;
    const void *items;
    size_t size;
    int n;
    cells_fn fn;
} table_def;

#define REPORT_TABLES 5
/* The tables (claims, predictive, regret, init, trained) into t[REPORT_TABLES]. */
int report_tables(const analysis *a, table_def *t);
/* Writes dir/<t->name>. 0, or -1 with errno set. */
int report_write_csv(const char *dir, const table_def *t);
/* A row as one JSON object (the same numbers as its CSV row). */
void report_json_row(json_obj *j, const cell *c, int nc);

/* ---- the run's facts (report.c), read by the documents (report_sections.c) ---- */

typedef struct {
    long *v;
    int n, cap;
} lset; /* a sorted set of longs */

#define MAX_NAMES 64
typedef struct {
    char v[MAX_NAMES][AN_TASK_LABEL + 32];
    int n;
} sset; /* a set of names in order of appearance */

typedef struct {
    long n_trained_rec, n_diverged_rec, n_init_rec, draws_total;
    int draws_min, draws_max, seeds_min, seeds_max;
    lset parts, budgets, depths, grids, orders;
    sset acts, tasks;
    int verdicts[4];
    char vk[16]; /* "V3", or "V_k" when the orders differ */
} run_facts;

/* Writes report.md and report.html, every section, to md and html (report_sections.c). */
void report_write_doc(const analysis *a, const run_facts *r, const report_figures *fg, FILE *md, FILE *html);

#endif
