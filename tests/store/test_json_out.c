/* Check tests of the JSON writer (src/sweep/json_out.h): every kind of value,
 * nesting (objects in arrays, multiline arrays and objects, empty ones) and
 * string escapes against text spelled out by hand; NaN and infinities as
 * null. With --python, a document of every ASCII character, UTF-8, extreme
 * numbers and nesting is parsed by Python's json module against values Python
 * builds itself (exit 77, a skip, without /usr/bin/python3). */
#include "store_test.h"

#include <limits.h>
#include <math.h>
#include <sys/wait.h>

#include "json_out.h"

#define PYTHON "/usr/bin/python3"

/* What writer() writes, as a malloc'd string. */
#define CAPTURE(out, body)                                                                                             \
    do {                                                                                                               \
        size_t cap_len_ = 0;                                                                                           \
        FILE *f = open_memstream(&(out), &cap_len_);                                                                   \
        ck_assert_ptr_nonnull(f);                                                                                      \
        body;                                                                                                          \
        ck_assert_int_eq(fclose(f), 0);                                                                                \
    } while (0)

START_TEST(test_flat_values)
{
    char *out = NULL;
    double v[] = { 1, NAN, -INFINITY, 0.5, -0.0, 1e300, 5e-324 };
    CAPTURE(out, {
        json_obj j;
        json_begin(&j, f);
        json_str(&j, "a", "x");
        json_num(&j, "n", 0.1);
        json_int(&j, "i", -5);
        json_int(&j, "max", LONG_MAX);
        json_bool(&j, "b", 1);
        json_bool(&j, "f", 0);
        json_null(&j, "z");
        json_array(&j, "v", v, 7);
        json_array(&j, "e", NULL, 0);
        json_num(&j, "inf", INFINITY);
        json_num(&j, "nan", NAN);
        json_num(&j, "third", 1.0 / 3);
        json_str(&j, "s", NULL);
        json_str(&j, "", "");
        json_end(&j);
    });
    ck_assert_str_eq(out, "{\"a\": \"x\", \"n\": 0.10000000000000001, \"i\": -5, \"max\": 9223372036854775807, "
                          "\"b\": true, \"f\": false, \"z\": null, "
                          "\"v\": [1, null, null, 0.5, -0, 1.0000000000000001e+300, 4.9406564584124654e-324], "
                          "\"e\": [], \"inf\": null, \"nan\": null, \"third\": 0.33333333333333331, \"s\": null, "
                          "\"\": \"\"}\n");
    free(out);
}
END_TEST

START_TEST(test_nesting)
{
    char *out = NULL;
    CAPTURE(out, {
        json_obj j;
        json_begin_multiline(&j, f);
        json_open_array(&j, "rows", 1);
        json_open_object(&j, NULL, 0);
        json_int(&j, "x", 1);
        json_open_array(&j, "ys", 0);
        json_num(&j, NULL, 1.5);
        json_str(&j, NULL, "q");
        json_close_array(&j);
        json_close_object(&j);
        json_open_object(&j, NULL, 1);
        json_int(&j, "x", 2);
        json_open_array(&j, "deep", 1);
        json_null(&j, NULL);
        json_bool(&j, NULL, 1);
        json_close_array(&j);
        json_close_object(&j);
        json_open_array(&j, NULL, 1);
        json_close_array(&j);
        json_close_array(&j);
        json_open_object(&j, "meta", 0);
        json_close_object(&j);
        json_open_object(&j, "one", 0);
        json_open_object(&j, "two", 0);
        json_str(&j, "k", "v");
        json_close_object(&j);
        json_close_object(&j);
        json_end(&j);
    });
    ck_assert_str_eq(out, "{\n"
                          "  \"rows\": [\n"
                          "    {\"x\": 1, \"ys\": [1.5, \"q\"]},\n"
                          "    {\n"
                          "      \"x\": 2,\n"
                          "      \"deep\": [\n"
                          "        null,\n"
                          "        true\n"
                          "      ]\n"
                          "    },\n"
                          "    []\n"
                          "  ],\n"
                          "  \"meta\": {},\n"
                          "  \"one\": {\"two\": {\"k\": \"v\"}}\n"
                          "}\n");
    free(out);
    /* an empty multiline object, and the deepest nesting */
    CAPTURE(out, {
        json_obj j;
        json_begin_multiline(&j, f);
        json_end(&j);
        json_begin(&j, f);
        for (int d = 1; d < JSON_MAX_DEPTH; d++) json_open_array(&j, d == 1 ? "a" : NULL, 0);
        json_int(&j, NULL, 7);
        for (int d = 1; d < JSON_MAX_DEPTH; d++) json_close_array(&j);
        json_end(&j);
    });
    ck_assert_str_eq(out, "{}\n{\"a\": [[[[[[[7]]]]]]]}\n");
    free(out);
}
END_TEST

