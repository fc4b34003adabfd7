/* bench_forward: speed of libmlpvar's forward engine on the landscape workload,
 * measured as ratios within one run (a shared host's speed drifts; ratios drift less).
 *
 *   1. OpenBLAS's own single-thread sgemm rate, 2048^3, best of 3.
 *   2. mlpv_landscape on N ReLU nets (depth 16, width from budget 10000, in 2, out 1),
 *      grid 128, float, one thread: GFLOP/s and fraction of the sgemm rate; a sweep
 *      over the chunk size; and a reference forward written here in the two layouts
 *      (points-major x W^T, features-major W h) to show what the layout is worth.
 *   3. The same work as a per-network PyTorch loop (bench/torch_forward.py), run via
 *      popen between the two landscape passes; ratio torch_time / mlpvar_time.
 *   4. Peak RSS of a grid-512 landscape in a forked child (getrusage RUSAGE_CHILDREN).
 * A summary table closes the output. FLOPs are 2 * points * sum(fan_in * fan_out)
 * per net (bias and activation not counted). The sgemm runs, the landscape passes
 * and the torch passes are interleaved; landscape and torch times are each the sum
 * over blocks of 32 nets of the block's best over 2 passes (see main()).
 *
 * Usage: bench_forward [--nets N] [--quick] [--sweep-nets N] [--no-torch]
 *                      [--python PATH] [--torch-script PATH] [--mem-grid G]
 * OpenBLAS picks its kernels from the CPU model at load time; if it reports a generic
 * core (e.g. "Prescott") on an AVX-512 machine, rerun with OPENBLAS_CORETYPE=SkylakeX. */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L /* fork, popen, setenv, clock_gettime */
#endif
#include "bench_util.h"
#include "mlpvar/openblas_core.h" /* the kernel choice mlpvar itself makes */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mlpvar/landscape.h"
#include "mlpvar/network.h"
#include "mlpvar/spec.h"

#include "bench_config.h" /* MLPV_BENCH_TORCH_SCRIPT, MLPV_BENCH_PYTHON (baked in by meson) */

#define BUDGET 10000L
#define DEPTH 16
#define IN_DIM 2
#define OUT_DIM 1
#define GRID 128
#define SGEMM_N 2048
#define BLOCK 32 /* nets per timed block in the headline passes */

/* ---------------------------------------------------------------- 1. sgemm */

/* ------------------------------------------------------- 2. the workload */

static double net_flops(const mlpv_spec *s, long points)
{
    double f = 0;
    for (int l = 0; l <= s->depth; l++) f += (double)mlpv_layer_fan_in(s, l) * mlpv_layer_fan_out(s, l);
    return 2.0 * (double)points * f;
}

/* One pass of mlpv_landscape over nets[0..n): seconds, or -1 on a library error. */
static double landscape_pass(mlpv_net **nets, int n, const mlpv_grid_opts *o, double *F)
{
    double t = now_s();
    for (int k = 0; k < n; k++)
        if (mlpv_landscape(nets[k], o, F, NULL) != 0) return -1;
    return now_s() - t;
}

/* One pass over nets[0..n) in blocks of `block` nets; best[b] = min(best[b], block b's
 * seconds). Returns the pass's seconds, or -1 on a library error. */
static double landscape_pass_blocks(mlpv_net **nets, int n, int block, const mlpv_grid_opts *o, double *F, double *best)
{
    double t0 = now_s();
    for (int b = 0; b * block < n; b++) {
        double t = now_s();
        for (int k = b * block; k < n && k < (b + 1) * block; k++)
            if (mlpv_landscape(nets[k], o, F, NULL) != 0) return -1;
        t = now_s() - t;
        if (t < best[b]) best[b] = t;
    }
    return now_s() - t0;
}

