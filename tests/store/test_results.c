/* Check tests of reading a results store (src/sweep/results.h): results_load
 * and results_scan on stores the test writes byte by byte (manifest.json and
 * results.jsonl), against counts known by construction. */
#include "store_test.h"

#include "results.h"

static char err[1024];

#define KEY_A "000000000000000a"
#define KEY_B "000000000000000b"
#define KEY_C "000000000000000c"

/* A store in a fresh folder: manifest of sweep "s", results.jsonl = text. */
static void make_store(char *dir, const char *text)
{
    scratch_dir(dir);
    put_manifest(dir, "s", "0123456789abcdef");
    put_text(in_dir(dir, "results.jsonl"), text);
}

/* The concatenation of n lines (each malloc'd, freed here). */
static char *join(int n, char **lines)
{
    char *all = cat("%s", "");
    for (int i = 0; i < n; i++) {
        char *next = cat("%s%s", all, lines[i]);
        free(all);
        free(lines[i]);
        all = next;
    }
    return all;
}

static void load_ok(const char *dir, results *res)
{
    err[0] = '\0';
    ck_assert_msg(results_load(dir, res, err, sizeof err) == 0, "results_load: %s", err);
    ck_assert_str_eq(res->sweep, "s");
}

START_TEST(test_clean_store)
{
    char dir[256];
    char *lines[] = { hand_record(KEY_A, "s", 0, "ok", NULL, 1), hand_record(KEY_B, "s", 1, "failed", "boom", 1) };
    char *text = join(2, lines);
    make_store(dir, text);
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, 2);
    ck_assert_str_eq(res.rec[0].key, KEY_A);
    ck_assert_str_eq(res.rec[1].key, KEY_B);
    ck_assert_str_eq(res.rec[1].status, "failed");
    ck_assert_str_eq(res.rec[1].error, "boom");
    ck_assert_int_eq(res.rec[1].part, 1);
    ck_assert_int_eq(res.st.lines, 2);
    ck_assert_int_eq(res.st.torn_bytes + res.st.bad + res.st.blank + res.st.superseded + res.st.first_bad_line, 0);
    char line[512];
    results_stats_line(&res.st, dir, line, sizeof line);
    ck_assert_str_eq(line, "");
    results_free(&res);
    ck_assert_int_eq(res.n, 0);
    free(text);
}
END_TEST

START_TEST(test_empty_store)
{
    char dir[256];
    make_store(dir, "");
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, 0);
    ck_assert_int_eq(res.st.lines, 0);
    results_free(&res);
}
END_TEST

/* A torn last line is skipped and counted, even when it holds a whole record
 * but its newline. */
START_TEST(test_torn_tail)
{
    static const char *torn[] = { "{\"key\": \"00000000", NULL };
    for (int t = 0; t < 2; t++) {
        char dir[256];
        char *tail = t == 0 ? cat("%s", torn[0]) : hand_record(KEY_C, "s", 0, "ok", NULL, 1);
        if (t == 1) tail[strlen(tail) - 1] = '\0'; /* a whole record but its newline */
        char *lines[] = { hand_record(KEY_A, "s", 0, "ok", NULL, 1), hand_record(KEY_B, "s", 0, "ok", NULL, 1), tail };
        long torn_len = (long)strlen(tail);
        char *text = join(3, lines);
        make_store(dir, text);
        results res;
        load_ok(dir, &res);
        ck_assert_int_eq(res.n, 2);
        ck_assert_str_eq(res.rec[0].key, KEY_A);
        ck_assert_str_eq(res.rec[1].key, KEY_B);
        ck_assert_int_eq(res.st.lines, 2);
        ck_assert_int_eq(res.st.torn_bytes, torn_len);
        ck_assert_int_eq(res.st.bad, 0);
        char line[512];
        results_stats_line(&res.st, dir, line, sizeof line);
        char want[128];
        snprintf(want, sizeof want, "a torn last line (%ld bytes)", torn_len);
        ck_assert_msg(strstr(line, want) != NULL, "'%s' lacks '%s'", line, want);
        results_free(&res);
        free(text);
    }
}
END_TEST

/* Lines that are not records of this sweep are skipped and counted; the
 * first one is named with its line number. */
