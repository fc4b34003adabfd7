/* Typed values out of a libyaml document for the sweep-file reader: scalars,
 * mappings with known keys, and number lists with range strings ("4..8"); each
 * failure is written as one line "FILE:LINE: key 'K': what is wrong; how to fix". */
#include "sweep_yaml.h"
#include "sweep_source.h"
#include "sweep_limits.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---- typed values out of the document (declared in sweep_yaml.h) ---- */

unsigned long sy_line_of(const yaml_node_t *n) { return n ? (unsigned long)n->start_mark.line + 1 : 1; }
const char *sy_sval(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }
yaml_node_t *sy_node_at(sy_ctx *c, int id) { return yaml_document_get_node(c->doc, id); }

/* Writes "PATH:LINE: key 'KEY': message" (no key part when key is NULL), on one line. */
int sy_fail_line(sy_ctx *c, unsigned long line, const char *key, const char *fmt, ...)
{
    char buf[2048];
    int k = snprintf(buf, sizeof buf, "%s:%lu: ", c->path, line);
    if (key && k >= 0 && (size_t)k < sizeof buf) k += snprintf(buf + k, sizeof buf - (size_t)k, "key '%s': ", key);
    if (k >= 0 && (size_t)k < sizeof buf) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf + k, sizeof buf - (size_t)k, fmt, ap);
        va_end(ap);
    }
    for (char *p = buf; *p; p++) /* one printable line whatever was quoted */
        if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : '?';
    if (c->err && c->errlen) snprintf(c->err, c->errlen, "%s", buf);
    return -1;
}

/* "a, b, c" from a NULL-terminated list, or from a name function over [0, count). */
const char *sy_join(const char *const *names, const char *(*fn)(int), int count, char *buf, size_t len)
{
    buf[0] = '\0';
    for (int i = 0; names ? names[i] != NULL : i < count; i++) {
        size_t k = strlen(buf);
        snprintf(buf + k, len - k, "%s%s", i ? ", " : "", names ? names[i] : fn(i));
    }
    return buf;
}

/* ---- scalars ---- */

int sy_is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) return 0;
    const char *s = sy_sval(n);
    return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/* One scalar value where `what` ("a number", "a name") belongs. */
static int want_scalar(sy_ctx *c, const yaml_node_t *n, const char *key, const char *what)
{
    if (n->type == YAML_SEQUENCE_NODE) return SY_FAIL(c, n, key, "a list where %s belongs; give a single value", what);
    if (n->type == YAML_MAPPING_NODE)
        return SY_FAIL(c, n, key, "a mapping where %s belongs; give a single value", what);
    if (sy_is_null(n)) return SY_FAIL(c, n, key, "has no value; give %s", what);
    return 0;
}

void sy_int_hint(char *b, size_t len, long lo, long hi)
{
    if (hi == SY_NO_MAX) snprintf(b, len, "a whole number >= %ld", lo);
    else snprintf(b, len, "a whole number from %ld to %ld", lo, hi);
}

/* Parses a whole number (also written like 1e4); 0 ok, 1 not whole, 2 not a number,
 * 3 too large for a long. */
static int to_long(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end != s && *end == '\0' && errno == 0) {
        *out = v;
        return 0;
    }
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(d)) return 2;
    if (d != floor(d)) return 1;
    if (fabs(d) >= 9.0e15) return 3;
    *out = (long)d;
    return 0;
}

int sy_get_long(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long *out)
{
    char hint[96];
    sy_int_hint(hint, sizeof hint, lo, hi);
    if (want_scalar(c, n, key, "a number")) return -1;
    const char *s = sy_sval(n);
    long v;
    if (strstr(s, "..")) return SY_FAIL(c, n, key, "a range '%s' where one number belongs; give %s", s, hint);
    int r = to_long(s, &v);
    if (r == 2) return SY_FAIL(c, n, key, "'%s' is not a number; give %s", s, hint);
    if (r == 1) return SY_FAIL(c, n, key, "%s is not a whole number; give %s", s, hint);
    if (r == 3 || v < lo || v > hi) return SY_FAIL(c, n, key, "%s is out of range; give %s", s, hint);
    *out = v;
    return 0;
}

