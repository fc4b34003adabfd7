/* Reading DIR/results.jsonl back: each line parsed with libyaml (our JSON lines
 * are also YAML flow mappings) into flat fields. */
#ifndef MLPVAR_RESULTS_FILE_H
#define MLPVAR_RESULTS_FILE_H

#include <stddef.h>

typedef struct {
    char *key;
    char *value;             /* a scalar's text, or a sequence's items joined by ';' */
    int is_list;             /* 0 for a scalar; 1 + number of items for a list */
} result_field;

typedef struct {
    result_field *f;
    int n;
} result_record;

/* The field's text, or NULL. */
const char *result_get(const result_record *r, const char *key);
/* The field as a number; NAN if missing, null or not a number. */
double result_num(const result_record *r, const char *key);

/* Calls fn for every complete record of path, in file order. Returns the number
 * of records, or -1 with err (file missing, a line that does not parse: file
 * and line named). A torn last line (no newline) is skipped, as the store does. */
typedef void (*result_fn)(void *ctx, const result_record *r);
long results_read(const char *path, result_fn fn, void *ctx, char *err, size_t errlen);

#endif
