/* Reading a results store by its rules (results.h). */
#include "results.h"
#include "manifest.h"

#include "mlpvar/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return 0;
    return 1;
}

int results_scan(const char *path, const char *sweep_name, results_line_fn fn, void *ctx, results_stats *st, char *err,
                 size_t errlen)
{
    results_stats local;
    if (!st) st = &local;
    memset(st, 0, sizeof *st);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long offset = 0, lineno = 0;
    int rc = 0;
    while (!rc && (len = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (line[len - 1] != '\n') {
            st->torn_bytes = len;
            break;
        } /* rule 1 */
        st->lines++;
        record r;
        char why[256] = "";
        record *ok = NULL;
        if (blank(line, (size_t)len)) {
            snprintf(why, sizeof why, "a blank line");
            st->blank++;
        } else if (record_parse(line, (size_t)len, &r, why, sizeof why) == 0) {
            if (sweep_name && strcmp(r.sweep, sweep_name) != 0) {
                snprintf(why, sizeof why, "a record of another sweep ('%.100s', this is '%.100s')", r.sweep,
                         sweep_name);
                record_free(&r);
            } else {
                ok = &r;
            }
        }
        if (!ok) { /* rule 2 */
            st->bad++;
            if (!st->first_bad_line) {
                st->first_bad_line = lineno;
                snprintf(st->first_bad_why, sizeof st->first_bad_why, "%s", why);
            }
        }
        int taken = fn(ctx, lineno, offset, line, (size_t)len, ok, why);
        if (taken < 0) {
            snprintf(err, errlen, "%s:%ld: cannot keep the record (out of memory?)", path, lineno);
            rc = -1;
        }
        if (ok && taken != 1) record_free(&r);
        offset += len;
    }
    if (!rc && ferror(f)) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

/* ---- results_load: every complete record, then the latest per key ---- */

typedef struct {
    results *res;
    size_t cap;
    const char *path;
    int warned;
} load_ctx;

static int keep(void *vctx, long lineno, long offset, const char *line, size_t len, record *r, const char *why)
{
    (void)offset;
    (void)line;
    (void)len;
    load_ctx *c = vctx;
    if (!r) {
        if (c->warned++ < 5)
            fprintf(stderr, "mlpvar: %s:%ld: skipped, not a record of this sweep: %s\n", c->path, lineno, why);
        return 0;
    }
    results *res = c->res;
    if (MLPV_GROW(res->rec, c->cap, res->n + 1)) return -1;
    res->rec[res->n++] = *r;
    return 1;
}

typedef struct {
    const char *key;
    long index;
} key_slot;

static unsigned long hash_key(const char *k)
{
    unsigned long h = 1469598103934665603ul;
    for (; *k; k++) h = (h ^ (unsigned char)*k) * 1099511628211ul;
    return h;
}

/* Keeps the last record of each key, in file order (rule 3). */
static int latest_per_key(results *res)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)res->n + 2) cap *= 2;
    key_slot *slot = calloc(cap, sizeof *slot);
    char *superseded = calloc((size_t)res->n + 1, 1);
    if (!slot || !superseded) {
        free(slot);
        free(superseded);
        return -1;
    }
    for (long i = 0; i < res->n; i++) {
        size_t h = hash_key(res->rec[i].key) & (cap - 1);
        while (slot[h].key && strcmp(slot[h].key, res->rec[i].key)) h = (h + 1) & (cap - 1);
        if (slot[h].key) superseded[slot[h].index] = 1;
        slot[h].key = res->rec[i].key;
        slot[h].index = i;
    }
    long k = 0;
    for (long i = 0; i < res->n; i++) {
        if (superseded[i]) {
            record_free(&res->rec[i]);
            res->st.superseded++;
            continue;
        }
        res->rec[k++] = res->rec[i];
    }
    res->n = k;
    free(slot);
    free(superseded);
    return 0;
}

int results_load(const char *dir, results *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    manifest m;
    int mr = manifest_read(dir, &m, err, errlen);
    if (mr < 0) return -2;
    if (mr == 1) {
        snprintf(err, errlen, "'%s' is not a results folder (no manifest.json); give a sweep's --out folder", dir);
        return -2;
    }
    char *path = path_join(dir, "results.jsonl");
    if (!path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct stat sb;
    int found = stat(path, &sb) == 0;
    if (!found || !S_ISREG(sb.st_mode)) {
        snprintf(err, errlen, "'%s' is not a results folder: %s is %s; give a sweep's --out folder", dir, path,
                 found ? "not a regular file" : "missing");
        free(path);
        return -2;
    }
    snprintf(out->sweep, sizeof out->sweep, "%s", m.sweep);
    load_ctx c = { out, 0, path, 0 };
    int rc = results_scan(path, m.sweep, keep, &c, &out->st, err, errlen);
    if (!rc && latest_per_key(out) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    if (c.warned > 5) fprintf(stderr, "mlpvar: %s: %d more lines skipped\n", path, c.warned - 5);
    free(path);
    if (rc) results_free(out);
    return rc;
}

void results_free(results *res)
{
    for (long i = 0; i < res->n; i++) record_free(&res->rec[i]);
    free(res->rec);
    memset(res, 0, sizeof *res);
}

void results_stats_line(const results_stats *st, const char *path, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    if (!st->torn_bytes && !st->bad && !st->superseded) return;
    o += (size_t)snprintf(buf + o, len - o, "%s/results.jsonl: ignored", path);
    if (st->torn_bytes && o < len)
        o += (size_t)snprintf(buf + o, len - o, " a torn last line (%ld bytes);", st->torn_bytes);
    if (st->bad && o < len)
        o += (size_t)snprintf(buf + o, len - o, " %ld line%s that %s not a record of this sweep (first: line %ld, %s);",
                              st->bad, st->bad == 1 ? "" : "s", st->bad == 1 ? "is" : "are", st->first_bad_line,
                              st->first_bad_why);
    if (st->superseded && o < len)
        o += (size_t)snprintf(buf + o, len - o, " %ld earlier record%s of a network stored again (retries);",
                              st->superseded, st->superseded == 1 ? "" : "s");
    if (o < len && o > 0 && buf[o - 1] == ';') buf[o - 1] = '\0';
}
