/* Tests for correlation.h: ranks, Pearson, Spearman, Kendall tau-b and partial
 * Spearman against SciPy reference values; the percentile bootstrap against
 * its documented resampling scheme, for determinism, NaN resamples and the
 * normal-theory width of the interval of a mean.
 *
 * Reference values: computed once with SciPy 1.10.1 / NumPy 1.24.2 (Debian
 * bookworm python3-scipy) by tests/correlation/reference_values.py (kept next
 * to this file, not run by the suite), which holds the same data and prints
 * scipy.stats.pearsonr / spearmanr / kendalltau (tau-b) / rankdata and the
 * partial Spearman by regression residuals. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/correlation.h"
#include "mlpvar/rng.h"

#define TOL 1e-12
#define EQ(a, b, tol)                                                                                                  \
    do {                                                                                                               \
        double a_ = (a), b_ = (b);                                                                                     \
        ck_assert_msg(fabs(a_ - b_) <= (tol), "%s = %.17g, want %.17g (tol %g)", #a, a_, b_, (double)(tol));           \
    } while (0)

/* ---- data, identical to reference_values.py ---- */

/* A: no ties. */
static const double A_X[] = { 0.31, -1.20, 2.45, 0.07, 1.88, -0.66, 3.10, -2.05, 0.94, 1.21, -0.13, 2.02 };
static const double A_Y[] = { 0.52, -0.40, 1.75, 0.88, 1.10, -1.35, 2.60, -0.95, 0.15, 1.95, 0.33, 0.71 };
static const double A_Z[] = { 1.40, -0.30, 0.85, -1.10, 2.30, 0.05, 1.05, -0.75, -0.20, 0.60, 0.95, 1.70 };
#define NA 12
/* B: many ties (integers with repeats). */
static const double B_X[] = { 3, 1, 4, 1, 5, 2, 2, 3, 5, 4, 1, 3, 2, 4, 5, 1, 3, 3, 2, 4 };
static const double B_Y[] = { 2, 1, 3, 2, 4, 2, 1, 3, 4, 4, 1, 2, 2, 3, 3, 2, 2, 3, 1, 4 };
static const double B_Z[] = { 2, 0, 3, 1, 3, 1, 2, 2, 4, 3, 0, 2, 1, 3, 4, 0, 2, 3, 1, 3 };
#define NB 20
#define NF 300

/* n = 300 integers with heavy ties: formula_ties in reference_values.py. */
static void formula_ties(double *x, double *y)
{
    for (long i = 0; i < NF; i++) {
        long xi = (i * 37 + 11) % 17;
        x[i] = (double)xi;
        y[i] = (double)((i * i * 13 + 5) % 11 + (xi > 8 ? 3 : 0));
    }
}

/* n = 300 reals without ties: formula_reals in reference_values.py (the
 * smallest gaps between sorted values are 1.2e-5 and 5.5e-6, so a last-ulp
 * difference between libm and NumPy cannot reorder them). */
static void formula_reals(double *x, double *y)
{
    for (int i = 0; i < NF; i++) {
        x[i] = sin(1.7 * i) + 0.01 * i;
        y[i] = x[i] + cos(2.3 * i);
    }
}

/* ---- ranks ---- */

