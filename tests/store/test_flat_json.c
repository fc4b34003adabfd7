/* Check tests of the flat JSON reader (src/sweep/flat_json.h) and the results
 * folder's manifest (src/sweep/manifest.h): members of every scalar kind,
 * missing members, nested or list values refused; the manifest written as
 * spelled out here and read back; small-file reading limits. */
#include "store_test.h"

#include "flat_json.h"
#include "sweep_source.h"
#include "manifest.h"

static char err[1024];

static int parse(const char *text, flat_json *o)
{
    err[0] = '\0';
    return flat_json_parse(text, strlen(text), o, err, sizeof err);
}

START_TEST(test_members)
{
    flat_json o;
    const char *text = "{\"s\": \"a \\\"b\\\" \\\\ \\u0001\", \"n\": -1.5e3, \"i\": 42, \"t\": true, \"z\": null, "
                       "\"q\": \"7\", \"e\": \"\"}\n";
    ck_assert_msg(parse(text, &o) == 0, "%s", err);
    ck_assert_int_eq(o.n, 7);
    ck_assert_str_eq(o.key[0], "s");
    ck_assert_str_eq(o.key[6], "e");
    ck_assert_str_eq(flat_json_str(&o, "s"), "a \"b\" \\ \x01");
    ck_assert_str_eq(flat_json_str(&o, "e"), "");
    ck_assert_str_eq(flat_json_str(&o, "q"), "7");
    double v = 0;
    ck_assert_int_eq(flat_json_num(&o, "n", &v), 0);
    ck_assert(v == -1500);
    ck_assert_int_eq(flat_json_num(&o, "i", &v), 0);
    ck_assert(v == 42);
    /* kinds: a string is not a number, and the others are not strings */
    v = 99;
    ck_assert_int_eq(flat_json_num(&o, "q", &v), -1);
    ck_assert_int_eq(flat_json_num(&o, "s", &v), -1);
    ck_assert_int_eq(flat_json_num(&o, "t", &v), -1);
    ck_assert_int_eq(flat_json_num(&o, "z", &v), -1);
    ck_assert(v == 99);
    ck_assert_ptr_null(flat_json_str(&o, "n"));
    ck_assert_ptr_null(flat_json_str(&o, "t"));
    ck_assert_ptr_null(flat_json_str(&o, "z"));
    ck_assert_int_eq(o.quoted[2], 0);
    ck_assert_int_eq(o.quoted[5], 1);
    ck_assert_str_eq(o.val[3], "true");
    /* missing members */
    ck_assert_ptr_null(flat_json_str(&o, "missing"));
    ck_assert_int_eq(flat_json_num(&o, "missing", &v), -1);
    ck_assert_ptr_null(flat_json_str(&o, "S"));
    flat_json_free(&o);
    ck_assert_int_eq(o.n, 0);
    /* an empty object */
    ck_assert_msg(parse("{}", &o) == 0, "%s", err);
    ck_assert_int_eq(o.n, 0);
    flat_json_free(&o);
}
END_TEST

START_TEST(test_refused)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "{\"a\": {\"b\": 1}}", "nested objects are not expected" },
        { "{\"a\": [1, 2]}", "lists are not expected" },
        { "[1, 2]", "lists are not expected" },
        { "{\"a\": 1", "not JSON" },
        { "{\"a\": \"\x01\"}", "not JSON" },
        { "", "empty" },
        { "\"text\"", "not a JSON object" },
        { "{\"a\": 1}\n---\n{\"b\": 2}\n", "more than one JSON document" },
    };
    for (int i = 0; i < (int)(sizeof cases / sizeof cases[0]); i++) {
        flat_json o;
        ck_assert_msg(parse(cases[i].text, &o) == -1, "accepted: %s", cases[i].text);
        ck_assert_msg(strstr(err, cases[i].want) != NULL, "'%s': error '%s' does not say '%s'", cases[i].text, err,
                      cases[i].want);
        ck_assert_int_eq(o.n, 0);
    }
}
END_TEST

/* FLAT_JSON_MAX members are read; one more is refused. */
START_TEST(test_member_limit)
{
    for (int n = FLAT_JSON_MAX; n <= FLAT_JSON_MAX + 1; n++) {
        char *text = cat("{");
        for (int i = 0; i < n; i++) {
            char *next = cat("%s%s\"k%d\": %d", text, i ? ", " : "", i, i);
            free(text);
            text = next;
        }
        char *full = cat("%s}", text);
        flat_json o;
        int rc = parse(full, &o);
        if (n == FLAT_JSON_MAX) {
            ck_assert_msg(rc == 0, "%s", err);
            ck_assert_int_eq(o.n, n);
            double v;
            ck_assert_int_eq(flat_json_num(&o, "k31", &v), 0);
            ck_assert(v == 31);
            flat_json_free(&o);
        } else {
            ck_assert_int_eq(rc, -1);
            ck_assert_msg(strstr(err, "more than 32 members") != NULL, "%s", err);
        }
        free(text);
        free(full);
    }
}
END_TEST