START_TEST(test_bad_lines_skipped)
{
    char dir[256];
    char *lines[] = {
        hand_record(KEY_A, "s", 0, "ok", NULL, 1), /* 1 */
        cat("\n"), /* 2: blank */
        cat("garbage\n"), /* 3 */
        cat("{\"hello\": 1}\n"), /* 4 */
        hand_record(KEY_B, "other", 0, "ok", NULL, 1), /* 5: another sweep */
        cat("  \t \n"), /* 6: blank */
        hand_record(KEY_C, "s", 0, "ok", NULL, 1), /* 7 */
        hand_record(KEY_B, "s", 0, "done", NULL, 1), /* 8: a bad status */
        hand_record(KEY_B, "s", 0, "ok", NULL, 1), /* 9 */
    };
    char *text = join(9, lines);
    make_store(dir, text);
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, 3);
    ck_assert_str_eq(res.rec[0].key, KEY_A);
    ck_assert_str_eq(res.rec[1].key, KEY_C);
    ck_assert_str_eq(res.rec[2].key, KEY_B);
    ck_assert_str_eq(res.rec[2].sweep, "s");
    ck_assert_int_eq(res.st.lines, 9);
    ck_assert_int_eq(res.st.bad, 6);
    ck_assert_int_eq(res.st.blank, 2);
    ck_assert_int_eq(res.st.first_bad_line, 2);
    ck_assert_msg(strstr(res.st.first_bad_why, "blank") != NULL, "%s", res.st.first_bad_why);
    ck_assert_int_eq(res.st.superseded, 0);
    ck_assert_int_eq(res.st.torn_bytes, 0);
    char line[1024];
    results_stats_line(&res.st, dir, line, sizeof line);
    ck_assert_msg(strstr(line, "6 lines that are not a record of this sweep (first: line 2") != NULL, "%s", line);
    results_free(&res);
    free(text);
}
END_TEST

/* The first bad line, when it is a record of another sweep, says so. */
START_TEST(test_other_sweep_named)
{
    char dir[256];
    char *lines[] = { hand_record(KEY_A, "s", 0, "ok", NULL, 1), hand_record(KEY_B, "elsewhere", 0, "ok", NULL, 1),
                      cat("garbage\n") };
    char *text = join(3, lines);
    make_store(dir, text);
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, 1);
    ck_assert_int_eq(res.st.bad, 2);
    ck_assert_int_eq(res.st.blank, 0);
    ck_assert_int_eq(res.st.first_bad_line, 2);
    ck_assert_msg(strstr(res.st.first_bad_why, "another sweep ('elsewhere', this is 's')") != NULL, "%s",
                  res.st.first_bad_why);
    results_free(&res);
    free(text);
}
END_TEST

/* For a key stored more than once the latest complete record wins, in the
 * file order of the winners; a later line that is not a complete record
 * does not replace an earlier record. */
START_TEST(test_latest_per_key)
{
    char dir[256];
    char *lines[] = {
        hand_record(KEY_A, "s", 0, "failed", "first", 1), /* superseded by line 3 */
        hand_record(KEY_B, "s", 0, "failed", "b1", 1), /* superseded by line 5 */
        hand_record(KEY_A, "s", 0, "ok", NULL, 2),
        hand_record(KEY_C, "s", 0, "failed", "c1", 1),
        hand_record(KEY_B, "s", 0, "failed", "b2", 2),
        hand_record(KEY_C, "s", 0, "failed", NULL, 2), /* not complete: a failed record without error */
    };
    char *text = join(6, lines);
    make_store(dir, text);
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, 3);
    ck_assert_str_eq(res.rec[0].key, KEY_A);
    ck_assert_str_eq(res.rec[0].status, "ok");
    ck_assert_int_eq(res.rec[0].attempt, 2);
    ck_assert_str_eq(res.rec[1].key, KEY_C);
    ck_assert_str_eq(res.rec[1].error, "c1");
    ck_assert_str_eq(res.rec[2].key, KEY_B);
    ck_assert_str_eq(res.rec[2].error, "b2");
    ck_assert_int_eq(res.st.superseded, 2);
    ck_assert_int_eq(res.st.bad, 1);
    ck_assert_int_eq(res.st.first_bad_line, 6);
    ck_assert_int_eq(res.st.lines, 6);
    char line[1024];
    results_stats_line(&res.st, dir, line, sizeof line);
    ck_assert_msg(strstr(line, "2 earlier records of a network stored again") != NULL, "%s", line);
    results_free(&res);
    free(text);
}
END_TEST

/* Many keys, each stored twice: the hash map keeps exactly the second of each. */
START_TEST(test_latest_many_keys)
{
    char dir[256];
    enum { N = 1000 };
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    ck_assert_ptr_nonnull(f);
    for (int pass = 1; pass <= 2; pass++)
        for (int i = 0; i < N; i++) {
            char key[17];
            snprintf(key, sizeof key, "%016x", (i * 7919) % N + 1); /* 7919 is prime: a permutation */
            char *rec = hand_record(key, "s", pass, "ok", NULL, pass);
            fputs(rec, f);
            free(rec);
        }
    ck_assert_int_eq(fclose(f), 0);
    make_store(dir, text);
    results res;
    load_ok(dir, &res);
    ck_assert_int_eq(res.n, N);
    ck_assert_int_eq(res.st.superseded, N);
    for (long i = 0; i < N; i++) {
        char key[17];
        snprintf(key, sizeof key, "%016x", (int)((i * 7919) % N + 1));
        ck_assert_str_eq(res.rec[i].key, key);
        ck_assert_int_eq(res.rec[i].attempt, 2);
    }
    results_free(&res);
    free(text);
}
END_TEST

