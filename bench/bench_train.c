/* bench_train: speed of libmlpvar's training core (mlpv_train), measured as ratios
 * within one run (a shared host's speed drifts; ratios drift less).
 *
 *   1. OpenBLAS's own single-thread sgemm rate, 2048^3, best of 3.
 *   2. mlpv_train on N ReLU nets (depth 8, width from budget 3000, in 2, out 1),
 *      checkerboard 8x8, 4096 points from mlpv_task_sample, 200 full-batch Adam steps,
 *      lr 3e-3, float, one thread: GFLOP/s and fraction of the sgemm rate.
 *   3. The same work as a per-network PyTorch loop (bench/torch_train.py) on the first
 *      T nets, started from the very same initial weights and training points (written
 *      to a temporary file): ratio torch_time / mlpvar_time on those nets, and the
 *      initial and final losses of both side by side (the check that it is the same work).
 *   4. A lever: a reference training step written here (features-major layout
 *      H [width x points], bias + ReLU in one flat pass per unit, db as row sums with
 *      16 partial sums; points in chunks of 128 .. 4096), checked against
 *      mlpv_gradient and timed against mlpv_train in rounds on the first 4 nets.
 * A summary table closes the output.
 *
 * FLOP convention: 6 * points * sum_l(fan_in * fan_out) per step: 2 for the forward
 * GEMMs, 4 for the backward ones (dW = delta^T H and delta W), as is usual; bias,
 * activation, loss, Adam and the first layer's (skipped) input gradient are not
 * subtracted or added. The final evaluation mlpv_train does in double after the
 * loop is not counted as work and not timed (the time is mlpv_train_result.seconds:
 * set-up + 200 steps + write-back); torch's time is Adam's construction + 200 steps.
 *
 * Timing on a noisy 2-core VM: the headline measurements are interleaved
 *   sgemm, mlpv_train over all N nets, sgemm, torch (2 passes over T nets),
 *   mlpv_train again over all N nets, sgemm
 * so that a change in the machine's speed hits each alike. mlpvar and torch use one
 * estimator: per net, the best of its 2 passes, summed over the nets.
 *
 * Usage: bench_train [--nets N] [--quick] [--torch-nets T] [--no-torch] [--no-lever]
 *                    [--steps S] [--python PATH] [--torch-script PATH]
 * OpenBLAS picks its kernels from the CPU model at load time; where it falls back to the
 * generic "Prescott" ones on a newer CPU, bench_train re-executes itself with
 * OPENBLAS_CORETYPE set as mlpvar does (src/lib/openblas_core.c; the torch child
 * inherits it). Set MLPVAR_KEEP_OPENBLAS_CORE=1 to measure the generic kernels. */
#if !defined(_POSIX_C_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _POSIX_C_SOURCE 200809L /* popen, setenv, mkdtemp, clock_gettime */
#endif
#include "bench_util.h"
#include "mlpvar/openblas_core.h" /* the kernel choice mlpvar itself makes */
#include <cblas.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mlpvar/network.h"
#include "mlpvar/spec.h"
#include "mlpvar/task.h"
#include "mlpvar/train.h"

#include "bench_config.h" /* MLPV_BENCH_PYTHON, MLPV_BENCH_TORCH_TRAIN_SCRIPT (baked in by meson) */

#define BUDGET 3000L
#define DEPTH 8
#define IN_DIM 2
#define OUT_DIM 1
#define CELLS 8
#define POINTS 4096L
#define LR 3e-3
#define SGEMM_N 2048

static void die(const char *what)
{
    fprintf(stderr, "bench_train: %s\n", what);
    exit(1);
}

/* ---------------------------------------------------------------- 1. sgemm */

/* ------------------------------------------------------- 2. the workload */

static double step_flops(const mlpv_spec *s, long points)
{
    double f = 0;
    for (int l = 0; l <= s->depth; l++) f += (double)mlpv_layer_fan_in(s, l) * mlpv_layer_fan_out(s, l);
    return 6.0 * (double)points * f;
}

typedef struct {
    double seconds; /* mlpv_train_result.seconds */
    double wall; /* the whole mlpv_train call, final evaluation included */
    double init_loss, final_loss, train_acc;
    int steps, diverged;
} core_run;

/* Trains a fresh copy of net k (seed k) on data[k]; the net's construction and the
 * initial-loss evaluation are not timed. */
static core_run core_train(const mlpv_spec *spec, const mlpv_dataset *d, int k, const mlpv_train_opts *o)
{
    core_run c;
    mlpv_net *net = mlpv_net_random(spec, (uint64_t)k);
    if (!net) die("mlpv_net_random failed");
    mlpv_evaluate(net, d, &c.init_loss, NULL);
    mlpv_train_result r;
    double t = now_s();
    if (mlpv_train(net, d, NULL, o, (uint64_t)k, &r) != 0) die("mlpv_train failed");
    c.wall = now_s() - t;
    c.seconds = r.seconds;
    c.final_loss = r.final_loss;
    c.train_acc = r.train_accuracy;
    c.steps = r.steps;
    c.diverged = r.diverged;
    mlpv_net_free(net);
    return c;
}

