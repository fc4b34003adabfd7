/* Check tests of the group committer (src/sweep/commit.h) over a real store:
 * records pushed from the test's thread land in push order, the counts match
 * what the test pushed (first tries, failures, retries, per part), the store
 * knows every key afterwards; a store that cannot be written counts nothing. */
#include "store_test.h"

#include <fcntl.h>

#include "commit.h"

#define N_PARTS 3
#define N_FIRST 40

static char err[1024];

/* The items of the test: keys 1..40 tried once, failing when k % 5 == 0; those
 * retried (attempt 2), failing again when k % 10 == 0; those retried again
 * (attempt 3), failing only for k == 40. In the order they are pushed. */
typedef struct {
    commit_item it[N_FIRST * 2];
    int n;
} plan_t;

static void make_plan(plan_t *p)
{
    p->n = 0;
    for (int attempt = 1; attempt <= 3; attempt++)
        for (int k = 1; k <= N_FIRST; k++) {
            int tried = attempt == 1 || (attempt == 2 && k % 5 == 0) || (attempt == 3 && k % 10 == 0);
            if (!tried) continue;
            int failed = attempt == 1 ? k % 5 == 0 : attempt == 2 ? k % 10 == 0 : k == 40;
            p->it[p->n++] = (commit_item){ .key = (uint64_t)k,
                                           .failed = failed,
                                           .attempt = attempt,
                                           .kind = k % 2,
                                           .part = k % N_PARTS,
                                           .cost = 1000.0 * k,
                                           .seconds = 0.001 * k * attempt };
        }
}

static char *line_of(const commit_item *it)
{
    char key[17];
    snprintf(key, sizeof key, "%016llx", (unsigned long long)it->key);
    return hand_record(key, "s", it->part, it->failed ? "failed" : "ok", it->failed ? "boom" : NULL, it->attempt);
}

static void open_store(store *st, char *dir)
{
    scratch_dir(dir);
    ck_assert_msg(store_open(st, dir, "s", "id", err, sizeof err) == 0, "%s", err);
}

START_TEST(test_commit_counts)
{
    plan_t p;
    make_plan(&p);
    ck_assert_int_eq(p.n, 40 + 8 + 4);
    char dir[256];
    store st;
    open_store(&st, dir);
    eta_model eta;
    ck_assert_int_eq(eta_init(&eta, 2, 1), 0);
    for (int i = 0; i < p.n; i++) eta_add_todo(&eta, p.it[i].kind, p.it[i].cost);
    committer c;
    ck_assert_int_eq(committer_start(&c, &st, &eta, N_PARTS), 0);
    char *all = cat("%s", "");
    for (int i = 0; i < p.n; i++) {
        char *line = line_of(&p.it[i]);
        ck_assert_int_eq(committer_push(&c, line, strlen(line), &p.it[i]), 0);
        char *next = cat("%s%s", all, line);
        free(all);
        free(line);
        all = next;
    }
    ck_assert_int_eq(committer_finish(&c), 0);
    commit_counts k;
    long part_done[N_PARTS], part_failed[N_PARTS];
    committer_counts(&c, &k, part_done, part_failed);

    /* expectations by counting the plan */
    long failed = 0, retried = 0, want_done[N_PARTS] = { 0 }, want_failed[N_PARTS] = { 0 };
    double cost[2] = { 0 }, seconds[2] = { 0 };
    for (int i = 0; i < p.n; i++) {
        failed += p.it[i].failed;
        retried += p.it[i].attempt > 1;
        cost[p.it[i].kind] += p.it[i].cost;
        seconds[p.it[i].kind] += p.it[i].seconds;
    }
    for (int key = 1; key <= N_FIRST; key++) {
        want_done[key % N_PARTS]++;
        want_failed[key % N_PARTS] += key == 40; /* the one key whose latest record failed */
    }
    ck_assert_int_eq(k.done, p.n);
    ck_assert_int_eq(failed, 13);
    ck_assert_int_eq(k.failed, failed);
    ck_assert_int_eq(k.retried, 12);
    ck_assert_int_eq(k.retried, retried);
    for (int q = 0; q < N_PARTS; q++) {
        ck_assert_int_eq(part_done[q], want_done[q]);
        ck_assert_int_eq(part_failed[q], want_failed[q]);
    }
    ck_assert_ptr_eq(k.part_done, part_done);
    ck_assert_int_eq(k.io_error, 0);
    ck_assert_int_ge(k.groups, 1);
    ck_assert_int_le(k.groups, p.n);
    ck_assert_int_eq(k.groups, st.fsyncs);
    /* the ETA saw every item once */
    for (int kind = 0; kind < 2; kind++) {
        ck_assert_double_eq_tol(eta.seen_cost[kind], cost[kind], 1e-9 * cost[kind]);
        ck_assert_double_eq_tol(eta.seen_sec[kind], seconds[kind], 1e-9 * seconds[kind]);
        ck_assert_double_eq(eta.left_n[kind], 0);
    }
    /* the file: every line in push order; the store: every key's latest */
    assert_file_is(in_dir(dir, "results.jsonl"), all);
    for (int key = 1; key <= N_FIRST; key++) {
        int f, a;
        ck_assert_int_eq(store_lookup(&st, (uint64_t)key, &f, &a), 1);
        ck_assert_int_eq(f, key == 40);
        ck_assert_int_eq(a, key % 10 == 0 ? 3 : key % 5 == 0 ? 2 : 1);
    }
    ck_assert_int_eq(store_lookup(&st, N_FIRST + 1, NULL, NULL), 0);
    committer_free(&c);
    store_close(&st);
    /* what was written is a store of complete records */
    ck_assert_msg(store_open(&st, dir, "s", "id", err, sizeof err) == 0, "%s", err);
    ck_assert_int_eq(st.quarantined, 0);
    ck_assert_uint_eq(st.count, N_FIRST);
    store_close(&st);
    eta_free(&eta);
    free(all);
}
END_TEST