START_TEST(test_ranks_match_rankdata)
{
    /* scipy.stats.rankdata(B_X), rankdata(B_Y) */
    static const double rbx[NB] = { 11.0, 2.5,  15.5, 2.5,  19.0, 6.5, 6.5,  11.0, 19.0, 15.5,
                                    2.5,  11.0, 6.5,  15.5, 19.0, 2.5, 11.0, 11.0, 6.5,  15.5 };
    static const double rby[NB] = { 8.0, 2.5, 14.0, 8.0,  18.5, 8.0, 2.5, 14.0, 18.5, 18.5,
                                    2.5, 8.0, 8.0,  14.0, 14.0, 8.0, 8.0, 14.0, 2.5,  18.5 };
    double r[NB];
    mlpv_ranks(B_X, NB, r);
    for (int i = 0; i < NB; i++) ck_assert_msg(r[i] == rbx[i], "rank x[%d] = %g, want %g", i, r[i], rbx[i]);
    mlpv_ranks(B_Y, NB, r);
    for (int i = 0; i < NB; i++) ck_assert_msg(r[i] == rby[i], "rank y[%d] = %g, want %g", i, r[i], rby[i]);

    /* no ties: ranks are the permutation 1..n, rank[i] = 1 + #{j : x[j] < x[i]} */
    double ra[NA];
    mlpv_ranks(A_X, NA, ra);
    for (int i = 0; i < NA; i++) {
        int less = 0;
        for (int j = 0; j < NA; j++) less += A_X[j] < A_X[i];
        ck_assert(ra[i] == 1.0 + less);
    }

    /* NaN anywhere: every rank NaN (rankdata([1, 2, nan, 4]) = [nan]*4) */
    const double xn[4] = { 1, 2, NAN, 4 };
    double rn[4];
    mlpv_ranks(xn, 4, rn);
    for (int i = 0; i < 4; i++) ck_assert(isnan(rn[i]));
    /* all tied; single element */
    const double c[3] = { 7, 7, 7 };
    double rc[3];
    mlpv_ranks(c, 3, rc);
    for (int i = 0; i < 3; i++) ck_assert(rc[i] == 2.0);
    mlpv_ranks(c, 1, rc);
    ck_assert(rc[0] == 1.0);
    mlpv_ranks(c, 0, rc); /* no-op */
}
END_TEST

/* ---- correlations vs SciPy ---- */

START_TEST(test_no_ties)
{
    EQ(mlpv_pearson(A_X, A_Y, NA), 0.8544540818552897, TOL);
    EQ(mlpv_spearman(A_X, A_Y, NA), 0.8461538461538463, TOL);
    EQ(mlpv_kendall_tau_b(A_X, A_Y, NA), 0.6666666666666666, TOL);
    double x[NF], y[NF];
    formula_reals(x, y);
    EQ(mlpv_pearson(x, y, NF), 0.841653377883123, TOL);
    EQ(mlpv_spearman(x, y, NF), 0.8368506316736852, TOL);
    EQ(mlpv_kendall_tau_b(x, y, NF), 0.6574358974358975, TOL);
    /* symmetric in x and y */
    EQ(mlpv_kendall_tau_b(y, x, NF), 0.6574358974358975, TOL);
    EQ(mlpv_spearman(y, x, NF), 0.8368506316736852, TOL);
}
END_TEST

START_TEST(test_many_ties)
{
    EQ(mlpv_pearson(B_X, B_Y, NB), 0.8361841965818247, TOL);
    EQ(mlpv_spearman(B_X, B_Y, NB), 0.8487244055383937, TOL);
    EQ(mlpv_kendall_tau_b(B_X, B_Y, NB), 0.7522126120999637, TOL);
    double x[NF], y[NF];
    formula_ties(x, y);
    EQ(mlpv_pearson(x, y, NF), 0.4487937367263366, TOL);
    EQ(mlpv_spearman(x, y, NF), 0.43449422350691325, TOL);
    EQ(mlpv_kendall_tau_b(x, y, NF), 0.31589124879807023, TOL);
}
END_TEST

START_TEST(test_monotone)
{
    double x[10], up[10], down[10], lin[10];
    for (int i = 0; i < 10; i++) {
        x[i] = i + 1;
        up[i] = exp(x[i]);
        down[i] = -x[i] * x[i] * x[i];
        lin[i] = 0.1 - 2.5 * x[i];
    }
    /* SciPy: spearman = kendall = 0.9999999999999999 / -0.9999999999999999 */
    EQ(mlpv_spearman(x, up, 10), 1.0, 1e-15);
    EQ(mlpv_kendall_tau_b(x, up, 10), 1.0, 1e-15);
    EQ(mlpv_spearman(x, down, 10), -1.0, 1e-15);
    EQ(mlpv_kendall_tau_b(x, down, 10), -1.0, 1e-15);
    EQ(mlpv_pearson(x, up, 10), 0.7168704019730289, TOL);
    EQ(mlpv_pearson(x, down, 10), -0.9283911653753127, TOL);
    EQ(mlpv_pearson(x, lin, 10), -1.0, 1e-15);
    ck_assert(fabs(mlpv_pearson(x, lin, 10)) <= 1.0);
}
END_TEST

