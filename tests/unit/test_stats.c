/* Unit tests for stats.h against values worked by hand. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/stats.h"

#define EQ(a, b, tol) ck_assert_msg(fabs((a) - (b)) <= (tol), "%s = %.17g, want %.17g", #a, (double)(a), (double)(b))

/* numpy.quantile(x, q) default ("linear", R type 7): h = (n-1) q,
 * lo = floor(h), Q = x[lo] + (h - lo) (x[lo+1] - x[lo]).
 *
 * x = {1, 2, 4, 8, 16} (n = 5, h = 4q):
 *   q = 0    h = 0            -> 1
 *   q = 0.1  h = 0.4          -> 1 + 0.4 * 1  = 1.4
 *   q = 0.25 h = 1            -> 2
 *   q = 0.5  h = 2            -> 4
 *   q = 0.6  h = 2.4          -> 4 + 0.4 * 4  = 5.6
 *   q = 0.9  h = 3.6          -> 8 + 0.6 * 8  = 12.8
 *   q = 1    h = 4            -> 16
 * x = {3, 7, 10, 20} (n = 4, h = 3q):
 *   q = 0.25 h = 0.75         -> 3 + 0.75 * 4 = 6
 *   q = 1/3  h = 1            -> 7
 *   q = 0.5  h = 1.5          -> 7 + 0.5 * 3  = 8.5
 *   q = 0.75 h = 2.25         -> 10 + 0.25 * 10 = 12.5
 *   q = 0.95 h = 2.85         -> 10 + 0.85 * 10 = 18.5 */
START_TEST(test_quantile_linear)
{
    const double a[] = { 1, 2, 4, 8, 16 };
    EQ(mlpv_quantile_sorted(a, 5, 0.0), 1.0, 1e-14);
    EQ(mlpv_quantile_sorted(a, 5, 0.1), 1.4, 1e-14);
    EQ(mlpv_quantile_sorted(a, 5, 0.25), 2.0, 1e-14);
    EQ(mlpv_quantile_sorted(a, 5, 0.5), 4.0, 1e-14);
    EQ(mlpv_quantile_sorted(a, 5, 0.6), 5.6, 1e-13);
    EQ(mlpv_quantile_sorted(a, 5, 0.9), 12.8, 1e-13);
    EQ(mlpv_quantile_sorted(a, 5, 1.0), 16.0, 1e-14);
    const double b[] = { 3, 7, 10, 20 };
    EQ(mlpv_quantile_sorted(b, 4, 0.25), 6.0, 1e-14);
    EQ(mlpv_quantile_sorted(b, 4, 1.0 / 3.0), 7.0, 1e-13);
    EQ(mlpv_quantile_sorted(b, 4, 0.5), 8.5, 1e-14);
    EQ(mlpv_quantile_sorted(b, 4, 0.75), 12.5, 1e-14);
    EQ(mlpv_quantile_sorted(b, 4, 0.95), 18.5, 1e-13);
    /* one value: every quantile is that value; two values: q interpolates */
    const double c[] = { -2.5 };
    EQ(mlpv_quantile_sorted(c, 1, 0.0), -2.5, 0);
    EQ(mlpv_quantile_sorted(c, 1, 0.37), -2.5, 0);
    EQ(mlpv_quantile_sorted(c, 1, 1.0), -2.5, 0);
    const double d[] = { -1, 3 };
    EQ(mlpv_quantile_sorted(d, 2, 0.3), -1 + 0.3 * 4, 1e-14);
}
END_TEST

/* Against a direct reimplementation of the type-7 rule on many q and n. */
START_TEST(test_quantile_naive)
{
    double x[50];
    for (int i = 0; i < 50; i++) x[i] = i * i * 0.5 - 3.0 * i; /* increasing from i = 3 on; sorted below */
    for (int i = 1; i < 50; i++)
        for (int j = i; j > 0 && x[j] < x[j - 1]; j--) {
            double t = x[j];
            x[j] = x[j - 1];
            x[j - 1] = t;
        }
    for (int n = 1; n <= 50; n += 7)
        for (int k = 0; k <= 40; k++) {
            double q = k / 40.0, h = (n - 1) * q;
            int lo = (int)floor(h);
            double want = lo + 1 < n ? x[lo] + (h - lo) * (x[lo + 1] - x[lo]) : x[n - 1];
            EQ(mlpv_quantile_sorted(x, n, q), want, 1e-12 * (1 + fabs(want)));
        }
}
END_TEST