/* Nothing pushed: no group, nothing written. */
START_TEST(test_commit_nothing)
{
    char dir[256];
    store st;
    open_store(&st, dir);
    committer c;
    ck_assert_int_eq(committer_start(&c, &st, NULL, 1), 0);
    ck_assert_double_eq(committer_eta(&c, 1.0, NULL), -1);
    ck_assert_int_eq(committer_finish(&c), 0);
    commit_counts k;
    long d[1], f[1];
    committer_counts(&c, &k, d, f);
    ck_assert_int_eq(k.done + k.groups + k.failed + d[0] + f[0], 0);
    ck_assert_int_eq(st.fsyncs, 0);
    committer_free(&c);
    store_close(&st);
    assert_file_is(in_dir(dir, "results.jsonl"), "");
}
END_TEST

/* A store whose file cannot be written: finish fails, io_error says why,
 * nothing counts as done and no key is marked. */
START_TEST(test_commit_io_error)
{
    plan_t p;
    make_plan(&p);
    char dir[256];
    store st;
    open_store(&st, dir);
    int ro = open(in_dir(dir, "results.jsonl"), O_RDONLY);
    ck_assert_int_ge(ro, 0);
    ck_assert_int_ge(dup2(ro, st.fd), 0);
    close(ro);
    committer c;
    ck_assert_int_eq(committer_start(&c, &st, NULL, N_PARTS), 0);
    for (int i = 0; i < p.n; i++) {
        char *line = line_of(&p.it[i]);
        ck_assert_int_eq(committer_push(&c, line, strlen(line), &p.it[i]), 0);
        free(line);
    }
    ck_assert_int_eq(committer_finish(&c), -1);
    commit_counts k;
    long d[N_PARTS], f[N_PARTS];
    committer_counts(&c, &k, d, f);
    ck_assert_int_eq(k.io_error, EBADF);
    ck_assert_int_eq(k.done, 0);
    ck_assert_int_eq(k.failed, 0);
    ck_assert_int_eq(k.retried, 0);
    ck_assert_int_eq(k.groups, 0);
    for (int q = 0; q < N_PARTS; q++) ck_assert_int_eq(d[q] + f[q], 0);
    for (int key = 1; key <= N_FIRST; key++) ck_assert_int_eq(store_lookup(&st, (uint64_t)key, NULL, NULL), 0);
    ck_assert_int_eq(st.fsyncs, 0);
    committer_free(&c);
    store_close(&st);
    assert_file_is(in_dir(dir, "results.jsonl"), "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("commit");
    TCase *tc = scratch_tcase("commit");
    tcase_add_test(tc, test_commit_counts);
    tcase_add_test(tc, test_commit_nothing);
    tcase_add_test(tc, test_commit_io_error);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
