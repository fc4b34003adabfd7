/* Check tests of the learned ETA (src/sweep/eta.h) with synthetic items whose
 * seconds per flop are known: nothing seen -> unknown; one rate everywhere ->
 * exactly that rate; a kind's own rate wins as its observations grow, an
 * unseen kind takes the pooled rate; the busy fraction of the workers scales
 * the estimate, clamped to [0.2, 1]. */
#include "store_test.h"

#include <math.h>

#include "eta.h"

#define R 2.5e-9 /* seconds per flop of kind 0 */
#define COST 4.0e6 /* flops of every item */

static void close_to(double got, double want)
{
    ck_assert_msg(fabs(got - want) <= 1e-12 * fabs(want), "got %.17g, want %.17g", got, want);
}

START_TEST(test_nothing_seen)
{
    eta_model m;
    ck_assert_int_eq(eta_init(&m, 3, 4), 0);
    ck_assert(eta_seconds(&m, 0) < 0);
    for (int i = 0; i < 10; i++) eta_add_todo(&m, i % 3, COST);
    ck_assert(eta_seconds(&m, 0) < 0);
    ck_assert(eta_seconds(&m, 100) < 0);
    /* the prior: the pooled rate before anything is measured */
    for (int k = 0; k < 3; k++) close_to(eta_rate(&m, k), m.prior_rate);
    eta_free(&m);
}
END_TEST

/* One kind, every item at exactly R: the rate is R, and with the workers
 * always busy the ETA is the work left times R over the workers. */
START_TEST(test_one_rate)
{
    enum { TODO = 100, DONE = 30, WORKERS = 4 };
    eta_model m;
    ck_assert_int_eq(eta_init(&m, 1, WORKERS), 0);
    for (int i = 0; i < TODO; i++) eta_add_todo(&m, 0, COST);
    for (int i = 0; i < DONE; i++) {
        eta_done(&m, 0, COST, R * COST);
        close_to(eta_rate(&m, 0), R);
    }
    double left_work = (TODO - DONE) * COST;
    double seen = DONE * R * COST; /* worker seconds */
    double wall_busy = seen / WORKERS; /* every worker busy all the time */
    close_to(eta_seconds(&m, wall_busy), left_work * R / WORKERS);
    close_to(eta_seconds(&m, 0), left_work * R / WORKERS); /* no wall time yet: busy */
    close_to(eta_seconds(&m, wall_busy / 2), left_work * R / WORKERS); /* busy > 1 is clamped to 1 */
    close_to(eta_seconds(&m, wall_busy * 2), left_work * R / WORKERS * 2); /* half busy */
    close_to(eta_seconds(&m, wall_busy * 5), left_work * R / WORKERS * 5); /* busy 0.2: the clamp's edge */
    close_to(eta_seconds(&m, wall_busy * 100), left_work * R / WORKERS * 5); /* clamped to 0.2 */
    /* everything done: nothing left */
    for (int i = DONE; i < TODO; i++) eta_done(&m, 0, COST, R * COST);
    close_to(eta_seconds(&m, 1) + 1, 1);
    ck_assert(eta_seconds(&m, 1) >= 0);
    eta_free(&m);
}
END_TEST

/* Kind 0 at R, kind 1 at 4R: kind 0's rate tends to R as its observations
 * grow; kind 2, never seen, takes the pooled rate of everything seen. */
START_TEST(test_shrinkage)
{
    eta_model m;
    ck_assert_int_eq(eta_init(&m, 3, 2), 0);
    for (int i = 0; i < 20000; i++) eta_add_todo(&m, 0, COST);
    for (int i = 0; i < 10; i++) eta_add_todo(&m, 1, COST);
    for (int i = 0; i < 5; i++) eta_add_todo(&m, 2, COST);
    for (int i = 0; i < 5; i++) eta_done(&m, 1, COST, 4 * R * COST);
    double prev = INFINITY;
    int n0 = 0;
    for (int step = 0; step < 8; step++) {
        int upto = 1 << (2 * step); /* 1, 4, 16, ..., 16384 items of kind 0 */
        for (; n0 < upto; n0++) eta_done(&m, 0, COST, R * COST);
        double r0 = eta_rate(&m, 0), gap = fabs(r0 - R);
        ck_assert_msg(r0 > R && r0 < 4 * R, "rate %g outside (R, 4R)", r0);
        ck_assert_msg(gap < prev, "after %d items the gap %g did not shrink (%g)", n0, gap, prev);
        prev = gap;
        /* the unseen kind: all seconds over all flops */
        double pooled = (n0 * R * COST + 5 * 4 * R * COST) / ((n0 + 5) * COST);
        close_to(eta_rate(&m, 2), pooled);
    }
    ck_assert_msg(prev < 1e-3 * R, "after %d items the rate is %g from R", n0, prev);
    /* the ETA adds each kind's work at its own rate */
    double work = 0;
    for (int k = 0; k < 3; k++) work += m.left_cost[k] * eta_rate(&m, k);
    double seen = n0 * R * COST + 5 * 4 * R * COST;
    close_to(eta_seconds(&m, seen / 2), work / 2);
    eta_free(&m);
}
END_TEST

/* Items of one kind whose seconds are A flops + B exactly (a per-item overhead
 * the ratio model cannot see): once three items of different costs are done,
 * every item's prediction and the ETA are exact. */
START_TEST(test_line)
{
    const double A = 2e-9, B = 0.004;
    static const double costs[] = { 8e6, 1e6, 4e6, 2e6, 1e6, 8e6 };
    eta_model m;
    ck_assert_int_eq(eta_init(&m, 2, 2), 0);
    double left_cost = 0;
    for (int i = 0; i < 60; i++) {
        eta_add_todo(&m, 0, costs[i % 6]);
        left_cost += costs[i % 6];
    }
    for (int i = 0; i < 6; i++) {
        eta_done(&m, 0, costs[i], A * costs[i] + B);
        left_cost -= costs[i];
    }
    for (int i = 0; i < 6; i++) close_to(eta_item_seconds(&m, 0, costs[i]), A * costs[i] + B);
    close_to(eta_item_seconds(&m, 0, 3e6), A * 3e6 + B);
    double seen = 0;
    for (int i = 0; i < 6; i++) seen += A * costs[i] + B;
    close_to(eta_seconds(&m, seen / 2), (A * left_cost + B * 54) / 2);
    /* kind 1 is unseen: the ratio model's pooled rate (all seconds over all flops) */
    double flops = 0;
    for (int i = 0; i < 6; i++) flops += costs[i];
    close_to(eta_item_seconds(&m, 1, 5e6), seen / flops * 5e6);
    eta_free(&m);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("eta");
    TCase *tc = tcase_create("eta");
    tcase_add_test(tc, test_nothing_seen);
    tcase_add_test(tc, test_one_rate);
    tcase_add_test(tc, test_shrinkage);
    tcase_add_test(tc, test_line);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
