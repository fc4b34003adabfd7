/* The results store of a sweep, the writer's side: DIR/results.jsonl, one
 * record (record_schema.h) per line, written in groups of whole lines with one
 * write and one fsync each; a record counts as done only once its group's
 * fsync has returned, so a crash loses at most the group in flight, never a
 * stored record; DIR/manifest.json names the sweep the folder belongs to;
 * DIR/lock, held with flock while the store is open, keeps a second writer
 * out. On open the existing lines are read by the store's rules (results.h):
 * a torn last line is cut, a complete line that is not a complete record of
 * this sweep is moved to DIR/quarantine.jsonl (its key is not done, so the
 * sweep recomputes it), and the keys of the complete records are loaded, so a
 * rerun skips finished work and never loses a stored record. */
#ifndef MLPVAR_STORE_H
#define MLPVAR_STORE_H

#include <stddef.h>
#include <stdint.h>

#define STORE_MAX_WARN 10

typedef struct {
    int fd; /* results.jsonl, O_APPEND */
    int lock_fd; /* DIR/lock, held (flock) while the store is open */
    char *path;
    uint64_t *keys; /* open-addressing map of the stored keys (0 = empty slot) ... */
    uint32_t *state; /* ... to their latest record's attempt << 1 | failed */
    size_t cap, count;
    long fsyncs; /* fsyncs of results.jsonl by store_commit */
    long torn_bytes; /* bytes cut from a torn last line on open */
    long quarantined; /* lines moved to quarantine.jsonl on open */
    int n_warn; /* the first of them: line numbers and why */
    long warn_line[STORE_MAX_WARN];
    char warn[STORE_MAX_WARN][200];
} store;

/* Opens (creating, with its missing parents) DIR and its files. identity names the sweep's record-level
 * settings: a folder whose manifest holds another identity is refused (returns
 * -2 with err naming both sweeps), and so is a folder another process is writing
 * (an exclusive flock on DIR/lock; -2); other failures return -1 with err. */
int store_open(store *s, const char *dir, const char *sweep_name, const char *identity, char *err, size_t errlen);
/* 1 when key has a record, with its latest record's status and attempt
 * (either pointer may be NULL); 0 when it has none. */
int store_lookup(const store *s, uint64_t key, int *failed, int *attempt);
/* Group commit: appends buf (complete lines, each ending in '\n') with one
 * write and one fsync. Only after it returns 0 do its records count:
 * store_mark each key then. -1 on an I/O error (errno set). */
int store_commit(store *s, const char *buf, size_t len);
/* Records that key's latest record has this status and attempt. 0, or -1 (OOM). */
int store_mark(store *s, uint64_t key, int failed, int attempt);
void store_close(store *s);

/* 64-bit FNV-1a of a string, finished with mix64: keys and identities.
 * store_hash(a b) = store_hash_finish(store_fnv(store_fnv(STORE_FNV_START, a), b)),
 * so a prefix shared by many keys is hashed once. */
#define STORE_FNV_START 0xcbf29ce484222325ull
uint64_t store_hash(const char *text);
uint64_t store_fnv(uint64_t state, const char *text);
uint64_t store_hash_finish(uint64_t state);

#endif
