/* Rival at-init scores (rivals.h): names, options, the dispatcher, and the
 * scores that need no per-point backward pass: grad_norm and snip (from the
 * loss gradient), synflow (log domain), linear_regions (exact distinct
 * patterns on the grid, from the forward engine's pattern codes) and
 * trajectory (output length on a circle). The kernel scores (jacob_cov,
 * naswot, ntk_cond) are in rivals_ntk.c. */
#include "mlpvar/rivals.h"
#include "mlpvar/landscape.h"
#include "mlpvar/rng.h"
#include "mlpvar/train.h"
#include "backprop.h"
#include "forward.h"
#include "rivals_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const NAMES[MLPV_RIVAL_COUNT] = {
    "grad_norm", "snip", "synflow", "jacob_cov", "naswot", "ntk_cond", "linear_regions", "trajectory",
};

const char *mlpv_rival_name(mlpv_rival r) { return (r >= 0 && r < MLPV_RIVAL_COUNT) ? NAMES[r] : "?"; }

int mlpv_rival_parse(const char *name, mlpv_rival *out)
{
    for (int i = 0; i < MLPV_RIVAL_COUNT; i++)
        if (name && strcmp(name, NAMES[i]) == 0) {
            *out = (mlpv_rival)i;
            return 0;
        }
    return -1;
}

const char *mlpv_rival_names(void)
{
    return "grad_norm, snip, synflow, jacob_cov, naswot, ntk_cond, linear_regions, trajectory";
}

int mlpv_rival_needs(mlpv_rival r)
{
    switch (r) {
    case MLPV_RIVAL_GRAD_NORM:
    case MLPV_RIVAL_SNIP: return MLPV_RIVAL_NEEDS_INPUTS | MLPV_RIVAL_NEEDS_TARGETS;
    case MLPV_RIVAL_JACOB_COV:
    case MLPV_RIVAL_NASWOT:
    case MLPV_RIVAL_NTK_COND: return MLPV_RIVAL_NEEDS_INPUTS;
    default: return 0;
    }
}

mlpv_rival_opts mlpv_rival_defaults(void)
{
    mlpv_rival_opts o;
    memset(&o, 0, sizeof o);
    o.batch = 64;
    o.grad_batch = 0;
    o.grid = 64;
    o.lo = -1.0;
    o.hi = 1.0;
    o.radius = 0.9;
    o.samples = 1000;
    o.jacob_k = 1e-5;
    o.jacob_center = 0;
    o.naswot_ridge = 0;
    return o;
}

static int opts_valid(const mlpv_rival_opts *o)
{
    return o->batch >= 0 && o->grad_batch >= 0 && o->grid >= 2 && o->grid <= 65536 && isfinite(o->lo) &&
           isfinite(o->hi) && o->lo < o->hi && isfinite(o->radius) && o->radius > 0 && o->samples >= 3 &&
           isfinite(o->jacob_k) && o->jacob_k > 0 && (o->jacob_center == 0 || o->jacob_center == 1) &&
           isfinite(o->naswot_ridge) && o->naswot_ridge >= 0;
}

/* ---- grad_norm and snip ------------------------------------------------ */

static int grad_score(const mlpv_net *net, const mlpv_dataset *d, int snip, double *out)
{
    long np = mlpv_net_param_count(net);
    double *g = malloc(sizeof(double) * (size_t)np);
    mlpv_bp_ws *ws = mlpv_bp_double.ws_alloc(&net->spec, d->n < MLPV_BP_CHUNK ? (int)d->n : MLPV_BP_CHUNK);
    if (!g || !ws) {
        free(g);
        mlpv_bp_double.ws_free(ws);
        return -1;
    }
    /* NaN weights give a NaN loss and gradient, hence a NaN score: a value, not an error. */
    mlpv_bp_double.batch_grad(ws, net->store, d->x, d->y, NULL, 0, d->n, g, NULL);
    mlpv_bp_double.ws_free(ws);
    const mlpv_spec *s = &net->spec;
    double acc = 0;
    if (!snip) {
        for (long i = 0; i < np; i++) acc += g[i] * g[i];
        acc = sqrt(acc);
    } else {
        const double *p = net->store; /* same layout as g */
        for (int l = 0; l <= s->depth; l++) {
            long oW, ob; /* the weights of layer l are [oW, ob) */
            mlpv_param_offset(s, l, &oW, &ob);
            for (long i = oW; i < ob; i++) acc += fabs(p[i] * g[i]);
        }
    }
    free(g);
    *out = acc;
    return 0;
}