START_TEST(test_manifest_round_trip)
{
    char dir[256];
    scratch_dir(dir);
    manifest m, r;
    memset(&m, 0, sizeof m);
    snprintf(m.sweep, sizeof m.sweep, "my \"sweep\" \\ 1");
    snprintf(m.identity, sizeof m.identity, "0123456789abcdef");
    snprintf(m.format, sizeof m.format, "%s", MANIFEST_FORMAT);
    ck_assert_int_eq(manifest_read(dir, &r, err, sizeof err), 1); /* none yet */
    ck_assert_int_eq(manifest_write(dir, &m, err, sizeof err), 0);
    assert_file_is(in_dir(dir, "manifest.json"),
                   "{\"sweep\": \"my \\\"sweep\\\" \\\\ 1\", \"identity\": \"0123456789abcdef\", "
                   "\"format\": \"mlpvar-results 1\"}\n");
    struct stat st;
    ck_assert_int_eq(stat(in_dir(dir, "manifest.json.tmp"), &st), -1);
    ck_assert_msg(manifest_read(dir, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(r.sweep, m.sweep);
    ck_assert_str_eq(r.identity, m.identity);
    ck_assert_str_eq(r.format, "mlpvar-results 1");
    /* members in another order, and an extra one, read the same */
    put_text(in_dir(dir, "manifest.json"), "{\"format\": \"f\", \"extra\": 1, \"identity\": \"id\", \"sweep\": \"s\"}");
    ck_assert_msg(manifest_read(dir, &r, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(r.sweep, "s");
    ck_assert_str_eq(r.identity, "id");
    ck_assert_str_eq(r.format, "f");
}
END_TEST

/* A manifest that is not one: -1, the file named (and, under AddressSanitizer,
 * nothing leaked). */
START_TEST(test_manifest_refused)
{
    static const char *bad[] = {
        "{\"sweep\": \"s\", \"identity\": {\"x\": 1}, \"format\": \"f\"}",
        "{\"sweep\": [\"s\"], \"identity\": \"i\", \"format\": \"f\"}",
        "not json: [",
        "",
        "{\"sweep\": \"s\", \"identity\": \"i\"}",
        "{\"sweep\": \"s\", \"identity\": \"i\", \"format\": 1}",
        "{}",
    };
    for (int i = 0; i < 7; i++) {
        char dir[256];
        scratch_dir(dir);
        put_text(in_dir(dir, "manifest.json"), bad[i]);
        manifest r;
        err[0] = '\0';
        ck_assert_msg(manifest_read(dir, &r, err, sizeof err) == -1, "accepted: %s", bad[i]);
        ck_assert_msg(strstr(err, "manifest.json is not an mlpvar manifest") != NULL, "%s", err);
    }
    /* a folder as manifest.json */
    char dir[256];
    scratch_dir(dir);
    ck_assert_int_eq(mkdir(in_dir(dir, "manifest.json"), 0777), 0);
    manifest r;
    ck_assert_int_eq(manifest_read(dir, &r, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot read") != NULL && strstr(err, "manifest.json") != NULL, "%s", err);
    /* writing into a folder that does not exist */
    manifest m = { "s", "i", "f" };
    ck_assert_int_eq(manifest_write(in_dir(dir, "nowhere"), &m, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot write") != NULL, "%s", err);
}
END_TEST

START_TEST(test_small_files)
{
    char dir[256];
    scratch_dir(dir);
    put_text(in_dir(dir, "f"), "0123456789");
    size_t len = 0;
    char *b = NULL;
    ck_assert_int_eq(read_whole_file(in_dir(dir, "f"), 10, &b, &len), 0);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(len, 10);
    ck_assert_str_eq(b, "0123456789");
    free(b);
    errno = 0;
    ck_assert_int_eq(read_whole_file(in_dir(dir, "f"), 9, &b, &len), -1);
    ck_assert_int_eq(errno, EFBIG);
    ck_assert_int_eq(read_whole_file(dir, 1 << 20, &b, &len), -1);
    ck_assert_int_eq(errno, EISDIR);
    ck_assert_int_eq(read_whole_file(in_dir(dir, "none"), 1 << 20, &b, &len), -1);
    ck_assert_int_eq(errno, ENOENT);
    char *p = path_join("a/b", "c.json");
    ck_assert_str_eq(p, "a/b/c.json");
    free(p);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("flat_json");
    TCase *tc = scratch_tcase("flat_json");
    tcase_add_test(tc, test_members);
    tcase_add_test(tc, test_refused);
    tcase_add_test(tc, test_member_limit);
    tcase_add_test(tc, test_manifest_round_trip);
    tcase_add_test(tc, test_manifest_refused);
    tcase_add_test(tc, test_small_files);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
