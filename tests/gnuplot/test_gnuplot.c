/* Check tests of the gnuplot harness (src/analysis/gnuplot.c).
 *
 * usage: test_gnuplot harness   what needs no gnuplot: PATH search, a fake
 *                               gnuplot (its argv, stdin, error line, exit by
 *                               signal, no PNG), missing gnuplot, the folder
 *                               under $TMPDIR made and removed on every path;
 *        test_gnuplot gnuplot   with the real gnuplot (exit 77, a skip, when it
 *                               is not on PATH): every string written by gp_str
 *                               comes back from gnuplot's own `print` byte for
 *                               byte, a PNG lands at a path full of quotes,
 *                               special names stay plain files, a bad script
 *                               gives -1 with gnuplot's error line.
 * Every test runs with TMPDIR set to a private folder whose name holds ' " \ `
 * @ # $ | and a space, and counts its entries before and after. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "gallery.h"
#include "gnuplot.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the private folders ---- */

static char base[256]; /* this test's own folder */
static char tmpdir[512]; /* base/<odd name>: the TMPDIR of every job */
static const char *outer_tmp = "/tmp"; /* the TMPDIR this test was given */
static const char ODD[] = "tmp 'q' \"d\" b\\s `x` @v #c $h |p";

static void setup(void)
{
    snprintf(base, sizeof base, "%s/test-gnuplot-XXXXXX", outer_tmp);
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(tmpdir, sizeof tmpdir, "%s/%s", base, ODD);
    ck_assert_int_eq(mkdir(tmpdir, 0700), 0);
    ck_assert_int_eq(setenv("TMPDIR", tmpdir, 1), 0);
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    if (base[0]) nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "cannot list %s", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static char *slurp(const char *path, long *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *s = malloc(1 << 20);
    ck_assert_ptr_nonnull(s);
    size_t n = fread(s, 1, (1 << 20) - 1, f);
    s[n] = '\0';
    fclose(f);
    if (len) *len = (long)n;
    return s;
}

static void spit(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
    ck_assert_int_eq(chmod(path, mode), 0);
}

/* A fake gnuplot: base/bin/gnuplot running SCRIPT (sh), first on PATH. */
static void fake_gnuplot(const char *script)
{
    char bin[300], exe[320], path[400], text[4096];
    snprintf(bin, sizeof bin, "%s/bin", base);
    mkdir(bin, 0700);
    snprintf(exe, sizeof exe, "%s/gnuplot", bin);
    snprintf(text, sizeof text, "#!/bin/sh\n%s\n", script);
    spit(exe, text, 0755);
    snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
    ck_assert_int_eq(setenv("PATH", path, 1), 0);
}

/* ---- without gnuplot ---- */

START_TEST(which_needs_an_executable_file)
{
    char d[3][300], p[320], path[1200], found[GP_PATH];
    const char *names[3] = { "a-dir", "not-executable", "bin" };
    for (int i = 0; i < 3; i++) {
        snprintf(d[i], sizeof d[i], "%s/%s", base, names[i]);
        ck_assert_int_eq(mkdir(d[i], 0700), 0);
    }
    snprintf(p, sizeof p, "%s/gnuplot", d[0]);
    ck_assert_int_eq(mkdir(p, 0755), 0); /* a folder called gnuplot */
    snprintf(p, sizeof p, "%s/gnuplot", d[1]);
    spit(p, "#!/bin/sh\n", 0644); /* a file without x bits */
    snprintf(path, sizeof path, "%s/missing:%s:%s", base, d[0], d[1]);
    setenv("PATH", path, 1);
    ck_assert_int_eq(gp_which(found, sizeof found), -1);
    snprintf(p, sizeof p, "%s/gnuplot", d[2]);
    spit(p, "#!/bin/sh\n", 0755);
    snprintf(path, sizeof path, "%s/missing:%s:%s:%s", base, d[0], d[1], d[2]);
    setenv("PATH", path, 1);
    ck_assert_int_eq(gp_which(found, sizeof found), 0);
    ck_assert_str_eq(found, p);
    /* an empty PATH element is the current folder, as for execvp */
    ck_assert_int_eq(chdir(d[2]), 0);
    setenv("PATH", "/nonexistent::", 1);
    ck_assert_int_eq(gp_which(found, sizeof found), 0);
    ck_assert_str_eq(found, "./gnuplot");
}
END_TEST

/* The escaping rules of gnuplot.h, byte by byte (the real gnuplot reads them
 * back in string_round_trip). */
START_TEST(literal_text)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    gp_str(f, "a'b\"c\\d`e\nf\rg\th\x1bi\x7fj@k#l$m\xc3\xa9");
    fputc('|', f);
    gp_file(f, "|cmd");
    fputc('|', f);
    gp_file(f, "/abs/x\"y");
    fputc('|', f);
    gp_str(f, "\x01"
              "7"); /* a digit after an octal escape stays a digit */
    fclose(f);
    ck_assert_str_eq(
        buf, "\"a'b\\\"c\\\\d\\`e\\nf\\rg\\th\\0033i\\0177j@k#l$m\xc3\xa9\"|\"./|cmd\"|\"/abs/x\\\"y\"|\"\\00017\"");
    free(buf);
}
END_TEST