/* x = (1, 2, 3, 4), y = (1, 3, 2, 2): one tie, in y.
 * Kendall, by hand over the 6 pairs (i<j), x always increasing:
 *   (1,2) y 1->3 C; (1,3) 1->2 C; (1,4) 1->2 C; (2,3) 3->2 D; (2,4) 3->2 D;
 *   (3,4) 2->2 tied in y.  C = 3, D = 2, n0 = 6, n1 = 0 (x ties), n2 = 1 (y ties):
 *   tau_b = (C - D) / sqrt((n0 - n1)(n0 - n2)) = 1 / sqrt(30) = 0.18257418583505536.
 * Spearman: ranks x = (1, 2, 3, 4), ranks y = (1, 4, 2.5, 2.5); both mean 2.5;
 *   deviations (-1.5, -0.5, 0.5, 1.5) and (-1.5, 1.5, 0, 0);
 *   sum dx dy = 2.25 - 0.75 = 1.5, sum dx^2 = 5, sum dy^2 = 4.5:
 *   rho = 1.5 / sqrt(22.5) = 1 / sqrt(10) = 0.31622776601683794.
 * Pearson on the raw values: deviations of y from 2: (-1, 1, 0, 0);
 *   sum dx dy = 1.5 - 0.5 = 1, sum dy^2 = 2: r = 1 / sqrt(10) as well.
 * SciPy agrees: kendalltau 0.18257418583505539, spearmanr 0.316227766016838,
 *   pearsonr 0.31622776601683794. */
START_TEST(test_hand_n4)
{
    const double x[4] = { 1, 2, 3, 4 }, y[4] = { 1, 3, 2, 2 };
    EQ(mlpv_kendall_tau_b(x, y, 4), 1.0 / sqrt(30.0), 1e-15);
    EQ(mlpv_kendall_tau_b(x, y, 4), 0.18257418583505539, 1e-15);
    EQ(mlpv_spearman(x, y, 4), 1.0 / sqrt(10.0), 1e-15);
    EQ(mlpv_spearman(x, y, 4), 0.316227766016838, 1e-15);
    EQ(mlpv_pearson(x, y, 4), 0.31622776601683794, 1e-15);
}
END_TEST

/* ---- partial Spearman ---- */

/* Independent route: OLS of rank(x) and rank(y) on [1, rank(z)], then the
 * correlation of the (zero-mean) residuals. */
static double partial_by_residuals(const double *x, const double *y, const double *z, int n)
{
    double *r = malloc(sizeof(double) * 3 * (size_t)n);
    double *rx = r, *ry = r + n, *rz = r + 2 * n;
    mlpv_ranks(x, (size_t)n, rx);
    mlpv_ranks(y, (size_t)n, ry);
    mlpv_ranks(z, (size_t)n, rz);
    double mx = 0, my = 0, mz = 0;
    for (int i = 0; i < n; i++) {
        mx += rx[i] / n;
        my += ry[i] / n;
        mz += rz[i] / n;
    }
    double szz = 0, sxz = 0, syz = 0;
    for (int i = 0; i < n; i++) {
        szz += (rz[i] - mz) * (rz[i] - mz);
        sxz += (rx[i] - mx) * (rz[i] - mz);
        syz += (ry[i] - my) * (rz[i] - mz);
    }
    double bx = sxz / szz, by = syz / szz, see = 0, sxx = 0, syy = 0;
    for (int i = 0; i < n; i++) {
        double ex = (rx[i] - mx) - bx * (rz[i] - mz), ey = (ry[i] - my) - by * (rz[i] - mz);
        see += ex * ey;
        sxx += ex * ex;
        syy += ey * ey;
    }
    free(r);
    return see / sqrt(sxx * syy);
}