/* Reference forward written here, to show what the layout is worth. Same grid,
 * same float weights, same output as mlpv_landscape (F[i*g + j], double).
 *   points-major:   H_out [rows x fo] = H_in [rows x fi] W^T   (the hook's h[rows x width])
 *   features-major: H_out [fo x rows] = W [fo x fi] H_in [fi x rows]
 * Bias is preloaded into the output and added by beta = 1; ReLU after hidden layers. */
enum { LAYOUT_POINTS, LAYOUT_FEATURES };

static void ref_landscape(const mlpv_net *net, int g, int chunk, int layout, float *bufa, float *bufb, double *F)
{
    const mlpv_spec *s = &net->spec;
    long P = (long)g * g;
    double step = 2.0 / (g - 1);
    for (long r0 = 0; r0 < P; r0 += chunk) {
        int rows = (int)(P - r0 < chunk ? P - r0 : chunk);
        float *in = bufa, *out = bufb;
        for (int r = 0; r < rows; r++) { /* grid points, input layer (in_dim 2) */
            long p = r0 + r;
            float x0 = (float)(-1.0 + step * (double)(p / g));
            float x1 = (float)(-1.0 + step * (double)(p % g));
            if (layout == LAYOUT_POINTS) {
                in[2 * r] = x0;
                in[2 * r + 1] = x1;
            } else {
                in[r] = x0;
                in[rows + r] = x1;
            }
        }
        for (int l = 0; l <= s->depth; l++) {
            int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
            const float *W = net->Wf[l], *b = net->bf[l];
            if (layout == LAYOUT_POINTS) {
                for (int r = 0; r < rows; r++) memcpy(out + (size_t)r * fo, b, (size_t)fo * sizeof *b);
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, fo, fi, 1.0f, in, fi, W, fi, 1.0f, out, fo);
            } else {
                for (int u = 0; u < fo; u++) {
                    float bu = b[u], *o = out + (size_t)u * rows;
                    for (int r = 0; r < rows; r++) o[r] = bu;
                }
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, rows, fi, 1.0f, W, fi, in, rows, 1.0f, out,
                            rows);
            }
            if (l < s->depth) {
                size_t m = (size_t)rows * fo;
                for (size_t i = 0; i < m; i++) out[i] = out[i] > 0.0f ? out[i] : 0.0f;
            }
            float *t = in;
            in = out;
            out = t;
        }
        for (int r = 0; r < rows; r++) F[r0 + r] = (double)in[r]; /* out_dim 1: same in both layouts */
    }
}

static double ref_best(mlpv_net **nets, int n, int g, int chunk, int layout, double *F, int passes)
{
    size_t cap = (size_t)chunk * (size_t)(nets[0]->spec.width > IN_DIM ? nets[0]->spec.width : IN_DIM);
    float *a = xmalloc(cap * sizeof *a), *b = xmalloc(cap * sizeof *b);
    double best = 1e300;
    for (int p = 0; p < passes; p++) {
        double t = now_s();
        for (int k = 0; k < n; k++) ref_landscape(nets[k], g, chunk, layout, a, b, F);
        t = now_s() - t;
        if (t < best) best = t;
    }
    free(a);
    free(b);
    return best;
}

/* ---------------------------------------------------------------- 3. torch */

typedef struct {
    int status;
    double seconds, gflops, best_pass;
    char note[256], line[256];
} torch_result;
enum { TORCH_OK, TORCH_SKIPPED };