/* A fake gnuplot sees argv "-d FOLDER/plot.gp" with FOLDER in TMPDIR, stdin
 * empty, the script as written; its PNG is moved to the odd path given. */
START_TEST(fake_gnuplot_argv_and_png)
{
    char rec[300], script[2048], png[1024], path[400], err[512] = "";
    snprintf(rec, sizeof rec, "%s/rec", base);
    snprintf(
        script, sizeof script,
        "printf '%%s\\n' \"$@\" >'%s.argv'; cat >'%s.stdin'; cp \"$2\" '%s.gp'; printf 'not really a PNG' >\"${2%%/plot.gp}/out.png\"",
        rec, rec, rec);
    fake_gnuplot(script);
    snprintf(png, sizeof png, "%s/it's \"a\" b\\s @x.png", base);
    snprintf(path, sizeof path, "%s/in.txt", base); /* our stdin has text; gnuplot's must not */
    spit(path, "the test's own stdin\n", 0600);
    ck_assert_ptr_nonnull(freopen(path, "r", stdin));
    int before = entries(tmpdir);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo size 10,10", err, sizeof err), 0);
    ck_assert_int_eq(entries(tmpdir), before + 1);
    ck_assert_int_eq(strncmp(j.dir, tmpdir, strlen(tmpdir)), 0);
    fputs("plot x\n", j.gp);
    char want_gp[GP_PATH + 256], dir[GP_PATH];
    snprintf(dir, sizeof dir, "%s", j.dir);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), 0);
    ck_assert_int_eq(entries(tmpdir), before);

    char want[GP_PATH + 32];
    snprintf(path, sizeof path, "%s.argv", rec);
    snprintf(want, sizeof want, "-d\n%s/plot.gp\n", dir);
    char *got = slurp(path, NULL);
    ck_assert_str_eq(got, want);
    free(got);
    snprintf(path, sizeof path, "%s.stdin", rec);
    got = slurp(path, NULL);
    ck_assert_str_eq(got, "");
    free(got);
    /* the script: terminal, output (the job's own PNG, quoted), ours, the tail */
    snprintf(path, sizeof path, "%s.gp", rec);
    got = slurp(path, NULL);
    char *q = NULL;
    size_t ql = 0;
    FILE *qf = open_memstream(&q, &ql);
    snprintf(want_gp, sizeof want_gp, "%s/out.png", dir);
    gp_file(qf, want_gp);
    fclose(qf);
    snprintf(want_gp, sizeof want_gp,
             "set terminal pngcairo size 10,10\nset output %s\nplot x\nunset multiplot\nunset output\n", q);
    ck_assert_str_eq(got, want_gp);
    free(q);
    free(got);
    got = slurp(png, NULL);
    ck_assert_msg(got != NULL, "no file at %s", png);
    ck_assert_str_eq(got, "not really a PNG");
    free(got);
}
END_TEST

