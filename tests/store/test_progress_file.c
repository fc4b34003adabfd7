/* Check tests of DIR/progress.json (src/sweep/progress_file.h): the file the
 * writer makes, spelled out by hand; every field read back (an unknown ETA as
 * null, then -1; several parts); files that are not progress files refused
 * with an error that names progress.json and the member. */
#include "store_test.h"

#include "progress_file.h"

static char err[1024];

static void sample(progress_info *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->sweep, sizeof p->sweep, "sw \"x\"");
    snprintf(p->state, sizeof p->state, "running");
    snprintf(p->host, sizeof p->host, "node-1");
    p->pid = 4242;
    p->started_at = 1700000000.5;
    p->updated_at = 1700000010.25;
    p->elapsed = 9.75;
    p->total = 100;
    p->done = 40;
    p->failed = 3;
    p->run_done = 12;
    p->rate = 1.25;
    p->eta = -1;
    p->work_fraction = 0.25;
    p->workers = 7;
    p->fsyncs = 5;
    p->master_cpu = 0.5;
    p->n_parts = 3;
    p->part[0] = (progress_part){ 60, 30, 2 };
    p->part[1] = (progress_part){ 30, 10, 1 };
    p->part[2] = (progress_part){ 10, 0, 0 };
}

/* The file of sample(), one line each. */
static const char *const SAMPLE[] = {
    "{",
    "  \"sweep\": \"sw \\\"x\\\"\",",
    "  \"state\": \"running\",",
    "  \"host\": \"node-1\",",
    "  \"pid\": 4242,",
    "  \"started_at\": 1700000000.5,",
    "  \"updated_at\": 1700000010.25,",
    "  \"elapsed_seconds\": 9.75,",
    "  \"total\": 100,",
    "  \"done\": 40,",
    "  \"failed\": 3,",
    "  \"run_done\": 12,",
    "  \"rate\": 1.25,",
    "  \"eta_seconds\": null,",
    "  \"work_fraction\": 0.25,",
    "  \"workers\": 7,",
    "  \"fsyncs\": 5,",
    "  \"master_cpu_seconds\": 0.5,",
    "  \"parts\": [",
    "    {\"part\": 0, \"total\": 60, \"done\": 30, \"failed\": 2},",
    "    {\"part\": 1, \"total\": 30, \"done\": 10, \"failed\": 1},",
    "    {\"part\": 2, \"total\": 10, \"done\": 0, \"failed\": 0}",
    "  ]",
    "}",
};
#define N_SAMPLE ((int)(sizeof SAMPLE / sizeof SAMPLE[0]))
#define FIRST_MEMBER 1
#define LAST_SCALAR 17 /* master_cpu_seconds */

/* SAMPLE with lines from..to (-1: none) replaced by the line `with` (NULL: left out). */
static char *sample_text(int from, int to, const char *with)
{
    char *all = cat("%s", "");
    for (int i = 0; i < N_SAMPLE; i++) {
        if (i >= from && i <= to && (i > from || !with)) continue;
        char *next = cat("%s%s\n", all, i == from ? with : SAMPLE[i]);
        free(all);
        all = next;
    }
    return all;
}

START_TEST(test_written_file)
{
    char dir[256];
    scratch_dir(dir);
    progress_info p;
    sample(&p);
    ck_assert_int_eq(progress_file_write(dir, &p), 0);
    char *want = sample_text(-1, -1, NULL);
    assert_file_is(in_dir(dir, "progress.json"), want);
    struct stat st;
    ck_assert_int_eq(stat(in_dir(dir, "progress.json.tmp"), &st), -1);
    free(want);
}
END_TEST

