/* Memory estimates of one item and of the machine (sweep_limits.h). The
 * estimate follows the allocations of src/lib phase by phase; a test
 * (tests/fuzz/test_limits.c) holds it above the measured peak. */
#include "sweep_limits.h"

#include "mlpvar/rivals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Rows per chunk of the backward pass (MLPV_BP_CHUNK in src/lib/backprop.h)
 * and of the rivals' kernels (mlpv_rival_defaults: batch 64; linear_regions'
 * chunk 256 and grid 64; trajectory's 1000 samples). */
enum { BP_CHUNK = 512, RIVAL_BATCH = 64, RIVAL_CHUNK = 256, RIVAL_GRID = 64, RIVAL_SAMPLES = 1000, RIVAL_POINTS = 256 };
#define ALLOC_SLACK 4096.0 /* per allocation: headers, alignment, padding */
#define MARGIN (1.0 / 32) /* on the sum: pages touched around the blocks, libraries' own buffers */

static double dmax(double a, double b) { return a > b ? a : b; }
static double esz(mlpv_precision p) { return p == MLPV_FLOAT ? 4.0 : 8.0; }

/* P = (d+1)n + (L-1)(n+1)n + (n+1)m, in double (no overflow). */
static double params(const mlpv_spec *s)
{
    double d = s->in_dim, m = s->out_dim, n = s->width, L = s->depth;
    return (d + 1) * n + (L - 1) * (n + 1) * n + (n + 1) * m;
}

/* The backward pass's workspace for chunks of R rows (backprop_impl.h ws_alloc). */
static double bp_ws(const mlpv_spec *s, double R, mlpv_precision p)
{
    double n = s->width, m = s->out_dim, d = s->in_dim, L = s->depth, dw = dmax(n, m);
    return esz(p) * (2 * L * R * n + 2 * R * m + 2 * R * dw + R * d) + (2 * L + 6) * ALLOC_SLACK;
}

static double rows_chunk(long n) { return n < BP_CHUNK ? (double)n : BP_CHUNK; }

/* The landscape and its metrics (landscape.c, measure.c, metrics.c). */
static double landscape_bytes(const lim_item *it)
{
    const mlpv_spec *s = &it->spec;
    double g = it->grid, npts = g * g, ch = it->chunk < npts ? it->chunk : npts;
    double d = s->in_dim, m = s->out_dim, n = s->width, L = s->depth;
    double w = dmax(n, dmax(d, m)), e = esz(it->precision);
    double b = npts * m * 8 + ch * d * e + ch * m * e + 2 * ch * w * e + 3 * d * 8 + g * 8;
    if (it->diag) b += 4 * L * n * 8 + n * 8;
    return b + 8 * ALLOC_SLACK;
}

/* One rival on a batch of N rows (rivals.c, rivals_ntk.c). */
static double rival_bytes(const mlpv_spec *s, mlpv_rival r, double N)
{
    double d = s->in_dim, m = s->out_dim, n = s->width, L = s->depth, P = params(s);
    double nw = (L * n + 63) / 64, w = dmax(n, dmax(d, m));
    double K = N < RIVAL_BATCH ? N : RIVAL_BATCH;
    double cache_k = 2 * L * K * n * 8 + K * m * 8, cache_c = 2 * L * RIVAL_CHUNK * n * 8 + RIVAL_CHUNK * m * 8;
    switch (r) {
    case MLPV_RIVAL_GRAD_NORM:
    case MLPV_RIVAL_SNIP: return 2 * P * 8 + bp_ws(s, rows_chunk((long)N), MLPV_DOUBLE);
    case MLPV_RIVAL_SYNFLOW: return 2 * (L + 1) * w * 8 + 2 * w * 8 + (L + 1) * 8;
    case MLPV_RIVAL_JACOB_COV:
    case MLPV_RIVAL_NASWOT:
    case MLPV_RIVAL_NTK_COND:
        return cache_k + K * (L * n + m) * 8 + 2 * K * K * 8 + K * nw * 8 + 2 * K * dmax(K, d) * 8 + K * d * 8;
    case MLPV_RIVAL_LINEAR_REGIONS:
        return cache_c + (double)RIVAL_GRID * RIVAL_GRID * (nw * 8 + 16) + RIVAL_CHUNK * d * 8;
    case MLPV_RIVAL_TRAJECTORY: return RIVAL_SAMPLES * m * 8 + 2 * RIVAL_CHUNK * w * 8 + RIVAL_CHUNK * d * 8;
    default: return 0;
    }
}

