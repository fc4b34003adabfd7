/* Landscapes: the grid is generated chunk by chunk, so memory is
 * O(chunk * width) plus the g*g*m output, whatever g is. */
#include "mlpvar/landscape.h"
#include "mlpvar/rng.h"
#include "mlpvar/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

mlpv_grid_opts mlpv_grid_defaults(int grid)
{
    mlpv_grid_opts o = { .grid = grid,
                         .lo = -1.0,
                         .hi = 1.0,
                         .chunk = 256,
                         .precision = MLPV_FLOAT,
                         .center = NULL,
                         .u = NULL,
                         .v = NULL,
                         .radius = 1.0,
                         .slice_seed = 0 };
    return o;
}

static double grid_coord(const mlpv_grid_opts *o, int i)
{
    return o->lo + (o->hi - o->lo) * (double)i / (double)(o->grid - 1);
}

void mlpv_grid_point(const mlpv_grid_opts *o, int in_dim, const double *u, const double *v, int i, int j, double *x)
{
    double s = grid_coord(o, i), t = grid_coord(o, j);
    for (int d = 0; d < in_dim; d++) x[d] = (o->center ? o->center[d] : 0.0) + o->radius * (s * u[d] + t * v[d]);
}

void mlpv_slice_basis(const double *u_in, const double *v_in, uint64_t slice_seed, int d, double *u, double *v)
{
    if (u_in && v_in) {
        memcpy(u, u_in, sizeof(double) * d);
        memcpy(v, v_in, sizeof(double) * d);
        return;
    }
    if (d == 2) {
        u[0] = 1;
        u[1] = 0;
        v[0] = 0;
        v[1] = 1;
        return;
    }
    uint64_t key = mlpv_mix64(slice_seed ^ 0x5117CEull);
    mlpv_rng_normal(key, 0, 0, (size_t)d, u);
    mlpv_rng_normal(key, 1, 0, (size_t)d, v);
    double uu = 0, uv = 0, vv = 0;
    for (int k = 0; k < d; k++) uu += u[k] * u[k];
    for (int k = 0; k < d; k++) u[k] /= sqrt(uu);
    for (int k = 0; k < d; k++) uv += u[k] * v[k];
    for (int k = 0; k < d; k++) v[k] -= uv * u[k];
    for (int k = 0; k < d; k++) vv += v[k] * v[k];
    for (int k = 0; k < d; k++) v[k] /= sqrt(vv);
}

/* Per-unit running sums for the layer diagnostics, shifted by the unit's value
 * at the first grid point so a nearly constant unit keeps its small variance. */
typedef struct {
    int width;
    double *shift, *s1, *s2; /* [depth x width] */
    double *absmax; /* [depth x width]: max |h|, 0 for a dead unit */
    double *ratio; /* [width]: scratch for one layer's per-unit ratios */
} diag_acc;

/* h is unit-major [width x rows]: each unit's values are contiguous, so the
 * sums are plain vectorisable reductions. This runs on every hidden value of
 * every grid point. */
#define DIAG_ACCUMULATE(T)                                                                                             \
    do {                                                                                                               \
        for (int u = 0; u < width; u++) {                                                                              \
            const T *restrict row = (const T *)h + (size_t)u * rows;                                                   \
            if (row0 == 0) shift[u] = row[0];                                                                          \
            double k = shift[u], a1 = 0, a2 = 0, amax = absmax[u];                                                     \
            for (int r = 0; r < rows; r++) {                                                                           \
                double v = (double)row[r], dv = v - k, av = fabs(v);                                                   \
                a1 += dv;                                                                                              \
                a2 += dv * dv;                                                                                         \
                amax = av > amax ? av : amax;                                                                          \
            }                                                                                                          \
            s1[u] += a1;                                                                                               \
            s2[u] += a2;                                                                                               \
            absmax[u] = amax;                                                                                          \
        }                                                                                                              \
    } while (0)

