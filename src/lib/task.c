/* The 2-D training tasks (labels, random samples, test grids), data-set
 * splitting and freeing. The CSV reader is in task_csv.c.
 *
 * Exact labels. Checkerboard and rings have rational boundaries
 * (x = m / k, |x|^2 = 2 m^2 / k^2), so for double inputs the side of a boundary
 * is decided exactly, not by a rounded formula: (x+1) c / 2 in doubles would,
 * e.g., put the double nearest 1/3 (which lies below 1/3) into the cell above
 * 1/3 on a 3 x 3 board. floor_kx() and ring_index() below are exact and take
 * the fast rounded path whenever the rounding cannot matter. Sines and spirals
 * have transcendental boundaries; their label is the documented formula
 * evaluated in doubles. */
#include "mlpvar/task.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/rng.h"

static const char *const NAMES[MLPV_TASK_COUNT] = {
    "checkerboard", "rings", "sines", "spirals", "csv",
};

const char *mlpv_task_name(mlpv_task_kind k) { return ((int)k >= 0 && k < MLPV_TASK_COUNT) ? NAMES[k] : "?"; }

int mlpv_task_parse(const char *name, mlpv_task_kind *out)
{
    if (!name) return -1;
    for (int k = 0; k < MLPV_TASK_COUNT; k++)
        if (strcmp(name, NAMES[k]) == 0) {
            if (out) *out = (mlpv_task_kind)k;
            return 0;
        }
    return -1;
}

const char *mlpv_task_names(void) { return "checkerboard, rings, sines, spirals, csv"; }

void mlpv_dataset_free(mlpv_dataset *d)
{
    if (!d) return;
    free(d->x);
    free(d->y);
    memset(d, 0, sizeof *d);
}

/* floor(k x) exactly, for an integer 1 <= k <= 2^20 and |x| <= 4 (so |k x| < 2^52
 * and every integer near p = fl(k x) is a double); *on_int = 1 when k x is an
 * integer. If p is not an integer, the nearest integer is at least ulp(p) from p
 * while |k x - p| <= ulp(p)/2, so floor(k x) = floor(p). If p is an integer, the
 * exact error e = k x - p (from fma) says on which side k x lies. */
static long floor_kx(int k, double x, int *on_int)
{
    double p = (double)k * x, f = floor(p);
    if (p != f) {
        *on_int = 0;
        return (long)f;
    }
    double e = fma((double)k, x, -p);
    *on_int = e == 0.0;
    return (long)f - (e < 0.0);
}

/* Error-free transformations (Knuth's two-sum; two-product by fma). */
static void two_sum(double a, double b, double *s, double *e)
{
    double x = a + b, bv = x - a, av = x - bv;
    *s = x;
    *e = (a - av) + (b - bv);
}

/* The exact sign of t[0] + ... + t[n-1] (n <= 16): Shewchuk's grow-expansion
 * keeps a nonoverlapping expansion, increasing in magnitude, of the exact sum;
 * its largest nonzero component carries the sign. */
static int exact_sign(const double *t, int n)
{
    double h[16];
    int m = 0;
    for (int i = 0; i < n; i++) {
        double q = t[i];
        for (int j = 0; j < m; j++) two_sum(q, h[j], &q, &h[j]);
        h[m++] = q;
    }
    for (int j = m - 1; j >= 0; j--)
        if (h[j] != 0.0) return h[j] > 0 ? 1 : -1;
    return 0;
}

/* The sign of k^2 (x1^2 + x2^2) - 2 m^2, exactly (k <= 2^20 and |x| <= 4, so
 * m <= 2^23 and k^2, 2 m^2
 * are exact doubles): each square and product is split into value + exact error.
 * (A coordinate below ~2^-480 has a square whose error term underflows; it can
 * only add a nonnegative amount far below any nonzero remainder, which leaves the
 * decision ">= 0" unchanged.) */
static int ring_cmp(int k, double x1, double x2, long m)
{
    double K = (double)k * (double)k, t[9];
    double sq[4];
    sq[0] = x1 * x1;
    sq[1] = fma(x1, x1, -sq[0]);
    sq[2] = x2 * x2;
    sq[3] = fma(x2, x2, -sq[2]);
    for (int i = 0; i < 4; i++) {
        t[2 * i] = K * sq[i];
        t[2 * i + 1] = fma(K, sq[i], -t[2 * i]);
    }
    t[8] = -2.0 * (double)m * (double)m;
    return exact_sign(t, 9);
}

