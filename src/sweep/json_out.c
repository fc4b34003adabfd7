#include "json_out.h"

#include <math.h>

static void key(json_obj *j, const char *k)
{
    fprintf(j->f, "%s\"%s\": ", j->first ? "" : ", ", k);
    j->first = 0;
}

static void num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.17g", v); else fputs("null", f);
}

void json_begin(json_obj *j, FILE *f) { j->f = f; j->first = 1; fputc('{', f); }

void json_str(json_obj *j, const char *k, const char *val)
{
    key(j, k);
    fputc('"', j->f);
    for (const char *p = val; *p; p++) {
        if (*p == '"' || *p == '\\') fputc('\\', j->f);
        if ((unsigned char)*p < 0x20) fprintf(j->f, "\\u%04x", (unsigned char)*p);
        else fputc(*p, j->f);
    }
    fputc('"', j->f);
}

void json_num(json_obj *j, const char *k, double val) { key(j, k); num(j->f, val); }
void json_int(json_obj *j, const char *k, long val) { key(j, k); fprintf(j->f, "%ld", val); }
void json_bool(json_obj *j, const char *k, int val) { key(j, k); fputs(val ? "true" : "false", j->f); }

void json_array(json_obj *j, const char *k, const double *v, int n)
{
    key(j, k);
    fputc('[', j->f);
    for (int i = 0; i < n; i++) { if (i) fputs(", ", j->f); num(j->f, v[i]); }
    fputc(']', j->f);
}

void json_end(json_obj *j) { fputs("}\n", j->f); }
