/* Check tests of advice.h, the choices of `mlpvar advise` apart from its
 * measuring: the score of a candidate's draws against a naive median, its
 * bootstrap interval where the answer is known, and which candidates are
 * within the top one's noise and which of them is preferred, on a case built
 * so that the answer is known. */
#include "advice.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The median of x[n] by counting: the value with as many below as above (n odd). */
static double naive_median_odd(const double *x, int n)
{
    for (int i = 0; i < n; i++) {
        int below = 0, above = 0;
        for (int j = 0; j < n; j++) {
            below += x[j] < x[i];
            above += x[j] > x[i];
        }
        if (below <= n / 2 && above <= n / 2) return x[i];
    }
    return NAN;
}

START_TEST(score_is_median_times_survivors)
{
    double v[] = { 5e-3, 1e-3, 9e-3, 2e-3, 7e-3, 4e-3, 3e-3 }, work[8];
    int col[] = { 0, 1, 0, 0, 1, 0, 0 };
    double want = naive_median_odd(v, 7) * (1.0 - 2.0 / 7.0);
    ck_assert(fabs(advice_score(v, col, 7, work) - want) < 1e-18);
    /* a failed draw (NaN) is left out: 6 draws, median of the even count = mean of the middle two */
    double w[] = { 5e-3, NAN, 9e-3, 2e-3, 7e-3, 4e-3, 3e-3 };
    int c2[] = { 0, 1, 0, 0, 1, 0, 0 };
    ck_assert(fabs(advice_score(w, c2, 7, work) - (4e-3 + 5e-3) / 2 * (1.0 - 1.0 / 6.0)) < 1e-18);
    double nan3[] = { NAN, NAN, NAN };
    ck_assert(isnan(advice_score(nan3, c2, 3, work)));
}
END_TEST

START_TEST(interval_of_equal_draws_is_the_point)
{
    double v[16], s, lo, hi;
    int col[16];
    for (int i = 0; i < 16; i++) {
        v[i] = 3e-3;
        col[i] = 0;
    }
    ck_assert_int_eq(advice_score_ci(v, col, 16, 500, 7, &s, &lo, &hi), 0);
    ck_assert(s == 3e-3 && lo == 3e-3 && hi == 3e-3);
    /* two values, no collapse: the resampled median lies between them, both ends reached */
    for (int i = 0; i < 16; i++) v[i] = i < 8 ? 1e-3 : 2e-3;
    ck_assert_int_eq(advice_score_ci(v, col, 16, 2000, 7, &s, &lo, &hi), 0);
    ck_assert(fabs(s - 1.5e-3) < 1e-18);
    ck_assert_msg(fabs(lo - 1e-3) < 1e-18 && fabs(hi - 2e-3) < 1e-18, "[%g, %g]", lo, hi);
    /* every draw collapsed: the score and its interval are 0 */
    for (int i = 0; i < 16; i++) col[i] = 1;
    ck_assert_int_eq(advice_score_ci(v, col, 16, 200, 7, &s, &lo, &hi), 0);
    ck_assert(s == 0 && lo == 0 && hi == 0);
}
END_TEST

/* Depth 17 scores highest, depths 4, 6 and 12 lie within its noise, depth 3
 * does not; two depth-4 networks differ in parameters: the lighter one is
 * preferred. */
START_TEST(prefer_the_cheapest_within_noise)
{
    advice_candidate c[] = {
        { 0.92, 0.70, 1.10, 4, 3100, 0 }, /* 0: within, depth 4, heavier */
        { 1.00, 0.80, 1.20, 17, 2965, 0 }, /* 1: the top */
        { 0.50, 0.30, 0.79, 3, 2961, 0 }, /* 2: its interval ends below the top's */
        { 0.90, 0.75, 1.05, 4, 2911, 0 }, /* 3: within, depth 4, lighter: preferred */
        { 0.95, 0.85, 1.05, 12, 3057, 0 }, /* 4: within */
        { 0.60, 1.21, 1.30, 2, 2965, 0 }, /* 5: above the top's interval: not within */
        { NAN, NAN, NAN, 1, 3001, 0 }, /* 6: no score */
        { 0.85, 0.80, 0.90, 6, 3097, 0 }, /* 7: touches the top's lower end: within */
    };
    int top, pref = advice_prefer(c, 8, &top);
    ck_assert_int_eq(top, 1);
    ck_assert_int_eq(pref, 3);
    static const int want[] = { 1, 1, 0, 1, 1, 0, 0, 1 };
    for (int i = 0; i < 8; i++) ck_assert_msg(c[i].near_top == want[i], "candidate %d: near_top %d", i, c[i].near_top);
    /* alone within its noise, the top is preferred */
    advice_candidate d[] = { { 1.0, 0.9, 1.1, 9, 3000, 0 }, { 0.5, 0.4, 0.6, 1, 3000, 0 } };
    ck_assert_int_eq(advice_prefer(d, 2, &top), 0);
    ck_assert_int_eq(top, 0);
    ck_assert(d[0].near_top && !d[1].near_top);
    /* no finite score: nothing to prefer */
    advice_candidate e[] = { { NAN, NAN, NAN, 2, 100, 1 } };
    ck_assert_int_eq(advice_prefer(e, 1, &top), -1);
    ck_assert_int_eq(top, -1);
    ck_assert_int_eq(e[0].near_top, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("advice");
    TCase *tc = tcase_create("advice");
    tcase_add_test(tc, score_is_median_times_survivors);
    tcase_add_test(tc, interval_of_equal_draws_is_the_point);
    tcase_add_test(tc, prefer_the_cheapest_within_noise);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
