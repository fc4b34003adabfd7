/* The gnuplot harness (gnuplot.h): a private folder per job, exact string
 * literals, gnuplot run by posix_spawn (no shell), the folder removed by nftw. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define SETERR(...)                                                                                                    \
    do {                                                                                                               \
        if (err && errlen) snprintf(err, errlen, __VA_ARGS__);                                                         \
    } while (0)

/* ---- string literals ---- */

static void literal(FILE *f, const char *prefix, const char *s)
{
    fputc('"', f);
    fputs(prefix, f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if (c == '"' || c == '\\' || c == '`') {
            fputc('\\', f);
            fputc((int)c, f);
        } else if (c == '\n') fputs("\\n", f);
        else if (c == '\r') fputs("\\r", f);
        else if (c == '\t') fputs("\\t", f);
        /* gnuplot reads up to 4 octal digits after "\0": always write all 4,
         * so that a digit after the escape is never taken into it */
        else if (c < 0x20 || c == 0x7f) fprintf(f, "\\0%03o", c);
        else fputc((int)c, f);
    }
    fputc('"', f);
}

void gp_str(FILE *f, const char *s) { literal(f, "", s); }

void gp_file(FILE *f, const char *path) { literal(f, path[0] == '/' ? "" : "./", path); }

/* ---- finding gnuplot ---- */

int gp_which(char *path, size_t len)
{
    const char *env = getenv("PATH");
    char fallback[256];
    if (!env) { /* execvp's default search path */
        size_t n = confstr(_CS_PATH, fallback, sizeof fallback);
        env = n > 0 && n <= sizeof fallback ? fallback : "/bin:/usr/bin";
    }
    for (const char *p = env;; p++) {
        size_t n = strcspn(p, ":");
        int w = n ? snprintf(path, len, "%.*s/gnuplot", (int)n, p) : snprintf(path, len, "./gnuplot");
        struct stat st;
        if (w > 0 && (size_t)w < len && stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0)
            return 0;
        p += n;
        if (!*p) break;
    }
    if (len) path[0] = '\0';
    return -1;
}

/* ---- the job's folder ---- */

/* path[GP_PATH] = the job's folder + "/" + name; gp_open leaves the folder's
 * path 64 bytes short of GP_PATH, room for every name used here. */
static void in_dir(const gp_job *j, const char *name, char *path)
{
    int n = snprintf(path, GP_PATH, "%s/%s", j->dir, name);
    if (n < 0 || n >= GP_PATH) path[0] = '\0';
}

static _Thread_local int rm_errno;
static _Thread_local char rm_path[GP_PATH];

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    if (remove(path) == 0) return 0;
    rm_errno = errno;
    snprintf(rm_path, sizeof rm_path, "%s", path);
    return 1;
}

