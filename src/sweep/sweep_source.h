/* The files a sweep reads (the sweep file, CSV data), held in memory. The
 * master reads them once from its disk; the sweep engine sends them to every
 * rank (sweep_run.c), and every rank parses the same bytes, so no worker
 * needs the files on its own host and no rank can read a different file at
 * the same path. */
#ifndef MLPVAR_SWEEP_SOURCE_H
#define MLPVAR_SWEEP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *path; /* as the reader asked for it */
    char *bytes; /* the whole file, NUL-terminated */
    size_t len;
} source_file;

typedef struct {
    source_file *file;
    int n;
    size_t cap;
    int from_disk; /* 1: a file not held yet is read from disk and kept */
} sweep_source;

void source_init(sweep_source *s, int from_disk);
void source_free(sweep_source *s);
/* The held file at path, or NULL. */
const source_file *source_find(const sweep_source *s, const char *path);
/* Keeps a copy of bytes[len] under path. 0, or -1 (out of memory). */
int source_add(sweep_source *s, const char *path, const char *bytes, size_t len);

/* Reads a whole regular file of at most max bytes into a malloc'd,
 * NUL-terminated buffer. 0; -1 with errno set (EISDIR for a folder, EINVAL
 * for anything else that is not a regular file, EFBIG over max). */
int read_whole_file(const char *path, size_t max, char **bytes, size_t *len);

/* 64-bit FNV-1a of bytes, as 16 hex digits in hex[17]: a file's content hash. */
void content_hash(const char *bytes, size_t len, char hex[17]);

#endif
