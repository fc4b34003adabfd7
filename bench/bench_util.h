/* Shared by the benchmark programs (bench_forward, bench_train). */
#ifndef MLPVAR_BENCH_UTIL_H
#define MLPVAR_BENCH_UTIL_H

#include <stddef.h>

extern const char *bench_prog; /* program name for messages; set in main */

double now_s(void); /* monotonic seconds */
void *xmalloc(size_t n); /* malloc or exit(2) with a message */
double sgemm_rate(int n, int reps); /* OpenBLAS sgemm n^3 GFLOP/s, best of reps */
int shell_safe(const char *p); /* no single quote: safe inside '...' */
int parse_int(const char *opt, const char *v, int lo); /* or exit(2) with a message */
double loadavg1(void); /* 1-minute load average, -1 if unknown */
const char *met_str(int ok); /* "yes" / "NO" */
void blas_core_hint(const char *core); /* a NOTE when OpenBLAS picked generic kernels */

#endif