static void diag_hook(void *ctx, int layer, const void *h, int rows, int width, long row0, mlpv_precision p)
{
    diag_acc *a = ctx;
    size_t base = (size_t)layer * a->width;
    double *restrict shift = a->shift + base, *restrict s1 = a->s1 + base;
    double *restrict s2 = a->s2 + base, *restrict absmax = a->absmax + base;
    if (p == MLPV_FLOAT) DIAG_ACCUMULATE(float);
    else DIAG_ACCUMULATE(double);
}

static void diag_finish(const diag_acc *a, int depth, double npts, mlpv_layer_diag *diag)
{
    double *ratio = a->ratio;
    for (int l = 0; l < depth; l++) {
        int dead = 0;
        for (int u = 0; u < a->width; u++) {
            size_t i = (size_t)l * a->width + u;
            dead += a->absmax[i] == 0.0;
            double m1 = a->s1[i] / npts, var = a->s2[i] / npts - m1 * m1;
            double mean = a->shift[i] + m1;
            if (var < 0) var = 0;
            double ms = var + mean * mean;
            ratio[u] = ms > 0 ? sqrt(var / ms) : 0.0;
        }
        diag[l].dead_fraction = (double)dead / a->width;
        diag[l].collapse_ratio = mlpv_summarize(ratio, (size_t)a->width).median;
    }
}

int mlpv_landscape(const mlpv_net *net, const mlpv_grid_opts *o, double *F, mlpv_layer_diag *diag)
{
    const mlpv_spec *s = &net->spec;
    int g = o->grid, d = s->in_dim, m = s->out_dim;
    if (g < 2 || o->chunk < 1 || d < 2 || !(o->hi > o->lo)) return -1;
    long npts = (long)g * g;
    int chunk = o->chunk < npts ? o->chunk : (int)npts;
    int dbl = o->precision == MLPV_DOUBLE;
    size_t esz = dbl ? sizeof(double) : sizeof(float);
    long work_n = 2 * mlpv_forward_work_size(net, chunk);
    void *x = malloc(esz * (size_t)chunk * d), *y = malloc(esz * (size_t)chunk * m);
    void *work = malloc(esz * (size_t)work_n);
    double *u = malloc(sizeof(double) * d * 3), *v = u ? u + d : NULL, *pt = u ? u + 2 * d : NULL;
    diag_acc acc = { .width = s->width };
    size_t nd = (size_t)s->depth * s->width;
    if (diag) acc.shift = calloc(nd * 4 + (size_t)s->width, sizeof(double));
    int rc = -1;
    if (!x || !y || !work || !u || (diag && !acc.shift)) goto done;
    if (diag) {
        acc.s1 = acc.shift + nd;
        acc.s2 = acc.shift + 2 * nd;
        acc.absmax = acc.shift + 3 * nd;
        acc.ratio = acc.shift + 4 * nd;
    }
    mlpv_slice_basis(o->u, o->v, o->slice_seed, d, u, v);

    for (long p0 = 0; p0 < npts; p0 += chunk) {
        int rows = (int)(npts - p0 < chunk ? npts - p0 : chunk);
        for (int r = 0; r < rows; r++) {
            long p = p0 + r;
            mlpv_grid_point(o, d, u, v, (int)(p / g), (int)(p % g), pt);
            for (int k = 0; k < d; k++) {
                if (dbl) ((double *)x)[(size_t)r * d + k] = pt[k];
                else ((float *)x)[(size_t)r * d + k] = (float)pt[k];
            }
        }
        if (dbl) mlpv_forward_d(net, x, rows, y, work, diag ? diag_hook : NULL, &acc, p0);
        else mlpv_forward_f(net, x, rows, y, work, diag ? diag_hook : NULL, &acc, p0);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < m; k++)
                F[(size_t)k * npts + p0 + r] = dbl ? ((double *)y)[(size_t)r * m + k] : ((float *)y)[(size_t)r * m + k];
    }
    if (diag) diag_finish(&acc, s->depth, (double)npts, diag);
    rc = 0;
done:
    free(x);
    free(y);
    free(work);
    free(u);
    free(acc.shift);
    return rc;
}