START_TEST(test_partial_spearman)
{
    /* SciPy/NumPy residual route (reference_values.py partial_by_residuals);
     * the formula route from spearmanr agrees to 1e-15:
     * A 0.8153764770770696 (formula 0.8153764770770697),
     * B 0.34958690898025796 (formula 0.3495869089802566). */
    double pa = mlpv_partial_spearman(A_X, A_Y, A_Z, NA);
    double pb = mlpv_partial_spearman(B_X, B_Y, B_Z, NB);
    EQ(pa, 0.8153764770770696, TOL);
    EQ(pb, 0.34958690898025796, TOL);

    /* vs the hand formula on this library's Spearman values */
    const double *xs[2] = { A_X, B_X }, *ys[2] = { A_Y, B_Y }, *zs[2] = { A_Z, B_Z };
    int ns[2] = { NA, NB };
    for (int k = 0; k < 2; k++) {
        size_t n = (size_t)ns[k];
        double rxy = mlpv_spearman(xs[k], ys[k], n), rxz = mlpv_spearman(xs[k], zs[k], n),
               ryz = mlpv_spearman(ys[k], zs[k], n);
        double f = (rxy - rxz * ryz) / sqrt((1 - rxz * rxz) * (1 - ryz * ryz));
        double p = mlpv_partial_spearman(xs[k], ys[k], zs[k], n);
        EQ(p, f, 1e-14);
        /* vs regression residuals on ranks */
        EQ(p, partial_by_residuals(xs[k], ys[k], zs[k], ns[k]), 1e-12);
        /* symmetric in x and y */
        EQ(mlpv_partial_spearman(ys[k], xs[k], zs[k], n), p, 1e-15);
    }
    /* SciPy spearmanr(A_X, A_Z), (A_Y, A_Z) for the record */
    EQ(mlpv_spearman(A_X, A_Z, NA), 0.6433566433566434, TOL);
    EQ(mlpv_spearman(A_Y, A_Z, NA), 0.44755244755244755, TOL);

    /* z a monotone function of x: the partial is undefined */
    double zx[NA];
    for (int i = 0; i < NA; i++) zx[i] = exp(A_X[i]);
    ck_assert(isnan(mlpv_partial_spearman(A_X, A_Y, zx, NA)));
    ck_assert(isnan(mlpv_partial_spearman(A_X, A_Y, A_Y, NA)));
}
END_TEST

/* ---- degenerate input ---- */

START_TEST(test_degenerate)
{
    const double x[4] = { 1, 2, 3, 4 }, y[4] = { 2, 1, 4, 3 };
    const double c[4] = { 0.1, 0.1, 0.1, 0.1 }; /* mean of 0.1s is not exactly 0.1 */
    const double xn[4] = { 1, 2, NAN, 4 }, yn[4] = { 2, NAN, 4, 3 };
    typedef double (*f2)(const double *, const double *, size_t);
    f2 fs[3] = { mlpv_pearson, mlpv_spearman, mlpv_kendall_tau_b };
    for (int k = 0; k < 3; k++) {
        ck_assert_msg(isnan(fs[k](x, y, 0)), "f%d n=0", k);
        ck_assert_msg(isnan(fs[k](x, y, 1)), "f%d n=1", k);
        ck_assert_msg(isnan(fs[k](x, c, 4)), "f%d constant y", k);
        ck_assert_msg(isnan(fs[k](c, y, 4)), "f%d constant x", k);
        ck_assert_msg(isnan(fs[k](xn, y, 4)), "f%d NaN in x", k);
        ck_assert_msg(isnan(fs[k](x, yn, 4)), "f%d NaN in y", k);
        EQ(fs[k](x, y, 2), -1.0, 1e-15); /* (1,2) vs (2,1) */
        EQ(fs[k](x, x, 2), 1.0, 1e-15);
    }
    /* SciPy propagates NaN the same way: spearmanr / kendalltau([1,2,nan,4], [1,2,3,4]) = nan */
    ck_assert(isnan(mlpv_spearman(xn, x, 4)));
    ck_assert(isnan(mlpv_kendall_tau_b(xn, x, 4)));
    ck_assert(isnan(mlpv_partial_spearman(x, y, xn, 4)));
    ck_assert(isnan(mlpv_partial_spearman(xn, y, y, 4)));
    ck_assert(isnan(mlpv_partial_spearman(x, y, c, 4)));
    ck_assert(isnan(mlpv_partial_spearman(x, y, y, 1)));
    /* infinities are ordered values for the rank statistics */
    const double xi[4] = { 1, 2, 3, INFINITY };
    EQ(mlpv_spearman(xi, x, 4), 1.0, 1e-15);
    EQ(mlpv_kendall_tau_b(xi, x, 4), 1.0, 1e-15);
    ck_assert(isnan(mlpv_pearson(xi, x, 4)));
}
END_TEST

/* ---- bootstrap ---- */

