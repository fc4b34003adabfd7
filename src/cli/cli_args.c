#include "cli_args.h"

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

void cli_die(const char *cmd, const char *fmt, ...)
{
    if (cli_is_secondary_rank()) exit(EXIT_USAGE);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mlpvar %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(EXIT_USAGE);
}

long cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        cli_die(cmd, "%s: '%s' is not an integer; give a whole number between %ld and %ld", opt, s, lo, hi);
    if (v < lo || v > hi)
        cli_die(cmd, "%s: %ld is out of range; give a whole number between %ld and %ld", opt, v, lo, hi);
    return v;
}

double cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        cli_die(cmd, "%s: '%s' is not a finite number; give a value between %g and %g", opt, s, lo, hi);
    if (v < lo || v > hi)
        cli_die(cmd, "%s: %g is out of range; give a value between %g and %g", opt, v, lo, hi);
    return v;
}

long *cli_long_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n)
{
    char *copy = strdup(s);
    long *out = NULL;
    int count = 0, cap = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        char *dots = strstr(tok, "..");
        long a, b;
        if (dots) {
            *dots = '\0';
            a = cli_long(cmd, opt, tok, lo, hi);
            b = cli_long(cmd, opt, dots + 2, lo, hi);
            if (b < a) cli_die(cmd, "%s: range %ld..%ld is empty; write low..high", opt, a, b);
            if (b - a > 100000) cli_die(cmd, "%s: range %ld..%ld is too long; list fewer values", opt, a, b);
        } else {
            a = b = cli_long(cmd, opt, tok, lo, hi);
        }
        for (long v = a; v <= b; v++) {
            if (count == cap) { cap = cap ? 2 * cap : 16; out = realloc(out, sizeof(long) * cap); }
            out[count++] = v;
        }
    }
    free(copy);
    if (count == 0) cli_die(cmd, "%s: empty list; give values like 1,2,4 or 1..8", opt);
    *n = count;
    return out;
}

int *cli_int_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n)
{
    long *l = cli_long_list(cmd, opt, s, lo, hi, n);
    int *out = malloc(sizeof(int) * (size_t)*n);
    for (int i = 0; i < *n; i++) out[i] = (int)l[i];
    free(l);
    return out;
}

mlpv_activation *cli_activation_list(const char *cmd, const char *s, int *n)
{
    char *copy = strdup(s);
    mlpv_activation *out = malloc(sizeof(mlpv_activation) * (strlen(s) + 1));
    int count = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        if (mlpv_activation_parse(tok, &out[count]) != 0) {
            if (cli_is_secondary_rank()) exit(EXIT_USAGE);
            fprintf(stderr, "mlpvar %s: --activation: unknown activation '%s'; choose from %s\n",
                    cmd, tok, mlpv_activation_names());
            exit(EXIT_USAGE);
        }
        count++;
    }
    free(copy);
    if (count == 0) cli_die(cmd, "--activation: empty list; give names like relu,abs");
    *n = count;
    return out;
}

const char *cli_value(const char *cmd, int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) cli_die(cmd, "%s needs a value; see 'mlpvar %s --help'", argv[*i], cmd);
    return argv[++*i];
}
