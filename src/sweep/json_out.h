/* The one JSON writer of mlpvar: records, --json outputs, summary.json.
 * Numbers as %.17g (exact round trip), non-finite numbers as null, ", " and
 * ": " separators (so a one-line object is also a YAML flow mapping, which
 * the record reader relies on). Objects and arrays nest up to JSON_MAX_DEPTH;
 * an array or object opened with `multiline` puts each element on its own
 * line, indented by depth. Inside an array, pass key = NULL. */
#ifndef MLPVAR_JSON_OUT_H
#define MLPVAR_JSON_OUT_H

#include <stdio.h>

#define JSON_MAX_DEPTH 8

typedef struct {
    FILE *f;
    int depth; /* open objects and arrays */
    unsigned char first[JSON_MAX_DEPTH]; /* nothing written yet at this level */
    unsigned char multiline[JSON_MAX_DEPTH];
} json_obj;

void json_begin(json_obj *j, FILE *f); /* '{' of a top-level object */
void json_begin_multiline(json_obj *j, FILE *f); /* the same, one member per line */
void json_end(json_obj *j); /* closes it and ends the line */

void json_str(json_obj *j, const char *key, const char *val); /* val NULL: null */
void json_num(json_obj *j, const char *key, double val);
void json_int(json_obj *j, const char *key, long val);
void json_bool(json_obj *j, const char *key, int val);
void json_null(json_obj *j, const char *key);
void json_array(json_obj *j, const char *key, const double *v, int n); /* numbers */

void json_open_object(json_obj *j, const char *key, int multiline);
void json_close_object(json_obj *j);
void json_open_array(json_obj *j, const char *key, int multiline);
void json_close_array(json_obj *j);

/* A JSON string literal of s (quotes included) to f. */
void json_write_string(FILE *f, const char *s);

#endif