/* Training (train.c, optim.c), then its final evaluation. */
static double train_bytes(const lim_item *it)
{
    const mlpv_spec *s = &it->spec;
    const mlpv_train_opts *o = &it->train;
    double P = params(s), n = (double)it->train_rows, e = esz(o->precision);
    long B = o->batch <= 0 || o->batch >= it->train_rows ? it->train_rows : o->batch;
    double state = o->optimizer == MLPV_OPT_ADAM ? 2 * P * e : (o->momentum > 0 ? P * e : 0);
    double b = bp_ws(s, rows_chunk(B), o->precision) + P * e + state;
    if (B < it->train_rows) b += n * 8; /* the epoch's permutation */
    if (o->precision == MLPV_FLOAT) b += n * (s->in_dim + s->out_dim) * 4; /* float copies */
    return b + bp_ws(s, rows_chunk(it->train_rows > it->test_rows ? it->train_rows : it->test_rows), MLPV_DOUBLE);
}

double lim_item_bytes(const lim_item *it)
{
    const mlpv_spec *s = &it->spec;
    double net = params(s) * 12 + 4 * (s->depth + 1) * 8 + 6 * ALLOC_SLACK;
    double fixed = 16.0 * s->depth + 3 * (LIM_MAX_DEPTH + 1) * 8 + 64 * 1024; /* diag, the record */
    double task = 0;
    if (it->train_rows > 0) {
        double rows = (double)it->train_rows + (double)it->test_rows;
        double data = rows * (s->in_dim + s->out_dim) * 8 + rows * 16; /* the sets; a CSV split's shuffle */
        double phase = params(s) * 8 + bp_ws(s, rows_chunk(it->train_rows), MLPV_DOUBLE); /* grad norms */
        for (int r = 0; r < MLPV_RIVAL_COUNT; r++)
            if (it->rivals & (1u << r)) phase = dmax(phase, rival_bytes(s, (mlpv_rival)r, (double)it->train_rows));
        if (it->trained) phase = dmax(phase, train_bytes(it));
        task = data + phase;
    } else if (it->rivals) {
        double phase = 0;
        for (int r = 0; r < MLPV_RIVAL_COUNT; r++)
            if (it->rivals & (1u << r)) phase = dmax(phase, rival_bytes(s, (mlpv_rival)r, RIVAL_POINTS));
        task = RIVAL_POINTS * 3 * 8 + phase;
    }
    double sum = net + fixed + dmax(landscape_bytes(it), task);
    return sum * (1 + MARGIN) + (1 << 20);
}

lim_driver lim_item_driver(const lim_item *it)
{
    const mlpv_spec *s = &it->spec;
    double net = params(s) * 12 * (it->trained ? 3 : 1);
    double grid = (double)it->grid * it->grid * s->out_dim * 8;
    double chunk = 2.0 * it->chunk * dmax(s->width, dmax(s->in_dim, s->out_dim)) * esz(it->precision);
    double data = ((double)it->train_rows + (double)it->test_rows) * (s->in_dim + s->out_dim) * 16;
    if (grid >= net && grid >= chunk && grid >= data) return LIM_BY_GRID;
    if (chunk >= net && chunk >= data) return LIM_BY_CHUNK;
    return data > net ? LIM_BY_DATA : LIM_BY_NETWORK;
}

double lim_proc_bytes(const char *path, const char *key)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    double v = -1;
    size_t k = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, k) && line[k] == ':') {
            v = strtod(line + k + 1, NULL) * 1024;
            break;
        }
    fclose(f);
    return v;
}

/* A number in a one-line file ("max" and unreadable: -1). */
static double file_number(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char buf[64];
    double v = -1;
    if (fgets(buf, sizeof buf, f) && strncmp(buf, "max", 3) != 0) {
        char *end;
        v = strtod(buf, &end);
        if (end == buf) v = -1;
    }
    fclose(f);
    return v;
}

double lim_available_bytes(void)
{
    double avail = lim_proc_bytes("/proc/meminfo", "MemAvailable");
    double lim = file_number("/sys/fs/cgroup/memory.max"), used = file_number("/sys/fs/cgroup/memory.current");
    if (lim < 0) {
        lim = file_number("/sys/fs/cgroup/memory/memory.limit_in_bytes");
        used = file_number("/sys/fs/cgroup/memory/memory.usage_in_bytes");
    }
    if (lim > 0 && lim < 1e18) { /* cgroup v1 writes "no limit" as a huge number */
        double left = used >= 0 ? lim - used : lim;
        if (left < 0) left = 0;
        if (avail < 0 || left < avail) avail = left;
    }
    return avail;
}

const char *lim_bytes_text(double b, char *buf, size_t len)
{
    static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    int u = 0;
    while (b >= 1024 && u < 6) {
        b /= 1024;
        u++;
    }
    if (u == 0) snprintf(buf, len, "%.0f B", b);
    else snprintf(buf, len, b < 10 ? "%.1f %s" : "%.0f %s", b, unit[u]);
    return buf;
}