START_TEST(test_round_trip)
{
    char dir[256];
    scratch_dir(dir);
    progress_info p, q;
    sample(&p);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) { /* a known ETA, a finished state, no parts */
            p.eta = 12.5;
            snprintf(p.state, sizeof p.state, "failed: disk full");
            p.n_parts = 0;
        }
        ck_assert_int_eq(progress_file_write(dir, &p), 0);
        ck_assert_msg(progress_file_read(dir, &q, err, sizeof err) == 0, "%s", err);
        ck_assert_str_eq(q.sweep, "sw \"x\"");
        ck_assert_str_eq(q.state, pass ? "failed: disk full" : "running");
        ck_assert_str_eq(q.host, "node-1");
        ck_assert_int_eq(q.pid, 4242);
        ck_assert(q.started_at == 1700000000.5);
        ck_assert(q.updated_at == 1700000010.25);
        ck_assert(q.elapsed == 9.75);
        ck_assert_int_eq(q.total, 100);
        ck_assert_int_eq(q.done, 40);
        ck_assert_int_eq(q.failed, 3);
        ck_assert_int_eq(q.run_done, 12);
        ck_assert(q.rate == 1.25);
        ck_assert(q.eta == (pass ? 12.5 : -1));
        ck_assert_int_eq(q.workers, 7);
        ck_assert_int_eq(q.fsyncs, 5);
        ck_assert(q.master_cpu == 0.5);
        ck_assert_int_eq(q.n_parts, pass ? 0 : 3);
        if (!pass) {
            long want[3][3] = { { 60, 30, 2 }, { 30, 10, 1 }, { 10, 0, 0 } };
            for (int k = 0; k < 3; k++) {
                ck_assert_int_eq(q.part[k].total, want[k][0]);
                ck_assert_int_eq(q.part[k].done, want[k][1]);
                ck_assert_int_eq(q.part[k].failed, want[k][2]);
            }
        }
    }
}
END_TEST

START_TEST(test_no_file)
{
    char dir[256];
    scratch_dir(dir);
    progress_info q;
    ck_assert_int_eq(progress_file_read(dir, &q, err, sizeof err), 1);
}
END_TEST

/* Asserts that text in progress.json is refused, the error naming the file and `want`. */
static void refused(const char *text, const char *want)
{
    char dir[256];
    scratch_dir(dir);
    put_text(in_dir(dir, "progress.json"), text);
    progress_info q;
    err[0] = '\0';
    ck_assert_msg(progress_file_read(dir, &q, err, sizeof err) == -1, "accepted:\n%s", text);
    ck_assert_msg(strstr(err, "progress.json") != NULL, "error '%s' does not name progress.json", err);
    ck_assert_msg(strstr(err, want) != NULL, "error '%s' does not say '%s'", err, want);
}

/* Each member left out is named. */
START_TEST(test_missing_member)
{
    for (int i = FIRST_MEMBER; i <= LAST_SCALAR; i++) {
        char *text = sample_text(i, i, NULL);
        char name[64];
        const char *q = strchr(SAMPLE[i], '"'), *e = strchr(q + 1, '"');
        snprintf(name, sizeof name, "'%.*s'", (int)(e - q - 1), q + 1);
        refused(text, name);
        free(text);
    }
    char *text = sample_text(20, 20, "    {\"part\": 1, \"total\": 30, \"failed\": 1},");
    refused(text, "'done'");
    free(text);
}
END_TEST

START_TEST(test_bad_values)
{
    static const struct {
        int from, to;
        const char *with, *want;
    } cases[] = {
        { 9, 9, "  \"done\": 101,", "'done' does not fit total" },
        { 10, 10, "  \"failed\": 41,", "'failed' does not fit done" },
        { 9, 9, "  \"done\": -1,", "'done'" },
        { 8, 8, "  \"total\": [100],", "'total'" },
        { 8, 8, "  \"total\": {\"n\": 100},", "'total'" },
        { 8, 8, "  \"total\": \"100\",", "'total' is not a number" },
        { 12, 12, "  \"rate\": null,", "'rate' is not a number" },
        { 12, 12, "  \"rate\": 1.5x,", "'rate' is not a number" },
        { 13, 13, "  \"eta_seconds\": [1],", "'eta_seconds'" },
        { 1, 1, "  \"sweep\": 5,", "'sweep' is missing or not a string" },
        { 2, 2, "  \"state\": [\"running\"],", "'state'" },
        { 18, 22, "  \"parts\": 3", "'parts' is not a list" },
        { 20, 20, "    [1, 30, 10, 1],", "'parts' holds something other than objects" },
        { 20, 20, "    {\"part\": 1, \"total\": \"30\", \"done\": 10, \"failed\": 1},", "'total' is not a number" },
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        char *text = sample_text(cases[i].from, cases[i].to, cases[i].with);
        refused(text, cases[i].want);
        free(text);
    }
    refused("{\n", "not JSON");
    refused("garbage: [\n", "not JSON");
    refused("\"\x01\"\n", "not JSON");
    refused("[1, 2]\n", "is not an object");
    refused("", "is not an object");
    refused("42\n", "is not an object");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("progress_file");
    TCase *tc = scratch_tcase("progress_file");
    tcase_add_test(tc, test_written_file);
    tcase_add_test(tc, test_round_trip);
    tcase_add_test(tc, test_no_file);
    tcase_add_test(tc, test_missing_member);
    tcase_add_test(tc, test_bad_values);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
