#include "results_file.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

const char *result_get(const result_record *r, const char *key)
{
    for (int i = 0; i < r->n; i++)
        if (!strcmp(r->f[i].key, key)) return r->f[i].value;
    return NULL;
}

double result_num(const result_record *r, const char *key)
{
    const char *v = result_get(r, key);
    if (!v || !*v) return NAN;
    char *end;
    double x = strtod(v, &end);
    return *end ? NAN : x;
}

static void record_clear(result_record *r)
{
    for (int i = 0; i < r->n; i++) { free(r->f[i].key); free(r->f[i].value); }
    free(r->f);
    r->f = NULL;
    r->n = 0;
}

/* Adds a list item to f->value, ';' between items (an empty item for null). */
static int append_item(result_field *f, const char *add)
{
    size_t a = strlen(f->value), b = strlen(add);
    char *t = realloc(f->value, a + b + 2);
    if (!t) return -1;
    if (f->is_list > 1) t[a++] = ';';
    memcpy(t + a, add, b + 1);
    f->value = t;
    return 0;
}

/* One line: a flow mapping of scalars and sequences of scalars. */
static int parse_line(const char *line, size_t len, result_record *r)
{
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p)) return -1;
    yaml_parser_set_input_string(&p, (const unsigned char *)line, len);
    int depth = 0, ok = 1, expect_key = 1, done = 0;
    while (!done && ok) {
        if (!yaml_parser_parse(&p, &ev)) { ok = 0; break; }
        switch (ev.type) {
        case YAML_MAPPING_START_EVENT:
            if (++depth != 1) ok = 0;
            break;
        case YAML_MAPPING_END_EVENT:
            depth--;
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (expect_key || depth != 1) ok = 0;
            else { r->f[r->n - 1].is_list = 1; r->f[r->n - 1].value = strdup(""); depth = 2; }
            break;
        case YAML_SEQUENCE_END_EVENT:
            depth = 1;
            expect_key = 1;
            break;
        case YAML_SCALAR_EVENT: {
            const char *v = (const char *)ev.data.scalar.value;
            int null = !strcmp(v, "null") && ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            if (depth == 2) {
                result_field *f = &r->f[r->n - 1];
                if (append_item(f, null ? "" : v) != 0) ok = 0;
                f->is_list++;                       /* 1 + items so far */
            } else if (expect_key) {
                result_field *nf = realloc(r->f, sizeof(result_field) * (size_t)(r->n + 1));
                if (!nf) { ok = 0; break; }
                r->f = nf;
                r->f[r->n].key = strdup(v);
                r->f[r->n].value = NULL;
                r->f[r->n].is_list = 0;
                r->n++;
                expect_key = 0;
            } else {
                r->f[r->n - 1].value = strdup(null ? "" : v);
                expect_key = 1;
            }
            break;
        }
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    for (int i = 0; ok && i < r->n; i++)
        if (!r->f[i].value) r->f[i].value = strdup("");
    return ok ? 0 : -1;
}

long results_read(const char *path, result_fn fn, void *ctx, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read '%s': %s; is this a sweep's --out folder?", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long count = 0, lineno = 0;
    result_record r = { NULL, 0 };
    while ((len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] != '\n') break;                 /* torn last line */
        if (len == 1) continue;
        if (parse_line(line, (size_t)len, &r) != 0) {
            snprintf(err, errlen, "%s:%ld: not a record line; the file was edited or damaged — "
                     "remove that line and rerun the sweep to recompute it", path, lineno);
            record_clear(&r);
            free(line);
            fclose(f);
            return -1;
        }
        fn(ctx, &r);
        record_clear(&r);
        count++;
    }
    free(line);
    fclose(f);
    return count;
}
