#include "manifest.h"
#include "flat_json.h"
#include "json_out.h"
#include "sweep_source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int manifest_read(const char *dir, manifest *m, char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    char *path = path_join(dir, "manifest.json");
    if (!path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len;
    char *text;
    if (read_whole_file(path, 65536, &text, &len) != 0) {
        int e = errno;
        if (e == ENOENT) {
            free(path);
            return 1;
        }
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(e));
        free(path);
        return -1;
    }
    flat_json o;
    char why[256];
    int rc = flat_json_parse(text, len, &o, why, sizeof why);
    free(text);
    const char *sweep = rc ? NULL : flat_json_str(&o, "sweep"), *ident = rc ? NULL : flat_json_str(&o, "identity");
    const char *format = rc ? NULL : flat_json_str(&o, "format");
    if (!rc && (!sweep || !ident || !format)) {
        snprintf(why, sizeof why, "it lacks sweep, identity or format");
        flat_json_free(&o); /* parsed: its members are ours (found by tests/fuzz) */
        rc = -1;
    }
    if (rc) snprintf(err, errlen, "%s is not an mlpvar manifest (%s); it was edited or damaged", path, why);
    else {
        snprintf(m->sweep, sizeof m->sweep, "%s", sweep);
        snprintf(m->identity, sizeof m->identity, "%s", ident);
        snprintf(m->format, sizeof m->format, "%s", format);
        flat_json_free(&o);
    }
    free(path);
    return rc;
}

int manifest_write(const char *dir, const manifest *m, char *err, size_t errlen)
{
    char *tmp = path_join(dir, "manifest.json.tmp"), *path = path_join(dir, "manifest.json");
    FILE *f = tmp && path ? fopen(tmp, "w") : NULL;
    int ok = f != NULL;
    if (f) {
        json_obj j;
        json_begin(&j, f);
        json_str(&j, "sweep", m->sweep);
        json_str(&j, "identity", m->identity);
        json_str(&j, "format", m->format);
        json_end(&j);
        ok = fflush(f) == 0 && fsync(fileno(f)) == 0;
        ok = fclose(f) == 0 && ok && rename(tmp, path) == 0;
    }
    if (!ok) snprintf(err, errlen, "cannot write %s: %s", path ? path : dir, strerror(errno));
    else sync_dir(dir);
    free(tmp);
    free(path);
    return ok ? 0 : -1;
}
