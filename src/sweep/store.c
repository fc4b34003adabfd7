#include "store.h"
#include "manifest.h"
#include "results.h"

#include "mlpvar/grow.h"
#include "mlpvar/rng.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t store_fnv(uint64_t state, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        state ^= *p;
        state *= 0x100000001b3ull;
    }
    return state;
}

uint64_t store_hash_finish(uint64_t state)
{
    uint64_t h = mlpv_mix64(state);
    return h ? h : 1; /* 0 marks an empty slot */
}

uint64_t store_hash(const char *text) { return store_hash_finish(store_fnv(STORE_FNV_START, text)); }

/* The key map: open addressing, key 0 marks an empty slot; each key's state
 * is its latest record's: attempt << 1 | failed. */
static int map_grow(store *s);

static int map_put(store *s, uint64_t key, uint32_t state)
{
    if ((s->count + 1) * 2 > s->cap && map_grow(s) != 0) return -1;
    size_t i = key & (s->cap - 1);
    while (s->keys[i] && s->keys[i] != key) i = (i + 1) & (s->cap - 1);
    if (!s->keys[i]) {
        s->keys[i] = key;
        s->count++;
    }
    s->state[i] = state; /* the latest record of a key wins */
    return 0;
}

static int map_grow(store *s)
{
    size_t old_cap = s->cap;
    uint64_t *old = s->keys;
    uint32_t *old_state = s->state;
    size_t cap = old_cap ? 2 * old_cap : 1024;
    uint64_t *keys = calloc(cap, sizeof(uint64_t));
    uint32_t *state = calloc(cap, sizeof(uint32_t));
    if (!keys || !state) {
        free(keys);
        free(state);
        return -1;
    }
    s->keys = keys;
    s->state = state;
    s->cap = cap;
    s->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i]) map_put(s, old[i], old_state[i]); /* cannot grow again: half full at most */
    free(old);
    free(old_state);
    return 0;
}

int store_lookup(const store *s, uint64_t key, int *failed, int *attempt)
{
    if (!s->cap) return 0;
    size_t i = key & (s->cap - 1);
    while (s->keys[i]) {
        if (s->keys[i] == key) {
            if (failed) *failed = (int)(s->state[i] & 1);
            if (attempt) *attempt = (int)(s->state[i] >> 1);
            return 1;
        }
        i = (i + 1) & (s->cap - 1);
    }
    return 0;
}

int store_mark(store *s, uint64_t key, int failed, int attempt)
{
    return map_put(s, key, (uint32_t)attempt << 1 | (failed != 0));
}

/* ---- opening: the existing lines by the store's rules ---- */

typedef struct {
    long offset, len;
} span;

typedef struct {
    store *s;
    span *bad;
    size_t n_bad, cap_bad;
} open_scan;

static int on_line(void *vctx, long lineno, long offset, const char *line, size_t len, record *r, const char *why)
{
    (void)line;
    open_scan *c = vctx;
    store *s = c->s;
    if (r) {
        uint64_t k = strtoull(r->key, NULL, 16); /* the reader checked: 16 hex digits */
        if (k && store_mark(s, k, strcmp(r->status, "ok") != 0, (int)r->attempt) != 0) return -1;
        if (k) return 0;
        why = "its key is 0";
    }
    if (MLPV_GROW(c->bad, c->cap_bad, c->n_bad + 1)) return -1;
    c->bad[c->n_bad++] = (span){ offset, (long)len };
    if (s->n_warn < STORE_MAX_WARN) {
        s->warn_line[s->n_warn] = lineno;
        snprintf(s->warn[s->n_warn], sizeof s->warn[0], "%s", why);
        s->n_warn++;
    }
    return 0;
}

/* Copies bytes [from, to) of in to out; 0 or -1. */
static int copy_range(FILE *in, FILE *out, long from, long to)
{
    char buf[65536];
    if (fseek(in, from, SEEK_SET) != 0) return -1;
    for (long left = to - from; left > 0;) {
        size_t want = left < (long)sizeof buf ? (size_t)left : sizeof buf;
        size_t n = fread(buf, 1, want, in);
        if (n == 0 || fwrite(buf, 1, n, out) != n) return -1;
        left -= (long)n;
    }
    return 0;
}

/* Moves the bad lines to DIR/quarantine.jsonl (appended, fsync'd first, so
 * nothing is lost), then replaces results.jsonl by its good complete lines
 * (written, fsync'd, renamed over it). good_end: where the complete lines end. */
static int quarantine(store *s, const char *dir, const open_scan *c, long good_end)
{
    char *qpath = path_join(dir, "quarantine.jsonl"), *tmp = path_join(dir, "results.jsonl.tmp");
    FILE *in = fopen(s->path, "r"), *q = qpath ? fopen(qpath, "a") : NULL, *out = tmp ? fopen(tmp, "w") : NULL;
    int ok = in && q && out;
    for (size_t i = 0; ok && i < c->n_bad; i++)
        ok = copy_range(in, q, c->bad[i].offset, c->bad[i].offset + c->bad[i].len) == 0;
    ok = ok && fflush(q) == 0 && fsync(fileno(q)) == 0;
    long at = 0;
    for (size_t i = 0; ok && i <= c->n_bad; i++) {
        long stop = i < c->n_bad ? c->bad[i].offset : good_end;
        ok = copy_range(in, out, at, stop) == 0;
        if (i < c->n_bad) at = c->bad[i].offset + c->bad[i].len;
    }
    ok = ok && fflush(out) == 0 && fsync(fileno(out)) == 0;
    if (in) fclose(in);
    if (q && fclose(q) != 0) ok = 0;
    if (out && fclose(out) != 0) ok = 0;
    ok = ok && rename(tmp, s->path) == 0;
    if (ok) sync_dir(dir);
    else if (tmp) unlink(tmp);
    free(qpath);
    free(tmp);
    s->quarantined = ok ? (long)c->n_bad : 0;
    return ok ? 0 : -1;
}

