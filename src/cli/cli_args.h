/* Command-line parsing helpers: every bad value ends the program with one line
 * on stderr naming the option and how to fix it, and exit code 2. */
#ifndef MLPVAR_CLI_ARGS_H
#define MLPVAR_CLI_ARGS_H

#include "mlpvar/activation.h"

#define EXIT_USAGE 2

/* 1 when this process is an MPI rank other than 0 (from the launcher's environment). */
int cli_is_secondary_rank(void);

/* Prints "mlpvar <cmd>: <message>" on one line (on rank 0 only) and exits with
 * 2: bad input. */
_Noreturn void cli_die(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a system failure (out of memory, I/O): exits with 1. */
_Noreturn void cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* An output file that cannot be written: a path through a missing folder or a
 * file is bad input (exit 2: "check the folder exists"), anything else (no
 * permission, read-only, disk full) a system failure (exit 1); both one line
 * with strerror(err). */
_Noreturn void cli_write_error(const char *cmd, const char *what, const char *path, int err);

/* Strict parses: the whole token must be a number in [lo, hi]. */
long cli_long(const char *cmd, const char *opt, const char *s, long lo, long hi);
double cli_double(const char *cmd, const char *opt, const char *s, double lo, double hi);

/* "1,2,4" or "1..8" or a mix ("1..4,8,16"); each value in [lo, hi], no empty
 * item, no value twice, at most LIM_MAX_LIST values (sweep_limits.h). Returns
 * a malloc'd array and sets *n. Activations likewise: known names, each once. */
int *cli_int_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n);
long *cli_long_list(const char *cmd, const char *opt, const char *s, long lo, long hi, int *n);
mlpv_activation *cli_activation_list(const char *cmd, const char *s, int *n);

/* The value after an option, or die if it is missing. */
const char *cli_value(const char *cmd, int argc, char **argv, int *i);

#endif