int sy_get_int(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, int *out)
{
    long v = 0;
    if (sy_get_long(c, n, key, lo, hi, &v)) return -1;
    *out = (int)v;
    return 0;
}

/* A finite number in the interval lo..hi; *_open excludes the end; hi = INFINITY for none. */
int sy_get_double(sy_ctx *c, const yaml_node_t *n, const char *key, double lo, int lo_open, double hi, int hi_open,
                  double *out)
{
    char hint[96];
    if (isinf(hi)) snprintf(hint, sizeof hint, "a number %s %g", lo_open ? ">" : ">=", lo);
    else snprintf(hint, sizeof hint, "a number in %s%g, %g%s", lo_open ? "(" : "[", lo, hi, hi_open ? ")" : "]");
    if (want_scalar(c, n, key, "a number")) return -1;
    const char *s = sy_sval(n);
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0') return SY_FAIL(c, n, key, "'%s' is not a number; give %s", s, hint);
    if (!isfinite(v)) return SY_FAIL(c, n, key, "'%s' is not a finite number; give %s", s, hint);
    if (v < lo || (lo_open && v == lo) || v > hi || (hi_open && v == hi))
        return SY_FAIL(c, n, key, "%s is out of range; give %s", s, hint);
    *out = v;
    return 0;
}

int sy_get_string(sy_ctx *c, const yaml_node_t *n, const char *key, const char **out)
{
    if (want_scalar(c, n, key, "a name")) return -1;
    if (strlen(sy_sval(n)) != n->data.scalar.length) /* "a\0b": C would read "a" */
        return SY_FAIL(c, n, key, "the value holds a NUL character (\\0); remove it");
    *out = sy_sval(n);
    return 0;
}

/* ---- mappings ---- */

static int key_index(const char *const *valid, const char *k)
{
    for (int i = 0; valid[i]; i++)
        if (!strcmp(valid[i], k)) return i;
    return -1;
}

/* Checks that map is a mapping whose keys are known (valid) and given once. */
int sy_read_section(sy_ctx *c, yaml_node_t *map, const char *what, const char *key, unsigned long line,
                    const char *const *valid, sy_section *sec)
{
    char names[512];
    memset(sec, 0, sizeof *sec);
    sec->line = line;
    if (sy_is_null(map)) return 0; /* "train:" with nothing under it: every default */
    if (map->type != YAML_MAPPING_NODE)
        return SY_FAIL(c, map, key, "%s must be a mapping; write its keys (%s) under it, e.g. {%s: ...}", what,
                       sy_join(valid, NULL, 0, names, sizeof names), valid[0]);
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = sy_node_at(c, p->key);
        if (k->type != YAML_SCALAR_NODE)
            return SY_FAIL(c, k, key, "a key in %s is not a name; write keys as plain names", what);
        int i = key_index(valid, sy_sval(k));
        if (i < 0)
            return SY_FAIL(c, k, sy_sval(k), "unknown key in %s; valid keys: %s", what,
                           sy_join(valid, NULL, 0, names, sizeof names));
        if (sec->key[i])
            return SY_FAIL(c, k, sy_sval(k), "given twice in %s (also on line %lu); keep one", what,
                           sy_line_of(sec->key[i]));
        sec->key[i] = k;
        sec->val[i] = sy_node_at(c, p->value);
    }
    return 0;
}

yaml_node_t *sy_lookup(sy_ctx *c, yaml_node_t *map, const char *k)
{
    if (map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = sy_node_at(c, p->key);
        if (kn->type == YAML_SCALAR_NODE && !strcmp(sy_sval(kn), k)) return sy_node_at(c, p->value);
    }
    return NULL;
}

/* ---- lists ---- */