/* ------------------------------------------------ 4. the reference step */

/* Features-major training written here, ReLU only: H_l [fo x R] for a chunk of R
 * points (row u = unit u over the chunk's points), X^T [in x n] and Y^T [out x n]
 * transposed once per training run.
 *   forward:  Z_l = W_l H_{l-1}  (GEMM NN, fo x R x fi), then h = max(z + b_u, 0)
 *             in one flat pass per row;
 *   backward: dW_l += delta_l H_{l-1}^T  (GEMM NT, fo x fi x R),
 *             delta_{l-1} = (W_l^T delta_l) .* (H_{l-1} > 0)  (GEMM TN + one flat pass
 *             that also sums each row into db).
 * Parameters and gradients in mlpv_net's flat layout (mlpv_param_offset). Adam
 * exactly as src/lib/optim.c (PyTorch's formula, float). */
typedef struct {
    mlpv_spec s;
    int R; /* chunk columns */
    long np;
    long offW[DEPTH + 1], offb[DEPTH + 1];
    float *H[DEPTH]; /* [width x R] */
    float *out; /* [out x R] */
    float *D[2]; /* [max(width, out) x R] */
    float *buf;
} ref_ws;

static void ref_ws_init(ref_ws *w, const mlpv_spec *s, int R)
{
    w->s = *s;
    w->R = R;
    for (int l = 0; l <= s->depth; l++) mlpv_param_offset(s, l, &w->offW[l], &w->offb[l]);
    mlpv_param_offset(s, s->depth + 1, &w->np, NULL);
    int dw = s->width > s->out_dim ? s->width : s->out_dim;
    size_t layer = ((size_t)s->width * R + 15) / 16 * 16;
    size_t dsz = ((size_t)dw * R + 15) / 16 * 16;
    size_t total = (size_t)s->depth * layer + 2 * dsz + ((size_t)s->out_dim * R + 15) / 16 * 16;
    w->buf = aligned_alloc(64, total * sizeof(float));
    if (!w->buf) die("out of memory (reference workspace)");
    float *p = w->buf;
    for (int l = 0; l < s->depth; l++) {
        w->H[l] = p;
        p += layer;
    }
    w->D[0] = p;
    p += dsz;
    w->D[1] = p;
    p += dsz;
    w->out = p;
}

/* Loss gradient (MSE, mean over points and outputs) on all n points, chunk by chunk,
 * into G (np floats, overwritten). Xt [in x n], Yt [out x n]. Returns the MSE. */
static double ref_grad(ref_ws *w, const float *P, const float *Xt, const float *Yt, long n, float *G)
{
    const mlpv_spec *s = &w->s;
    const int L = s->depth, m = s->out_dim;
    memset(G, 0, sizeof(float) * (size_t)w->np);
    const float scale = (float)(2.0 / ((double)n * m));
    double sq = 0;
    for (long r0 = 0; r0 < n; r0 += w->R) {
        int R = (int)(n - r0 < w->R ? n - r0 : w->R);
        /* forward */
        const float *in = Xt + r0;
        int ldin = (int)n;
        for (int l = 0; l <= L; l++) {
            int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
            const float *W = P + w->offW[l], *b = P + w->offb[l];
            float *z = l == L ? w->out : w->H[l];
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, fo, R, fi, 1.0f, W, fi, in, ldin, 0.0f, z, w->R);
            for (int u = 0; u < fo; u++) {
                float *zr = z + (size_t)u * w->R;
                const float bu = b[u];
                if (l == L)
                    for (int r = 0; r < R; r++) zr[r] += bu;
                else
                    for (int r = 0; r < R; r++) {
                        float v = zr[r] + bu;
                        zr[r] = v > 0.0f ? v : 0.0f;
                    }
            }
            in = z;
            ldin = w->R;
        }
        /* loss and output delta */
        float *delta = w->D[0], *next = w->D[1];
        for (int k = 0; k < m; k++) {
            const float *o = w->out + (size_t)k * w->R, *y = Yt + (size_t)k * n + r0;
            float *d = delta + (size_t)k * w->R;
            float gb = 0;
            for (int r = 0; r < R; r++) {
                float e = o[r] - y[r];
                sq += (double)e * (double)e;
                d[r] = scale * e;
                gb += d[r];
            }
            G[w->offb[L] + k] += gb;
        }
        /* backward */
        for (int l = L; l >= 0; l--) {
            int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
            const float *hp = l > 0 ? w->H[l - 1] : Xt + r0;
            int ldh = l > 0 ? w->R : (int)n;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, fo, fi, R, 1.0f, delta, w->R, hp, ldh, 1.0f,
                        G + w->offW[l], fi);
            if (l == 0) break;
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, fi, R, fo, 1.0f, P + w->offW[l], fi, delta, w->R, 0.0f,
                        next, w->R);
            float *gb = G + w->offb[l - 1];
            for (int u = 0; u < fi; u++) {
                float *dr = next + (size_t)u * w->R;
                const float *hr = w->H[l - 1] + (size_t)u * w->R;
                float acc[16] = { 0 }; /* 16 partial sums: no serial add chain, vectorises */
                int r = 0;
                for (; r + 16 <= R; r += 16)
                    for (int j = 0; j < 16; j++) {
                        float v = hr[r + j] > 0.0f ? dr[r + j] : 0.0f;
                        dr[r + j] = v;
                        acc[j] += v;
                    }
                for (; r < R; r++) {
                    float v = hr[r] > 0.0f ? dr[r] : 0.0f;
                    dr[r] = v;
                    acc[0] += v;
                }
                float sum = 0;
                for (int j = 0; j < 16; j++) sum += acc[j];
                gb[u] += sum;
            }
            float *t = delta;
            delta = next;
            next = t;
        }
    }
    return sq / ((double)n * m);
}