/* m = floor(k |x| / sqrt 2), the largest m >= 0 with 2 m^2 <= k^2 |x|^2. The rounded
 * value t has a relative error of a few ulps; only within 1e-9 of an integer is
 * the exact comparison needed (t then lies within one step of the answer). */
static long ring_index(int k, double x1, double x2)
{
    double t = (double)k * sqrt(0.5 * (x1 * x1 + x2 * x2));
    double f = floor(t);
    long m = (long)f;
    double tol = 1e-9 * (t + 1.0);
    if (t - f > tol && f + 1.0 - t > tol) return m;
    if (ring_cmp(k, x1, x2, m + 1) >= 0) return m + 1;
    if (m > 0 && ring_cmp(k, x1, x2, m) < 0) return m - 1;
    return m;
}

/* The cell of x on a c x c board: floor(c (x+1) / 2) = floor((floor(c x) + c) / 2),
 * clamped to [0, c-1] (x = 1 belongs to the last cell; outside the square, the
 * nearest cell). */
static long cell_index(int c, double x)
{
    int on_int;
    if (!(x > -1.0)) return 0;
    if (!(x < 1.0)) return c - 1;
    long i = (floor_kx(c, x, &on_int) + c) / 2;
    return i > c - 1 ? c - 1 : i;
}

/* A sine-wave boundary: +1 on or above x2 = sin(k pi x1) / 2, -1 below. k is
 * the number of periods across [-1, 1]; the +1 area is exactly half (the sine
 * integrates to 0 over whole periods). */
static double sines_label(int k, double x1, double x2) { return x2 >= 0.5 * sin((double)k * M_PI * x1) ? 1.0 : -1.0; }

/* Two arms in polar (r, theta): A at theta = a(r) = 2 pi k r, B at a(r) + pi. The
 * angular distance d_A = |theta - a| mod 2 pi, folded into [0, pi], and
 * d_B = pi - d_A, so "nearer A" is d_A < pi/2, i.e. cos(theta - a) > 0, i.e.
 * r cos(theta - a) = x1 cos a + x2 sin a > 0. Ties (equidistant, and the origin)
 * get +1. k turns of each arm fit in the unit disc. */
static double spirals_label(int k, double x1, double x2)
{
    double a = 2.0 * M_PI * (double)k * sqrt(x1 * x1 + x2 * x2);
    return x1 * cos(a) + x2 * sin(a) >= 0.0 ? 1.0 : -1.0;
}

double mlpv_task_label(mlpv_task_kind k, int knob, double x1, double x2)
{
    if (knob < 1 || knob > MLPV_TASK_KNOB_MAX) return 0.0;
    if (!(fabs(x1) <= 4.0 && fabs(x2) <= 4.0)) return 0.0; /* also NaN */
    switch (k) {
    case MLPV_TASK_CHECKERBOARD: return ((cell_index(knob, x1) + cell_index(knob, x2)) & 1) ? -1.0 : 1.0;
    case MLPV_TASK_RINGS: return (ring_index(knob, x1, x2) & 1) ? -1.0 : 1.0;
    case MLPV_TASK_SINES: return sines_label(knob, x1, x2);
    case MLPV_TASK_SPIRALS: return spirals_label(knob, x1, x2);
    default: return 0.0;
    }
}

static int is_2d_task(mlpv_task_kind k, int knob)
{
    return (int)k >= 0 && k < MLPV_TASK_CSV && knob >= 1 && knob <= MLPV_TASK_KNOB_MAX;
}

static int alloc_set(mlpv_dataset *d, long n, int in_dim, int out_dim)
{
    memset(d, 0, sizeof *d);
    if (n < 1 || (size_t)n > ((size_t)-1 / sizeof(double)) / (size_t)(in_dim + out_dim)) return -1;
    d->x = malloc(sizeof(double) * (size_t)n * (size_t)in_dim);
    d->y = malloc(sizeof(double) * (size_t)n * (size_t)out_dim);
    if (!d->x || !d->y) {
        mlpv_dataset_free(d);
        return -1;
    }
    d->n = n;
    d->in_dim = in_dim;
    d->out_dim = out_dim;
    return 0;
}