typedef struct {
    long v;
    unsigned long line;
} lv;

static int lv_cmp(const void *a, const void *b)
{
    const lv *x = a, *y = b;
    if (x->v != y->v) return x->v < y->v ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

static int push(lv **a, long *n, long *cap, long v, unsigned long line)
{
    if (*n == *cap) {
        long nc = *cap ? 2 * *cap : 16;
        lv *p = realloc(*a, sizeof **a * (size_t)nc);
        if (!p) return -1;
        *a = p;
        *cap = nc;
    }
    (*a)[(*n)++] = (lv){ v, line };
    return 0;
}

/* One item of a number list: a number or a range string "LOW..HIGH". */
static int list_item(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, lv **a, long *cnt, long *cap)
{
    char hint[96];
    sy_int_hint(hint, sizeof hint, lo, hi);
    if (n->type != YAML_SCALAR_NODE)
        return SY_FAIL(c, n, key, "a %s inside the list; give numbers or ranges like \"1..8\"",
                       n->type == YAML_SEQUENCE_NODE ? "list" : "mapping");
    if (sy_is_null(n)) return SY_FAIL(c, n, key, "empty list item; give a number or a range like \"1..8\"");
    const char *s = sy_sval(n);
    long x = 0, y = 0;
    if (!strstr(s, "..")) {
        if (sy_get_long(c, n, key, lo, hi, &x)) return -1;
        y = x;
    } else {
        char *e1, *e2;
        errno = 0;
        x = strtol(s, &e1, 10);
        while (*e1 == ' ') e1++;
        int ok = e1 != s && errno == 0 && e1[0] == '.' && e1[1] == '.';
        if (ok) {
            const char *t = e1 + 2;
            while (*t == ' ') t++;
            y = strtol(t, &e2, 10);
            while (*e2 == ' ') e2++;
            ok = e2 != t && errno == 0 && *e2 == '\0' && (*t == '-' || *t == '+' || (*t >= '0' && *t <= '9'));
        }
        if (!ok) return SY_FAIL(c, n, key, "bad range '%s'; write LOW..HIGH with whole numbers, e.g. \"1..8\"", s);
        if (y < x)
            return SY_FAIL(c, n, key, "bad range '%s': %ld is above %ld; write LOW..HIGH with LOW <= HIGH", s, x, y);
        if (x < lo || y > hi)
            return SY_FAIL(c, n, key, "range '%s' goes out of range; every value must be %s", s, hint);
        if (y - x >= LIM_MAX_LIST)
            return SY_FAIL(c, n, key, "range '%s' has more than %ld values; use a shorter range", s, LIM_MAX_LIST);
    }
    for (long v = x; v <= y; v++)
        if (push(a, cnt, cap, v, sy_line_of(n))) return SY_FAIL(c, n, key, "out of memory");
    return 0;
}

/* A number, a range string or a list of both; no value twice. Values in the given order. */
int sy_get_long_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, long **out, int *count)
{
    lv *a = NULL;
    long cnt = 0, cap = 0;
    int rc = 0;
    if (n->type == YAML_MAPPING_NODE)
        return SY_FAIL(c, n, key, "a mapping where a list belongs; give a list like [1, 2, \"4..8\"]");
    if (n->type == YAML_SCALAR_NODE) {
        if (sy_is_null(n)) return SY_FAIL(c, n, key, "has no value; give a list like [1, 2, \"4..8\"]");
        rc = list_item(c, n, key, lo, hi, &a, &cnt, &cap);
    } else {
        if (n->data.sequence.items.top == n->data.sequence.items.start)
            return SY_FAIL(c, n, key, "empty list; give at least one value, e.g. [1, 2, \"4..8\"]");
        for (yaml_node_item_t *it = n->data.sequence.items.start; !rc && it < n->data.sequence.items.top; it++)
            rc = list_item(c, sy_node_at(c, *it), key, lo, hi, &a, &cnt, &cap);
    }
    if (!rc && cnt > LIM_MAX_LIST) rc = SY_FAIL(c, n, key, "more than %ld values; list fewer", LIM_MAX_LIST);
    if (!rc) {
        lv *sorted = malloc(sizeof *sorted * (size_t)cnt);
        *out = malloc(sizeof **out * (size_t)cnt);
        if (!sorted || !*out) rc = SY_FAIL(c, n, key, "out of memory");
        if (!rc) {
            memcpy(sorted, a, sizeof *sorted * (size_t)cnt);
            qsort(sorted, (size_t)cnt, sizeof *sorted, lv_cmp);
            for (long i = 1; !rc && i < cnt; i++)
                if (sorted[i].v == sorted[i - 1].v)
                    rc = sy_fail_line(c, sorted[i].line, key,
                                      "%ld is listed twice (also on line %lu); "
                                      "list each value once",
                                      sorted[i].v, sorted[i - 1].line);
            for (long i = 0; i < cnt; i++) (*out)[i] = a[i].v;
            *count = (int)cnt;
        }
        free(sorted);
        if (rc) {
            free(*out);
            *out = NULL;
        }
    }
    free(a);
    return rc;
}