/* `steps` Adam steps from net's float weights (net is not modified); returns the
 * seconds of set-up + loop, and through *last_loss the float MSE after the last
 * update (an extra forward, not timed). */
static double ref_train(const mlpv_net *net, const mlpv_dataset *d, int steps, int R, double *last_loss)
{
    double t0 = now_s();
    ref_ws w;
    ref_ws_init(&w, &net->spec, R);
    long n = d->n, np = w.np;
    int in = d->in_dim, m = d->out_dim;
    float *Xt = xmalloc(sizeof(float) * (size_t)n * in), *Yt = xmalloc(sizeof(float) * (size_t)n * m);
    for (long p = 0; p < n; p++) {
        for (int i = 0; i < in; i++) Xt[(size_t)i * n + p] = (float)d->x[p * in + i];
        for (int k = 0; k < m; k++) Yt[(size_t)k * n + p] = (float)d->y[p * m + k];
    }
    float *P = xmalloc(sizeof(float) * (size_t)np), *G = xmalloc(sizeof(float) * (size_t)np);
    float *M = calloc((size_t)np, sizeof(float)), *V = calloc((size_t)np, sizeof(float));
    if (!M || !V) die("out of memory (reference Adam)");
    memcpy(P, net->storef, sizeof(float) * (size_t)np);
    const double b1 = 0.9, b2d = 0.999, eps = 1e-8;
    for (int t = 1; t <= steps; t++) {
        ref_grad(&w, P, Xt, Yt, n, G);
        const float c1 = (float)(1.0 - b1), b2 = (float)b2d, c2 = (float)(1.0 - b2d);
        const float step = (float)(LR / (1.0 - pow(b1, t)));
        const float bc2s = (float)sqrt(1.0 - pow(b2d, t));
        const float e = (float)eps;
        for (long i = 0; i < np; i++) {
            float gi = G[i], mi = M[i] + c1 * (gi - M[i]), vi = b2 * V[i] + c2 * gi * gi;
            M[i] = mi;
            V[i] = vi;
            P[i] -= step * (mi / (sqrtf(vi) / bc2s + e));
        }
    }
    double secs = now_s() - t0;
    if (last_loss) *last_loss = ref_grad(&w, P, Xt, Yt, n, G); /* after the last update, untimed */
    free(Xt);
    free(Yt);
    free(P);
    free(G);
    free(M);
    free(V);
    free(w.buf);
    return secs;
}

/* Max |g_ref - g_core| / max |g_core| at net's initial weights: the reference's float
 * gradient against mlpv_gradient (double). */
static double ref_grad_check(const mlpv_net *net, const mlpv_dataset *d, int R)
{
    ref_ws w;
    ref_ws_init(&w, &net->spec, R);
    long n = d->n, np = w.np;
    float *Xt = xmalloc(sizeof(float) * (size_t)n * 2), *Yt = xmalloc(sizeof(float) * (size_t)n);
    for (long p = 0; p < n; p++) {
        Xt[p] = (float)d->x[2 * p];
        Xt[n + p] = (float)d->x[2 * p + 1];
        Yt[p] = (float)d->y[p];
    }
    float *G = xmalloc(sizeof(float) * (size_t)np);
    double *Gd = xmalloc(sizeof(double) * (size_t)np);
    ref_grad(&w, net->storef, Xt, Yt, n, G);
    double err = NAN;
    if (mlpv_net_param_count(net) == np && isfinite(mlpv_gradient(net, d, Gd))) {
        double mx = 0, diff = 0;
        for (long i = 0; i < np; i++) {
            mx = fmax(mx, fabs(Gd[i]));
            diff = fmax(diff, fabs(Gd[i] - (double)G[i]));
        }
        err = mx > 0 ? diff / mx : diff;
    }
    free(Xt);
    free(Yt);
    free(G);
    free(Gd);
    free(w.buf);
    return err;
}

