/* Private to the sweep reader (sweep_file.c, sweep_part.c, sweep_yaml.c): typed values out of a
 * libyaml document, each failure written as one line "FILE:LINE: key 'K': what; fix". */
#ifndef MLPVAR_SWEEP_YAML_H
#define MLPVAR_SWEEP_YAML_H

#include <limits.h>
#include <stddef.h>
#include <yaml.h>

#define SY_NO_MAX LONG_MAX /* no upper limit */
#define SY_MAX_KEYS 12

#include "sweep_source.h"

typedef struct {
    const char *path; /* the sweep file, for messages */
    yaml_document_t *doc;
    char *err;
    size_t errlen;
    sweep_source *src; /* the files in memory (sweep_source.h), or NULL: read from disk */
} sy_ctx;

/* A mapping's values, indexed like the list of valid keys given to sy_read_section. */
typedef struct {
    yaml_node_t *key[SY_MAX_KEYS], *val[SY_MAX_KEYS];
    unsigned long line; /* where the section starts (for missing keys) */
} sy_section;

unsigned long sy_line_of(const yaml_node_t *n); /* 1-based; 1 for NULL */
const char *sy_sval(const yaml_node_t *n);
yaml_node_t *sy_node_at(sy_ctx *c, int id);

/* Writes "PATH:LINE: key 'KEY': message" (no key part when key is NULL) into c->err,
 * newlines flattened. Returns -1. */
int sy_fail_line(sy_ctx *c, unsigned long line, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define SY_FAIL(c, node, key, ...) sy_fail_line((c), sy_line_of(node), (key), __VA_ARGS__)

/* "a, b, c" from a NULL-terminated list, or from fn(0..count-1) when names is NULL. */
const char *sy_join(const char *const *names, const char *(*fn)(int), int count, char *buf, size_t len);

int sy_is_null(const yaml_node_t *n); /* empty, ~ or null, unquoted */

/* "a whole number >= LO" or "a whole number from LO to HI", for messages. */
void sy_int_hint(char *buf, size_t len, long lo, long hi);

/* Scalars: 0, or -1 with the error written. Whole numbers may be written 1e4. */
int sy_get_long(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long *out);
int sy_get_int(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, int *out);
/* A finite number in lo..hi; *_open excludes that end; hi = INFINITY for none. */
int sy_get_double(sy_ctx *c, const yaml_node_t *n, const char *key, double lo, int lo_open, double hi, int hi_open,
                  double *out);
int sy_get_string(sy_ctx *c, const yaml_node_t *n, const char *key, const char **out);

/* A number, a range string "LOW..HIGH" (inclusive) or a non-empty list of both, in
 * the given order, every value in lo..hi and given once. *out is malloc'd. */
int sy_get_long_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long **out, int *count);
int sy_get_int_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, int **out, int *count);

/* Checks that map is a mapping whose keys are all in valid (NULL-terminated, at most
 * SY_MAX_KEYS) and given once; fills sec. `what` names the section in messages, key
 * is the section's own key (NULL at the top level), line where it starts. */
int sy_read_section(sy_ctx *c, yaml_node_t *map, const char *what, const char *key, unsigned long line,
                    const char *const *valid, sy_section *sec);

/* The value of key k in map (first occurrence), or NULL. */
yaml_node_t *sy_lookup(sy_ctx *c, yaml_node_t *map, const char *k);

/* Loads the sweep file c->path into doc within the ceilings of sweep_limits.h,
 * so that a hostile file is refused in milliseconds: a file (not a folder) of
 * at most LIM_MAX_FILE_BYTES, valid UTF-8 without control characters (the
 * error names the line), lists and mappings nested at most LIM_MAX_NESTING
 * deep, no list of more than LIM_MAX_LIST items, a single document. Returns 0
 * (doc loaded; its root is NULL for an empty file; yaml_document_delete it),
 * -1 with the error written (bad input), -2 with the error written when the
 * file cannot be read (a system failure). */
int sy_load(sy_ctx *c, yaml_document_t *doc);

#endif