START_TEST(test_not_a_store)
{
    results res;
    char dir[256], line[1024];
    /* no manifest */
    scratch_dir(dir);
    char *rec = hand_record(KEY_A, "s", 0, "ok", NULL, 1);
    put_text(in_dir(dir, "results.jsonl"), rec);
    ck_assert_int_eq(results_load(dir, &res, err, sizeof err), -2);
    ck_assert_msg(strstr(err, "no manifest.json") != NULL, "%s", err);
    ck_assert_int_eq(res.n, 0);
    /* a folder that does not exist */
    snprintf(line, sizeof line, "%s/nowhere", dir);
    ck_assert_int_eq(results_load(line, &res, err, sizeof err), -2);
    /* a directory as results.jsonl */
    scratch_dir(dir);
    put_manifest(dir, "s", "0123456789abcdef");
    ck_assert_int_eq(mkdir(in_dir(dir, "results.jsonl"), 0777), 0);
    ck_assert_int_eq(results_load(dir, &res, err, sizeof err), -2);
    ck_assert_msg(strstr(err, "results.jsonl") != NULL, "%s", err);
    /* a manifest without results.jsonl */
    scratch_dir(dir);
    put_manifest(dir, "s", "0123456789abcdef");
    ck_assert_int_eq(results_load(dir, &res, err, sizeof err), -2);
    ck_assert_msg(strstr(err, "missing") != NULL, "%s", err);
    /* a damaged manifest */
    scratch_dir(dir);
    put_text(in_dir(dir, "manifest.json"), "{\"sweep\": \"s\"}\n");
    put_text(in_dir(dir, "results.jsonl"), rec);
    ck_assert_int_eq(results_load(dir, &res, err, sizeof err), -2);
    ck_assert_msg(strstr(err, "manifest.json") != NULL, "%s", err);
    free(rec);
}
END_TEST

/* ---- results_scan: every complete line with its place ---- */

typedef struct {
    long n, lineno[16], offset[16], len[16];
    int is_rec[16];
} seen;

static int collect(void *vctx, long lineno, long offset, const char *line, size_t len, record *r, const char *why)
{
    (void)line;
    seen *s = vctx;
    ck_assert_int_lt(s->n, 16);
    ck_assert(r != NULL || why[0] != '\0');
    s->lineno[s->n] = lineno;
    s->offset[s->n] = offset;
    s->len[s->n] = (long)len;
    s->is_rec[s->n] = r != NULL;
    s->n++;
    return 0; /* not kept: the scanner frees r */
}

static int stop_at_two(void *vctx, long lineno, long offset, const char *line, size_t len, record *r, const char *why)
{
    (void)vctx;
    (void)offset;
    (void)line;
    (void)len;
    (void)r;
    (void)why;
    return lineno == 2 ? -1 : 0;
}

START_TEST(test_scan_offsets)
{
    char dir[256];
    char *l1 = hand_record(KEY_A, "s", 0, "ok", NULL, 1), *l3 = hand_record(KEY_B, "t", 0, "ok", NULL, 1);
    long n1 = (long)strlen(l1), n3 = (long)strlen(l3);
    char *lines[] = { l1, cat("xx\n"), l3, cat("torn") };
    char *text = join(4, lines);
    make_store(dir, text);
    seen s = { 0 };
    results_stats st;
    ck_assert_int_eq(results_scan(in_dir(dir, "results.jsonl"), NULL, collect, &s, &st, err, sizeof err), 0);
    ck_assert_int_eq(s.n, 3);
    long want_off[] = { 0, n1, n1 + 3 }, want_len[] = { n1, 3, n3 };
    int want_rec[] = { 1, 0, 1 }; /* sweep NULL: a record of any sweep counts */
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(s.lineno[i], i + 1);
        ck_assert_int_eq(s.offset[i], want_off[i]);
        ck_assert_int_eq(s.len[i], want_len[i]);
        ck_assert_int_eq(s.is_rec[i], want_rec[i]);
    }
    ck_assert_int_eq(st.torn_bytes, 4);
    ck_assert_int_eq(st.bad, 1);
    ck_assert_int_eq(st.first_bad_line, 2);
    /* named sweep: line 3 is another sweep's */
    memset(&s, 0, sizeof s);
    ck_assert_int_eq(results_scan(in_dir(dir, "results.jsonl"), "s", collect, &s, NULL, err, sizeof err), 0);
    ck_assert_int_eq(s.is_rec[0], 1);
    ck_assert_int_eq(s.is_rec[2], 0);
    /* the callback stops the scan */
    ck_assert_int_eq(results_scan(in_dir(dir, "results.jsonl"), NULL, stop_at_two, NULL, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "results.jsonl:2") != NULL, "%s", err);
    /* a file that does not exist */
    ck_assert_int_eq(results_scan(in_dir(dir, "nothing.jsonl"), NULL, collect, &s, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "nothing.jsonl") != NULL, "%s", err);
    free(text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("results");
    TCase *tc = scratch_tcase("results");
    tcase_add_test(tc, test_clean_store);
    tcase_add_test(tc, test_empty_store);
    tcase_add_test(tc, test_torn_tail);
    tcase_add_test(tc, test_bad_lines_skipped);
    tcase_add_test(tc, test_other_sweep_named);
    tcase_add_test(tc, test_latest_per_key);
    tcase_add_test(tc, test_latest_many_keys);
    tcase_add_test(tc, test_not_a_store);
    tcase_add_test(tc, test_scan_offsets);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
