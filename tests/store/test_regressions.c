/* Regressions of libmlpvar_sweep's record reader and store, one Check case
 * per bug found by tests/store (all fixed):
 *
 *  1. record_parse accepts text after the record's closing brace.
 *  2. record_write writes DEL (0x7f) and the C1 controls U+0080..U+009F raw
 *     (valid JSON), which libyaml refuses (U+0085 it reads as a line break,
 *     folded to a space), so record_parse refuses or changes a record
 *     record_write wrote.
 *  3. A rival of the wrong type is named 'rival' (the schema's entry), not by
 *     its field, e.g. 'rival_snip'.
 *  4. An unknown field whose value is a list or an object makes the record
 *     refused, though record_schema.h says unknown fields are ignored.
 *  5. results_load says results.jsonl is "missing" when it is a folder, if
 *     errno was ENOENT on entry (a stale errno). */
#include "store_test.h"

#include "record_schema.h"
#include "results.h"

static char err[512];

static int parse(const char *line, record *r)
{
    err[0] = '\0';
    return record_parse(line, strlen(line), r, err, sizeof err);
}

/* 1. Expected: -1 for each. Before the fix: 0 (libyaml ends the document at '}' and
 * the reader never reads on to the end of the stream). */
START_TEST(bug_text_after_closing_brace)
{
    char *good = hand_record("00000000000000aa", "s", 0, "ok", NULL, 1);
    good[strlen(good) - 1] = '\0';
    static const char *tails[] = { " x", "}", " {}", ", 1", " \"\"", " 2" };
    for (int i = 0; i < 6; i++) {
        char *line = cat("%s%s\n", good, tails[i]);
        record r;
        int rc = parse(line, &r);
        if (rc == 0) record_free(&r);
        ck_assert_msg(rc == -1, "accepted a record followed by '%s'", tails[i]);
        free(line);
    }
    free(good);
}
END_TEST

/* 2. Expected: what record_write writes, record_parse reads back unchanged.
 * Before the fix: "not a JSON object: control characters are not allowed", and U+0085
 * (NEL), which libyaml takes for a line break, reads back as a space. */
START_TEST(bug_del_and_c1_round_trip)
{
    static const char *names[] = { "a\x7f"
                                   "b",
                                   "a\xc2\x80"
                                   "b",
                                   "a\xc2\x85"
                                   "b",
                                   "a\xc2\x9f"
                                   "b" };
    for (int i = 0; i < 4; i++) {
        char *line = hand_record("00000000000000aa", "s", 0, "ok", NULL, 1);
        record r;
        ck_assert_msg(parse(line, &r) == 0, "%s", err);
        r.sweep = names[i];
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        record_write(f, &r);
        fclose(f);
        record back;
        int rc = parse(out, &back);
        ck_assert_msg(rc == 0, "record_write wrote a line record_parse refuses (%s): %s", err, out);
        ck_assert_str_eq(back.sweep, names[i]);
        record_free(&back);
        record_free(&r);
        free(out);
        free(line);
    }
}
END_TEST

/* 3. Expected: the error names 'rival_snip'. Before the fix: "field 'rival': 'big' is not a number". */
START_TEST(bug_rival_error_names_field)
{
    char *good = hand_record("00000000000000aa", "s", 0, "ok", NULL, 1);
    good[strlen(good) - 2] = '\0'; /* without "}\n" */
    char *line = cat("%s, \"rival_snip\": \"big\"}\n", good);
    record r;
    ck_assert_int_eq(parse(line, &r), -1);
    ck_assert_msg(strstr(err, "'rival_snip'") != NULL, "error '%s' does not name rival_snip", err);
    free(line);
    free(good);
}
END_TEST

/* 4. Expected: unknown fields are ignored whatever their value (record_schema.h,
 * docs/records.md). Before the fix: "field 'future': nested values are not part of a record". */
START_TEST(bug_unknown_nested_field)
{
    char *good = hand_record("00000000000000aa", "s", 0, "ok", NULL, 1);
    good[strlen(good) - 2] = '\0';
    static const char *extra[] = { "\"future\": [1, 2]", "\"meta\": {\"a\": [1, {\"b\": 2}]}" };
    for (int i = 0; i < 2; i++) {
        char *line = cat("%s, %s}\n", good, extra[i]);
        record r;
        ck_assert_msg(parse(line, &r) == 0, "refused an unknown field %s: %s", extra[i], err);
        ck_assert_str_eq(r.key, "00000000000000aa");
        record_free(&r);
        free(line);
    }
    free(good);
}
END_TEST

/* 5. Expected: "not a regular file". Before the fix: "missing". */
START_TEST(bug_results_folder_stale_errno)
{
    char dir[256];
    scratch_dir(dir);
    put_manifest(dir, "s", "0123456789abcdef");
    ck_assert_int_eq(mkdir(in_dir(dir, "results.jsonl"), 0777), 0);
    results res;
    errno = ENOENT;
    ck_assert_int_eq(results_load(dir, &res, err, sizeof err), -2);
    ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("known_bugs");
    TCase *tc = scratch_tcase("known_bugs");
    tcase_add_test(tc, bug_text_after_closing_brace);
    tcase_add_test(tc, bug_del_and_c1_round_trip);
    tcase_add_test(tc, bug_rival_error_names_field);
    tcase_add_test(tc, bug_unknown_nested_field);
    tcase_add_test(tc, bug_results_folder_stale_errno);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