/* ---- synflow ------------------------------------------------------------ */

/* Largest entry of v [n] (all >= 0), and v /= it when positive. */
static double rescale(double *v, int n)
{
    double mx = 0;
    for (int i = 0; i < n; i++) mx = v[i] > mx ? v[i] : mx;
    if (mx > 0 && isfinite(mx))
        for (int i = 0; i < n; i++) v[i] /= mx;
    return mx;
}

/* Forward a_{l+1} = |W_l| a_l from a_0 = 1, backward g_l = |W_l|^T g_{l+1} from
 * g_{L+1} = 1, both rescaled to max 1 with the logs of the factors kept
 * (alpha, beta). Layer l's share sum_ij |W_ij| g_{l+1,i} a_{l,j} then has log
 * log(sum of the rescaled terms) + alpha_l + beta_{l+1}; the layers add by
 * log-sum-exp. With every factor applied the values are those of the plain
 * products, so overflow is impossible whatever the depth. */
static int synflow_log(const mlpv_net *net, double *out)
{
    const mlpv_spec *s = &net->spec;
    int L = s->depth, nl = L + 2; /* vectors a_0 .. a_{L+1} */
    int mx = s->width;
    if (s->in_dim > mx) mx = s->in_dim;
    if (s->out_dim > mx) mx = s->out_dim;
    double *a = malloc(sizeof(double) * (size_t)nl * mx);
    double *alpha = malloc(sizeof(double) * (size_t)nl);
    double *g = malloc(sizeof(double) * 2 * (size_t)mx), *gn = g ? g + mx : NULL;
    double *logc = malloc(sizeof(double) * (size_t)(L + 1));
    int rc = -1;
    if (!a || !alpha || !g || !logc) goto done;
    rc = 0;
    for (int j = 0; j < s->in_dim; j++) a[j] = 1.0;
    alpha[0] = 0;
    for (int l = 0; l <= L; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        const double *ai = a + (size_t)l * mx;
        double *ao = a + (size_t)(l + 1) * mx;
        for (int i = 0; i < fo; i++) {
            const double *w = net->W[l] + (size_t)i * fi;
            double acc = 0;
            for (int j = 0; j < fi; j++) acc += fabs(w[j]) * ai[j];
            ao[i] = acc;
        }
        double f = rescale(ao, fo);
        if (!(f > 0)) {
            *out = f == 0 ? -INFINITY : NAN;
            goto done;
        } /* R = 0 (or NaN) */
        alpha[l + 1] = alpha[l] + log(f);
    }
    for (int i = 0; i < s->out_dim; i++) g[i] = 1.0;
    double beta = 0;
    for (int l = L; l >= 0; l--) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        const double *ai = a + (size_t)l * mx;
        double c = 0;
        for (int j = 0; j < fi; j++) gn[j] = 0;
        for (int i = 0; i < fo; i++) {
            const double *w = net->W[l] + (size_t)i * fi;
            double ci = 0;
            for (int j = 0; j < fi; j++) {
                double aw = fabs(w[j]);
                ci += aw * ai[j];
                gn[j] += aw * g[i];
            }
            c += g[i] * ci;
        }
        logc[l] = log(c) + alpha[l] + beta;
        if (l == 0) break;
        double f = rescale(gn, fi);
        if (!(f > 0)) {
            *out = f == 0 ? -INFINITY : NAN;
            goto done;
        }
        beta += log(f);
        memcpy(g, gn, sizeof(double) * (size_t)fi);
    }
    double m = -INFINITY, acc = 0;
    for (int l = 0; l <= L; l++) m = logc[l] > m ? logc[l] : m;
    if (!isfinite(m)) {
        *out = m;
        goto done;
    }
    for (int l = 0; l <= L; l++) acc += exp(logc[l] - m);
    *out = m + log(acc);