/* numpy.percentile's default (linear) on sorted v[k], written independently. */
static double percentile_linear(const double *v, int k, double q)
{
    double h = (k - 1) * q;
    int lo = (int)h;
    if (lo >= k - 1) return v[k - 1];
    return v[lo] * (1.0 - (h - lo)) + v[lo + 1] * (h - lo);
}

static int cmp_d(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return (p > q) - (p < q);
}

/* The documented scheme, reimplemented: resample b takes row floor(u_j n),
 * u_j = uniform(mix64(seed), stream b, index j). */
START_TEST(test_bootstrap_documented_scheme)
{
    const int B = 300;
    const uint64_t seed = 20240611;
    const size_t n = NB;
    double *vals = malloc(sizeof(double) * B), u[NB], xb[NB], yb[NB], zb[NB];
    int k = 0;
    for (int b = 0; b < B; b++) {
        mlpv_rng_uniform(mlpv_mix64(seed), (uint64_t)b, 0, n, u);
        for (size_t j = 0; j < n; j++) {
            size_t i = (size_t)floor(u[j] * (double)n);
            if (i > n - 1) i = n - 1;
            xb[j] = B_X[i];
            yb[j] = B_Y[i];
            zb[j] = B_Z[i];
        }
        double s = mlpv_partial_spearman(xb, yb, zb, n);
        if (!isnan(s)) vals[k++] = s;
    }
    qsort(vals, (size_t)k, sizeof(double), cmp_d);
    double lo, hi;
    int used = -1;
    double est = mlpv_bootstrap_ci(mlpv_stat_partial_spearman, B_X, B_Y, B_Z, n, B, seed, 0.9, &lo, &hi, &used);
    EQ(est, 0.34958690898025796, TOL);
    ck_assert_int_eq(used, k);
    EQ(lo, percentile_linear(vals, k, 0.05), 1e-14); /* interpolation rounding */
    EQ(hi, percentile_linear(vals, k, 0.95), 1e-14);
    free(vals);

    /* resample b depends on (seed, b) only, not on B: B = 100, two columns,
     * z = NULL, through a Spearman interval */
    double lo1, hi1;
    mlpv_bootstrap_ci(mlpv_stat_spearman, A_X, A_Y, NULL, NA, 100, seed, 0.8, &lo1, &hi1, NULL);
    double v100[100], ua[NA], xa[NA], ya[NA];
    for (int b = 0; b < 100; b++) {
        mlpv_rng_uniform(mlpv_mix64(seed), (uint64_t)b, 0, NA, ua);
        for (int j = 0; j < NA; j++) {
            int i = (int)(ua[j] * NA);
            if (i > NA - 1) i = NA - 1;
            xa[j] = A_X[i];
            ya[j] = A_Y[i];
        }
        v100[b] = mlpv_spearman(xa, ya, NA);
    }
    int m = 0;
    for (int b = 0; b < 100; b++)
        if (!isnan(v100[b])) v100[m++] = v100[b];
    qsort(v100, (size_t)m, sizeof(double), cmp_d);
    EQ(lo1, percentile_linear(v100, m, 0.1), 1e-14);
    EQ(hi1, percentile_linear(v100, m, 0.9), 1e-14);
}
END_TEST

START_TEST(test_bootstrap_deterministic)
{
    double x[NF], y[NF];
    formula_reals(x, y);
    double lo1, hi1, lo2, hi2, lo3, hi3;
    int u1, u2, u3;
    double e1 = mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, NF, 500, 7, 0.95, &lo1, &hi1, &u1);
    double e2 = mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, NF, 500, 7, 0.95, &lo2, &hi2, &u2);
    double e3 = mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, NF, 500, 8, 0.95, &lo3, &hi3, &u3);
    ck_assert(e1 == e2 && e1 == e3);
    ck_assert(lo1 == lo2 && hi1 == hi2 && u1 == u2);
    ck_assert_int_eq(u1, 500);
    ck_assert_msg(lo1 != lo3 || hi1 != hi3, "seeds 7 and 8 gave the same interval");
    /* the seeds give similar intervals nonetheless */
    EQ(lo1, lo3, 0.02);
    EQ(hi1, hi3, 0.02);

    double m1, m2, a1, b1, a2, b2;
    m1 = mlpv_mean_ci(x, NF, 400, 99, 0.95, &a1, &b1);
    m2 = mlpv_mean_ci(x, NF, 400, 99, 0.95, &a2, &b2);
    ck_assert(m1 == m2 && a1 == a2 && b1 == b2);
}
END_TEST

