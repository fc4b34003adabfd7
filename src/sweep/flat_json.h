/* Reading a small flat JSON object ({"key": scalar, ...}: manifest.json,
 * progress.json) with libyaml: every member a string, number, bool or null. */
#ifndef MLPVAR_FLAT_JSON_H
#define MLPVAR_FLAT_JSON_H

#include <stddef.h>

#define FLAT_JSON_MAX 32

typedef struct {
    int n;
    char *key[FLAT_JSON_MAX];
    char *val[FLAT_JSON_MAX]; /* the scalar's text */
    int quoted[FLAT_JSON_MAX]; /* 1 for a string, 0 for a number, bool or null */
} flat_json;

/* Parses text; 0, or -1 with one line in err (not a flat object, too many members, OOM). */
int flat_json_parse(const char *text, size_t len, flat_json *o, char *err, size_t errlen);
/* The string member key, or NULL when absent or not a string. */
const char *flat_json_str(const flat_json *o, const char *key);
/* The number member key into *out: 0, or -1 when absent or not a number. */
int flat_json_num(const flat_json *o, const char *key, double *out);
void flat_json_free(flat_json *o);

#endif