int sy_get_int_list(sy_ctx *c, const yaml_node_t *n, const char *key, long lo, long hi, int **out, int *count)
{
    long *l;
    if (sy_get_long_list(c, n, key, lo, hi, &l, count)) return -1;
    *out = malloc(sizeof **out * (size_t)*count);
    if (!*out) {
        free(l);
        return SY_FAIL(c, n, key, "out of memory");
    }
    for (int i = 0; i < *count; i++) (*out)[i] = (int)l[i];
    free(l);
    return 0;
}

/* ---- loading the file within the ceilings ---- */

/* 1-based line and column of byte offset `at` of buf. */
static void line_col(const char *buf, size_t at, unsigned long *line, unsigned long *col)
{
    *line = 1;
    size_t start = 0;
    for (size_t i = 0; i < at; i++)
        if (buf[i] == '\n') {
            (*line)++;
            start = i + 1;
        }
    *col = (unsigned long)(at - start) + 1;
}

/* The parser's error as one line. libyaml's reader errors (bad UTF-8, control
 * characters) carry a byte offset but no line: we count the lines. */
static int syntax_error(sy_ctx *c, const yaml_parser_t *p, const char *buf, size_t len)
{
    if (p->error == YAML_MEMORY_ERROR) return sy_fail_line(c, 1, NULL, "out of memory reading the file");
    if (p->error == YAML_READER_ERROR) {
        unsigned long line, col;
        size_t at = p->problem_offset < len ? p->problem_offset : len;
        line_col(buf, at, &line, &col);
        unsigned byte = at < len ? (unsigned char)buf[at] : 0;
        if (p->problem && strstr(p->problem, "control characters"))
            return sy_fail_line(c, line, NULL,
                                "a control character (byte 0x%02x, column %lu) is not allowed in a "
                                "sweep file; remove it",
                                byte, col);
        return sy_fail_line(c, line, NULL, "not UTF-8 text (%s: byte 0x%02x, column %lu); save the file as UTF-8",
                            p->problem ? p->problem : "unreadable", byte, col);
    }
    char where[160] = "";
    if (p->context)
        snprintf(where, sizeof where, " (%s that starts on line %lu)", p->context,
                 (unsigned long)p->context_mark.line + 1);
    return sy_fail_line(c, (unsigned long)p->problem_mark.line + 1, NULL,
                        "YAML syntax error: %s%s; fix the YAML "
                        "here (indentation, quotes, brackets, 'key: value')",
                        p->problem ? p->problem : "unreadable", where);
}

/* Walks the events once, refusing deep nesting, long lists and a second
 * document before libyaml builds the document (whose cost grows with both). */
