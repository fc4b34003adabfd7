/* Check tests of the results store, the writer's side (src/sweep/store.h):
 * opening folders the test writes byte by byte (bad lines moved to
 * quarantine.jsonl byte for byte, a torn tail cut, each key's latest status),
 * refusals (another identity, a held lock) that leave the folder as it was,
 * missing parents, group commits and the key map. */
#include "store_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>

#include "store.h"

static char err[1024];

static void open_ok(store *s, const char *dir, const char *identity)
{
    err[0] = '\0';
    ck_assert_msg(store_open(s, dir, "s", identity, err, sizeof err) == 0, "store_open: %s", err);
}

/* ---- keys and the key map ---- */

/* Values from a Python FNV-1a and splitmix64 finaliser. */
START_TEST(test_hash_values)
{
    ck_assert_uint_eq(store_hash(""), 0xc3817c016ba4ff30ull);
    ck_assert_uint_eq(store_hash("a"), 0x5f29c2aadd9b8527ull);
    ck_assert_uint_eq(store_hash("foobar"), 0x5df295413403de4full);
    ck_assert_uint_eq(store_hash("sweep\x01x"), 0xdec282bd55b44134ull);
    ck_assert_uint_eq(store_hash_finish(store_fnv(store_fnv(STORE_FNV_START, "a"), "b")), 0xac88143b44756305ull);
    ck_assert_uint_eq(store_hash("ab"), 0xac88143b44756305ull);
}
END_TEST

START_TEST(test_map_many_keys)
{
    store s;
    memset(&s, 0, sizeof s);
    s.fd = s.lock_fd = -1;
    enum { N = 5000 };
    ck_assert_int_eq(store_lookup(&s, 1, NULL, NULL), 0); /* empty map */
    for (uint64_t i = 1; i <= N; i++) /* keys that collide in the low bits */
        ck_assert_int_eq(store_mark(&s, i << 20, (int)(i % 2), (int)(i % 7) + 1), 0);
    for (uint64_t i = 1; i <= N; i += 3) /* a later record replaces the state */
        ck_assert_int_eq(store_mark(&s, i << 20, 0, 9), 0);
    ck_assert_uint_eq(s.count, N);
    for (uint64_t i = 1; i <= N; i++) {
        int failed = -1, attempt = -1;
        ck_assert_int_eq(store_lookup(&s, i << 20, &failed, &attempt), 1);
        ck_assert_int_eq(failed, (i - 1) % 3 == 0 ? 0 : (int)(i % 2));
        ck_assert_int_eq(attempt, (i - 1) % 3 == 0 ? 9 : (int)(i % 7) + 1);
        ck_assert_int_eq(store_lookup(&s, (i << 20) + 1, &failed, &attempt), 0);
    }
    ck_assert_int_eq(store_lookup(&s, (uint64_t)(N + 1) << 20, NULL, NULL), 0);
    store_close(&s);
    ck_assert_int_eq(s.fd, -1);
}
END_TEST

/* ---- opening ---- */

/* A new folder, its missing parents created: the manifest as spelled out
 * here, an empty results.jsonl, the lock. */
START_TEST(test_open_creates_parents)
{
    char root[256], dir[512];
    scratch_dir(root);
    snprintf(dir, sizeof dir, "%s/a/b/c", root);
    store s;
    open_ok(&s, dir, "id1");
    assert_file_is(in_dir(dir, "manifest.json"),
                   "{\"sweep\": \"s\", \"identity\": \"id1\", \"format\": \"mlpvar-results 1\"}\n");
    assert_file_is(in_dir(dir, "results.jsonl"), "");
    struct stat st;
    ck_assert_int_eq(stat(in_dir(dir, "lock"), &st), 0);
    ck_assert_int_eq(stat(in_dir(dir, "quarantine.jsonl"), &st), -1);
    ck_assert_int_eq(s.quarantined, 0);
    ck_assert_int_eq(s.torn_bytes, 0);
    ck_assert_int_eq(s.n_warn, 0);
    store_close(&s);
    /* a trailing slash is the same folder */
    snprintf(dir, sizeof dir, "%s/x/y/", root);
    open_ok(&s, dir, "id1");
    store_close(&s);
    ck_assert_int_eq(stat(in_dir(root, "x/y/manifest.json"), &st), 0);
    /* a parent that is a file */
    put_text(in_dir(root, "file"), "x");
    snprintf(dir, sizeof dir, "%s/file/sub", root);
    ck_assert_int_eq(store_open(&s, dir, "s", "id1", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "cannot create the output folder") != NULL, "%s", err);
    ck_assert_int_eq(s.fd, -1);
    ck_assert_int_eq(s.lock_fd, -1);
}
END_TEST