/* Philox stream of a task's samples: "TASK" in the high word, the kind below;
 * the split's shuffle uses "SPLT". Other modules use small stream numbers. */
#define TASK_STREAM 0x5441534B00000000ull
#define SPLIT_STREAM 0x53504C5400000000ull

int mlpv_task_sample(mlpv_task_kind k, int knob, long n, uint64_t seed, mlpv_dataset *out)
{
    if (!out) return -1;
    memset(out, 0, sizeof *out);
    if (!is_2d_task(k, knob) || n < 1 || alloc_set(out, n, 2, 1) != 0) return -1;
    mlpv_rng_uniform(mlpv_mix64(seed), TASK_STREAM + (uint64_t)k, 0, (size_t)n * 2, out->x);
    for (long p = 0; p < n; p++) {
        double *x = out->x + 2 * p;
        x[0] = -1.0 + 2.0 * x[0];
        x[1] = -1.0 + 2.0 * x[1];
        out->y[p] = mlpv_task_label(k, knob, x[0], x[1]);
    }
    out->labels_pm1 = 1;
    return 0;
}

int mlpv_task_grid(mlpv_task_kind k, int knob, int g, mlpv_dataset *out)
{
    if (!out) return -1;
    memset(out, 0, sizeof *out);
    if (!is_2d_task(k, knob) || g < 2 || g > 46340 || alloc_set(out, (long)g * g, 2, 1) != 0) return -1;
    for (int i = 0; i < g; i++) {
        /* the landscape's grid_coord: lo + (hi - lo) * i / (g - 1) */
        double s = -1.0 + 2.0 * (double)i / (double)(g - 1);
        for (int j = 0; j < g; j++) {
            double t = -1.0 + 2.0 * (double)j / (double)(g - 1);
            long r = (long)i * g + j;
            out->x[2 * r] = s;
            out->x[2 * r + 1] = t;
            out->y[r] = mlpv_task_label(k, knob, s, t);
        }
    }
    out->labels_pm1 = 1;
    return 0;
}

static int copy_rows(const mlpv_dataset *d, const long *rows, long n, mlpv_dataset *o)
{
    if (alloc_set(o, n, d->in_dim, d->out_dim) != 0) return -1;
    for (long r = 0; r < n; r++) {
        memcpy(o->x + r * d->in_dim, d->x + rows[r] * d->in_dim, sizeof(double) * d->in_dim);
        memcpy(o->y + r * d->out_dim, d->y + rows[r] * d->out_dim, sizeof(double) * d->out_dim);
    }
    o->labels_pm1 = d->labels_pm1;
    return 0;
}

/* Fisher-Yates from the top: for i = n-1 .. 1 swap perm[i] with perm[j],
 * j = floor(u_i (i + 1)), u_i the i-th uniform of the split stream (53-bit
 * uniforms: the bias is below n 2^-53). The first n_test rows of the
 * permutation are the test set. */
int mlpv_dataset_split(const mlpv_dataset *d, double test_fraction, uint64_t seed, mlpv_dataset *train,
                       mlpv_dataset *test)
{
    if (!train || !test) return -1;
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (!d || d->n < 2 || d->in_dim < 1 || d->out_dim < 1 || !d->x || !d->y) return -1;
    if (!(test_fraction > 0.0 && test_fraction < 1.0)) return -1;
    long n = d->n;
    long n_test = lround(test_fraction * (double)n);
    if (n_test < 1) n_test = 1;
    if (n_test > n - 1) n_test = n - 1;
    long *perm = malloc(sizeof(long) * (size_t)n);
    double *u = malloc(sizeof(double) * (size_t)n);
    int rc = -1;
    if (!perm || !u) goto done;
    mlpv_rng_uniform(mlpv_mix64(seed), SPLIT_STREAM, 0, (size_t)n, u);
    for (long i = 0; i < n; i++) perm[i] = i;
    for (long i = n - 1; i >= 1; i--) {
        long j = (long)(u[i] * (double)(i + 1));
        if (j > i) j = i;
        long t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    if (copy_rows(d, perm, n_test, test) != 0 || copy_rows(d, perm + n_test, n - n_test, train) != 0) {
        mlpv_dataset_free(test);
        mlpv_dataset_free(train);
        goto done;
    }
    rc = 0;
done:
    free(perm);
    free(u);
    return rc;
}
