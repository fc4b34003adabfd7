/* mlpvar analyze: the regret of advice. For each task and each at-init score
 * (scores.c): if a user trained only the configuration the score ranks first
 * (or the first three, keeping the best), how much of the task's best mean
 * trainability would they lose? docs/claims.md, "Regret of advice", defines it:
 *
 *   regret   = best - E[mean of the configuration ranked first]
 *   regret@3 = best - E[max mean among the first three]
 *
 * best = the largest mean of the measure among the task's configurations;
 * configurations with equal scores are taken in a uniformly random order (the
 * expectation E is over that order, so a tie counts as their average); the
 * random baseline ties every configuration. The 95% interval is a percentile
 * bootstrap over seeds: each configuration's seeds are resampled with
 * replacement, the means recomputed, and the best and the picks found again;
 * the scores, measured at init, are held fixed. */
#include "analysis_internal.h"

#include "mlpvar/grow.h"
#include "mlpvar/rng.h"
#include "mlpvar/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    double key, value;
} kv;

/* Higher key first; within equal keys, lower value first. */
static int cmp_kv(const void *x, const void *y)
{
    const kv *a = x, *b = y;
    if (a->key != b->key) return a->key < b->key ? 1 : -1;
    return (a->value > b->value) - (a->value < b->value);
}

static double log_choose(int n, int k) { return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0); }

double an_topk_expected(const double *key, const double *value, int n, int k, int sign, void *work)
{
    kv *w = work;
    int m = 0;
    for (int i = 0; i < n; i++)
        if (!isnan(key[i]) && !isnan(value[i])) w[m++] = (kv){ sign > 0 ? key[i] : sign < 0 ? -key[i] : 0.0, value[i] };
    if (!m || k < 1) return NAN;
    qsort(w, (size_t)m, sizeof *w, cmp_kv);
    double best = -INFINITY; /* the best of the groups taken whole */
    int taken = 0;
    for (int i = 0; i < m && taken < k;) {
        int j = i;
        while (j < m && w[j].key == w[i].key) j++;
        int g = j - i;
        if (taken + g <= k) {
            best = fmax(best, w[j - 1].value);
            taken += g;
            i = j;
            continue;
        }
        /* a random subset of `need` of the g tied values v_1 <= ... <= v_g: its
         * maximum is v_r with probability C(r-1, need-1) / C(g, need) */
        int need = k - taken;
        double e = 0, lc = log_choose(g, need);
        for (int r = need; r <= g; r++) e += exp(log_choose(r - 1, need - 1) - lc) * fmax(best, w[i + r - 1].value);
        return e;
    }
    return best;
}

/* The largest finite value of v[n]; NaN when none. */
static double max_of(const double *v, int n)
{
    double b = NAN;
    for (int i = 0; i < n; i++)
        if (!isnan(v[i]) && (isnan(b) || v[i] > b)) b = v[i];
    return b;
}