#define KA 0x00000000000000a1ull
#define KB 0x00000000000000b2ull
#define KC 0x00000000000000c3ull
#define KD 0x00000000000000d4ull

/* Bad lines in the middle go to quarantine.jsonl byte for byte (after what
 * it held), the good lines stay in order, the torn tail is cut, and each
 * key's latest status and attempt are loaded. */
START_TEST(test_open_quarantines)
{
    char dir[256];
    scratch_dir(dir);
    put_manifest(dir, "s", "id1");
    char *good[] = {
        hand_record("00000000000000a1", "s", 0, "failed", "first try", 1), /* line 1 */
        hand_record("00000000000000b2", "s", 0, "ok", NULL, 1), /* 3 */
        hand_record("00000000000000a1", "s", 0, "ok", NULL, 2), /* 6 */
        hand_record("00000000000000c3", "s", 1, "failed", "again", 3), /* 8 */
    };
    char *bad[] = {
        cat("garbage \"\\ \x01 \xff\n"), /* line 2 */
        hand_record("00000000000000d4", "other", 0, "ok", NULL, 1), /* 4: another sweep */
        cat("\n"), /* 5: blank */
        hand_record("0000000000000000", "s", 0, "ok", NULL, 1), /* 7: key 0 */
        cat("{\"hello\": 1}\n"), /* 9 */
    };
    const char *torn = "{\"key\": \"00000000000000d4\", \"sweep\": \"s\"";
    char *text =
        cat("%s%s%s%s%s%s%s%s%s%s", good[0], bad[0], good[1], bad[1], bad[2], good[2], bad[3], good[3], bad[4], torn);
    put_text(in_dir(dir, "results.jsonl"), text);
    put_text(in_dir(dir, "quarantine.jsonl"), "held before\n");
    char *want_good = cat("%s%s%s%s", good[0], good[1], good[2], good[3]);
    char *want_q = cat("held before\n%s%s%s%s%s", bad[0], bad[1], bad[2], bad[3], bad[4]);

    store s;
    open_ok(&s, dir, "id1");
    assert_file_is(in_dir(dir, "results.jsonl"), want_good);
    assert_file_is(in_dir(dir, "quarantine.jsonl"), want_q);
    struct stat st;
    ck_assert_int_eq(stat(in_dir(dir, "results.jsonl.tmp"), &st), -1);
    ck_assert_int_eq(s.quarantined, 5);
    ck_assert_int_eq(s.torn_bytes, (long)strlen(torn));
    ck_assert_int_eq(s.n_warn, 5);
    long want_lines[] = { 2, 4, 5, 7, 9 };
    for (int i = 0; i < 5; i++) ck_assert_int_eq(s.warn_line[i], want_lines[i]);
    ck_assert_msg(strstr(s.warn[1], "another sweep") != NULL, "%s", s.warn[1]);
    ck_assert_msg(strstr(s.warn[3], "key is 0") != NULL, "%s", s.warn[3]);
    int failed, attempt;
    ck_assert_int_eq(store_lookup(&s, KA, &failed, &attempt), 1);
    ck_assert(failed == 0 && attempt == 2);
    ck_assert_int_eq(store_lookup(&s, KB, &failed, &attempt), 1);
    ck_assert(failed == 0 && attempt == 1);
    ck_assert_int_eq(store_lookup(&s, KC, &failed, &attempt), 1);
    ck_assert(failed == 1 && attempt == 3);
    ck_assert_int_eq(store_lookup(&s, KD, &failed, &attempt), 0); /* only in bad lines and the torn tail */
    ck_assert_uint_eq(s.count, 3);
    /* appends go after the good lines */
    const char *more = "appended\n";
    ck_assert_int_eq(store_commit(&s, more, strlen(more)), 0);
    store_close(&s);
    char *after = cat("%s%s", want_good, more);
    assert_file_is(in_dir(dir, "results.jsonl"), after);
    free(after);

    /* reopening: "appended" is a bad line now, and only it moves */
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(s.quarantined, 1);
    ck_assert_int_eq(s.torn_bytes, 0);
    ck_assert_int_eq(s.warn_line[0], 5);
    assert_file_is(in_dir(dir, "results.jsonl"), want_good);
    char *want_q2 = cat("%s%s", want_q, more);
    assert_file_is(in_dir(dir, "quarantine.jsonl"), want_q2);
    store_close(&s);
    /* and once more: nothing moves */
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(s.quarantined, 0);
    ck_assert_uint_eq(s.count, 3);
    store_close(&s);
    assert_file_is(in_dir(dir, "results.jsonl"), want_good);
    assert_file_is(in_dir(dir, "quarantine.jsonl"), want_q2);

    for (int i = 0; i < 4; i++) free(good[i]);
    for (int i = 0; i < 5; i++) free(bad[i]);
    free(text);
    free(want_good);
    free(want_q);
    free(want_q2);
}
END_TEST

