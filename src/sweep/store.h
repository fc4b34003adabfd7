/* The results store of a sweep: DIR/results.jsonl, one JSON object per line per
 * (configuration, seed), each flushed to disk (fsync) before it counts as done;
 * DIR/manifest.json names the sweep the folder belongs to. On open, a torn last
 * line (a kill mid-write) is cut off and the keys already present are loaded,
 * so a rerun skips finished work and never writes a key twice. */
#ifndef MLPVAR_STORE_H
#define MLPVAR_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    int fd;                  /* results.jsonl, O_APPEND */
    int lock_fd;             /* DIR/lock, held (flock) while the store is open */
    char *path;
    uint64_t *keys;          /* open-addressing set of finished keys (0 = empty slot) */
    size_t cap, count;
    long torn_bytes;         /* bytes cut from a torn last line on open */
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

/* The 16-hex-digit key written in a record line, or 0 if the line has none. */
uint64_t store_line_key(const char *line);

/* 64-bit FNV-1a of a string, finished with mix64: keys and identities. */
uint64_t store_hash(const char *text);

#endif