/* A failing gnuplot: -1, its exit status and its first error line (not a
 * warning, without the script's path); the folder is gone, no PNG. */
START_TEST(fake_gnuplot_fails)
{
    fake_gnuplot("echo chatter; echo '\"/x/plot.gp\" line 7: warning: only a warning' >&2;"
                 "echo '\"/x/plot.gp\" line 9: the real error' >&2; echo '\"/x/plot.gp\" line 10: later' >&2; exit 3");
    char png[1024], err[512] = "";
    snprintf(png, sizeof png, "%s/out.png", base);
    int before = entries(tmpdir);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot failed (exit 3): line 9: the real error");
    ck_assert_int_eq(entries(tmpdir), before);
    ck_assert_int_ne(access(png, F_OK), 0);

    fake_gnuplot("echo 'no line number here' >&2; exit 1");
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot failed (exit 1): no line number here");

    fake_gnuplot("echo 'about to die' >&2; kill -9 $$");
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot was killed by signal 9: about to die");

    fake_gnuplot("exit 0"); /* success without a PNG */
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot exited 0 but drew no PNG");
    ck_assert_int_eq(entries(tmpdir), before);
    ck_assert_int_ne(access(png, F_OK), 0);
}
END_TEST

/* No gnuplot on PATH, a PNG that cannot be written, a TMPDIR that does not
 * exist, a job given up: -1 with what failed, nothing left behind. */
START_TEST(errors_leave_nothing)
{
    char png[1024], err[512] = "";
    int before = entries(tmpdir);
    gp_job j;
    setenv("PATH", "/nonexistent", 1);
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    char data[GP_PATH];
    FILE *d = gp_data(&j, data, sizeof data, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(strncmp(data, j.dir, strlen(j.dir)), 0);
    fputs("1 2\n", d);
    fclose(d);
    snprintf(png, sizeof png, "%s/out.png", base);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "gnuplot not found on PATH"));
    ck_assert_int_eq(entries(tmpdir), before);

    fake_gnuplot("printf x >\"${2%/plot.gp}/out.png\"");
    snprintf(png, sizeof png, "%s/no such folder/out.png", base);
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot write"));
    ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
    ck_assert_int_eq(entries(tmpdir), before);

    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), 0);
    for (int i = 0; i < 3; i++) {
        d = gp_data(&j, data, sizeof data, err, sizeof err);
        ck_assert_ptr_nonnull(d);
        fclose(d);
    }
    ck_assert_int_eq(entries(tmpdir), before + 1);
    ck_assert_int_eq(gp_discard(&j, err, sizeof err), 0);
    ck_assert_int_eq(entries(tmpdir), before);
    ck_assert_int_eq(gp_discard(&j, err, sizeof err), 0); /* twice is harmless */

    char gone[1100];
    snprintf(gone, sizeof gone, "%s/missing", base);
    setenv("TMPDIR", gone, 1);
    ck_assert_int_eq(gp_open(&j, "pngcairo", err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "cannot make a temporary folder in"));
    ck_assert_int_eq(access(gone, F_OK), -1);
}
END_TEST

/* ---- with the real gnuplot ---- */

/* Strings through gp_str into a script and back out of gnuplot's `print` (to a
 * file named by gp_file), byte for byte; a command in backquotes never runs. */
