/* The record reader: one JSON line into a record, by the schema. Our JSON
 * lines are also YAML flow mappings, so libyaml's event parser reads them. */
#include "record_schema.h"

#include "mlpvar/task.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct {
    record *r;
    double *nums;
    size_t n_nums, cap_nums; /* array values, in r->owned */
    char *chars;
    size_t n_chars, cap_chars; /* string values, in r->owned */
    char *err;
    size_t errlen;
    int last; /* index of the last field matched (lines come in schema order) */
} parse_ctx;

static int fail(parse_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(parse_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (c->err && c->errlen) vsnprintf(c->err, c->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A number as JSON writes it: -?digits(.digits)?([eE][+-]?digits)? */
static int json_number(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-') p++;
    if (!isdigit((unsigned char)*p)) return -1;
    while (isdigit((unsigned char)*p)) p++;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return -1;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!isdigit((unsigned char)*p)) return -1;
        while (isdigit((unsigned char)*p)) p++;
    }
    if (*p) return -1;
    errno = 0;
    *out = strtod(s, NULL);
    return errno == ERANGE && !isfinite(*out) ? -1 : 0;
}

static int is_plain(const yaml_event_t *e, const char *text)
{
    return e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !strcmp((const char *)e->data.scalar.value, text);
}

/* The schema index of key k, or -1 (rival_<name>: RFI_rival, *rival = its index). */
static int field_of(parse_ctx *c, const char *k, int *rival)
{
    if (!strncmp(k, "rival_", 6)) {
        mlpv_rival r;
        if (mlpv_rival_parse(k + 6, &r) != 0) return -1;
        *rival = (int)r;
        return RFI_rival;
    }
    for (int t = 0; t < RECORD_FIELD_COUNT; t++) {
        int i = (c->last + 1 + t) % RECORD_FIELD_COUNT;
        if (RECORD_SCHEMA[i].type != RF_RIVALS && !strcmp(RECORD_SCHEMA[i].name, k)) {
            c->last = i;
            return i;
        }
    }
    return -1;
}

/* A scalar value of field f (not an array). */
static int scalar(parse_ctx *c, const record_field *f, const char *name, int rival, const yaml_event_t *e)
{
    record *r = c->r;
    char *p = (char *)r + f->offset;
    const char *v = (const char *)e->data.scalar.value;
    uint64_t bit = (uint64_t)1 << (f - RECORD_SCHEMA);
    if (is_plain(e, "null")) {
        if (!f->nullable) return fail(c, "field '%s' is null; it must have a value", name);
        if (f->type == RF_NUM) *(double *)p = NAN;
        if (f->type == RF_RIVALS) r->rival[rival] = NAN;
        else r->null |= bit;
        return 0;
    }
    int plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    switch (f->type) {
    case RF_STR: {
        if (plain) return fail(c, "field '%s': %s is not a string", name, v);
        size_t n = e->data.scalar.length + 1;
        if (c->n_chars + n > c->cap_chars) return fail(c, "field '%s': internal error (string space)", name);
        memcpy(c->chars + c->n_chars, v, n);
        *(const char **)p = c->chars + c->n_chars;
        c->n_chars += n;
        return 0;
    }
    case RF_INT: {
        char *end;
        errno = 0;
        long x = strtol(v, &end, 10);
        if (!plain || end == v || *end || errno) return fail(c, "field '%s': '%s' is not a whole number", name, v);
        *(long *)p = x;
        return 0;
    }
    case RF_NUM:
    case RF_RIVALS: {
        double x;
        if (!plain || json_number(v, &x)) return fail(c, "field '%s': '%s' is not a number", name, v);
        if (f->type == RF_RIVALS) r->rival[rival] = x;
        else *(double *)p = x;
        return 0;
    }
    case RF_BOOL:
        if (is_plain(e, "true")) *(int *)p = 1;
        else if (is_plain(e, "false")) *(int *)p = 0;
        else return fail(c, "field '%s': '%s' is not true or false", name, v);
        return 0;
    default: return fail(c, "field '%s': a single value where a list belongs", name);
    }
}

static int next(yaml_parser_t *p, yaml_event_t *e, parse_ctx *c)
{
    if (yaml_parser_parse(p, e)) return 0;
    return fail(c, "not a JSON object: %s at column %lu", p->problem ? p->problem : "unreadable",
                (unsigned long)p->problem_mark.column + 1);
}

/* The numbers of an array field after its SEQUENCE_START. */
static int array(parse_ctx *c, yaml_parser_t *p, const record_field *f)
{
    record_array *a = (record_array *)((char *)c->r + f->offset);
    a->v = c->nums + c->n_nums;
    a->n = 0;
    for (;;) {
        yaml_event_t e;
        if (next(p, &e, c)) return -1;
        int rc = 0;
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            return 0;
        }
        if (e.type != YAML_SCALAR_EVENT) rc = fail(c, "field '%s': a list of numbers holds something else", f->name);
        else if (c->n_nums >= c->cap_nums) rc = fail(c, "field '%s': internal error (array space)", f->name);
        else if (is_plain(&e, "null")) a->v[a->n++] = NAN;
        else if (e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
                 json_number((const char *)e.data.scalar.value, &a->v[a->n]))
            rc = fail(c, "field '%s': '%s' in its list is not a number", f->name, (const char *)e.data.scalar.value);
        else a->n++;
        yaml_event_delete(&e);
        if (rc) return -1;
        c->n_nums = (size_t)(a->v - c->nums) + (size_t)a->n;
    }
}