/* The interval contains the full-sample estimate, is ordered, and for
 * correlations lies in [-1, 1]; a wider level gives a wider interval. */
START_TEST(test_bootstrap_contains_estimate)
{
    double x[NF], y[NF], z[NF];
    formula_reals(x, y);
    for (int i = 0; i < NF; i++) z[i] = cos(0.9 * i) + 0.5 * x[i];
    mlpv_pair_stat stats[4] = { mlpv_stat_pearson, mlpv_stat_spearman, mlpv_stat_kendall_tau_b,
                                mlpv_stat_partial_spearman };
    for (int k = 0; k < 4; k++) {
        double lo, hi, lo8, hi8;
        int used;
        double est = mlpv_bootstrap_ci(stats[k], x, y, z, NF, 400, 1234 + k, 0.95, &lo, &hi, &used);
        ck_assert_int_eq(used, 400);
        ck_assert_msg(lo < est && est < hi, "stat %d: %g not in [%g, %g]", k, est, lo, hi);
        ck_assert(lo >= -1.0 && hi <= 1.0);
        mlpv_bootstrap_ci(stats[k], x, y, z, NF, 400, 1234 + k, 0.80, &lo8, &hi8, NULL);
        ck_assert(lo <= lo8 && hi8 <= hi);
    }
    double lo, hi;
    double m = mlpv_mean_ci(y, NF, 1000, 5, 0.95, &lo, &hi);
    ck_assert(lo < m && m < hi);
}
END_TEST

static int g_calls;
/* A statistic that is NaN on every other resample (the first call is the
 * full-sample estimate). */
static double alternating_stat(const double *x, const double *y, const double *z, size_t n)
{
    (void)z;
    int c = g_calls++;
    if (c > 0 && c % 2 == 0) return NAN;
    return mlpv_pearson(x, y, n);
}

START_TEST(test_bootstrap_nan_resamples)
{
    g_calls = 0;
    double lo, hi;
    int used;
    double est = mlpv_bootstrap_ci(alternating_stat, A_X, A_Y, NULL, NA, 1000, 3, 0.95, &lo, &hi, &used);
    EQ(est, 0.8544540818552897, TOL);
    ck_assert_int_eq(g_calls, 1001);
    ck_assert_int_eq(used, 500);
    ck_assert(lo < est && est < hi);

    /* x has a single non-zero value among n = 10: a resample that misses that
     * row has constant x and a NaN Spearman. P(miss) = 0.9^10 = 0.3487, so
     * used ~ Binomial(2000, 0.6513): mean 1302.6, sd 21.3; allow 5 sd. */
    const double x[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    const double y[10] = { 0.3, 1.2, -0.5, 0.8, 2.1, -1.4, 0.05, 0.9, -0.7, 1.6 };
    const int B = 2000;
    mlpv_bootstrap_ci(mlpv_stat_spearman, x, y, NULL, 10, B, 11, 0.95, &lo, &hi, &used);
    double expect = B * (1.0 - pow(0.9, 10)), sd = sqrt(expect * pow(0.9, 10));
    ck_assert_msg(fabs(used - expect) < 5 * sd, "used %d of %d, expected %.1f", used, B, expect);
    ck_assert(isfinite(lo) && isfinite(hi) && lo <= hi);

    /* every resample NaN: interval NaN, used 0 */
    const double c[10] = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 };
    est = mlpv_bootstrap_ci(mlpv_stat_spearman, c, y, NULL, 10, 50, 11, 0.95, &lo, &hi, &used);
    ck_assert(isnan(est) && isnan(lo) && isnan(hi));
    ck_assert_int_eq(used, 0);
}
END_TEST