static torch_result run_torch(const char *python, const char *script, int nets, int depth, int width, int grid,
                              int passes)
{
    torch_result r = { TORCH_SKIPPED, 0, 0, 0, "", "" };
    if (access(script, R_OK) != 0) {
        snprintf(r.note, sizeof r.note, "script %s not readable (%s)", script, strerror(errno));
        return r;
    }
    if (access(python, X_OK) != 0) {
        snprintf(r.note, sizeof r.note, "python %s not executable (%s)", python, strerror(errno));
        return r;
    }
    if (!shell_safe(python) || !shell_safe(script)) {
        snprintf(r.note, sizeof r.note, "a path contains a single quote");
        return r;
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' --nets %d --depth %d --width %d --in-dim %d --out-dim %d "
             "--grid %d --passes %d --block %d 2>&1",
             python, script, nets, depth, width, IN_DIM, OUT_DIM, grid, passes, BLOCK);
    fflush(stdout);
    fflush(stderr);
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(r.note, sizeof r.note, "popen failed: %s", strerror(errno));
        return r;
    }
    char line[1024], last[1024] = "";
    int got = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "TORCH_RESULT ", 13) == 0) {
            const char *a = strstr(line, "seconds="), *b = strstr(line, "gflops=");
            if (a && b && sscanf(a, "seconds=%lf", &r.seconds) == 1 && sscanf(b, "gflops=%lf", &r.gflops) == 1 &&
                r.seconds > 0) {
                const char *c = strstr(line, "best_pass=");
                if (!c || sscanf(c, "best_pass=%lf", &r.best_pass) != 1) r.best_pass = r.seconds;
                got = 1;
                snprintf(r.line, sizeof r.line, "%.200s", line + 13);
            }
        } else if (strncmp(line, "TORCH_MISSING ", 14) == 0) {
            snprintf(r.note, sizeof r.note, "%.200s", line + 14);
        } else if (line[0]) {
            snprintf(last, sizeof last, "%s", line);
        }
    }
    int st = pclose(p);
    if (got) r.status = TORCH_OK;
    else if (!r.note[0])
        snprintf(r.note, sizeof r.note, "no TORCH_RESULT line (exit status %d%s%.150s)",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1, last[0] ? "; last line: " : "", last);
    return r;
}

/* --------------------------------------------------------------- 4. memory */

/* Forks a child that computes one grid-g landscape (with diagnostics or not) and exits.
 * Returns the max RSS over all waited-for children so far, in MB (Linux: ru_maxrss KB),
 * or -1 if the child failed. */
static double child_peak_mb(int g, int what /* 0 = nothing, 1 = landscape, 2 = + diag */)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        if (what == 0) _exit(0);
        int w = mlpv_width_for_budget(BUDGET, IN_DIM, OUT_DIM, DEPTH);
        mlpv_spec s = mlpv_spec_default(MLPV_RELU, DEPTH, w);
        mlpv_net *net = mlpv_net_random(&s, 1);
        if (!net) _exit(3);
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = MLPV_FLOAT;
        double *F = malloc((size_t)g * g * OUT_DIM * sizeof *F);
        mlpv_layer_diag *diag = malloc((size_t)DEPTH * sizeof *diag);
        if (!F || !diag) _exit(4);
        int rc = mlpv_landscape(net, &o, F, what == 2 ? diag : NULL);
        _exit(rc == 0 && isfinite(F[0]) ? 0 : 5);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) return -1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) return -1;
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) return -1;
    return (double)ru.ru_maxrss / 1024.0;
}

/* ----------------------------------------------------------------- driver */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_forward [--nets N] [--quick] [--sweep-nets N] [--no-torch]\n"
            "                     [--python PATH] [--torch-script PATH] [--mem-grid G]\n"
            "  --nets N          networks in the main measurement and the torch loop (default 256)\n"
            "  --quick           smoke check: 16 nets, 8 per sweep point, one pass/round each\n"
            "  --sweep-nets N    networks per sweep point, best of 4 rounds (default min(16, nets))\n"
            "  --no-torch        skip the PyTorch comparison\n"
            "  --python PATH     interpreter with torch (default %s)\n"
            "  --torch-script P  default %s\n"
            "  --mem-grid G      grid of the peak-memory landscape (default 512)\n"
            "Set OPENBLAS_CORETYPE (e.g. SkylakeX, Haswell) if OpenBLAS picks a generic core.\n",
            MLPV_BENCH_PYTHON, MLPV_BENCH_TORCH_SCRIPT);
}