static int members(parse_ctx *c, yaml_parser_t *p)
{
    record *r = c->r;
    for (;;) {
        yaml_event_t k;
        if (next(p, &k, c)) return -1;
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            return 0;
        }
        if (k.type != YAML_SCALAR_EVENT) {
            yaml_event_delete(&k);
            return fail(c, "a key that is not a name");
        }
        int rival = -1, i = field_of(c, (const char *)k.data.scalar.value, &rival);
        char name[64];
        snprintf(name, sizeof name, "%s", (const char *)k.data.scalar.value);
        yaml_event_delete(&k);
        yaml_event_t v;
        if (next(p, &v, c)) return -1;
        int rc = 0;
        if (i < 0) { /* unknown: skip its value, nested or not */
            int depth = v.type == YAML_SEQUENCE_START_EVENT || v.type == YAML_MAPPING_START_EVENT;
            while (depth > 0 && !rc) {
                yaml_event_t e;
                if (next(p, &e, c)) {
                    rc = -1;
                    break;
                }
                depth += (e.type == YAML_SEQUENCE_START_EVENT || e.type == YAML_MAPPING_START_EVENT) -
                         (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT);
                yaml_event_delete(&e);
            }
        } else {
            const record_field *f = &RECORD_SCHEMA[i];
            uint64_t bit = (uint64_t)1 << i;
            if (i == RFI_rival ? (r->rivals >> rival) & 1 : (r->present & bit) != 0)
                rc = fail(c, "field '%s' is given twice", name);
            else if (v.type == YAML_SEQUENCE_START_EVENT && f->type == RF_ARR) rc = array(c, p, f);
            else if (v.type == YAML_SCALAR_EVENT) rc = scalar(c, f, name, rival, &v);
            else rc = fail(c, "field '%s' has a value of the wrong kind", name);
            if (i == RFI_rival) r->rivals |= 1u << rival;
            r->present |= bit;
        }
        yaml_event_delete(&v);
        if (rc) return -1;
    }
}

static int hex_key(const char *k)
{
    int n = 0;
    for (; k[n]; n++)
        if (!((k[n] >= '0' && k[n] <= '9') || (k[n] >= 'a' && k[n] <= 'f'))) return 0;
    return n == 16;
}

/* An array field of n numbers (or null). */
static int array_of(parse_ctx *c, record_field_id f, long n)
{
    const record_array *a = (const record_array *)((const char *)c->r + RECORD_SCHEMA[f].offset);
    if (!record_has(c->r, f) || a->n == n) return 0;
    return fail(c, "field '%s' has %d values; the network has %ld", RECORD_SCHEMA[f].name, a->n, n);
}

/* Every field its presence class requires, and the values that hold the
 * record together: a key of 16 hex digits, a known status, a depth the
 * sweep can write, arrays as long as the network is deep. */