/* ---------------------------------------------------------------- 3. torch */

typedef struct {
    int status, nets;
    double seconds, best_pass;
    double *net_s, *init_loss, *final_loss; /* [nets], from the TORCH_NET lines */
    char note[256], line[256];
} torch_result;
enum { TORCH_OK, TORCH_SKIPPED };

/* Writes, for nets 0..T-1, the float initial parameters (mlpv_net's flat layout), then
 * x [points x in] and y [points x out] in float, little-endian as the machine's. */
static int write_torch_data(const char *path, const mlpv_spec *spec, const mlpv_dataset *data, int T)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = 1;
    for (int k = 0; k < T && ok; k++) {
        mlpv_net *net = mlpv_net_random(spec, (uint64_t)k);
        if (!net) {
            ok = 0;
            break;
        }
        long np = mlpv_net_param_count(net);
        ok = fwrite(net->storef, sizeof(float), (size_t)np, f) == (size_t)np;
        mlpv_net_free(net);
        const mlpv_dataset *d = &data[k];
        size_t nx = (size_t)d->n * d->in_dim, ny = (size_t)d->n * d->out_dim;
        float *buf = xmalloc(sizeof(float) * (nx > ny ? nx : ny));
        for (size_t i = 0; i < nx; i++) buf[i] = (float)d->x[i];
        ok = ok && fwrite(buf, sizeof(float), nx, f) == nx;
        for (size_t i = 0; i < ny; i++) buf[i] = (float)d->y[i];
        ok = ok && fwrite(buf, sizeof(float), ny, f) == ny;
        free(buf);
    }
    if (fclose(f) != 0) ok = 0;
    return ok ? 0 : -1;
}

static torch_result run_torch(const char *python, const char *script, const char *data_path, int nets, int width,
                              int steps, int passes)
{
    torch_result r;
    memset(&r, 0, sizeof r);
    r.status = TORCH_SKIPPED;
    r.nets = nets;
    r.net_s = xmalloc(sizeof(double) * (size_t)nets);
    r.init_loss = xmalloc(sizeof(double) * (size_t)nets);
    r.final_loss = xmalloc(sizeof(double) * (size_t)nets);
    for (int k = 0; k < nets; k++) r.net_s[k] = r.init_loss[k] = r.final_loss[k] = NAN;
    if (access(script, R_OK) != 0) {
        snprintf(r.note, sizeof r.note, "script %s not readable (%s)", script, strerror(errno));
        return r;
    }
    if (access(python, X_OK) != 0) {
        snprintf(r.note, sizeof r.note, "python %s not executable (%s)", python, strerror(errno));
        return r;
    }
    if (!shell_safe(python) || !shell_safe(script) || !shell_safe(data_path)) {
        snprintf(r.note, sizeof r.note, "a path contains a single quote");
        return r;
    }
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "'%s' '%s' --data '%s' --nets %d --depth %d --width %d --in-dim %d "
             "--out-dim %d --points %ld --steps %d --lr %g --passes %d 2>&1",
             python, script, data_path, nets, DEPTH, width, IN_DIM, OUT_DIM, POINTS, steps, LR, passes);
    fflush(stdout);
    fflush(stderr);
    FILE *p = popen(cmd, "r");
    if (!p) {
        snprintf(r.note, sizeof r.note, "popen failed: %s", strerror(errno));
        return r;
    }
    char line[1024], last[1024] = "";
    int got = 0, got_nets = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = 0;
        if (strncmp(line, "TORCH_RESULT ", 13) == 0) {
            const char *a = strstr(line, "seconds="), *b = strstr(line, "best_pass=");
            if (a && b && sscanf(a, "seconds=%lf", &r.seconds) == 1 && sscanf(b, "best_pass=%lf", &r.best_pass) == 1 &&
                r.seconds > 0) {
                got = 1;
                snprintf(r.line, sizeof r.line, "%.200s", line + 13);
            }
        } else if (strncmp(line, "TORCH_NET ", 10) == 0) {
            int k;
            double s, il, fl;
            if (sscanf(line + 10, "net=%d seconds=%lf init_loss=%lf final_loss=%lf", &k, &s, &il, &fl) == 4 && k >= 0 &&
                k < nets) {
                r.net_s[k] = s;
                r.init_loss[k] = il;
                r.final_loss[k] = fl;
                got_nets++;
            }
        } else if (strncmp(line, "TORCH_MISSING ", 14) == 0) {
            snprintf(r.note, sizeof r.note, "%.200s", line + 14);
        } else if (line[0]) {
            snprintf(last, sizeof last, "%s", line);
        }
    }
    int st = pclose(p);
    if (got && got_nets == nets) r.status = TORCH_OK;
    else if (!r.note[0])
        snprintf(r.note, sizeof r.note, "no complete TORCH_RESULT (%d of %d nets; exit status %d%s%.150s)", got_nets,
                 nets, WIFEXITED(st) ? WEXITSTATUS(st) : -1, last[0] ? "; last line: " : "", last);
    return r;
}