int main(int argc, char **argv)
{
    bench_prog = "bench_forward";
    openblas_core_fix(argv); /* the kernels mlpvar itself would use */
    int nets_n = 256, sweep_n = -1, passes = 2, sweep_passes = 4, quick = 0, no_torch = 0, mem_grid = 512;
    const char *python = MLPV_BENCH_PYTHON, *script = MLPV_BENCH_TORCH_SCRIPT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--nets")) {
            nets_n = parse_int(a, v, 1);
            i++;
        } else if (!strcmp(a, "--sweep-nets")) {
            sweep_n = parse_int(a, v, 1);
            i++;
        } else if (!strcmp(a, "--mem-grid")) {
            mem_grid = parse_int(a, v, 2);
            i++;
        } else if (!strcmp(a, "--quick")) quick = 1;
        else if (!strcmp(a, "--no-torch")) no_torch = 1;
        else if (!strcmp(a, "--python") && v) {
            python = v;
            i++;
        } else if (!strcmp(a, "--torch-script") && v) {
            script = v;
            i++;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "bench_forward: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (quick) {
        int explicit_nets = 0;
        for (int i = 1; i < argc; i++)
            if (!strcmp(argv[i], "--nets")) explicit_nets = 1;
        if (!explicit_nets) nets_n = 16;
        if (sweep_n < 0) sweep_n = 8;
        passes = sweep_passes = 1;
    }
    if (sweep_n < 0) sweep_n = nets_n < 16 ? nets_n : 16;
    if (sweep_n > nets_n) sweep_n = nets_n;

    /* One thread everywhere, for this process and for the torch child. */
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    setenv("MKL_NUM_THREADS", "1", 1);
    openblas_set_num_threads(1);
    double t_start = now_s();

    const int width = mlpv_width_for_budget(BUDGET, IN_DIM, OUT_DIM, DEPTH);
    mlpv_spec spec = mlpv_spec_default(MLPV_RELU, DEPTH, width);
    const long points = (long)GRID * GRID;
    const double flops_net = net_flops(&spec, points);
    const char *core = openblas_get_corename();

    printf("libmlpvar forward benchmark (one thread, float)\n");
    printf("  OpenBLAS: %s (core %s)\n", openblas_get_config(), core ? core : "?");
    blas_core_hint(core);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    printf("  machine: %ld CPUs online, load average %.2f at start (a load near or above the\n"
           "           CPU count means other work shares the machine and timings are noisy)\n",
           ncpu, loadavg1());
    printf("  workload: %d ReLU nets, depth %d, width %d (budget %ld -> P = %ld), in %d, out %d,\n"
           "            grid %d (%ld points), %.4g GFLOP per net, %.4g GFLOP in all\n",
           nets_n, DEPTH, width, BUDGET, mlpv_spec_params(&spec), IN_DIM, OUT_DIM, GRID, points, flops_net / 1e9,
           flops_net * nets_n / 1e9);

    /* 4 first, while this process is small: a forked child inherits the parent's pages. */
    double mem_base = child_peak_mb(mem_grid, 0);
    double mem_peak = child_peak_mb(mem_grid, 1);
    double mem_diag = child_peak_mb(mem_grid, 2);

    mlpv_net **nets = xmalloc((size_t)nets_n * sizeof *nets);
    for (int k = 0; k < nets_n; k++) {
        nets[k] = mlpv_net_random(&spec, (uint64_t)k + 1);
        if (!nets[k]) {
            fprintf(stderr, "bench_forward: mlpv_net_random failed\n");
            return 1;
        }
    }
    double *F = xmalloc((size_t)points * OUT_DIM * sizeof *F);
    double *Fref = xmalloc((size_t)points * OUT_DIM * sizeof *Fref);
    mlpv_grid_opts o = mlpv_grid_defaults(GRID);
    o.precision = MLPV_FLOAT;
    const int chunk_default = o.chunk;
    if (mlpv_landscape(nets[0], &o, F, NULL) != 0) { /* warm-up */
        fprintf(stderr, "bench_forward: mlpv_landscape failed\n");
        return 1;
    }

    /* The headline timings are interleaved, so that a change in the machine's speed
     * (a shared host: on a VM the rate of one core can swing by 1.5x within seconds)
     * hits each of them alike:
     *   sgemm, landscape pass 1, sgemm, torch (its own passes), landscape pass 2, sgemm.
     * sgemm keeps its best run. mlpvar and torch use one estimator: each pass is timed
     * in blocks of BLOCK nets, and the time for all nets is the sum over blocks of each
     * block's best over the passes (whole-pass times are printed too). */
    const int nb = (nets_n + BLOCK - 1) / BLOCK;
    double *tb = xmalloc((size_t)nb * sizeof *tb);
    for (int b = 0; b < nb; b++) tb[b] = 1e300;
    double sg[3], t_pass[2] = { 0, 0 };
    torch_result tr = { TORCH_SKIPPED, 0, 0, 0, "--no-torch given", "" };
    fprintf(stderr, "bench_forward: headline timings (sgemm, mlpv_landscape, torch)...\n");
    sg[0] = sgemm_rate(SGEMM_N, 1);
    t_pass[0] = landscape_pass_blocks(nets, nets_n, BLOCK, &o, F, tb);
    sg[1] = sgemm_rate(SGEMM_N, 1);
    if (!no_torch) tr = run_torch(python, script, nets_n, DEPTH, width, GRID, passes);
    if (passes > 1) t_pass[1] = landscape_pass_blocks(nets, nets_n, BLOCK, &o, F, tb);
    sg[2] = sgemm_rate(SGEMM_N, 1);
    if (t_pass[0] < 0 || t_pass[1] < 0) {
        fprintf(stderr, "bench_forward: mlpv_landscape failed\n");
        return 1;
    }
    double sgemm = fmax(sg[0], fmax(sg[1], sg[2]));
    double t_ml = 0;
    for (int b = 0; b < nb; b++) t_ml += tb[b];
    free(tb);
    double r_ml = flops_net * nets_n / t_ml / 1e9;

    printf("\n1. OpenBLAS sgemm %dx%dx%d, one thread, best of 3 (spread over the headline timings)\n", SGEMM_N, SGEMM_N,
           SGEMM_N);
    printf("  %.2f GFLOP/s   (runs: %.2f, %.2f, %.2f)\n", sgemm, sg[0], sg[1], sg[2]);

    printf("\n2. mlpv_landscape, %d nets, chunk %d (default), %d pass%s in blocks of %d nets\n", nets_n, chunk_default,
           passes, passes > 1 ? "es" : "", BLOCK);
    printf("  %.3f s, %.2f GFLOP/s = %.2f of sgemm (%.2f ms per landscape)\n", t_ml, r_ml, r_ml / sgemm,
           1e3 * t_ml / nets_n);
    if (passes > 1)
        printf("  (whole passes: %.3f s, %.3f s = %.2f, %.2f GFLOP/s)\n", t_pass[0], t_pass[1],
               flops_net * nets_n / t_pass[0] / 1e9, flops_net * nets_n / t_pass[1] / 1e9);

    /* The sweeps run in rounds (every chunk once per round, best over rounds), so a
     * drift in the machine's speed hits every chunk alike. */
    int chunks[16] = { 32, 64, 128, 256, 512, 1024, 4096, 16384 };
    int nch = 8, default_in_list = 0;
    for (int c = 0; c < nch; c++)
        if (chunks[c] == chunk_default) default_in_list = 1;
    if (!default_in_list) chunks[nch++] = chunk_default;
    double t_sw[16];
    for (int c = 0; c < nch; c++) t_sw[c] = 1e300;
    fprintf(stderr, "bench_forward: chunk-size sweep...\n");
    for (int round = 0; round < sweep_passes; round++)
        for (int c = 0; c < nch; c++) {
            mlpv_grid_opts oc = o;
            oc.chunk = chunks[c];
            double t = landscape_pass(nets, sweep_n, &oc, F);
            if (t < 0) t_sw[c] = -1;
            else if (t_sw[c] > 0 && t < t_sw[c]) t_sw[c] = t;
        }
    printf("\n   chunk-size sweep, %d nets per point, best of %d round%s\n", sweep_n, sweep_passes,
           sweep_passes > 1 ? "s" : "");
    printf("   %8s %10s %10s\n", "chunk", "GFLOP/s", "of sgemm");
    int best_chunk = chunk_default;
    double best_rate = 0, sweep_default = 0;
    for (int c = 0; c < nch; c++) {
        int ch = chunks[c];
        if (t_sw[c] < 0) {
            printf("   %8d   (mlpv_landscape refused this chunk)\n", ch);
            continue;
        }
        double r = flops_net * sweep_n / t_sw[c] / 1e9;
        printf("   %8d %10.2f %10.2f%s\n", ch, r, r / sgemm, ch == chunk_default ? "  (default)" : "");
        if (r > best_rate) {
            best_rate = r;
            best_chunk = ch;
        }
        if (ch == chunk_default) sweep_default = r;
    }
    printf("   best chunk %d: %.2f GFLOP/s; default %d: %.2f GFLOP/s (best/default %.2f)\n", best_chunk, best_rate,
           chunk_default, sweep_default, sweep_default > 0 ? best_rate / sweep_default : 0.0);

    /* Layout lever: the same landscape by a reference forward in this file; first check
     * that it computes what mlpv_landscape computes. */
    mlpv_landscape(nets[0], &o, F, NULL);
    double maxabs = 0, maxdiff[2] = { 0, 0 };
    for (long i = 0; i < points; i++) maxabs = fmax(maxabs, fabs(F[i]));
    for (int layout = 0; layout < 2; layout++) {
        ref_best(nets, 1, GRID, chunk_default, layout, Fref, 1);
        for (long i = 0; i < points; i++) maxdiff[layout] = fmax(maxdiff[layout], fabs(F[i] - Fref[i]));
    }
    static const int lchunks[] = { 64, 128, 256, 512, 1024, 4096 };
    enum { NL = (int)(sizeof lchunks / sizeof *lchunks) };
    double t_ref[NL][2];
    for (int c = 0; c < NL; c++) t_ref[c][0] = t_ref[c][1] = 1e300;
    fprintf(stderr, "bench_forward: layout lever...\n");
    for (int round = 0; round < sweep_passes; round++)
        for (int c = 0; c < NL; c++)
            for (int layout = 0; layout < 2; layout++) {
                double t = ref_best(nets, sweep_n, GRID, lchunks[c], layout, Fref, 1);
                if (t < t_ref[c][layout]) t_ref[c][layout] = t;
            }
    printf("\n   layout lever: reference forward in this file (GEMM + bias + ReLU, same grid and\n"
           "   float weights), %d nets per point, best of %d round%s; max |diff| from\n"
           "   mlpv_landscape on net 1: %.2g (points-major), %.2g (features-major), max |F| %.3g\n",
           sweep_n, sweep_passes, sweep_passes > 1 ? "s" : "", maxdiff[0], maxdiff[1], maxabs);
    printf("   %8s %16s %16s\n", "chunk", "points-major", "features-major");
    double best_fm = 0, best_pm = 0;
    int best_fm_chunk = 0, best_pm_chunk = 0;
    for (int c = 0; c < NL; c++) {
        double rp = flops_net * sweep_n / t_ref[c][0] / 1e9, rf = flops_net * sweep_n / t_ref[c][1] / 1e9;
        printf("   %8d %10.2f GF/s %10.2f GF/s\n", lchunks[c], rp, rf);
        if (rf > best_fm) {
            best_fm = rf;
            best_fm_chunk = lchunks[c];
        }
        if (rp > best_pm) {
            best_pm = rp;
            best_pm_chunk = lchunks[c];
        }
    }
    printf("   best points-major %.2f GFLOP/s (chunk %d), best features-major %.2f GFLOP/s\n"
           "   (chunk %d) = %.2fx mlpv_landscape's best chunk\n",
           best_pm, best_pm_chunk, best_fm, best_fm_chunk, best_rate > 0 ? best_fm / best_rate : 0.0);

    /* 3 (measured above, between the landscape passes) */
    printf("\n3. PyTorch per-network loop (%s), %d nets, %d pass%s in blocks of %d nets\n", script, nets_n, passes,
           passes > 1 ? "es" : "", BLOCK);
    double ratio = 0;
    if (tr.status == TORCH_OK) {
        ratio = tr.seconds / t_ml;
        printf("  torch says: %s\n", tr.line);
        printf("  torch %.3f s (%.2f GFLOP/s), mlpvar %.3f s (same estimator): torch_time / "
               "mlpvar_time = %.2f\n",
               tr.seconds, tr.gflops, t_ml, ratio);
        if (passes > 1 && t_pass[1] > 0)
            printf("  best whole passes: torch %.3f s, mlpvar %.3f s: ratio %.2f\n", tr.best_pass,
                   fmin(t_pass[0], t_pass[1]), tr.best_pass / fmin(t_pass[0], t_pass[1]));
    } else {
        printf("  skipped: %s\n", tr.note);
    }

    /* 4 */
    printf("\n4. Peak memory, grid %d landscape (%ld points), one net, float, forked child\n", mem_grid,
           (long)mem_grid * mem_grid);
    if (mem_peak < 0 || mem_diag < 0 || mem_base < 0) {
        printf("  child failed (landscape or fork error)\n");
    } else {
        printf("  max RSS: %.1f MB (an idle forked child: %.1f MB; with layer diagnostics: %.1f MB)\n", mem_peak,
               mem_base, mem_diag);
    }

    /* Summary */
    double frac = r_ml / sgemm;
    printf("\nSummary (%.0f s in all; load average %.2f at the end)\n", now_s() - t_start, loadavg1());
    printf("  %-44s %-22s %-10s %s\n", "metric", "measured", "aim", "met");
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f GFLOP/s", sgemm);
    printf("  %-44s %-22s %-10s %s\n", "OpenBLAS sgemm 2048^3, 1 thread", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f GFLOP/s", r_ml);
    printf("  %-44s %-22s %-10s %s\n", "mlpv_landscape rate (default chunk)", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f", frac);
    printf("  %-44s %-22s %-10s %s\n", "mlpv_landscape / sgemm", buf, ">= 0.50", met_str(frac >= 0.5));
    snprintf(buf, sizeof buf, "%d (%.2f of sgemm)", best_chunk, best_rate / sgemm);
    printf("  %-44s %-22s %-10s %s\n", "best chunk in sweep", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f", sweep_default > 0 ? best_rate / sweep_default : 0.0);
    printf("  %-44s %-22s %-10s %s\n", "best chunk / default chunk rate", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f", best_fm / sgemm);
    printf("  %-44s %-22s %-10s %s\n", "features-major reference / sgemm", buf, "-", "-");
    if (tr.status == TORCH_OK) {
        snprintf(buf, sizeof buf, "%.2fx", ratio);
        printf("  %-44s %-22s %-10s %s\n", "torch_time / mlpvar_time", buf, ">= 2.0x", met_str(ratio >= 2.0));
    } else {
        printf("  %-44s %-22s %-10s %s\n", "torch_time / mlpvar_time", "skipped", ">= 2.0x", "-");
    }
    if (mem_peak >= 0) {
        snprintf(buf, sizeof buf, "%.1f MB", mem_peak);
        printf("  %-44s %-22s %-10s %s\n", "peak RSS, grid-512 landscape", buf, "< 1024 MB", met_str(mem_peak < 1024));
    } else {
        printf("  %-44s %-22s %-10s %s\n", "peak RSS, grid-512 landscape", "failed", "< 1024 MB", "NO");
    }

    for (int k = 0; k < nets_n; k++) mlpv_net_free(nets[k]);
    free(nets);
    free(F);
    free(Fref);
    return 0;
}
