/* Helpers of the store tests (tests/store): a scratch folder per test case,
 * whole files written and read back byte for byte, and a minimal record line
 * written by hand (not by record_write), so that the reader and the store are
 * checked against text the tests spell out. */
#ifndef MLPVAR_STORE_TEST_H
#define MLPVAR_STORE_TEST_H

#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The scratch root of the running test case: made by an unchecked fixture in
 * the parent process (so it is removed even when a test fails), each test
 * takes a fresh folder inside it. */
static char scratch_root[128] __attribute__((unused));

static inline void scratch_setup(void)
{
    snprintf(scratch_root, sizeof scratch_root, "/tmp/mlpvar-storetest-XXXXXX");
    if (!mkdtemp(scratch_root)) {
        perror("mkdtemp");
        abort();
    }
}

static inline int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static inline void scratch_teardown(void) { nftw(scratch_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* A new empty folder under the scratch root, into out[256]. */
static inline void scratch_dir(char *out)
{
    snprintf(out, 256, "%s/t-XXXXXX", scratch_root);
    ck_assert_msg(mkdtemp(out) != NULL, "mkdtemp: %s", strerror(errno));
}

/* "DIR/NAME" into a static buffer (one at a time). */
static inline const char *in_dir(const char *dir, const char *name)
{
    static char buf[2][1024];
    static int which;
    which ^= 1;
    int n = snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    ck_assert_int_lt(n, (int)sizeof buf[which]);
    return buf[which];
}

static inline void put_file(const char *path, const char *bytes, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot write %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(bytes, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static inline void put_text(const char *path, const char *text) { put_file(path, text, strlen(text)); }

/* The whole file, NUL-terminated, in a malloc'd buffer; *len its size. NULL when it does not exist. */
static inline char *get_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    ck_assert_ptr_nonnull(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
            ck_assert_ptr_nonnull(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

/* Asserts that path holds exactly `want`. */
static inline void assert_file_is(const char *path, const char *want)
{
    size_t len;
    char *got = get_file(path, &len);
    ck_assert_msg(got != NULL, "%s is missing", path);
    ck_assert_msg(len == strlen(want) && memcmp(got, want, len) == 0, "%s holds\n%s\nexpected\n%s", path, got, want);
    free(got);
}

/* Concatenation of printf-formatted pieces into a malloc'd string. */
static inline char *cat(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *cat(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    ck_assert_int_ge(vasprintf(&s, fmt, ap), 0);
    va_end(ap);
    return s;
}

/* A minimal complete record (no task, not trained, depth 2), spelled out by
 * hand with the writer's separators. error: NULL for null. */
static inline char *hand_record(const char *key, const char *sweep, int part, const char *status, const char *error,
                                int attempt)
{
    char err_text[256];
    if (error) snprintf(err_text, sizeof err_text, "\"%s\"", error);
    else snprintf(err_text, sizeof err_text, "null");
    return cat("{\"key\": \"%s\", \"sweep\": \"%s\", \"config\": 0, \"part\": %d, \"activation\": \"relu\", "
               "\"depth\": 2, \"width\": 3, \"budget\": 0, \"params\": 22, \"activations\": 6, "
               "\"activation_ratio\": 0.27272727272727271, \"in_dim\": 2, \"out_dim\": 1, \"init\": \"auto\", "
               "\"bias_std\": 0.10000000000000001, \"seed\": 0, \"grid\": 8, \"order\": 3, \"tau\": 0.01, "
               "\"status\": \"%s\", \"error\": %s, \"attempt\": %d, \"variability\": 0.25, "
               "\"collapse_ratio\": 0.5, \"collapsed\": false, \"layer_dead_fraction\": [0, 0.5], "
               "\"layer_collapse_ratio\": [1, 0.5], \"measure_seconds\": 0.001, \"trained\": false}\n",
               key, sweep, part, status, err_text, attempt);
}

/* A manifest.json as the sweep writes it. */
static inline void put_manifest(const char *dir, const char *sweep, const char *identity)
{
    char *m = cat("{\"sweep\": \"%s\", \"identity\": \"%s\", \"format\": \"mlpvar-results 1\"}\n", sweep, identity);
    put_text(in_dir(dir, "manifest.json"), m);
    free(m);
}

/* Adds the scratch fixture to a test case and returns it. */
static inline TCase *scratch_tcase(const char *name)
{
    TCase *tc = tcase_create(name);
    tcase_add_unchecked_fixture(tc, scratch_setup, scratch_teardown);
    return tc;
}

/* Runs a suite; the process's exit status. */
static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