/* ----------------------------------------------------------------- driver */

static void usage(FILE *f)
{
    fprintf(f,
            "usage: bench_train [--nets N] [--quick] [--torch-nets T] [--no-torch] [--no-lever]\n"
            "                   [--steps S] [--python PATH] [--torch-script PATH]\n"
            "  --nets N          networks trained by mlpv_train (default 64)\n"
            "  --torch-nets T    of those, the first T are also trained by torch, twice (default 8)\n"
            "  --quick           smoke check: 4 nets, 2 in torch, one pass each, small lever\n"
            "  --steps S         Adam steps per net (default 200)\n"
            "  --no-torch        skip the PyTorch comparison\n"
            "  --no-lever        skip the reference-step comparison (part 4)\n"
            "  --python PATH     interpreter with torch (default %s)\n"
            "  --torch-script P  default %s\n"
            "OpenBLAS kernels: as mlpvar (re-exec with OPENBLAS_CORETYPE where OpenBLAS picks the\n"
            "generic Prescott ones); MLPVAR_KEEP_OPENBLAS_CORE=1 keeps whatever OpenBLAS chose.\n",
            MLPV_BENCH_PYTHON, MLPV_BENCH_TORCH_TRAIN_SCRIPT);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    if (n <= 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    bench_prog = "bench_train";
    openblas_core_fix(argv); /* the kernels mlpvar itself would use (may re-exec) */
    int nets_n = 64, torch_n = 8, passes = 2, quick = 0, no_torch = 0, no_lever = 0, steps = 200;
    int explicit_nets = 0, explicit_torch = 0;
    const char *python = MLPV_BENCH_PYTHON, *script = MLPV_BENCH_TORCH_TRAIN_SCRIPT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--nets")) {
            nets_n = parse_int(a, v, 1);
            explicit_nets = 1;
            i++;
        } else if (!strcmp(a, "--torch-nets")) {
            torch_n = parse_int(a, v, 1);
            explicit_torch = 1;
            i++;
        } else if (!strcmp(a, "--steps")) {
            steps = parse_int(a, v, 1);
            i++;
        } else if (!strcmp(a, "--quick")) quick = 1;
        else if (!strcmp(a, "--no-torch")) no_torch = 1;
        else if (!strcmp(a, "--no-lever")) no_lever = 1;
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
            fprintf(stderr, "bench_train: unknown option '%s'\n", a);
            usage(stderr);
            return 2;
        }
    }
    if (quick) {
        if (!explicit_nets) nets_n = 4;
        if (!explicit_torch) torch_n = 2;
        passes = 1;
    }
    if (torch_n > nets_n) torch_n = nets_n;

    /* One thread everywhere, for this process and for the torch child. */
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    setenv("MKL_NUM_THREADS", "1", 1);
    openblas_set_num_threads(1);
    double t_start = now_s();

    const int width = mlpv_width_for_budget(BUDGET, IN_DIM, OUT_DIM, DEPTH);
    mlpv_spec spec = mlpv_spec_default(MLPV_RELU, DEPTH, width);
    const double flops_step = step_flops(&spec, POINTS);
    const double flops_net = flops_step * steps;
    const char *core = openblas_get_corename();

    printf("libmlpvar training benchmark (one thread, float)\n");
    printf("  OpenBLAS: %s (core %s)\n", openblas_get_config(), core ? core : "?");
    blas_core_hint(core);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    printf("  machine: %ld CPUs online, load average %.2f at start (a load near or above the\n"
           "           CPU count means other work shares the machine and timings are noisy)\n",
           ncpu, loadavg1());
    printf("  workload: %d ReLU nets, depth %d, width %d (budget %ld -> P = %ld), in %d, out %d;\n"
           "            checkerboard %dx%d, %ld points (mlpv_task_sample, seed k for net k, and\n"
           "            weights seed k), %d full-batch Adam steps, lr %g, MSE\n",
           nets_n, DEPTH, width, BUDGET, mlpv_spec_params(&spec), IN_DIM, OUT_DIM, CELLS, CELLS, POINTS, steps, LR);
    printf("  FLOPs: 6 * points * sum_l(fan_in*fan_out) per step (2 forward + 4 backward;\n"
           "         bias, activation, loss and Adam not counted) = %.4g MFLOP per step,\n"
           "         %.4g GFLOP per net, %.4g GFLOP in all\n",
           flops_step / 1e6, flops_net / 1e9, flops_net * nets_n / 1e9);

    mlpv_dataset *data = xmalloc((size_t)nets_n * sizeof *data);
    for (int k = 0; k < nets_n; k++)
        if (mlpv_task_sample(MLPV_TASK_CHECKERBOARD, CELLS, POINTS, (uint64_t)k, &data[k]) != 0)
            die("mlpv_task_sample failed");

    mlpv_train_opts o = mlpv_train_defaults();
    o.optimizer = MLPV_OPT_ADAM;
    o.lr = LR;
    o.steps = steps;
    o.batch = 0;
    o.target_accuracy = 0;
    o.precision = MLPV_FLOAT;

    /* The torch data file: the first torch_n nets' initial weights and points. */
    char tmpdir[] = "/tmp/bench_train.XXXXXX", data_path[sizeof tmpdir + 16] = "";
    int have_tmp = 0;
    if (!no_torch) {
        if (!mkdtemp(tmpdir)) die("mkdtemp failed");
        have_tmp = 1;
        snprintf(data_path, sizeof data_path, "%s/nets.f32", tmpdir);
        if (write_torch_data(data_path, &spec, data, torch_n) != 0) die("cannot write the torch data file");
    }

    { /* warm-up: OpenBLAS's buffers, page faults */
        mlpv_train_opts w = o;
        w.steps = steps < 10 ? steps : 10;
        mlpv_net *net = mlpv_net_random(&spec, 0);
        mlpv_train_result r;
        if (!net || mlpv_train(net, &data[0], NULL, &w, 0, &r) != 0) die("mlpv_train failed (warm-up)");
        mlpv_net_free(net);
    }

    /* Headline timings, interleaved (see the top of the file). */
    core_run *run1 = xmalloc((size_t)nets_n * sizeof *run1), *run2 = xmalloc((size_t)nets_n * sizeof *run2);
    double sg[3];
    torch_result tr;
    memset(&tr, 0, sizeof tr);
    tr.status = TORCH_SKIPPED;
    snprintf(tr.note, sizeof tr.note, "--no-torch given");
    fprintf(stderr, "bench_train: headline timings (sgemm, mlpv_train x %d, torch x %d)...\n", nets_n, torch_n);
    sg[0] = sgemm_rate(SGEMM_N, 1);
    for (int k = 0; k < nets_n; k++) run1[k] = core_train(&spec, &data[k], k, &o);
    sg[1] = sgemm_rate(SGEMM_N, 1);
    if (!no_torch) tr = run_torch(python, script, data_path, torch_n, width, steps, passes);
    if (passes > 1)
        for (int k = 0; k < nets_n; k++) run2[k] = core_train(&spec, &data[k], k, &o);
    sg[2] = sgemm_rate(SGEMM_N, 1);
    double sgemm = fmax(sg[0], fmax(sg[1], sg[2]));
    if (have_tmp) {
        unlink(data_path);
        rmdir(tmpdir);
    }

    /* Per net, the best of the passes; summed over the nets. */
    double t_ml = 0, t_pass[2] = { 0, 0 }, t_wall[2] = { 0, 0 };
    int diverged = 0, nondet = 0;
    double *best = xmalloc((size_t)nets_n * sizeof *best);
    double *rates = xmalloc((size_t)nets_n * sizeof *rates), *accs = xmalloc((size_t)nets_n * sizeof *accs);
    for (int k = 0; k < nets_n; k++) {
        best[k] = run1[k].seconds;
        t_pass[0] += run1[k].seconds;
        t_wall[0] += run1[k].wall;
        if (passes > 1) {
            t_pass[1] += run2[k].seconds;
            t_wall[1] += run2[k].wall;
            if (run2[k].seconds < best[k]) best[k] = run2[k].seconds;
            if (run2[k].final_loss != run1[k].final_loss) nondet++; /* same net, same data */
        }
        t_ml += best[k];
        diverged += run1[k].diverged || run1[k].steps != steps;
        rates[k] = flops_net / best[k] / 1e9;
        accs[k] = run1[k].train_acc;
    }
    double r_ml = flops_net * nets_n / t_ml / 1e9;
    double r_med = median(rates, nets_n), acc_med = median(accs, nets_n); /* median sorts */
    double r_lo = rates[0], r_hi = rates[nets_n - 1];

    printf("\n1. OpenBLAS sgemm %dx%dx%d, one thread, best of 3 (spread over the headline timings)\n", SGEMM_N, SGEMM_N,
           SGEMM_N);
    printf("  %.2f GFLOP/s   (runs: %.2f, %.2f, %.2f)\n", sgemm, sg[0], sg[1], sg[2]);

    printf("\n2. mlpv_train, %d nets x %d steps, %d pass%s; per net the best pass, summed\n", nets_n, steps, passes,
           passes > 1 ? "es" : "");
    printf("  %.3f s: %.2f GFLOP/s = %.2f of sgemm\n", t_ml, r_ml, r_ml / sgemm);
    for (int q = 0; q < passes; q++)
        printf("  (pass %d: %.3f s in mlpv_train's loops = %.2f GFLOP/s; %.3f s with the final\n"
               "   evaluation in double that mlpv_train does after its loop)\n",
               q + 1, t_pass[q], flops_net * nets_n / t_pass[q] / 1e9, t_wall[q]);
    if (passes > 1)
        printf("  both passes gave the same final losses: %s\n",
               nondet ? "NO (mlpv_train is not deterministic)" : "yes");
    printf("  per net: %.1f ms per step; rate min / median / max %.2f / %.2f / %.2f GFLOP/s\n",
           1e3 * t_ml / nets_n / steps, r_lo, r_med, r_hi);
    printf("  training reached: median train accuracy %.3f after %d steps; %d net%s diverged or\n"
           "  stopped early\n",
           acc_med, steps, diverged, diverged == 1 ? "" : "s");

    /* 3 */
    printf("\n3. PyTorch per-network loop (%s), first %d nets, %d pass%s\n", script, torch_n, passes,
           passes > 1 ? "es" : "");
    double ratio = NAN, init_rel = NAN, final_rel_med = NAN, final_rel_max = NAN, t_ml_sub = 0;
    if (tr.status == TORCH_OK) {
        double *frel = xmalloc((size_t)torch_n * sizeof *frel);
        init_rel = 0;
        printf("  torch says: %s\n", tr.line);
        printf("  %4s %12s %12s %8s   %12s %12s   %10s %10s\n", "net", "torch s", "mlpvar s", "ratio", "init loss",
               "(torch)", "final loss", "(torch)");
        for (int k = 0; k < torch_n; k++) {
            double tm = best[k];
            t_ml_sub += tm;
            printf("  %4d %12.3f %12.3f %8.2f   %12.6f %12.6f   %10.5f %10.5f\n", k, tr.net_s[k], tm, tr.net_s[k] / tm,
                   run1[k].init_loss, tr.init_loss[k], run1[k].final_loss, tr.final_loss[k]);
            init_rel = fmax(init_rel, fabs(tr.init_loss[k] - run1[k].init_loss) / fabs(run1[k].init_loss));
            frel[k] = fabs(tr.final_loss[k] - run1[k].final_loss) / fabs(run1[k].final_loss);
        }
        final_rel_med = median(frel, torch_n);
        final_rel_max = frel[torch_n - 1];
        free(frel);
        ratio = tr.seconds / t_ml_sub;
        printf("  sum of per-net best of %d: torch %.3f s (%.2f GFLOP/s), mlpvar %.3f s (%.2f GFLOP/s):\n"
               "  torch_time / mlpvar_time = %.2f\n",
               passes, tr.seconds, flops_net * torch_n / tr.seconds / 1e9, t_ml_sub,
               flops_net * torch_n / t_ml_sub / 1e9, ratio);
        printf("  same start: initial losses agree to %.1e (relative, max); after %d steps the\n"
               "  final losses differ by %.1e median, %.1e max (float rounding grows over the run)\n",
               init_rel, steps, final_rel_med, final_rel_max);
    } else {
        printf("  skipped: %s\n", tr.note);
    }

    /* 4. The lever: the reference step, in rounds (every variant once per round, best
     * over rounds), on the first few nets. */
    double grad_err = NAN, best_ref = 0, core_lever = 0;
    int best_R = 0;
    if (!no_lever) {
        int lever_n = quick ? 1 : 4, rounds = quick ? 1 : 2;
        if (lever_n > nets_n) lever_n = nets_n;
        static const int Rs[] = { 128, 256, 1024, 4096 };
        enum { NR = (int)(sizeof Rs / sizeof *Rs) };
        double t_ref[NR], t_core = 1e300, ref_loss[NR], core_loss = NAN;
        for (int c = 0; c < NR; c++) t_ref[c] = 1e300;
        {
            mlpv_net *net = mlpv_net_random(&spec, 0);
            if (!net) die("mlpv_net_random failed");
            grad_err = ref_grad_check(net, &data[0], 1024);
            mlpv_net_free(net);
        }
        fprintf(stderr, "bench_train: lever (reference features-major step)...\n");
        for (int round = 0; round < rounds; round++) {
            double t = 0;
            for (int k = 0; k < lever_n; k++) {
                core_run c = core_train(&spec, &data[k], k, &o);
                t += c.seconds;
                if (k == 0) core_loss = c.final_loss;
            }
            if (t < t_core) t_core = t;
            for (int c = 0; c < NR; c++) {
                t = 0;
                for (int k = 0; k < lever_n; k++) {
                    mlpv_net *net = mlpv_net_random(&spec, (uint64_t)k);
                    if (!net) die("mlpv_net_random failed");
                    double ll;
                    t += ref_train(net, &data[k], steps, Rs[c], &ll);
                    if (k == 0) ref_loss[c] = ll;
                    mlpv_net_free(net);
                }
                if (t < t_ref[c]) t_ref[c] = t;
            }
        }
        core_lever = flops_net * lever_n / t_core / 1e9;
        printf("\n4. Lever: a reference training step written here (features-major H [width x\n"
               "   points], bias + ReLU in one flat pass per unit, same Adam), %d net%s, best of %d\n"
               "   round%s (each round: mlpv_train, then every chunk);\n"
               "   its float gradient at init vs mlpv_gradient (double): max error %.1e of max |g|\n",
               lever_n, lever_n > 1 ? "s" : "", rounds, rounds > 1 ? "s" : "", grad_err);
        printf("   %-34s %10s %10s %18s\n", "variant", "GFLOP/s", "of sgemm", "net 0 final loss");
        printf("   %-34s %10.2f %10.2f %18.5f\n", "mlpv_train (as built)", core_lever, core_lever / sgemm, core_loss);
        for (int c = 0; c < NR; c++) {
            double r = flops_net * lever_n / t_ref[c] / 1e9;
            char name[64];
            snprintf(name, sizeof name, "reference, chunk %d%s", Rs[c], Rs[c] >= POINTS ? " (full batch)" : "");
            printf("   %-34s %10.2f %10.2f %18.5f\n", name, r, r / sgemm, ref_loss[c]);
            if (r > best_ref) {
                best_ref = r;
                best_R = Rs[c];
            }
        }
        printf("   best reference (chunk %d) / mlpv_train = %.2fx\n", best_R, best_ref / core_lever);
    }

    /* Summary */
    double frac = r_ml / sgemm;
    printf("\nSummary (%.0f s in all; load average %.2f at the end)\n", now_s() - t_start, loadavg1());
    printf("  %-44s %-22s %-10s %s\n", "metric", "measured", "aim", "met");
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f GFLOP/s", sgemm);
    printf("  %-44s %-22s %-10s %s\n", "OpenBLAS sgemm 2048^3, 1 thread", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f GFLOP/s", r_ml);
    printf("  %-44s %-22s %-10s %s\n", "mlpv_train rate (6 x points x weights/step)", buf, "-", "-");
    snprintf(buf, sizeof buf, "%.2f", frac);
    printf("  %-44s %-22s %-10s %s\n", "mlpv_train / sgemm", buf, ">= 0.30", met_str(frac >= 0.30));
    snprintf(buf, sizeof buf, "%.2f ms", 1e3 * t_ml / nets_n / steps);
    printf("  %-44s %-22s %-10s %s\n", "time per Adam step (4096 points)", buf, "-", "-");
    if (tr.status == TORCH_OK) {
        snprintf(buf, sizeof buf, "%.2fx", ratio);
        printf("  %-44s %-22s %-10s %s\n", "torch_time / mlpvar_time", buf, ">= 1.5x", met_str(ratio >= 1.5));
        snprintf(buf, sizeof buf, "%.1e", init_rel);
        printf("  %-44s %-22s %-10s %s\n", "torch vs mlpvar initial loss (same start)", buf, "< 1e-4",
               met_str(init_rel < 1e-4));
        snprintf(buf, sizeof buf, "%.1e", final_rel_med);
        printf("  %-44s %-22s %-10s %s\n", "torch vs mlpvar final loss, median rel. diff", buf, "-", "-");
    } else {
        printf("  %-44s %-22s %-10s %s\n", "torch_time / mlpvar_time", "skipped", ">= 1.5x", "-");
    }
    if (!no_lever) {
        snprintf(buf, sizeof buf, "%.2fx (chunk %d)", best_ref / core_lever, best_R);
        printf("  %-44s %-22s %-10s %s\n", "reference step / mlpv_train", buf, "-", "-");
    }

    for (int k = 0; k < nets_n; k++) mlpv_dataset_free(&data[k]);
    free(data);
    free(run1);
    free(run2);
    free(best);
    free(rates);
    free(accs);
    free(tr.net_s);
    free(tr.init_loss);
    free(tr.final_loss);
    return 0;
}
