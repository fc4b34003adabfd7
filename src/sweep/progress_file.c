#include "progress_file.h"
#include "flat_json.h"
#include "json_out.h"
#include "manifest.h"
#include "sweep_source.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

int progress_file_write(const char *dir, const progress_info *p)
{
    char *tmp = path_join(dir, "progress.json.tmp"), *path = path_join(dir, "progress.json");
    FILE *f = tmp && path ? fopen(tmp, "w") : NULL;
    int ok = f != NULL;
    if (f) {
        json_obj j;
        json_begin_multiline(&j, f);
        json_str(&j, "sweep", p->sweep);
        json_str(&j, "state", p->state);
        json_str(&j, "host", p->host);
        json_int(&j, "pid", p->pid);
        json_num(&j, "started_at", p->started_at);
        json_num(&j, "updated_at", p->updated_at);
        json_num(&j, "elapsed_seconds", p->elapsed);
        json_int(&j, "total", p->total);
        json_int(&j, "done", p->done);
        json_int(&j, "failed", p->failed);
        json_int(&j, "run_done", p->run_done);
        json_num(&j, "rate", p->rate);
        json_num(&j, "eta_seconds", p->eta >= 0 ? p->eta : NAN);
        json_num(&j, "work_fraction", p->work_fraction);
        json_int(&j, "workers", p->workers);
        json_int(&j, "fsyncs", p->fsyncs);
        json_num(&j, "master_cpu_seconds", p->master_cpu);
        json_open_array(&j, "parts", 1);
        for (int k = 0; k < p->n_parts; k++) {
            json_open_object(&j, NULL, 0);
            json_int(&j, "part", k);
            json_int(&j, "total", p->part[k].total);
            json_int(&j, "done", p->part[k].done);
            json_int(&j, "failed", p->part[k].failed);
            json_close_object(&j);
        }
        json_close_array(&j);
        json_end(&j);
        ok = ferror(f) == 0;
        ok = fclose(f) == 0 && ok && rename(tmp, path) == 0;
    }
    if (!ok && tmp) unlink(tmp);
    free(tmp);
    free(path);
    return ok ? 0 : -1;
}

/* ---- reading: libyaml's document API over the (JSON) file ---- */

typedef struct {
    yaml_document_t *doc;
    const char *path;
    char *err;
    size_t errlen;
} reader;

static yaml_node_t *member(reader *r, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *q = map->data.mapping.pairs.start; q < map->data.mapping.pairs.top; q++) {
        yaml_node_t *k = yaml_document_get_node(r->doc, q->key);
        if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(r->doc, q->value);
    }
    return NULL;
}

static int bad(reader *r, const char *key, const char *what)
{
    snprintf(r->err, r->errlen,
             "%s is not a valid progress file: '%s' %s; it was edited or damaged (it is "
             "rewritten while the sweep runs)",
             r->path, key, what);
    return -1;
}

/* A number member; null reads as -1 for `eta_seconds`, else it is an error. */
static int number(reader *r, yaml_node_t *map, const char *key, double *out)
{
    yaml_node_t *n = member(r, map, key);
    if (!n || n->type != YAML_SCALAR_NODE) return bad(r, key, "is missing");
    const char *v = (const char *)n->data.scalar.value;
    if (!strcmp(v, "null") && !strcmp(key, "eta_seconds")) {
        *out = -1;
        return 0;
    }
    char *end;
    *out = strtod(v, &end);
    if (end == v || *end || !isfinite(*out) || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return bad(r, key, "is not a number");
    return 0;
}

static int text(reader *r, yaml_node_t *map, const char *key, char *out, size_t len)
{
    yaml_node_t *n = member(r, map, key);
    if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        return bad(r, key, "is missing or not a string");
    snprintf(out, len, "%s", (const char *)n->data.scalar.value);
    return 0;
}

static int read_doc(reader *r, yaml_node_t *root, progress_info *p)
{
    double v[12];
    static const char *const nums[] = { "pid",    "started_at", "updated_at", "elapsed_seconds", "total",   "done",
                                        "failed", "run_done",   "rate",       "eta_seconds",     "workers", "fsyncs" };
    if (!root || root->type != YAML_MAPPING_NODE) return bad(r, "(top level)", "is not an object");
    if (text(r, root, "sweep", p->sweep, sizeof p->sweep) || text(r, root, "state", p->state, sizeof p->state) ||
        text(r, root, "host", p->host, sizeof p->host))
        return -1;
    for (int i = 0; i < 12; i++)
        if (number(r, root, nums[i], &v[i])) return -1;
    p->pid = (long)v[0];
    p->started_at = v[1];
    p->updated_at = v[2];
    p->elapsed = v[3];
    p->total = (long)v[4];
    p->done = (long)v[5];
    p->failed = (long)v[6];
    p->run_done = (long)v[7];
    p->rate = v[8];
    p->eta = v[9];
    p->workers = (int)v[10];
    p->fsyncs = (long)v[11];
    if (number(r, root, "master_cpu_seconds", &p->master_cpu)) return -1;
    if (number(r, root, "work_fraction", &p->work_fraction)) return -1;
    if (p->done < 0 || p->done > p->total) return bad(r, "done", "does not fit total");
    if (p->failed < 0 || p->failed > p->done) return bad(r, "failed", "does not fit done");
    yaml_node_t *parts = member(r, root, "parts");
    if (!parts || parts->type != YAML_SEQUENCE_NODE) return bad(r, "parts", "is not a list");
    for (yaml_node_item_t *it = parts->data.sequence.items.start; it < parts->data.sequence.items.top; it++) {
        yaml_node_t *o = yaml_document_get_node(r->doc, *it);
        double t, d, f;
        if (!o || o->type != YAML_MAPPING_NODE) return bad(r, "parts", "holds something other than objects");
        if (number(r, o, "total", &t) || number(r, o, "done", &d) || number(r, o, "failed", &f)) return -1;
        if (p->n_parts == PROGRESS_MAX_PARTS) return bad(r, "parts", "is too long");
        p->part[p->n_parts++] = (progress_part){ (long)t, (long)d, (long)f };
    }
    return 0;
}

int progress_file_read(const char *dir, progress_info *p, char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    char *path = path_join(dir, "progress.json");
    if (!path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len;
    char *buf;
    if (read_whole_file(path, 1 << 20, &buf, &len) != 0) {
        int e = errno;
        if (e == ENOENT) {
            free(path);
            return 1;
        }
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
        free(path);
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    reader r = { &doc, path, err, errlen };
    int rc = -1;
    if (yaml_parser_initialize(&parser)) {
        yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
        if (yaml_parser_load(&parser, &doc)) {
            rc = read_doc(&r, yaml_document_get_root_node(&doc), p);
            yaml_document_delete(&doc);
        } else {
            bad(&r, "(file)", "is not JSON");
        }
        yaml_parser_delete(&parser);
    } else {
        snprintf(err, errlen, "out of memory");
    }
    free(buf);
    free(path);
    return rc;
}