static int complete(parse_ctx *c)
{
    record *r = c->r;
    int has_task = record_has(r, RFI_task), trained = record_has(r, RFI_trained) && r->trained;
    int csv = has_task && !strcmp(r->task, "csv"), generated = has_task && !csv;
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) {
        const record_field *f = &RECORD_SCHEMA[i];
        int need = f->presence == RP_ALWAYS || (f->presence == RP_TASK && has_task) ||
                   (f->presence == RP_GENERATED && generated) || (f->presence == RP_CSV && csv) ||
                   (f->presence == RP_TRAINED && trained);
        if (need && !((r->present >> i) & 1)) return fail(c, "the record lacks field '%s'", f->name);
    }
    if (generated) { /* the task's knob, under its own name */
        mlpv_task_kind k;
        if (mlpv_task_parse(r->task, &k) != 0) return fail(c, "field 'task': unknown task '%.40s'", r->task);
        record_field_id knob = k == MLPV_TASK_CHECKERBOARD ? RFI_cells
                               : k == MLPV_TASK_RINGS      ? RFI_rings
                               : k == MLPV_TASK_SINES      ? RFI_frequency
                                                           : RFI_turns;
        if (!record_has(r, knob)) return fail(c, "the record lacks field '%s'", RECORD_SCHEMA[knob].name);
    }
    if (!hex_key(r->key)) return fail(c, "field 'key': '%.40s' is not 16 hex digits", r->key);
    if (strcmp(r->status, "ok") && strcmp(r->status, "failed"))
        return fail(c, "field 'status': '%.40s' is neither \"ok\" nor \"failed\"", r->status);
    if (!strcmp(r->status, "failed") && !record_has(r, RFI_error)) return fail(c, "a failed record without an error");
    if (r->attempt < 1) return fail(c, "field 'attempt': %ld; attempts count from 1", r->attempt);
    if (r->depth < 1 || r->depth > RECORD_MAX_DEPTH || r->width < 1)
        return fail(c, "depth %ld, width %ld: not a network mlpvar writes (depth 1..%d)", r->depth, r->width,
                    RECORD_MAX_DEPTH);
    return array_of(c, RFI_layer_dead_fraction, r->depth) || array_of(c, RFI_layer_collapse_ratio, r->depth) ||
                   (has_task && array_of(c, RFI_layer_grad_norm, r->depth + 1))
               ? -1
               : 0;
}

int record_parse(const char *line, size_t len, record *r, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < RECORD_FIELD_COUNT; i++) /* an absent number reads as NaN, never 0 */
        if (RECORD_SCHEMA[i].type == RF_NUM) *(double *)((char *)r + RECORD_SCHEMA[i].offset) = NAN;
    for (int k = 0; k < MLPV_RIVAL_COUNT; k++) r->rival[k] = NAN;
    /* one allocation: at most len/2 + 1 numbers in arrays, at most len chars of strings */
    size_t cap_nums = len / 2 + 1, cap_chars = len + 1;
    r->owned = malloc(cap_nums * sizeof(double) + cap_chars);
    parse_ctx c = { r, (double *)r->owned, 0,   cap_nums, r->owned ? r->owned + cap_nums * sizeof(double) : NULL,
                    0, cap_chars,          err, errlen,   -1 };
    if (!r->owned) return fail(&c, "out of memory");
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        record_free(r);
        return fail(&c, "out of memory");
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)line, len);
    int rc = 0, stage = 0;
    while (!rc && stage < 3) { /* stream start, document start, mapping start */
        yaml_event_t e;
        if (next(&p, &e, &c)) {
            rc = -1;
            break;
        }
        int want = stage == 0   ? YAML_STREAM_START_EVENT
                   : stage == 1 ? YAML_DOCUMENT_START_EVENT
                                : YAML_MAPPING_START_EVENT;
        if ((int)e.type != want) rc = fail(&c, "not a JSON object");
        yaml_event_delete(&e);
        stage++;
    }
    if (!rc) rc = members(&c, &p);
    for (int k = 0; !rc && k < 2; k++) { /* nothing but the end may follow: document end, stream end */
        yaml_event_t e;
        if (next(&p, &e, &c)) {
            rc = k ? fail(&c, "text after the record's closing brace") : -1;
            break;
        }
        if (e.type != (k ? YAML_STREAM_END_EVENT : YAML_DOCUMENT_END_EVENT))
            rc = fail(&c, "text after the record's closing brace");
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    if (!rc) rc = complete(&c);
    if (rc) record_free(r);
    return rc;
}

void record_free(record *r)
{
    free(r->owned);
    memset(r, 0, sizeof *r);
}