int gp_discard(gp_job *j, char *err, size_t errlen)
{
    if (j->gp) {
        fclose(j->gp);
        j->gp = NULL;
    }
    if (!j->dir[0]) return 0;
    rm_errno = 0;
    int rc = nftw(j->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (rc != 0 && !(rc == -1 && errno == ENOENT)) {
        if (rm_errno) SETERR("cannot remove %s from the temporary folder: %s", rm_path, strerror(rm_errno));
        else SETERR("cannot remove the temporary folder %s: %s", j->dir, strerror(errno));
        return -1;
    }
    j->dir[0] = '\0';
    return 0;
}

int gp_open(gp_job *j, const char *terminal, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    if (!tmp || !*tmp) tmp = "/tmp";
    j->gp = NULL;
    j->nfiles = 0;
    /* a relative TMPDIR gets "./", so that the script's path is never read as an
     * option by gnuplot; 64 bytes stay free for the names inside the folder */
    int n = snprintf(j->dir, sizeof j->dir - 64, "%s%s/mlpvar-gnuplot-XXXXXX", tmp[0] == '/' ? "" : "./", tmp);
    if (n < 0 || (size_t)n >= sizeof j->dir - 64) {
        j->dir[0] = '\0';
        SETERR("TMPDIR is too long for a temporary folder (%zu bytes); set it to a shorter path", strlen(tmp));
        return -1;
    }
    if (!mkdtemp(j->dir)) {
        SETERR("cannot make a temporary folder in %s: %s; set TMPDIR to a writable folder", tmp, strerror(errno));
        j->dir[0] = '\0';
        return -1;
    }
    char path[GP_PATH];
    in_dir(j, "plot.gp", path);
    if (!(j->gp = fopen(path, "w"))) {
        SETERR("cannot write %s: %s", path, strerror(errno));
        gp_discard(j, NULL, 0);
        return -1;
    }
    fprintf(j->gp, "set terminal %s\nset output ", terminal);
    in_dir(j, "out.png", path);
    gp_file(j->gp, path);
    fputc('\n', j->gp);
    return 0;
}

FILE *gp_data(gp_job *j, char *path, size_t len, char *err, size_t errlen)
{
    char name[32];
    snprintf(name, sizeof name, "d%d.dat", j->nfiles++);
    int n = snprintf(path, len, "%s/%s", j->dir, name);
    if (n < 0 || (size_t)n >= len) {
        SETERR("no room for the path of %s/%s", j->dir, name);
        return NULL;
    }
    FILE *f = fopen(path, "w");
    if (!f) SETERR("cannot write %s: %s", path, strerror(errno));
    return f;
}

/* ---- running it ---- */

/* Runs exe -d script with stdin /dev/null and stdout, stderr into log; *status
 * gets waitpid's status. Returns 0, or -1 with err. */
static int spawn_wait(const char *exe, const char *script, const char *log, int *status, char *err, size_t errlen)
{
    posix_spawn_file_actions_t fa;
    int e = posix_spawn_file_actions_init(&fa);
    if (e) {
        SETERR("cannot run gnuplot: %s", strerror(e));
        return -1;
    }
    if (!(e = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)) &&
        !(e = posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600)))
        e = posix_spawn_file_actions_adddup2(&fa, 1, 2);
    char a0[] = "gnuplot", a1[] = "-d", *a2 = strdup(script);
    char *argv[] = { a0, a1, a2, NULL };
    pid_t pid = -1;
    if (!e) e = a2 ? posix_spawn(&pid, exe, &fa, NULL, argv, environ) : ENOMEM;
    posix_spawn_file_actions_destroy(&fa);
    free(a2);
    if (e) {
        SETERR("cannot run %s: %s", exe, strerror(e));
        return -1;
    }
    while (waitpid(pid, status, 0) < 0) {
        if (errno == EINTR) continue;
        SETERR("cannot wait for gnuplot: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* gnuplot's first error line in its log: the first "... line N: message" that
 * is not a warning (as "line N: message", without the script's temporary
 * path), else the first line with "rror", else the first with any text. */
static void first_error(const char *log, char *out, size_t len)
{
    char line[512], any[512] = "", rror[512] = "";
    FILE *f = fopen(log, "r");
    snprintf(out, len, "no error message");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        /* gnuplot writes "\"SCRIPT\" line N: message" */
        for (char *at = strstr(line, "\" line "); at; at = strstr(at + 1, "\" line ")) {
            int k = 0;
            sscanf(at, "\" line %*d%n", &k);
            if (k > 0 && at[k] == ':' && !strstr(at, "warning:")) {
                snprintf(out, len, "%s", at + 2);
                fclose(f);
                return;
            }
        }
        if (!rror[0] && strstr(line, "rror")) snprintf(rror, sizeof rror, "%s", line);
        if (!any[0] && line[strspn(line, " \t^")]) snprintf(any, sizeof any, "%s", line);
    }
    if (f) fclose(f);
    if (rror[0] || any[0]) snprintf(out, len, "%s", rror[0] ? rror : any);
}

/* Moves from to to: rename, or a copy where they are on different file systems. */
static int move_file(const char *from, const char *to)
{
    if (rename(from, to) == 0) return 0;
    if (errno != EXDEV) return -1;
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    if (!out) {
        int e = errno;
        if (in) fclose(in);
        errno = e;
        return -1;
    }
    char buf[65536];
    size_t n;
    int bad = 0;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0) bad = fwrite(buf, 1, n, out) != n;
    bad |= ferror(in);
    int e = errno;
    fclose(in);
    if (fclose(out) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    errno = e;
    return bad ? -1 : 0;
}

int gp_run(gp_job *j, const char *png, char *err, size_t errlen)
{
    char exe[GP_PATH], script[GP_PATH], log[GP_PATH], out[GP_PATH];
    int rc = -1, status = 0;
    if (!j->gp) {
        SETERR("the gnuplot job was not open");
        goto done;
    }
    in_dir(j, "plot.gp", script);
    fputs("unset multiplot\nunset output\n", j->gp);
    int bad = ferror(j->gp);
    if (fclose(j->gp) != 0) bad = 1;
    j->gp = NULL;
    if (bad) {
        SETERR("cannot write %s: %s", script, strerror(errno));
        goto done;
    }
    if (gp_which(exe, sizeof exe) != 0) {
        SETERR("gnuplot not found on PATH; install it with 'apt-get install gnuplot-nox'");
        goto done;
    }
    in_dir(j, "log.txt", log);
    if (spawn_wait(exe, script, log, &status, err, errlen) != 0) goto done;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char first[256];
        first_error(log, first, sizeof first);
        if (WIFEXITED(status)) SETERR("gnuplot failed (exit %d): %s", WEXITSTATUS(status), first);
        else SETERR("gnuplot was killed by signal %d: %s", WIFSIGNALED(status) ? WTERMSIG(status) : 0, first);
        goto done;
    }
    in_dir(j, "out.png", out);
    struct stat st;
    if (stat(out, &st) != 0 || st.st_size == 0) {
        SETERR("gnuplot exited 0 but drew no PNG");
        goto done;
    }
    if (move_file(out, png) != 0) {
        SETERR("cannot write %s: %s", png, strerror(errno));
        goto done;
    }
    rc = 0;
done:
    /* on an earlier error, err keeps that one */
    if (gp_discard(j, rc ? NULL : err, errlen) != 0) rc = -1;
    return rc;
}