START_TEST(test_string_escapes)
{
    char *out = NULL;
    CAPTURE(out, {
        json_write_string(f, "\x01\x08\t\n\x0c\r\x1f \"/\\ plain \xc3\xa9 \xe2\x98\x83 \xf0\x9d\x84\x9e");
        fputc('\n', f);
        json_write_string(f, "");
        json_write_string(f, "\"");
        json_write_string(f, "\\\\");
        json_write_string(f, "end\n");
        json_obj j;
        json_begin(&j, f);
        json_str(&j, "k\"ey\\", "v\x02");
        json_end(&j);
    });
    ck_assert_str_eq(out, "\"\\u0001\\u0008\\u0009\\u000a\\u000c\\u000d\\u001f \\\"/\\\\ plain \xc3\xa9 \xe2\x98\x83 "
                          "\xf0\x9d\x84\x9e\"\n"
                          "\"\"\"\\\"\"\"\\\\\\\\\"\"end\\u000a\""
                          "{\"k\\\"ey\\\\\": \"v\\u0002\"}\n");
    free(out);
}
END_TEST

/* ---- --python: Python's json module reads what the writer writes ---- */

static const char PY_CHECK[] = "import json, sys\n"
                               "text = open(sys.argv[1], encoding='utf-8').read()\n"
                               "doc = json.loads(text)\n"
                               "want = {\n"
                               "    'ascii': ''.join(chr(c) for c in range(1, 128)),\n"
                               "    'utf8': '\\u00e9 \\u2603 \\U0001d11e',\n"
                               "    'nums': [0.1, 1e300, 5e-324, -0.0, 1 / 3, 2.0 ** -1074 * 3, None, None, None],\n"
                               "    'ints': [9007199254740993, -9223372036854775807 - 1, 9223372036854775807, 0],\n"
                               "    'nest': [{'a': [[], {}], 'b': None, 'c': [True, False]}, [[1.5]], {}],\n"
                               "    'quote\"key\\\\': 'value',\n"
                               "}\n"
                               "if doc != want:\n"
                               "    print('python read', repr(doc))\n"
                               "    sys.exit(1)\n"
                               "if not text.endswith('}\\n') or text.count('\\n') < 10:\n"
                               "    print('not one multiline document:', repr(text))\n"
                               "    sys.exit(1)\n";

START_TEST(test_python_reads_it)
{
    char dir[256];
    scratch_dir(dir);
    char ascii[128];
    for (int c = 1; c < 128; c++) ascii[c - 1] = (char)c;
    ascii[127] = '\0';
    FILE *f = fopen(in_dir(dir, "doc.json"), "w");
    ck_assert_ptr_nonnull(f);
    json_obj j;
    json_begin_multiline(&j, f);
    json_str(&j, "ascii", ascii);
    json_str(&j, "utf8", "\xc3\xa9 \xe2\x98\x83 \xf0\x9d\x84\x9e");
    json_open_array(&j, "nums", 1);
    double nums[] = { 0.1, 1e300, 5e-324, -0.0, 1.0 / 3, 3 * 5e-324, NAN, INFINITY, -INFINITY };
    for (int i = 0; i < 9; i++) json_num(&j, NULL, nums[i]);
    json_close_array(&j);
    json_open_array(&j, "ints", 0);
    json_int(&j, NULL, 9007199254740993L);
    json_int(&j, NULL, LONG_MIN);
    json_int(&j, NULL, LONG_MAX);
    json_int(&j, NULL, 0);
    json_close_array(&j);
    json_open_array(&j, "nest", 1);
    json_open_object(&j, NULL, 1);
    json_open_array(&j, "a", 0);
    json_open_array(&j, NULL, 1);
    json_close_array(&j);
    json_open_object(&j, NULL, 1);
    json_close_object(&j);
    json_close_array(&j);
    json_null(&j, "b");
    json_open_array(&j, "c", 1);
    json_bool(&j, NULL, 1);
    json_bool(&j, NULL, 0);
    json_close_array(&j);
    json_close_object(&j);
    double one_and_half = 1.5;
    json_open_array(&j, NULL, 0);
    json_array(&j, NULL, &one_and_half, 1);
    json_close_array(&j);
    json_open_object(&j, NULL, 0);
    json_close_object(&j);
    json_close_array(&j);
    json_str(&j, "quote\"key\\", "value");
    json_end(&j);
    ck_assert_int_eq(fclose(f), 0);
    put_text(in_dir(dir, "check.py"), PY_CHECK);
    char *cmd = cat(PYTHON " '%s' '%s'", in_dir(dir, "check.py"), in_dir(dir, "doc.json"));
    int st = system(cmd);
    ck_assert_msg(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s failed (status %d)", cmd, st);
    free(cmd);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s = suite_create("json_out");
    TCase *tc = scratch_tcase("json_out");
    if (argc > 1 && !strcmp(argv[1], "--python")) {
        if (access(PYTHON, X_OK) != 0) {
            printf("SKIP: %s is not installed\n", PYTHON);
            return 77;
        }
        tcase_add_test(tc, test_python_reads_it);
    } else {
        tcase_add_test(tc, test_flat_values);
        tcase_add_test(tc, test_nesting);
        tcase_add_test(tc, test_string_escapes);
    }
    suite_add_tcase(s, tc);
    return run_suite(s);
}