static int prescan(sy_ctx *c, const char *buf, size_t len)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return sy_fail_line(c, 1, NULL, "out of memory reading the file");
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    long items[LIM_MAX_NESTING + 1]; /* per open collection: its events so far */
    int depth = 0, docs = 0, rc = 0;
    for (int done = 0; !done && !rc;) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            rc = syntax_error(c, &p, buf, len);
            break;
        }
        unsigned long line = (unsigned long)e.start_mark.line + 1;
        if (depth > 0 && e.type != YAML_SEQUENCE_END_EVENT && e.type != YAML_MAPPING_END_EVENT &&
            ++items[depth - 1] > 2 * LIM_MAX_LIST)
            rc = sy_fail_line(c, line, NULL,
                              "a list or mapping of more than %ld items, above the ceiling of a sweep "
                              "file (docs/limits.md); write long lists as ranges like \"1..64\"",
                              LIM_MAX_LIST);
        switch (e.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) rc = sy_fail_line(c, line, NULL, "a second YAML document ('---'); keep one sweep per file");
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (depth == LIM_MAX_NESTING)
                rc = sy_fail_line(c, line, NULL,
                                  "lists and mappings nested more than %d deep, above the ceiling of a "
                                  "sweep file (docs/limits.md); a sweep file nests at most 5 deep",
                                  LIM_MAX_NESTING);
            else items[depth++] = 0;
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_STREAM_END_EVENT: done = 1; break;
        default: break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    return rc;
}

/* The file's bytes, at most LIM_MAX_FILE_BYTES, NUL-terminated; 0, -1 bad input, -2 unreadable. */
static int read_file(sy_ctx *c, char **out, size_t *len)
{
    const source_file *held = source_find(c->src, c->path);
    if (held) { /* the master's bytes, sent to this rank */
        *out = malloc(held->len + 1);
        if (!*out) {
            snprintf(c->err, c->errlen, "%s: out of memory", c->path);
            return -2;
        }
        memcpy(*out, held->bytes, held->len + 1);
        *len = held->len;
        return 0;
    }
    if (c->src && !c->src->from_disk) {
        snprintf(c->err, c->errlen, "%s: the master did not send this file (an internal error)", c->path);
        return -2;
    }
    if (read_whole_file(c->path, (size_t)LIM_MAX_FILE_BYTES, out, len) != 0) {
        int e = errno;
        if (e == EISDIR) {
            snprintf(c->err, c->errlen, "%s: is a folder, not a sweep file; give the path of a YAML sweep file",
                     c->path);
            return -1;
        }
        if (e == EFBIG) {
            snprintf(c->err, c->errlen,
                     "%s: larger than %ld KiB, the ceiling for a sweep file (docs/limits.md); write "
                     "long lists as ranges like \"1..64\"",
                     c->path, LIM_MAX_FILE_BYTES / 1024);
            return -1;
        }
        snprintf(c->err, c->errlen, "%s: cannot %s the sweep file: %s%s", c->path,
                 e == EIO || e == ENOMEM ? "read" : "open", strerror(e),
                 e == EIO || e == ENOMEM ? "" : "; check the path");
        return e == ENOENT || e == ENOTDIR || e == EACCES || e == ENAMETOOLONG || e == ELOOP ? -1 : -2;
    }
    if (c->src && source_add(c->src, c->path, *out, *len) != 0) {
        free(*out);
        snprintf(c->err, c->errlen, "%s: out of memory", c->path);
        return -2;
    }
    return 0;
}

int sy_load(sy_ctx *c, yaml_document_t *doc)
{
    char *buf;
    size_t len;
    int rc = read_file(c, &buf, &len);
    if (rc) return rc;
    rc = prescan(c, buf, len);
    yaml_parser_t p;
    if (!rc && !yaml_parser_initialize(&p)) rc = sy_fail_line(c, 1, NULL, "out of memory reading the file");
    else if (!rc) {
        yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
        if (!yaml_parser_load(&p, doc)) rc = syntax_error(c, &p, buf, len);
        yaml_parser_delete(&p);
    }
    free(buf);
    return rc;
}