/* Only a torn tail: cut, no quarantine file. */
START_TEST(test_open_cuts_torn_tail)
{
    char dir[256];
    scratch_dir(dir);
    put_manifest(dir, "s", "id1");
    char *a = hand_record("00000000000000a1", "s", 0, "ok", NULL, 1);
    char *b = hand_record("00000000000000b2", "s", 0, "ok", NULL, 1);
    b[strlen(b) - 1] = '\0'; /* a whole record but its newline */
    char *text = cat("%s%s", a, b);
    put_text(in_dir(dir, "results.jsonl"), text);
    store s;
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(s.torn_bytes, (long)strlen(b));
    ck_assert_int_eq(s.quarantined, 0);
    ck_assert_int_eq(store_lookup(&s, KA, NULL, NULL), 1);
    ck_assert_int_eq(store_lookup(&s, KB, NULL, NULL), 0);
    store_close(&s);
    assert_file_is(in_dir(dir, "results.jsonl"), a);
    struct stat st;
    ck_assert_int_eq(stat(in_dir(dir, "quarantine.jsonl"), &st), -1);
    free(a);
    free(b);
    free(text);
}
END_TEST

/* Every file of dir, name and bytes, sorted, as one string. */
static char *snapshot(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    ck_assert_int_ge(n, 0);
    char *all = cat("%s", "");
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            char *bytes = get_file(in_dir(dir, names[i]->d_name), NULL);
            char *next = cat("%s== %s\n%s", all, names[i]->d_name, bytes ? bytes : "(unreadable)");
            free(bytes);
            free(all);
            all = next;
        }
        free(names[i]);
    }
    free(names);
    return all;
}

/* A folder of another sweep is refused and left as it was, torn tail and bad lines included. */
START_TEST(test_other_identity_untouched)
{
    char dir[256];
    scratch_dir(dir);
    store s;
    open_ok(&s, dir, "id1");
    char *a = hand_record("00000000000000a1", "s", 0, "ok", NULL, 1);
    char *lines = cat("%sgarbage\n%s{\"torn", a, a);
    ck_assert_int_eq(store_commit(&s, lines, strlen(lines)), 0);
    store_close(&s);
    char *before = snapshot(dir);
    err[0] = '\0';
    ck_assert_int_eq(store_open(&s, dir, "s2", "id2", err, sizeof err), -2);
    ck_assert_msg(strstr(err, "'s', identity id1") != NULL && strstr(err, "'s2', identity id2") != NULL, "%s", err);
    ck_assert_int_eq(s.fd, -1);
    ck_assert_int_eq(s.lock_fd, -1);
    char *after = snapshot(dir);
    ck_assert_str_eq(after, before);
    /* the lock was released: the right sweep opens it */
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(s.quarantined, 1);
    store_close(&s);
    free(a);
    free(lines);
    free(before);
    free(after);
}
END_TEST

/* results.jsonl without a manifest, or a manifest that is not one: refused, untouched. */
START_TEST(test_unmatched_folder_untouched)
{
    char dir[256];
    scratch_dir(dir);
    put_text(in_dir(dir, "results.jsonl"), "anything\n");
    put_text(in_dir(dir, "lock"), "");
    char *before = snapshot(dir);
    store s;
    ck_assert_int_eq(store_open(&s, dir, "s", "id1", err, sizeof err), -2);
    ck_assert_msg(strstr(err, "no manifest.json") != NULL, "%s", err);
    char *after = snapshot(dir);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
    scratch_dir(dir);
    put_text(in_dir(dir, "manifest.json"), "[1, 2]\n");
    put_text(in_dir(dir, "lock"), "");
    before = snapshot(dir);
    ck_assert_int_eq(store_open(&s, dir, "s", "id1", err, sizeof err), -2);
    ck_assert_msg(strstr(err, "manifest.json") != NULL, "%s", err);
    after = snapshot(dir);
    ck_assert_str_eq(after, before);
    free(before);
    free(after);
}
END_TEST

