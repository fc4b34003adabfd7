/* What the benchmark programs share: timing, the sgemm reference rate, the
 * machine and OpenBLAS notes, small helpers. */
#include "bench_util.h"

#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bench_prog = "bench";

double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory (%zu bytes)\n", bench_prog, n);
        exit(2);
    }
    return p;
}

double sgemm_rate(int n, int reps)
{
    size_t nn = (size_t)n * (size_t)n;
    float *A = xmalloc(nn * sizeof *A), *B = xmalloc(nn * sizeof *B), *C = xmalloc(nn * sizeof *C);
    unsigned s = 12345u;
    for (size_t i = 0; i < nn; i++) {
        s = s * 1664525u + 1013904223u;
        A[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
        s = s * 1664525u + 1013904223u;
        B[i] = (float)(s >> 8) / 16777216.0f - 0.5f;
    }
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        double t = now_s();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, A, n, B, n, 0.0f, C, n);
        t = now_s() - t;
        if (t < best) best = t;
    }
    free(A);
    free(B);
    free(C);
    return 2.0 * (double)n * n * n / best / 1e9;
}

int shell_safe(const char *p) { return strchr(p, '\'') == NULL; }

int parse_int(const char *opt, const char *v, int lo)
{
    char *e;
    long x = v ? strtol(v, &e, 10) : 0;
    if (!v || *e || x < lo || x > 1000000) {
        fprintf(stderr, "%s: %s needs an integer >= %d, got '%s'\n", bench_prog, opt, lo, v ? v : "");
        exit(2);
    }
    return (int)x;
}

/* The 1-minute load average, or -1: a busy machine makes every timing noisy. */
double loadavg1(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1) l = -1;
        fclose(f);
    }
    return l;
}

const char *met_str(int ok) { return ok ? "yes" : "NO"; }

void blas_core_hint(const char *core)
{
    static const char *generic[] = { "Prescott", "Core2",  "Penryn",     "Dunnington", "Nehalem",
                                     "Atom",     "Katmai", "Coppermine", "Northwood",  "Banias" };
    int is_generic = 0;
    for (size_t i = 0; i < sizeof generic / sizeof *generic; i++)
        if (core && strcmp(core, generic[i]) == 0) is_generic = 1;
    if (!is_generic) return;
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    const char *better = NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) better = "SkylakeX";
    else if (__builtin_cpu_supports("avx2")) better = "Haswell";
    else if (__builtin_cpu_supports("avx")) better = "Sandybridge";
    if (better)
        printf("  NOTE: OpenBLAS chose the generic '%s' kernels on a CPU with better SIMD\n"
               "        (this OpenBLAS does not know the CPU model). Every number below,\n"
               "        torch's included, is several times higher with\n"
               "        OPENBLAS_CORETYPE=%s in the environment.\n",
               core, better);
#endif
}