START_TEST(string_round_trip)
{
    char out[1024], pwned[1024], err[512] = "";
    snprintf(out, sizeof out, "%s/printed 'it' \"x\" b\\s `y` @z #w $v.txt", base);
    snprintf(pwned, sizeof pwned, "%s/pwned", base);
    char bq[1200];
    snprintf(bq, sizeof bq, "`touch '%s'`", pwned);
    const char *strings[] = {
        "plain",
        "'",
        "''",
        "'''a'",
        "a''''b",
        "\"",
        "\\",
        "a\\",
        "\\\\n",
        "\\\"",
        "\\U+263A",
        bq,
        "@v",
        "@GPVAL_TERM",
        "# not a comment",
        "$data",
        "{1,2}",
        "tab\there",
        "line\nbreak",
        "cr\rhere",
        "esc\x1b"
        "1",
        "del\x7f",
        "\x01"
        "7",
        "utf8 \xc3\xa9\xe2\x82\xac",
        "ends with a backslash \\",
        "",
        "|pipe",
        "<in",
        "-",
        "+",
        "~home",
        "a;b",
        "x' . system('touch pwned') . '",
    };
    size_t n = sizeof strings / sizeof *strings;
    int before = entries(tmpdir);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo size 64,64", err, sizeof err), 0);
    fputs("v = 'V'\nset print ", j.gp); /* a macro @v would expand */
    gp_file(j.gp, out);
    fputc('\n', j.gp);
    char *want = malloc(1 << 16);
    ck_assert_ptr_nonnull(want);
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        fputs("print ", j.gp);
        gp_str(j.gp, strings[i]);
        fputc('\n', j.gp);
        w += (size_t)sprintf(want + w, "%s\n", strings[i]);
    }
    fputs("unset print\nplot x\n", j.gp);
    char png[1024];
    snprintf(png, sizeof png, "%s/p.png", base);
    ck_assert_msg(gp_run(&j, png, err, sizeof err) == 0, "gp_run: %s", err);
    long len = 0;
    char *got = slurp(out, &len);
    ck_assert_msg(got != NULL, "gnuplot printed nothing to %s", out);
    ck_assert_int_eq(len, (long)w);
    for (size_t i = 0, o = 0; i < n; i++) { /* the first string that differs, if any */
        size_t l = strlen(strings[i]) + 1;
        ck_assert_msg(!memcmp(got + o, want + o, l), "string %zu (%s) came back as %.*s", i, strings[i], (int)l,
                      got + o);
        o += l;
    }
    ck_assert_int_eq(access(pwned, F_OK), -1);
    ck_assert_int_eq(entries(tmpdir), before);
    free(got);
    free(want);
}
END_TEST

/* gp_file keeps relative names plain files: a pipe, stdout, a datablock, a
 * tilde, a pseudo-file each become a file of that name in the current folder. */
START_TEST(special_names_are_files)
{
    static const char *const names[] = { "|echo piped", "-", "+", "++", "$block", "~tilde", "<in", "@@", "-e" };
    char err[512] = "", png[1024];
    ck_assert_int_eq(chdir(base), 0);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo size 64,64", err, sizeof err), 0);
    for (int i = 0; i < 9; i++) {
        fputs("set print ", j.gp);
        gp_file(j.gp, names[i]);
        fprintf(j.gp, "\nprint 'file %d'\nunset print\n", i);
    }
    fputs("plot x\n", j.gp);
    snprintf(png, sizeof png, "%s/p.png", base);
    ck_assert_msg(gp_run(&j, png, err, sizeof err) == 0, "gp_run: %s", err);
    for (int i = 0; i < 9; i++) {
        char want[32], *got = slurp(names[i], NULL);
        snprintf(want, sizeof want, "file %d\n", i);
        ck_assert_msg(got != NULL, "no file '%s'", names[i]);
        ck_assert_str_eq(got, want);
        free(got);
    }
}
END_TEST

static int is_png(const char *path)
{
    long n = 0;
    char *s = slurp(path, &n);
    int ok = s && n > 8 && !memcmp(s, "\x89PNG\r\n\x1a\n", 8);
    free(s);
    return ok;
}

/* A PNG lands exactly at a path with ' " \ ` a space and odd characters, from
 * a job and from the landscape gallery; the folder under TMPDIR is gone. */