/* "relu, depth 4, width 27", or "3 tied: relu depth 1, ..." for the configurations idx[] ranked first. */
static void describe_pick(const analysis *a, const int *idx, const double *key, int n, int sign, char *buf, size_t len)
{
    if (sign == 0) {
        snprintf(buf, len, "any (a random pick of %d)", n);
        return;
    }
    double top = NAN;
    int tied = 0, first = -1;
    for (int i = 0; i < n; i++) {
        if (isnan(key[i])) continue;
        double k = sign * key[i];
        if (isnan(top) || k > top) {
            top = k;
            tied = 1;
            first = i;
        } else if (k == top) tied++;
    }
    if (first < 0) {
        snprintf(buf, len, "none");
        return;
    }
    const an_trained *t = &a->trained[idx[first]];
    if (tied == 1) {
        snprintf(buf, len, "%s, depth %d, width %d", t->activation, t->depth, t->width);
        return;
    }
    size_t o = (size_t)snprintf(buf, len, "%d tied:", tied);
    for (int i = 0, shown = 0; i < n && o < len; i++) {
        if (isnan(key[i]) || sign * key[i] != top) continue;
        t = &a->trained[idx[i]];
        if (shown++ == 3) {
            snprintf(buf + o, len - o, " ...");
            break;
        }
        o += (size_t)snprintf(buf + o, len - o, "%s %s depth %d", shown > 1 ? "," : "", t->activation, t->depth);
    }
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* 95% percentile interval of v[n] (sorted in place); NaN when n == 0. */
static void interval(double *v, int n, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (!n) return;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *lo = mlpv_quantile_sorted(v, (size_t)n, 0.025);
    *hi = mlpv_quantile_sorted(v, (size_t)n, 0.975);
}

/* The regret rows of one task: its T configurations idx[T] with a finite mean. */
static int regret_task(analysis *a, const int *idx, int T, uint64_t stream)
{
    int B = a->bootstrap;
    double *means = malloc(sizeof(double) * (size_t)B * (size_t)T), *key = malloc(sizeof(double) * (size_t)T);
    double *point = malloc(sizeof(double) * (size_t)T), *r1 = malloc(sizeof(double) * (size_t)B);
    double *r3 = malloc(sizeof(double) * (size_t)B), *u = NULL;
    kv *work = malloc(sizeof(kv) * (size_t)T);
    int maxn = 1, rc = 0;
    for (int c = 0; c < T; c++)
        if (a->trained[idx[c]].n > maxn) maxn = a->trained[idx[c]].n;
    u = malloc(sizeof(double) * (size_t)maxn);
    if (!means || !key || !point || !r1 || !r3 || !work || !u) {
        rc = -1;
        goto done;
    }
    /* resample b: configuration c's seeds from stream b, its own run of uniforms */
    uint64_t rkey = mlpv_mix64(a->seed ^ (stream * 0x9E3779B97F4A7C15ull));
    for (int c = 0; c < T; c++) point[c] = a->trained[idx[c]].tr_mean;
    for (int b = 0; b < B; b++)
        for (int c = 0, off = 0; c < T; off += a->trained[idx[c]].n, c++) {
            const an_trained *t = &a->trained[idx[c]];
            mlpv_rng_uniform(rkey, (uint64_t)b, (uint64_t)off, (size_t)t->n, u);
            double s = 0;
            for (int j = 0; j < t->n; j++) s += t->seed_v[(int)(u[j] * t->n)];
            means[(size_t)b * T + c] = s / t->n;
        }
    an_score scores[AN_MAX_SCORES];
    int ns = an_scores(scores);
    double best = max_of(point, T);
    for (int k = 0; k < ns; k++) {
        int ranked = 0;
        for (int c = 0; c < T; c++) {
            key[c] = scores[k].fn(&a->trained[idx[c]], idx[c], a, scores[k].k);
            ranked += !isnan(key[c]);
        }
        if (ranked < 2) continue;
        if (MLPV_GROW(a->regret, a->regret_cap, a->n_regret + 1)) {
            rc = -1;
            break;
        }
        an_regret *g = &a->regret[a->n_regret++];
        memset(g, 0, sizeof *g);
        const an_trained *t0 = &a->trained[idx[0]];
        snprintf(g->score, sizeof g->score, "%s", scores[k].name);
        snprintf(g->task_label, sizeof g->task_label, "%s", t0->task_label);
        g->measure = t0->measure;
        g->sign = scores[k].sign;
        g->n = ranked;
        g->n_task = T;
        g->best = best;
        g->pick_mean = an_topk_expected(key, point, T, 1, g->sign, work);
        g->regret = best - g->pick_mean;
        g->regret3 = best - an_topk_expected(key, point, T, 3, g->sign, work);
        describe_pick(a, idx, key, T, g->sign, g->pick, sizeof g->pick);
        int used = 0;
        for (int b = 0; b < B; b++) {
            const double *mb = means + (size_t)b * T;
            double bb = max_of(mb, T);
            r1[used] = bb - an_topk_expected(key, mb, T, 1, g->sign, work);
            r3[used] = bb - an_topk_expected(key, mb, T, 3, g->sign, work);
            used += !isnan(r1[used]) && !isnan(r3[used]);
        }
        interval(r1, used, &g->lo, &g->hi);
        interval(r3, used, &g->lo3, &g->hi3);
    }
done:
    free(means);
    free(key);
    free(point);
    free(r1);
    free(r3);
    free(work);
    free(u);
    return rc;
}

int analysis_regret(analysis *a)
{
    int *tasks, nt = an_tasks(a, &tasks);
    int *idx = malloc(sizeof(int) * ((size_t)a->n_trained + 1)), rc = nt < 0 || !idx ? -1 : 0;
    for (int k = 0; !rc && k < nt; k++) {
        int T = 0;
        for (int i = 0; i < a->n_trained; i++) {
            const an_trained *t = &a->trained[i];
            if (an_same_task(t, &a->trained[tasks[k]]) && t->n > 0 && !isnan(t->tr_mean)) idx[T++] = i;
        }
        if (T >= 2) rc = regret_task(a, idx, T, 9000 + (uint64_t)k);
    }
    free(idx);
    free(tasks);
    if (rc) a->failed = 1;
    return rc;
}