START_TEST(test_bootstrap_nan_input)
{
    const double xn[5] = { 1, 2, NAN, 4, 5 }, y[5] = { 1, 3, 2, 5, 4 };
    double lo = 0, hi = 0;
    int used = -1;
    double est = mlpv_bootstrap_ci(mlpv_stat_spearman, xn, y, NULL, 5, 100, 1, 0.95, &lo, &hi, &used);
    ck_assert(isnan(est) && isnan(lo) && isnan(hi));
    ck_assert_int_eq(used, 0);
    est = mlpv_bootstrap_ci(mlpv_stat_partial_spearman, y, y, xn, 5, 100, 1, 0.95, &lo, &hi, &used);
    ck_assert(isnan(est) && isnan(lo) && isnan(hi));
    ck_assert_int_eq(used, 0);
    est = mlpv_mean_ci(xn, 5, 100, 1, 0.95, &lo, &hi);
    ck_assert(isnan(est) && isnan(lo) && isnan(hi));
    /* n = 0, B = 0, bad level */
    ck_assert(isnan(mlpv_mean_ci(y, 0, 100, 1, 0.95, &lo, &hi)) && isnan(lo) && isnan(hi));
    EQ(mlpv_mean_ci(y, 5, 0, 1, 0.95, &lo, &hi), 3.0, 1e-15);
    ck_assert(isnan(lo) && isnan(hi));
    EQ(mlpv_mean_ci(y, 5, 100, 1, 1.0, &lo, &hi), 3.0, 1e-15);
    ck_assert(isnan(lo) && isnan(hi));
    est = mlpv_bootstrap_ci(mlpv_stat_spearman, y, y, NULL, 5, 100, 1, 0.0, &lo, &hi, &used);
    EQ(est, 1.0, 1e-15);
    ck_assert(isnan(lo) && isnan(hi));
    ck_assert_int_eq(used, 0);
    /* n = 1: the mean's resamples are all x[0] */
    EQ(mlpv_mean_ci(y, 1, 20, 1, 0.95, &lo, &hi), 1.0, 0.0);
    ck_assert(lo == 1.0 && hi == 1.0);
}
END_TEST

static double mean_of_x(const double *x, const double *y, const double *z, size_t n)
{
    (void)y;
    (void)z;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += x[i];
    return s / (double)n;
}

/* n = 10000 standard normals: the 95% percentile interval of the mean has
 * width ~ 2 * 1.96 * sd / sqrt(n). With B = 2000 the width's Monte Carlo
 * error is ~2%, so 10% is a loose bound. mlpv_mean_ci uses the same
 * resamples as mlpv_bootstrap_ci with the same seed. */
START_TEST(test_mean_ci_width)
{
    const size_t n = 10000;
    double *x = malloc(sizeof(double) * n);
    mlpv_rng_normal(mlpv_mix64(42), 0, 0, n, x);
    double m = 0, ss = 0;
    for (size_t i = 0; i < n; i++) m += x[i];
    m /= (double)n;
    for (size_t i = 0; i < n; i++) ss += (x[i] - m) * (x[i] - m);
    double sd = sqrt(ss / (double)(n - 1));
    double lo, hi;
    double est = mlpv_mean_ci(x, n, 2000, 77, 0.95, &lo, &hi);
    EQ(est, m, 1e-15);
    double want = 2 * 1.959963984540054 * sd / sqrt((double)n), got = hi - lo;
    ck_assert_msg(fabs(got / want - 1.0) < 0.10, "width %g, normal theory %g", got, want);
    ck_assert(lo < est && est < hi);
    /* the interval is centred on the mean to within the Monte Carlo error */
    EQ(0.5 * (lo + hi), m, 0.1 * want);

    double lo2, hi2;
    int used;
    mlpv_bootstrap_ci(mean_of_x, x, x, NULL, n, 200, 77, 0.95, &lo2, &hi2, &used);
    double lo3, hi3;
    mlpv_mean_ci(x, n, 200, 77, 0.95, &lo3, &hi3);
    ck_assert(lo2 == lo3 && hi2 == hi3);
    ck_assert_int_eq(used, 200);
    free(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("correlation");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_ranks_match_rankdata);
    tcase_add_test(tc, test_no_ties);
    tcase_add_test(tc, test_many_ties);
    tcase_add_test(tc, test_monotone);
    tcase_add_test(tc, test_hand_n4);
    tcase_add_test(tc, test_partial_spearman);
    tcase_add_test(tc, test_degenerate);
    tcase_add_test(tc, test_bootstrap_documented_scheme);
    tcase_add_test(tc, test_bootstrap_deterministic);
    tcase_add_test(tc, test_bootstrap_contains_estimate);
    tcase_add_test(tc, test_bootstrap_nan_resamples);
    tcase_add_test(tc, test_bootstrap_nan_input);
    tcase_add_test(tc, test_mean_ci_width);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