START_TEST(png_at_odd_path)
{
    char png[1024], err[512] = "";
    snprintf(png, sizeof png, "%s/it's \"a\" b\\s sp `x` @y #z $w |p \xc3\xa9.png", base);
    int before = entries(tmpdir), files = entries(base);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo size 120,90", err, sizeof err), 0);
    char data[GP_PATH];
    FILE *d = gp_data(&j, data, sizeof data, err, sizeof err);
    ck_assert_ptr_nonnull(d);
    fputs("0 0\n1 1\n", d);
    fclose(d);
    fputs("plot ", j.gp);
    gp_file(j.gp, data);
    fputs(" with lines title ", j.gp);
    gp_str(j.gp, png);
    fputc('\n', j.gp);
    ck_assert_msg(gp_run(&j, png, err, sizeof err) == 0, "gp_run: %s", err);
    ck_assert_msg(is_png(png), "no PNG at %s", png);
    ck_assert_int_eq(entries(base), files + 1); /* that one file, nowhere else */
    ck_assert_int_eq(entries(tmpdir), before);

    ck_assert_int_eq(unlink(png), 0);
    mlpv_spec spec = mlpv_spec_default(MLPV_RELU, 2, 8);
    gallery_opts go = { &spec, 1, 1, mlpv_grid_defaults(16), 3, 1e-3, 1 };
    ck_assert_msg(landscape_gallery(&go, png, err, sizeof err) == 0, "gallery: %s", err);
    ck_assert_msg(is_png(png), "no gallery PNG at %s", png);
    ck_assert_int_eq(entries(base), files + 1);
    ck_assert_int_eq(entries(tmpdir), before);
}
END_TEST

/* A bad script: -1, gnuplot's exit status and its own message for line 3 (the
 * terminal and the output take lines 1 and 2); no PNG, no folder left. */
START_TEST(bad_script)
{
    char png[1024], err[512] = "";
    snprintf(png, sizeof png, "%s/bad.png", base);
    int before = entries(tmpdir);
    gp_job j;
    ck_assert_int_eq(gp_open(&j, "pngcairo size 64,64", err, sizeof err), 0);
    fputs("set frobnicate\nplot x\n", j.gp);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot failed (exit 1): line 3: unrecognized option - see 'help set'.");
    ck_assert_int_ne(access(png, F_OK), 0);
    ck_assert_int_eq(entries(tmpdir), before);

    ck_assert_int_eq(gp_open(&j, "pngcairo size 64,64", err, sizeof err), 0);
    fputs("plot ", j.gp);
    gp_file(j.gp, "/nonexistent/data.dat");
    fputc('\n', j.gp);
    ck_assert_int_eq(gp_run(&j, png, err, sizeof err), -1);
    ck_assert_str_eq(err, "gnuplot failed (exit 1): line 3: No data in plot");
    ck_assert_int_eq(entries(tmpdir), before);
}
END_TEST

int main(int argc, char **argv)
{
    int real = argc > 1 && !strcmp(argv[1], "gnuplot");
    if (argc < 2 || (!real && strcmp(argv[1], "harness"))) {
        fprintf(stderr, "usage: test_gnuplot harness|gnuplot\n");
        return 2;
    }
    const char *t = getenv("TMPDIR");
    if (t && *t) outer_tmp = strdup(t);
    char found[GP_PATH];
    if (!outer_tmp) return EXIT_FAILURE;
    if (real && gp_which(found, sizeof found) != 0) {
        printf("gnuplot is not on PATH: skipped\n");
        return 77;
    }
    Suite *s = suite_create("gnuplot");
    TCase *tc = tcase_create(real ? "gnuplot" : "harness");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    if (real) {
        tcase_add_test(tc, string_round_trip);
        tcase_add_test(tc, special_names_are_files);
        tcase_add_test(tc, png_at_odd_path);
        tcase_add_test(tc, bad_script);
    } else {
        tcase_add_test(tc, which_needs_an_executable_file);
        tcase_add_test(tc, literal_text);
        tcase_add_test(tc, fake_gnuplot_argv_and_png);
        tcase_add_test(tc, fake_gnuplot_fails);
        tcase_add_test(tc, errors_leave_nothing);
    }
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
