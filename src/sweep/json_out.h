/* Minimal JSON-lines writer: one object per line, numbers as %.17g (exact round
 * trip), NaN as null, ", " and ": " separators (so a line is also valid YAML). */
#ifndef MLPVAR_JSON_OUT_H
#define MLPVAR_JSON_OUT_H

#include <stdio.h>

typedef struct { FILE *f; int first; } json_obj;

void json_begin(json_obj *j, FILE *f);
void json_str(json_obj *j, const char *key, const char *val);
void json_num(json_obj *j, const char *key, double val);
void json_int(json_obj *j, const char *key, long val);
void json_bool(json_obj *j, const char *key, int val);
void json_array(json_obj *j, const char *key, const double *v, int n);
void json_end(json_obj *j);    /* closes the object and the line */

#endif
