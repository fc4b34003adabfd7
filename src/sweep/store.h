/* The results store of a sweep, the writer's side: DIR/results.jsonl, one
 * record (record_schema.h) per line, each written and fsync'd before it
 * counts as done; DIR/manifest.json names the sweep the folder belongs to;
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
    int fd;                  /* results.jsonl, O_APPEND */
    int lock_fd;             /* DIR/lock, held (flock) while the store is open */
    char *path;
    uint64_t *keys;          /* open-addressing set of finished keys (0 = empty slot) */
    size_t cap, count;
    long torn_bytes;         /* bytes cut from a torn last line on open */
    long quarantined;        /* lines moved to quarantine.jsonl on open */
    int n_warn;              /* the first of them: line numbers and why */
    long warn_line[STORE_MAX_WARN];
    char warn[STORE_MAX_WARN][200];
} store;

/* Opens (creating) DIR and its files. identity names the sweep's record-level
 * settings: a folder whose manifest holds another identity is refused (returns
 * -2 with err naming both sweeps), and so is a folder another process is writing
 * (an exclusive flock on DIR/lock; -2); other failures return -1 with err. */
int store_open(store *s, const char *dir, const char *sweep_name, const char *identity,
               char *err, size_t errlen);
int store_has(const store *s, uint64_t key);
/* Appends one complete line (must end in '\n'), fsyncs, then records the key. */
int store_append(store *s, uint64_t key, const char *line, size_t len);
void store_close(store *s);

/* 64-bit FNV-1a of a string, finished with mix64: keys and identities. */
uint64_t store_hash(const char *text);

#endif
