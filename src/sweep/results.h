/* Reading a results store, DIR/results.jsonl, by the store's rules (the same
 * for the sweep's resume, `mlpvar results`, `mlpvar analyze` and
 * analysis/mlpvar_results.py; docs/records.md):
 *   1. Only complete lines count (ending in '\n'). A torn last line is a write
 *      cut short by a kill: readers skip it, the sweep cuts it.
 *   2. A complete line that is not a complete record of this sweep (not a JSON
 *      object, a field missing or of the wrong type, another sweep's name)
 *      never counts: readers skip it with a warning naming its line, the sweep
 *      moves it to DIR/quarantine.jsonl and recomputes its key.
 *   3. For a key that appears more than once, the latest complete record wins.
 * A folder is a store when it holds manifest.json (written by the sweep) and
 * a regular file results.jsonl. */
#ifndef MLPVAR_RESULTS_H
#define MLPVAR_RESULTS_H

#include <stddef.h>

#include "record_schema.h"

/* What a reading ignored, and why. */
typedef struct {
    long lines; /* complete lines */
    long torn_bytes; /* bytes of a torn last line (0: none) */
    long bad; /* complete lines that are not complete records of this sweep */
    long blank; /* of those, empty or whitespace-only lines */
    long superseded; /* records replaced by a later record of the same key */
    long first_bad_line; /* 1-based, 0 if none */
    char first_bad_why[256];
} results_stats;

/* Called for each complete line in file order: r is the record, or NULL when
 * the line is not a complete record of this sweep (why says what is wrong).
 * offset and len locate the line (newline included). Returns 0 to go on, 1
 * when it keeps r (then it owns r and frees it with record_free), -1 to stop
 * with an error. */
typedef int (*results_line_fn)(void *ctx, long lineno, long offset, const char *line, size_t len, record *r,
                               const char *why);

/* Scans path line by line with fn. sweep_name: records of another sweep are
 * not this store's (NULL: any). Returns 0, or -1 with err (cannot read, or
 * fn returned -1). st (may be NULL) gets the counts but superseded. */
int results_scan(const char *path, const char *sweep_name, results_line_fn fn, void *ctx, results_stats *st, char *err,
                 size_t errlen);

/* A store's records by the rules: the latest complete record of every key, in
 * the file order of those records. */
typedef struct {
    record *rec;
    long n;
    char sweep[256]; /* the manifest's sweep name */
    results_stats st;
} results;

/* Returns 0; -2 when dir is not a store (err says why: give a sweep's --out
 * folder); -1 on a read error or out of memory (err, with strerror). */
int results_load(const char *dir, results *out, char *err, size_t errlen);
void results_free(results *res);

/* One line for stderr on what a reading ignored ("" when nothing was). */
void results_stats_line(const results_stats *st, const char *path, char *buf, size_t len);

#endif
