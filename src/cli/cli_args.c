#include "cli_args.h"
#include "sweep_limits.h"

#include "mlpvar/grow.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Under mpirun or srun every rank parses the same command line: only rank 0
 * speaks, so a bad option is one line, not one per rank. */
int cli_is_secondary_rank(void)
{
    static const char *const vars[] = { "OMPI_COMM_WORLD_RANK", "PMIX_RANK", "PMI_RANK", "SLURM_PROCID" };
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
        const char *v = getenv(vars[i]);
        if (v && atoi(v) > 0) return 1;
    }
    return 0;
}

/* The message on one printable line: control characters from the user's
 * input become '?', and a very long value is cut. */
/* One printable line "mlpvar CMD: message" (rank 0 only), then exit(code). */
static _Noreturn void die_with(int code, const char *cmd, const char *fmt, va_list ap)
{
    if (!cli_is_secondary_rank()) {
        char buf[1200];
        vsnprintf(buf, sizeof buf, fmt, ap);
        for (char *p = buf; *p; p++)
            if ((unsigned char)*p < 0x20 || *p == 0x7f) *p = '?';
        fprintf(stderr, "mlpvar %s: %s\n", cmd, buf);
    }
    exit(code);
}

void cli_die(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_with(EXIT_USAGE, cmd, fmt, ap);
}

void cli_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    die_with(EXIT_FAILURE, cmd, fmt, ap);
}

void cli_write_error(const char *cmd, const char *what, const char *path, int err)
{
    if (err == ENOENT || err == ENOTDIR || err == EISDIR || err == ENAMETOOLONG || err == ELOOP)
        cli_die(cmd, "%s: cannot write '%s': %s; check the folder exists", what, path, strerror(err));
    cli_fail(cmd, "%s: cannot write '%s': %s", what, path, strerror(err));
}

long cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0')
        cli_die(cmd, "%s: '%.80s' is not an integer; give a whole number between %ld and %ld", opt, s, lo, hi);
    if (errno == ERANGE || v < lo || v > hi)
        cli_die(cmd, "%s: %.80s is out of range; give a whole number between %ld and %ld", opt, s, lo, hi);
    return v;
}

double cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || !isfinite(v) || (errno == ERANGE && fabs(v) > 1))
        cli_die(cmd, "%s: '%.80s' is not a finite number; give a value between %g and %g", opt, s, lo, hi);
    if (v < lo || v > hi) cli_die(cmd, "%s: %g is out of range; give a value between %g and %g", opt, v, lo, hi);
    return v;
}

/* The items of a comma-separated list, each non-empty; *n items into a
 * malloc'd array of pointers into a malloc'd copy (*copy). */
static char **split_items(const char *cmd, const char *opt, const char *s, char **copy, int *n)
{
    *copy = strdup(s);
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ',';
    if (cap > (size_t)LIM_MAX_LIST)
        cli_die(cmd, "%s: more than %ld items, above the ceiling of a list (docs/limits.md); list fewer", opt,
                LIM_MAX_LIST);
    char **item = malloc(sizeof(char *) * cap);
    if (!*copy || !item) cli_fail(cmd, "out of memory");
    int k = 0;
    for (char *p = *copy;; p++) {
        item[k++] = p;
        p = strchr(p, ',');
        if (!p) break;
        *p = '\0';
    }
    for (int i = 0; i < k; i++)
        if (!*item[i])
            cli_die(cmd, "%s: an empty item in '%.80s'; write values separated by single commas, e.g. 1,2,4", opt, s);
    *n = k;
    return item;
}

static int long_cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

long *cli_long_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n)
{
    char *copy;
    int n_items;
    char **item = split_items(cmd, opt, s, &copy, &n_items);
    long *out = NULL;
    size_t count = 0, cap = 0;
    for (int i = 0; i < n_items; i++) {
        char *tok = item[i], *dots = strstr(tok, "..");
        long a, b;
        if (dots) {
            *dots = '\0';
            a = cli_long(cmd, opt, tok, lo, hi);
            b = cli_long(cmd, opt, dots + 2, lo, hi);
            if (b < a) cli_die(cmd, "%s: range %ld..%ld is empty; write low..high", opt, a, b);
        } else {
            a = b = cli_long(cmd, opt, tok, lo, hi);
        }
        if ((double)b - (double)a + 1 + (double)count > (double)LIM_MAX_LIST)
            cli_die(cmd, "%s: more than %ld values, above the ceiling of a list (docs/limits.md); list fewer", opt,
                    LIM_MAX_LIST);
        if (MLPV_GROW(out, cap, count + (size_t)(b - a) + 1)) cli_fail(cmd, "out of memory");
        for (long v = a; v <= b; v++) out[count++] = v;
    }
    free(item);
    free(copy);
    long *sorted = malloc(sizeof(long) * count);
    if (!sorted) cli_fail(cmd, "out of memory");
    memcpy(sorted, out, sizeof(long) * count);
    qsort(sorted, count, sizeof(long), long_cmp);
    for (size_t i = 1; i < count; i++)
        if (sorted[i] == sorted[i - 1]) cli_die(cmd, "%s: %ld is listed twice; list each value once", opt, sorted[i]);
    free(sorted);
    *n = (int)count;
    return out;
}

int *cli_int_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n)
{
    long *l = cli_long_list(cmd, opt, s, lo, hi, n);
    int *out = malloc(sizeof(int) * (size_t)*n);
    if (!out) cli_fail(cmd, "out of memory");
    for (int i = 0; i < *n; i++) out[i] = (int)l[i];
    free(l);
    return out;
}

mlpv_activation *cli_activation_list(const char *cmd, const char *s, int *n)
{
    char *copy;
    int k;
    char **item = split_items(cmd, "--activation", s, &copy, &k);
    mlpv_activation *out = malloc(sizeof(mlpv_activation) * (size_t)k);
    if (!out) cli_fail(cmd, "out of memory");
    for (int i = 0; i < k; i++) {
        if (mlpv_activation_parse(item[i], &out[i]) != 0)
            cli_die(cmd, "--activation: unknown activation '%.80s'; choose from %s", item[i], mlpv_activation_names());
        for (int j = 0; j < i; j++)
            if (out[j] == out[i])
                cli_die(cmd, "--activation: '%s' is listed twice; list each activation once", item[i]);
    }
    free(item);
    free(copy);
    *n = k;
    return out;
}

const char *cli_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) cli_die(cmd, "%s needs a value; see 'mlpvar %s --help'", argv[*i], cmd);
    return argv[++*i];
}