done:
    free(a);
    free(alpha);
    free(g);
    free(logc);
    return rc;
}

/* ---- linear regions ------------------------------------------------------ */

/* Exact count of distinct codes (nw words each) among n: an open-addressing
 * hash set of indices, every probe confirmed by comparing the whole code. */
static int count_distinct(const uint64_t *codes, long n, int nw, long *count)
{
    size_t cap = 16;
    while (cap < 2 * (size_t)n) cap *= 2;
    long *slot = malloc(sizeof(long) * cap);
    if (!slot) return -1;
    for (size_t i = 0; i < cap; i++) slot[i] = -1;
    long distinct = 0;
    size_t bytes = sizeof(uint64_t) * (size_t)nw;
    for (long p = 0; p < n; p++) {
        const uint64_t *c = codes + (size_t)p * nw;
        uint64_t h = 0x9E3779B97F4A7C15ull;
        for (int k = 0; k < nw; k++) h = mlpv_mix64(h ^ c[k]);
        size_t i = (size_t)h & (cap - 1);
        for (;;) {
            if (slot[i] < 0) {
                slot[i] = p;
                distinct++;
                break;
            }
            if (memcmp(codes + (size_t)slot[i] * nw, c, bytes) == 0) break;
            i = (i + 1) & (cap - 1);
        }
    }
    free(slot);
    *count = distinct;
    return 0;
}

static int linear_regions(const mlpv_net *net, const mlpv_rival_opts *o, double *out)
{
    const mlpv_spec *s = &net->spec;
    int g = o->grid, d = s->in_dim, nw = mlpv_pattern_code_words(s);
    long npts = (long)g * g;
    enum { CHUNK = 256 };
    int chunk = npts < CHUNK ? (int)npts : CHUNK;
    mlpv_trace t;
    if (mlpv_trace_alloc(&t, MLPV_DOUBLE, MLPV_TRACE_FULL, s, chunk)) return -1;
    uint64_t *codes = malloc(sizeof(uint64_t) * (size_t)npts * (size_t)nw);
    double *x = malloc(sizeof(double) * (size_t)chunk * d);
    double *uv = malloc(sizeof(double) * 2 * (size_t)d);
    int rc = -1;
    if (!codes || !x || !uv) goto done;
    mlpv_slice_basis(o->u, o->v, o->slice_seed, d, uv, uv + d); /* the landscape's slice */
    mlpv_grid_opts go = mlpv_grid_defaults(g);
    go.lo = o->lo;
    go.hi = o->hi;
    for (long p0 = 0; p0 < npts; p0 += chunk) {
        int rows = (int)(npts - p0 < chunk ? npts - p0 : chunk);
        for (int r = 0; r < rows; r++) {
            long p = p0 + r;
            mlpv_grid_point(&go, d, uv, uv + d, (int)(p / g), (int)(p % g), x + (size_t)r * d);
        }
        mlpv_trace_load(&t, x, rows);
        mlpv_forward_trace(&t, net->store, rows, NULL, NULL, 0);
        mlpv_pattern_codes(&t, rows, codes + (size_t)p0 * nw);
    }
    long count;
    if (count_distinct(codes, npts, nw, &count)) goto done;
    *out = (double)count;
    rc = 0;
done:
    mlpv_trace_free(&t);
    free(codes);
    free(x);
    free(uv);
    return rc;
}

/* ---- trajectory length ------------------------------------------------------- */