/* Loads the keys of complete records, moves other complete lines aside and
 * cuts a torn tail. */
static int load_existing(store *s, const char *dir, const char *sweep_name, char *err, size_t errlen)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        if (errno == ENOENT) return 0;
        snprintf(err, errlen, "cannot read '%s': %s", s->path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "'%s' is not a regular file; move it away", s->path);
        return -1;
    }
    open_scan c = { s, NULL, 0, 0 };
    results_stats rs;
    if (results_scan(s->path, sweep_name, on_line, &c, &rs, err, errlen) != 0) {
        free(c.bad);
        return -1;
    }
    long good_end = (long)st.st_size - rs.torn_bytes;
    int rc = 0;
    if (c.n_bad) rc = quarantine(s, dir, &c, good_end);
    else if (rs.torn_bytes) rc = truncate(s->path, good_end);
    if (rc) snprintf(err, errlen, "cannot repair '%s': %s", s->path, strerror(errno));
    else s->torn_bytes = rs.torn_bytes;
    free(c.bad);
    return rc;
}

/* mkdir -p: the folder and its missing parents. */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    int rc = 0;
    for (char *q = p + 1; !rc && *q; q++) {
        if (*q != '/') continue;
        *q = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
        *q = '/';
    }
    if (!rc && mkdir(p, 0777) != 0 && errno != EEXIST) rc = -1;
    struct stat st;
    if (!rc && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
        errno = ENOTDIR;
        rc = -1;
    }
    free(p);
    return rc;
}

static int open_inner(store *s, const char *dir, const char *sweep_name, const char *identity, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->fd = s->lock_fd = -1;
    if (make_dirs(dir) != 0) {
        snprintf(err, errlen, "cannot create the output folder '%s': %s", dir, strerror(errno));
        return -1;
    }
    /* One writer per folder: two sweeps appending to one file would duplicate
     * records (ranks of a killed mpirun can outlive it for a few seconds). */
    char *lock = path_join(dir, "lock");
    s->lock_fd = lock ? open(lock, O_RDWR | O_CREAT, 0666) : -1;
    free(lock);
    if (s->lock_fd < 0) {
        snprintf(err, errlen, "cannot create '%s/lock': %s", dir, strerror(errno));
        return -1;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen,
                 "another mlpvar sweep is writing to '%s' right now; wait for it to end "
                 "(or stop it), then rerun",
                 dir);
        close(s->lock_fd);
        s->lock_fd = -1;
        return -2;
    }
    manifest m;
    int mr = manifest_read(dir, &m, err, errlen);
    if (mr < 0) return -2;
    s->path = path_join(dir, "results.jsonl");
    if (!s->path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (mr == 0 && strcmp(m.identity, identity) != 0) {
        snprintf(err, errlen,
                 "'%s' holds results of a different sweep ('%s', identity %s; this is '%s', identity %s); "
                 "give another --out folder, or move that one away",
                 dir, m.sweep, m.identity, sweep_name, identity);
        return -2;
    }
    if (mr == 1) {
        struct stat st;
        if (stat(s->path, &st) == 0 && st.st_size > 0) {
            snprintf(err, errlen,
                     "'%s' holds a results.jsonl but no manifest.json, so it cannot be matched to this sweep; "
                     "give another --out folder",
                     dir);
            return -2;
        }
        memset(&m, 0, sizeof m);
        snprintf(m.sweep, sizeof m.sweep, "%s", sweep_name);
        snprintf(m.identity, sizeof m.identity, "%s", identity);
        snprintf(m.format, sizeof m.format, "%s", MANIFEST_FORMAT);
        if (manifest_write(dir, &m, err, errlen) != 0) return -1;
    }
    if (load_existing(s, dir, sweep_name, err, errlen) != 0) return -1;
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (s->fd < 0) {
        snprintf(err, errlen, "cannot open '%s' for appending: %s", s->path, strerror(errno));
        return -1;
    }
    sync_dir(dir);
    return 0;
}

int store_open(store *s, const char *dir, const char *sweep_name, const char *identity, char *err, size_t errlen)
{
    int rc = open_inner(s, dir, sweep_name, identity, err, errlen);
    if (rc != 0) store_close(s); /* releases the lock and whatever was allocated */
    return rc;
}

int store_commit(store *s, const char *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(s->fd, buf + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        off += (size_t)w;
    }
    if (fsync(s->fd) != 0) return -1;
    s->fsyncs++;
    return 0;
}

void store_close(store *s)
{
    if (s->fd >= 0) close(s->fd);
    if (s->lock_fd >= 0) close(s->lock_fd); /* releases the flock */
    free(s->path);
    free(s->keys);
    free(s->state);
    memset(s, 0, sizeof *s);
    s->fd = s->lock_fd = -1;
}
