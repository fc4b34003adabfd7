#include "sweep_source.h"

#include "mlpvar/grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void source_init(sweep_source *s, int from_disk)
{
    memset(s, 0, sizeof *s);
    s->from_disk = from_disk;
}

void source_free(sweep_source *s)
{
    for (int i = 0; i < s->n; i++) {
        free(s->file[i].path);
        free(s->file[i].bytes);
    }
    free(s->file);
    memset(s, 0, sizeof *s);
}

const source_file *source_find(const sweep_source *s, const char *path)
{
    for (int i = 0; s && i < s->n; i++)
        if (!strcmp(s->file[i].path, path)) return &s->file[i];
    return NULL;
}

int source_add(sweep_source *s, const char *path, const char *bytes, size_t len)
{
    if (MLPV_GROW(s->file, s->cap, s->n + 1)) return -1;
    source_file *f = &s->file[s->n];
    f->path = strdup(path);
    f->bytes = malloc(len + 1);
    if (!f->path || !f->bytes) {
        free(f->path);
        free(f->bytes);
        return -1;
    }
    memcpy(f->bytes, bytes, len);
    f->bytes[len] = '\0';
    f->len = len;
    s->n++;
    return 0;
}

int read_whole_file(const char *path, size_t max, char **bytes, size_t *len)
{
    *bytes = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f) return -1;
    if (fstat(fileno(f), &st) != 0) {
        int e = errno;
        fclose(f);
        errno = e;
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        fclose(f);
        errno = EISDIR;
        return -1;
    }
    char *buf = NULL;
    size_t cap = 0, n = 0;
    int bad = 0;
    for (;;) {
        if (mlpv_grow(&buf, &cap, n + 65536 + 1, 1)) {
            bad = ENOMEM;
            break;
        }
        size_t got = fread(buf + n, 1, cap - 1 - n, f);
        n += got;
        if (n > max) {
            bad = EFBIG;
            break;
        }
        if (got == 0) {
            bad = ferror(f) ? EIO : 0;
            break;
        }
    }
    fclose(f);
    if (bad) {
        free(buf);
        errno = bad;
        return -1;
    }
    buf[n] = '\0';
    *bytes = buf;
    *len = n;
    return 0;
}

void content_hash(const char *bytes, size_t len, char hex[17])
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)bytes[i];
        h *= 0x100000001b3ull;
    }
    snprintf(hex, 17, "%016llx", (unsigned long long)h);
}
