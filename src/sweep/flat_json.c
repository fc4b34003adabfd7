#include "flat_json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

int flat_json_parse(const char *text, size_t len, flat_json *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = 0, depth = 0, expect_key = 1, done = 0, events = 0;
    while (!rc && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(&p, &e)) {
            snprintf(err, errlen, "not JSON: %s", p.problem ? p.problem : "unreadable");
            rc = -1;
            break;
        }
        events++;
        switch (e.type) {
        case YAML_MAPPING_START_EVENT:
            if (depth++ != 0) {
                snprintf(err, errlen, "nested objects are not expected");
                rc = -1;
            }
            break;
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_SCALAR_EVENT:
            if (depth != 1) {
                snprintf(err, errlen, "not a JSON object");
                rc = -1;
                break;
            }
            if (expect_key) {
                if (o->n == FLAT_JSON_MAX) {
                    snprintf(err, errlen, "more than %d members", FLAT_JSON_MAX);
                    rc = -1;
                    break;
                }
                o->key[o->n] = strdup((const char *)e.data.scalar.value);
                if (!o->key[o->n]) {
                    snprintf(err, errlen, "out of memory");
                    rc = -1;
                }
            } else {
                o->val[o->n] = strdup((const char *)e.data.scalar.value);
                o->quoted[o->n] = e.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
                if (!o->val[o->n]) {
                    snprintf(err, errlen, "out of memory");
                    rc = -1;
                }
                o->n++;
            }
            expect_key = !expect_key;
            break;
        case YAML_SEQUENCE_START_EVENT:
            snprintf(err, errlen, "lists are not expected");
            rc = -1;
            break;
        case YAML_STREAM_END_EVENT: done = 1; break;
        case YAML_DOCUMENT_START_EVENT:
            if (events > 2) {
                snprintf(err, errlen, "more than one JSON document");
                rc = -1;
            }
            break;
        default: break;
        }
        yaml_event_delete(&e);
    }
    yaml_parser_delete(&p);
    if (!rc && (o->n == 0 && events < 4)) {
        snprintf(err, errlen, "empty");
        rc = -1;
    }
    if (rc) flat_json_free(o);
    return rc;
}

static int find(const flat_json *o, const char *key)
{
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->key[i], key)) return i;
    return -1;
}

const char *flat_json_str(const flat_json *o, const char *key)
{
    int i = find(o, key);
    return i >= 0 && o->quoted[i] ? o->val[i] : NULL;
}

int flat_json_num(const flat_json *o, const char *key, double *out)
{
    int i = find(o, key);
    if (i < 0 || o->quoted[i]) return -1;
    char *end;
    double v = strtod(o->val[i], &end);
    if (end == o->val[i] || *end) return -1;
    *out = v;
    return 0;
}

void flat_json_free(flat_json *o)
{
    for (int i = 0; i < FLAT_JSON_MAX; i++) {
        free(o->key[i]);
        free(o->val[i]);
    }
    memset(o, 0, sizeof *o);
}
