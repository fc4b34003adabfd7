#include "json_out.h"

#include <assert.h>
#include <math.h>

void json_write_string(FILE *f, const char *s)
{
    fputc('"', f);
    /* control characters are escaped: C0, DEL and the C1 range U+0080..U+009F
     * (UTF-8 C2 80..C2 9F), which YAML readers refuse or fold into spaces */
    const unsigned char *run = (const unsigned char *)s; /* characters written as they are */
    for (const unsigned char *p = run;; p++) {
        int c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
        if (*p && *p != '"' && *p != '\\' && *p >= 0x20 && *p != 0x7F && !c1) continue;
        fwrite(run, 1, (size_t)(p - run), f);
        if (!*p) break;
        if (c1) {
            fprintf(f, "\\u%04x", p[1]);
            p++;
        } else if (*p < 0x20 || *p == 0x7F) fprintf(f, "\\u%04x", *p);
        else {
            fputc('\\', f);
            fputc(*p, f);
        }
        run = p + 1;
    }
    fputc('"', f);
}

/* The separator before a member or element, then its key when given. */
static void member(json_obj *j, const char *key)
{
    assert(j->depth >= 1 && j->depth <= JSON_MAX_DEPTH);
    int lv = j->depth - 1;
    if (j->multiline[lv]) fprintf(j->f, "%s\n%*s", j->first[lv] ? "" : ",", 2 * j->depth, "");
    else if (!j->first[lv]) fputs(", ", j->f);
    j->first[lv] = 0;
    if (key) {
        json_write_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.17g", v);
    else fputs("null", f);
}

static void open(json_obj *j, const char *key, char c, int multiline)
{
    if (j->depth) member(j, key);
    assert(j->depth < JSON_MAX_DEPTH);
    fputc(c, j->f);
    j->first[j->depth] = 1;
    j->multiline[j->depth] = (unsigned char)(multiline != 0);
    j->depth++;
}

static void close_(json_obj *j, char c)
{
    assert(j->depth >= 1);
    j->depth--;
    if (j->multiline[j->depth] && !j->first[j->depth]) fprintf(j->f, "\n%*s", 2 * j->depth, "");
    fputc(c, j->f);
}

void json_begin(json_obj *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    open(j, NULL, '{', 0);
}
void json_begin_multiline(json_obj *j, FILE *f)
{
    j->f = f;
    j->depth = 0;
    open(j, NULL, '{', 1);
}
void json_end(json_obj *j)
{
    close_(j, '}');
    assert(j->depth == 0);
    fputc('\n', j->f);
}

void json_str(json_obj *j, const char *key, const char *val)
{
    member(j, key);
    if (val) json_write_string(j->f, val);
    else fputs("null", j->f);
}

void json_num(json_obj *j, const char *key, double val)
{
    member(j, key);
    num(j->f, val);
}
void json_int(json_obj *j, const char *key, long val)
{
    member(j, key);
    fprintf(j->f, "%ld", val);
}
void json_bool(json_obj *j, const char *key, int val)
{
    member(j, key);
    fputs(val ? "true" : "false", j->f);
}
void json_null(json_obj *j, const char *key)
{
    member(j, key);
    fputs("null", j->f);
}

void json_array(json_obj *j, const char *key, const double *v, int n)
{
    member(j, key);
    fputc('[', j->f);
    for (int i = 0; i < n; i++) {
        if (i) fputs(", ", j->f);
        num(j->f, v[i]);
    }
    fputc(']', j->f);
}

void json_open_object(json_obj *j, const char *key, int multiline) { open(j, key, '{', multiline); }
void json_close_object(json_obj *j) { close_(j, '}'); }
void json_open_array(json_obj *j, const char *key, int multiline) { open(j, key, '[', multiline); }
void json_close_array(json_obj *j) { close_(j, ']'); }
