/* DIR/manifest.json: ties a results folder to one sweep. Written once, when
 * the sweep first opens the folder (write, fsync, rename, fsync the folder). */
#ifndef MLPVAR_MANIFEST_H
#define MLPVAR_MANIFEST_H

#include <stddef.h>

#define MANIFEST_FORMAT "mlpvar-results 1"

typedef struct {
    char sweep[256]; /* the sweep's name */
    char identity[64]; /* hex hash of its record-level settings (record.h, sweep_identity) */
    char format[64]; /* MANIFEST_FORMAT */
} manifest;

/* Reads DIR/manifest.json. Returns 0; 1 when there is none; -1 with err when
 * it cannot be read or is not a manifest (file named). */
int manifest_read(const char *dir, manifest *m, char *err, size_t errlen);
/* Writes DIR/manifest.json atomically. Returns 0, or -1 with err (strerror). */
int manifest_write(const char *dir, const manifest *m, char *err, size_t errlen);

/* "DIR/NAME" into a malloc'd string, or NULL (out of memory). */
char *path_join(const char *dir, const char *name);
/* fsync a folder, so that a new or renamed file's entry survives a crash. */
void sync_dir(const char *dir);

#endif