static int trajectory(const mlpv_net *net, const mlpv_rival_opts *o, double *out)
{
    const mlpv_spec *s = &net->spec;
    int M = o->samples, d = s->in_dim, m = s->out_dim;
    double r = o->radius;
    enum { CHUNK = 256 };
    int chunk = M < CHUNK ? M : CHUNK;
    double *x = malloc(sizeof(double) * (size_t)chunk * d);
    double *y = malloc(sizeof(double) * (size_t)M * m);
    double *work = malloc(sizeof(double) * 2 * (size_t)mlpv_forward_work_size(net, chunk));
    double *uv = malloc(sizeof(double) * 2 * (size_t)d);
    int rc = -1;
    if (!x || !y || !work || !uv) goto done;
    mlpv_slice_basis(o->u, o->v, o->slice_seed, d, uv, uv + d); /* the landscape's slice */
    for (int k0 = 0; k0 < M; k0 += chunk) {
        int rows = M - k0 < chunk ? M - k0 : chunk;
        for (int i = 0; i < rows; i++) {
            double t = 2.0 * M_PI * (double)(k0 + i) / (double)M, ct = r * cos(t), st = r * sin(t);
            for (int k = 0; k < d; k++) x[(size_t)i * d + k] = ct * uv[k] + st * uv[d + k];
        }
        mlpv_forward_d(net, x, rows, y + (size_t)k0 * m, work, NULL, NULL, 0);
    }
    double len = 0;
    for (int k = 0; k < M; k++) {
        const double *a = y + (size_t)k * m, *b = y + (size_t)((k + 1) % M) * m;
        double sq = 0;
        for (int j = 0; j < m; j++) sq += (b[j] - a[j]) * (b[j] - a[j]);
        len += sqrt(sq);
    }
    double in_len = (double)M * 2.0 * r * sin(M_PI / (double)M);
    *out = log(len / in_len);
    rc = 0;
done:
    free(x);
    free(y);
    free(work);
    free(uv);
    return rc;
}

/* ---- dispatcher -------------------------------------------------------------- */

/* The first `want` rows of b (0 = all) as a view; 0, or -1 if b does not fit. */
static int batch_view(const mlpv_net *net, const mlpv_dataset *b, long want, int targets, mlpv_dataset *v)
{
    if (!b || !b->x || b->n < 1 || b->in_dim != net->spec.in_dim) return -1;
    if (targets && (!b->y || b->out_dim != net->spec.out_dim)) return -1;
    *v = *b;
    if (want > 0 && want < b->n) v->n = want;
    if (!targets && v->n > 32768) return -1; /* the N x N kernels: keep N sane */
    return 0;
}

int mlpv_rival_score(mlpv_rival r, const mlpv_net *net, const mlpv_dataset *batch, const mlpv_rival_opts *o,
                     double *out)
{
    if (!out) return -1;
    *out = NAN;
    mlpv_rival_opts def = mlpv_rival_defaults();
    if (!o) o = &def;
    if (!net || r < 0 || r >= MLPV_RIVAL_COUNT || !opts_valid(o)) return -1;
    mlpv_dataset v;
    double val = NAN;
    int rc = -1;
    switch (r) {
    case MLPV_RIVAL_GRAD_NORM:
    case MLPV_RIVAL_SNIP:
        if (batch_view(net, batch, o->grad_batch, 1, &v)) return -1;
        rc = grad_score(net, &v, r == MLPV_RIVAL_SNIP, &val);
        break;
    case MLPV_RIVAL_SYNFLOW: rc = synflow_log(net, &val); break;
    case MLPV_RIVAL_JACOB_COV:
    case MLPV_RIVAL_NASWOT:
    case MLPV_RIVAL_NTK_COND:
        if (batch_view(net, batch, o->batch, 0, &v)) return -1;
        rc = mlpv_rv_kernel_score(r, net, v.x, (int)v.n, o, &val);
        break;
    case MLPV_RIVAL_LINEAR_REGIONS: rc = linear_regions(net, o, &val); break;
    case MLPV_RIVAL_TRAJECTORY: rc = trajectory(net, o, &val); break;
    default: return -1;
    }
    if (rc) return -1;
    *out = val;
    return 0;
}
