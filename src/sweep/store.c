#include "store.h"

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

uint64_t store_hash(const char *text)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) { h ^= *p; h *= 0x100000001b3ull; }
    h = mlpv_mix64(h);
    return h ? h : 1;        /* 0 marks an empty slot */
}

static int set_grow(store *s);

static int set_add(store *s, uint64_t key)
{
    if ((s->count + 1) * 2 > s->cap && set_grow(s) != 0) return -1;
    size_t i = key & (s->cap - 1);
    while (s->keys[i] && s->keys[i] != key) i = (i + 1) & (s->cap - 1);
    if (!s->keys[i]) { s->keys[i] = key; s->count++; }
    return 0;
}

static int set_grow(store *s)
{
    size_t old_cap = s->cap;
    uint64_t *old = s->keys;
    s->cap = old_cap ? 2 * old_cap : 1024;
    s->keys = calloc(s->cap, sizeof(uint64_t));
    if (!s->keys) { s->keys = old; s->cap = old_cap; return -1; }
    s->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i]) set_add(s, old[i]);
    free(old);
    return 0;
}

int store_has(const store *s, uint64_t key)
{
    if (!s->cap) return 0;
    size_t i = key & (s->cap - 1);
    while (s->keys[i]) {
        if (s->keys[i] == key) return 1;
        i = (i + 1) & (s->cap - 1);
    }
    return 0;
}

uint64_t store_line_key(const char *line)
{
    const char *p = strstr(line, "\"key\": \"");
    if (!p) return 0;
    p += 8;
    char hex[17];
    for (int i = 0; i < 16; i++) {
        char c = p[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return 0;
        hex[i] = c;
    }
    hex[16] = '\0';
    return strtoull(hex, NULL, 16);
}

/* fsync a folder so a new file's directory entry survives a crash. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) { fsync(fd); close(fd); }
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Reads the manifest's identity into buf (empty if there is no manifest). */
static int read_manifest(const char *path, char *name, size_t nlen, char *ident, size_t ilen)
{
    name[0] = ident[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return errno == ENOENT ? 0 : -1;
    char line[4096];
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    const char *p = strstr(line, "\"identity\": \""), *q = strstr(line, "\"sweep\": \"");
    if (p) { p += 13; size_t k = strcspn(p, "\""); if (k >= ilen) k = ilen - 1; memcpy(ident, p, k); ident[k] = '\0'; }
    if (q) { q += 10; size_t k = strcspn(q, "\""); if (k >= nlen) k = nlen - 1; memcpy(name, q, k); name[k] = '\0'; }
    return 0;
}

static int write_manifest(const char *dir, const char *path, const char *sweep_name, const char *identity)
{
    char *tmp = join(dir, "manifest.json.tmp");
    FILE *f = tmp ? fopen(tmp, "w") : NULL;
    if (!f) { free(tmp); return -1; }
    fprintf(f, "{\"sweep\": \"%s\", \"identity\": \"%s\", \"format\": \"mlpvar-results 1\"}\n", sweep_name, identity);
    int ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
    ok = (fclose(f) == 0) && ok && rename(tmp, path) == 0;
    free(tmp);
    sync_dir(dir);
    return ok ? 0 : -1;
}

/* Loads the keys of complete lines and cuts a torn tail. */
static int load_existing(store *s)
{
    FILE *f = fopen(s->path, "r");
    if (!f) return errno == ENOENT ? 0 : -1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long good = 0;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (line[len - 1] != '\n') break;          /* torn: no newline */
        uint64_t k = store_line_key(line);
        if (k) set_add(s, k);                       /* a complete line without a key is not ours: skip */
        good += len;
    }
    free(line);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    if (size > good) {
        s->torn_bytes = size - good;
        if (truncate(s->path, good) != 0) return -1;
    }
    return 0;
}

static int open_inner(store *s, const char *dir, const char *sweep_name, const char *identity,
                      char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->fd = s->lock_fd = -1;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create the output folder '%s': %s; check the parent folder exists", dir, strerror(errno));
        return -1;
    }
    /* One writer per folder: two sweeps appending to one file would duplicate
     * records (ranks of a killed mpirun can outlive it for a few seconds). */
    char *lock = join(dir, "lock");
    s->lock_fd = lock ? open(lock, O_RDWR | O_CREAT, 0666) : -1;
    free(lock);
    if (s->lock_fd < 0) {
        snprintf(err, errlen, "cannot create '%s/lock': %s", dir, strerror(errno));
        return -1;
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
        snprintf(err, errlen, "another mlpvar sweep is writing to '%s' right now; wait for it to end "
                 "(or stop it), then rerun", dir);
        close(s->lock_fd);
        s->lock_fd = -1;
        return -2;
    }
    char *manifest = join(dir, "manifest.json");
    char old_name[256], old_ident[64];
    if (!manifest || read_manifest(manifest, old_name, sizeof old_name, old_ident, sizeof old_ident) != 0) {
        snprintf(err, errlen, "cannot read '%s/manifest.json': %s", dir, strerror(errno));
        free(manifest);
        return -1;
    }
    s->path = join(dir, "results.jsonl");
    if (old_ident[0] && strcmp(old_ident, identity) != 0) {
        snprintf(err, errlen, "'%s' holds results of a different sweep ('%s', identity %s; this is '%s', identity %s); "
                 "give another --out folder, or move that one away", dir, old_name, old_ident, sweep_name, identity);
        free(manifest);
        return -2;
    }
    if (!old_ident[0]) {
        struct stat st;
        if (stat(s->path, &st) == 0 && st.st_size > 0) {
            snprintf(err, errlen, "'%s' holds a results.jsonl but no manifest.json, so it cannot be matched to this sweep; "
                     "give another --out folder", dir);
            free(manifest);
            return -2;
        }
        if (write_manifest(dir, manifest, sweep_name, identity) != 0) {
            snprintf(err, errlen, "cannot write '%s': %s", manifest, strerror(errno));
            free(manifest);
            return -1;
        }
    }
    free(manifest);
    if (load_existing(s) != 0) {
        snprintf(err, errlen, "cannot read '%s': %s", s->path, strerror(errno));
        return -1;
    }
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND, 0666);
    if (s->fd < 0) {
        snprintf(err, errlen, "cannot open '%s' for appending: %s", s->path, strerror(errno));
        return -1;
    }
    sync_dir(dir);
    return 0;
}

int store_open(store *s, const char *dir, const char *sweep_name, const char *identity,
               char *err, size_t errlen)
{
    int rc = open_inner(s, dir, sweep_name, identity, err, errlen);
    if (rc != 0) store_close(s);          /* releases the lock and whatever was allocated */
    return rc;
}

int store_append(store *s, uint64_t key, const char *line, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(s->fd, line + off, len - off);
        if (w < 0) { if (errno == EINTR) continue; return -1; }
        off += (size_t)w;
    }
    if (fsync(s->fd) != 0) return -1;
    return set_add(s, key);
}

void store_close(store *s)
{
    if (s->fd >= 0) close(s->fd);
    if (s->lock_fd >= 0) close(s->lock_fd);       /* releases the flock */
    free(s->path);
    free(s->keys);
    memset(s, 0, sizeof *s);
    s->fd = s->lock_fd = -1;
}