/* A folder whose lock another open file holds is refused; released, it opens. */
START_TEST(test_lock_held)
{
    char dir[256];
    scratch_dir(dir);
    store s, t;
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(store_open(&t, dir, "s", "id1", err, sizeof err), -2); /* a second writer */
    ck_assert_msg(strstr(err, "another mlpvar sweep is writing") != NULL, "%s", err);
    store_close(&s);
    int fd = open(in_dir(dir, "lock"), O_RDWR);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX | LOCK_NB), 0);
    char *before = snapshot(dir);
    ck_assert_int_eq(store_open(&t, dir, "s", "id1", err, sizeof err), -2);
    ck_assert_msg(strstr(err, "another mlpvar sweep is writing") != NULL, "%s", err);
    char *after = snapshot(dir);
    ck_assert_str_eq(after, before);
    ck_assert_int_eq(flock(fd, LOCK_UN), 0);
    open_ok(&t, dir, "id1");
    store_close(&t);
    close(fd);
    free(before);
    free(after);
}
END_TEST

/* results.jsonl that is a folder: an error, not a crash. */
START_TEST(test_results_is_a_folder)
{
    char dir[256];
    scratch_dir(dir);
    put_manifest(dir, "s", "id1");
    ck_assert_int_eq(mkdir(in_dir(dir, "results.jsonl"), 0777), 0);
    store s;
    ck_assert_int_eq(store_open(&s, dir, "s", "id1", err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
}
END_TEST

/* store_commit appends exactly the bytes given, one fsync each. */
START_TEST(test_commit_bytes_and_fsyncs)
{
    char dir[256];
    scratch_dir(dir);
    store s;
    open_ok(&s, dir, "id1");
    ck_assert_int_eq(s.fsyncs, 0);
    static const char *groups[] = { "a\n", "bb\nccc\n", "\n", "{\"x\": \"\\u0000\"}\n" };
    for (int i = 0; i < 4; i++) ck_assert_int_eq(store_commit(&s, groups[i], strlen(groups[i])), 0);
    ck_assert_int_eq(s.fsyncs, 4);
    char big[200001];
    for (int i = 0; i < 200000; i++) big[i] = (char)('a' + i % 26);
    big[199999] = '\n';
    big[200000] = '\0';
    ck_assert_int_eq(store_commit(&s, big, 200000), 0);
    ck_assert_int_eq(s.fsyncs, 5);
    char *want = cat("a\nbb\nccc\n\n{\"x\": \"\\u0000\"}\n%s", big);
    assert_file_is(in_dir(dir, "results.jsonl"), want);
    /* a write error: -1 with errno, not counted */
    int ro = open(in_dir(dir, "results.jsonl"), O_RDONLY);
    ck_assert_int_ge(ro, 0);
    ck_assert_int_ge(dup2(ro, s.fd), 0);
    close(ro);
    errno = 0;
    ck_assert_int_eq(store_commit(&s, "z\n", 2), -1);
    ck_assert_int_eq(errno, EBADF);
    ck_assert_int_eq(s.fsyncs, 5);
    store_close(&s);
    assert_file_is(in_dir(dir, "results.jsonl"), want);
    free(want);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("store");
    TCase *tc = scratch_tcase("store");
    tcase_add_test(tc, test_hash_values);
    tcase_add_test(tc, test_map_many_keys);
    tcase_add_test(tc, test_open_creates_parents);
    tcase_add_test(tc, test_open_quarantines);
    tcase_add_test(tc, test_open_cuts_torn_tail);
    tcase_add_test(tc, test_other_identity_untouched);
    tcase_add_test(tc, test_unmatched_folder_untouched);
    tcase_add_test(tc, test_lock_held);
    tcase_add_test(tc, test_results_is_a_folder);
    tcase_add_test(tc, test_commit_bytes_and_fsyncs);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