/* Summary of unsorted {16, 1, 8, 4, 2}: sorted {1, 2, 4, 8, 16}; median 4,
 * mean 31/5 = 6.2, q25 2, q75 8, min 1, max 16. Input left untouched.
 * Of {20, 3, 10, 7}: sorted {3, 7, 10, 20}; median 8.5, mean 10, q25 6,
 * q75 12.5, min 3, max 20. */
START_TEST(test_summary)
{
    double x[] = { 16, 1, 8, 4, 2 };
    const double copy[] = { 16, 1, 8, 4, 2 };
    mlpv_summary s = mlpv_summarize(x, 5);
    ck_assert(memcmp(x, copy, sizeof x) == 0);
    ck_assert_uint_eq(s.n, 5);
    EQ(s.median, 4.0, 1e-14);
    EQ(s.mean, 6.2, 1e-14);
    EQ(s.q25, 2.0, 1e-14);
    EQ(s.q75, 8.0, 1e-14);
    EQ(s.min, 1.0, 0);
    EQ(s.max, 16.0, 0);

    double y[] = { 20, 3, 10, 7 };
    s = mlpv_summarize(y, 4);
    ck_assert_uint_eq(s.n, 4);
    EQ(s.median, 8.5, 1e-14);
    EQ(s.mean, 10.0, 1e-14);
    EQ(s.q25, 6.0, 1e-14);
    EQ(s.q75, 12.5, 1e-14);
    EQ(s.min, 3.0, 0);
    EQ(s.max, 20.0, 0);

    double z[] = { -7.25 };
    s = mlpv_summarize(z, 1);
    EQ(s.median, -7.25, 0);
    EQ(s.mean, -7.25, 0);
    EQ(s.min, -7.25, 0);
    EQ(s.max, -7.25, 0);
}
END_TEST

/* Wilson score interval: p = k/n, d = 1 + z^2/n,
 * centre = (p + z^2/(2n)) / d, half = z/d sqrt(p(1-p)/n + z^2/(4 n^2)).
 * Values from that formula in 30-digit arithmetic (mpmath), z = 1.959963984540054:
 *   k=8,  n=64: [0.0647224266333045457, 0.227745618211299455]
 *   k=1,  n=3:  [0.0614919447203962419, 0.792340399197952247]
 *   k=37, n=50: [0.604468427351511667,  0.841284725064476150]
 * Edges in closed form: k=0 -> [0, z^2/(n+z^2)]; k=n -> [n/(n+z^2), 1];
 *   for n = 20: 0.161125158052819355 and 0.838874841947180645. */
START_TEST(test_wilson)
{
    double lo, hi;
    mlpv_wilson(8, 64, MLPV_Z95, &lo, &hi);
    EQ(lo, 0.0647224266333045457, 1e-13);
    EQ(hi, 0.227745618211299455, 1e-13);
    mlpv_wilson(1, 3, MLPV_Z95, &lo, &hi);
    EQ(lo, 0.0614919447203962419, 1e-13);
    EQ(hi, 0.792340399197952247, 1e-13);
    mlpv_wilson(37, 50, MLPV_Z95, &lo, &hi);
    EQ(lo, 0.604468427351511667, 1e-13);
    EQ(hi, 0.841284725064476150, 1e-13);

    double z2 = MLPV_Z95 * MLPV_Z95;
    mlpv_wilson(0, 20, MLPV_Z95, &lo, &hi);
    EQ(lo, 0.0, 1e-14);
    EQ(hi, z2 / (20 + z2), 1e-14);
    EQ(hi, 0.161125158052819355, 1e-13);
    mlpv_wilson(20, 20, MLPV_Z95, &lo, &hi);
    EQ(lo, 20 / (20 + z2), 1e-14);
    EQ(lo, 0.838874841947180645, 1e-13);
    EQ(hi, 1.0, 1e-14);
    ck_assert(lo >= 0.0 && hi <= 1.0 + 1e-15);
    /* z = 0 collapses the interval onto p */
    mlpv_wilson(3, 12, 0.0, &lo, &hi);
    EQ(lo, 0.25, 1e-15);
    EQ(hi, 0.25, 1e-15);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("stats");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_quantile_linear);
    tcase_add_test(tc, test_quantile_naive);
    tcase_add_test(tc, test_summary);
    tcase_add_test(tc, test_wilson);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
