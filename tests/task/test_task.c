/* Tests of task.h. Labels against hand-written tables, hand-derived boundary
 * points and the literal formulas of the definitions (sin, atan2, hypot); label
 * balance against areas derived in closed form; samples against the moments of
 * U(-1,1); the grid against its formula and the landscape's grid; the CSV reader
 * on good and bad files; the split against counting arguments. */
#include <check.h>
#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlpvar/landscape.h"
#include "mlpvar/rng.h"
#include "mlpvar/task.h"

#define N_BAL 100000

static double lab(mlpv_task_kind k, int knob, double a, double b) { return mlpv_task_label(k, knob, a, b); }

/* Uniform points on [-a, a]^2 from an rng independent of the sampler's stream. */
static void rand_points(long n, uint64_t seed, double a, double *x)
{
    mlpv_rng_uniform(seed, 77, 0, (size_t)(2 * n), x);
    for (long i = 0; i < 2 * n; i++) x[i] = a * (2.0 * x[i] - 1.0);
}

START_TEST(test_names)
{
    const char *names[] = { "checkerboard", "rings", "sines", "spirals", "csv" };
    for (int k = 0; k < MLPV_TASK_COUNT; k++) {
        mlpv_task_kind got;
        ck_assert_str_eq(mlpv_task_name((mlpv_task_kind)k), names[k]);
        ck_assert_int_eq(mlpv_task_parse(names[k], &got), 0);
        ck_assert_int_eq(got, k);
        ck_assert_ptr_nonnull(strstr(mlpv_task_names(), names[k]));
    }
    mlpv_task_kind got;
    ck_assert_int_eq(mlpv_task_parse("checker", &got), -1);
    ck_assert_int_eq(mlpv_task_parse("", &got), -1);
    ck_assert_str_eq(mlpv_task_name(MLPV_TASK_COUNT), "?");
    ck_assert(lab(MLPV_TASK_CSV, 2, 0.1, 0.1) == 0.0);
    ck_assert(lab(MLPV_TASK_CHECKERBOARD, 0, 0.1, 0.1) == 0.0);
    ck_assert(lab(MLPV_TASK_CHECKERBOARD, 2, NAN, 0.1) == 0.0);
}
END_TEST

/* Cell centres, written out by hand: row r of the table is x2 = centre r, the
 * character c of it is x1 = centre c; (-1,-1) is +1. */
START_TEST(test_checkerboard_centres)
{
    const char *b2[2] = { "+-", "-+" };
    const char *b8[8] = {
        "+-+-+-+-", "-+-+-+-+", "+-+-+-+-", "-+-+-+-+", "+-+-+-+-", "-+-+-+-+", "+-+-+-+-", "-+-+-+-+"
    };
    const double c2[2] = { -0.5, 0.5 };
    const double c8[8] = { -0.875, -0.625, -0.375, -0.125, 0.125, 0.375, 0.625, 0.875 };
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
            ck_assert(lab(MLPV_TASK_CHECKERBOARD, 2, c2[c], c2[r]) == (b2[r][c] == '+' ? 1 : -1));
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++)
            ck_assert_msg(lab(MLPV_TASK_CHECKERBOARD, 8, c8[c], c8[r]) == (b8[r][c] == '+' ? 1 : -1),
                          "8x8 cell x1 %d x2 %d", c, r);
    /* c = 1: one cell, +1 everywhere */
    ck_assert(lab(MLPV_TASK_CHECKERBOARD, 1, 0.99, -0.3) == 1.0);
}
END_TEST

START_TEST(test_checkerboard_boundaries)
{
    const mlpv_task_kind C = MLPV_TASK_CHECKERBOARD;
    /* 2x2: x = 0 goes to the higher cell, x = 1 stays in the last one */
    ck_assert(lab(C, 2, 0.0, -0.5) == -1.0); /* cell (1,0) */
    ck_assert(lab(C, 2, -0.0, -0.5) == -1.0);
    ck_assert(lab(C, 2, 0.0, 0.0) == 1.0); /* (1,1) */
    ck_assert(lab(C, 2, -1.0, -1.0) == 1.0); /* (0,0) */
    ck_assert(lab(C, 2, 1.0, 1.0) == 1.0); /* (1,1) */
    ck_assert(lab(C, 2, 1.0, -1.0) == -1.0); /* (1,0) */
    ck_assert(lab(C, 2, nextafter(0.0, -1.0), -0.5) == 1.0);
    /* 8x8: boundary 0.25 starts cell 5; just below is cell 4 */
    ck_assert(lab(C, 8, 0.25, -0.9) == -1.0);
    ck_assert(lab(C, 8, nextafter(0.25, 0.0), -0.9) == 1.0);
    ck_assert(lab(C, 8, -0.75, -0.9) == -1.0); /* cell 1 */
    /* 3x3, boundaries -1/3 and 1/3: the double 1.0/3 lies below 1/3 (binary
     * 0.0101... rounds down), so it is still in cell 1; the next double up is in
     * cell 2. -(1.0/3) lies above -1/3: cell 1; the next double down: cell 0. */
    double t = 1.0 / 3.0;
    ck_assert(lab(C, 3, t, -0.9) == -1.0);
    ck_assert(lab(C, 3, nextafter(t, 1.0), -0.9) == 1.0);
    ck_assert(lab(C, 3, -t, -0.9) == -1.0);
    ck_assert(lab(C, 3, nextafter(-t, -1.0), -0.9) == 1.0);
    /* away from boundaries, the naive cell formula */
    double *x = malloc(sizeof(double) * 20000);
    rand_points(10000, 1, 1.0, x);
    for (int c = 1; c <= 9; c++)
        for (int p = 0; p < 10000; p++) {
            double a = (x[2 * p] + 1) * c / 2, b = (x[2 * p + 1] + 1) * c / 2;
            if (fabs(a - round(a)) < 1e-9 || fabs(b - round(b)) < 1e-9) continue;
            double want = (((long)floor(a) + (long)floor(b)) % 2) ? -1.0 : 1.0;
            ck_assert(lab(C, c, x[2 * p], x[2 * p + 1]) == want);
        }
    free(x);
}
END_TEST

START_TEST(test_rings)
{
    const mlpv_task_kind R = MLPV_TASK_RINGS;
    ck_assert(lab(R, 2, 0.0, 0.0) == 1.0);
    ck_assert(lab(R, 2, 0.5, 0.5) == -1.0); /* |x| = sqrt(1/2): exactly on m = 1 */
    ck_assert(lab(R, 2, nextafter(0.5, 0), 0.5) == 1.0);
    ck_assert(lab(R, 2, 0.9, 0.9) == -1.0); /* 2 * 0.9 = 1.8 */
    ck_assert(lab(R, 2, 1.0, 1.0) == 1.0); /* the corner: m = k = 2 */
    ck_assert(lab(R, 2, 1.0, 0.0) == -1.0); /* 2 / sqrt 2 = 1.41 */
    ck_assert(lab(R, 4, 0.25, 0.25) == -1.0); /* m = 1 */
    ck_assert(lab(R, 4, 0.5, -0.5) == 1.0); /* m = 2 */
    ck_assert(lab(R, 4, -0.75, 0.75) == -1.0); /* m = 3 */
    ck_assert(lab(R, 4, nextafter(0.75, 0), nextafter(0.75, 0)) == 1.0);
    /* off the diagonal: 0.875^2 + 0.125^2 = 50/64 = 2 (5/8)^2, on m = 5 for k = 8 */
    ck_assert(lab(R, 8, 0.875, 0.125) == -1.0);
    ck_assert(lab(R, 8, 0.875, nextafter(0.125, 0)) == 1.0);
    ck_assert(lab(R, 1, 0.99, 0.99) == 1.0); /* k = 1: one ring */
    double *x = malloc(sizeof(double) * 20000);
    rand_points(10000, 2, 1.0, x);
    for (int k = 1; k <= 9; k++)
        for (int p = 0; p < 10000; p++) {
            double m = k * hypot(x[2 * p], x[2 * p + 1]) / sqrt(2.0);
            if (fabs(m - round(m)) < 1e-9) continue;
            ck_assert(lab(R, k, x[2 * p], x[2 * p + 1]) == (((long)floor(m) % 2) ? -1.0 : 1.0));
        }
    free(x);
}
END_TEST

START_TEST(test_sines)
{
    const mlpv_task_kind S = MLPV_TASK_SINES;
    /* k = 1: the boundary x2 = sin(pi x1)/2 is 0.5 at x1 = 0.5, -0.5 at x1 = -0.5 */
    ck_assert(lab(S, 1, 0.5, 0.6) == 1.0);
    ck_assert(lab(S, 1, 0.5, 0.4) == -1.0);
    ck_assert(lab(S, 1, -0.5, -0.4) == 1.0);
    ck_assert(lab(S, 1, -0.5, -0.6) == -1.0);
    ck_assert(lab(S, 1, 0.0, 0.0) == 1.0); /* on the boundary: +1 */
    /* k = 2: at x1 = 0.25 the boundary is sin(pi/2)/2 = 0.5; at x1 = 0.75, -0.5 */
    ck_assert(lab(S, 2, 0.25, 0.45) == -1.0);
    ck_assert(lab(S, 2, 0.75, -0.45) == 1.0);
    /* not the checkerboard any more: a whole column x1 = 0.9 above the wave is +1 */
    ck_assert(lab(S, 3, 0.9, 0.9) == 1.0 && lab(S, 3, 0.9, 0.7) == 1.0);
    double *x = malloc(sizeof(double) * 20000);
    rand_points(10000, 3, 1.0, x);
    for (int k = 1; k <= 7; k++)
        for (int p = 0; p < 10000; p++) {
            double a = x[2 * p], b = x[2 * p + 1];
            ck_assert(lab(S, k, a, b) == (b >= 0.5 * sin(k * M_PI * a) ? 1.0 : -1.0));
        }
    free(x);
}
END_TEST

START_TEST(test_spirals)
{
    const mlpv_task_kind P = MLPV_TASK_SPIRALS;
    /* k = 1: at r = 1/4 arm A points along +x2 (theta = pi/2), arm B along -x2;
     * at r = 3/4 arm A is at 3 pi / 2 (-x2); at r = 1/2 arm A at pi (-x1). */
    ck_assert(lab(P, 1, 0.0, 0.25) == 1.0);
    ck_assert(lab(P, 1, 0.0, -0.25) == -1.0);
    ck_assert(lab(P, 1, 0.0, -0.75) == 1.0);
    ck_assert(lab(P, 1, 0.0, 0.75) == -1.0);
    ck_assert(lab(P, 1, -0.5, 0.0) == 1.0);
    ck_assert(lab(P, 1, 0.5, 0.0) == -1.0);
    ck_assert(lab(P, 1, 0.0, 0.0) == 1.0); /* origin: a tie */
    /* the definition literally: angular distances by atan2 and remainder */
    double *x = malloc(sizeof(double) * 40000);
    rand_points(20000, 4, 1.0, x);
    for (int k = 1; k <= 5; k++)
        for (int p = 0; p < 20000; p++) {
            double a = x[2 * p], b = x[2 * p + 1], th = atan2(b, a);
            double arm = 2 * M_PI * k * hypot(a, b);
            double dA = fabs(remainder(th - arm, 2 * M_PI)), dB = fabs(remainder(th - arm - M_PI, 2 * M_PI));
            if (fabs(dA - dB) < 1e-9) continue;
            ck_assert(lab(P, k, a, b) == (dA < dB ? 1.0 : -1.0));
        }
    free(x);
}
END_TEST

/* Area of the disc of radius R inside [-1,1]^2: pi R^2 less four circular
 * segments beyond the sides, R^2 acos(1/R) - sqrt(R^2 - 1) each, once R > 1. */
static double disc_in_square(double R)
{
    if (R >= sqrt(2.0)) return 4.0;
    if (R <= 1.0) return M_PI * R * R;
    return M_PI * R * R - 4.0 * (R * R * acos(1.0 / R) - sqrt(R * R - 1.0));
}

static void check_fraction(const char *what, long plus, long n, double p)
{
    double se = sqrt(p * (1 - p) / n), f = (double)plus / n;
    ck_assert_msg(fabs(f - p) < 5 * se, "%s: fraction of +1 %.5f, expected %.5f (SE %.5f)", what, f, p, se);
}

START_TEST(test_balance)
{
    mlpv_dataset d;
    char what[64];
    /* checkerboard: even c, exactly half of the cells are +1; odd c,
     * (c^2 + 1) / 2 of c^2 cells (the corners are +1) */
    for (int c = 1; c <= 8; c++) {
        ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_CHECKERBOARD, c, N_BAL, 100 + c, &d), 0);
        long plus = 0;
        for (long i = 0; i < d.n; i++) plus += d.y[i] > 0;
        snprintf(what, sizeof what, "checkerboard %d", c);
        if (c == 1) ck_assert_int_eq(plus, d.n);
        else check_fraction(what, plus, d.n, c % 2 ? (c * c + 1.0) / (2.0 * c * c) : 0.5);
        mlpv_dataset_free(&d);
    }
    /* sines: the area above x2 = sin(k pi x1)/2 over [-1,1]^2 is
     * int (1 - sin(k pi x1)/2) dx1 = 2 of 4 (the sine integrates to 0): 1/2 */
    for (int k = 1; k <= 5; k++) {
        ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_SINES, k, N_BAL, 200 + k, &d), 0);
        long plus = 0;
        for (long i = 0; i < d.n; i++) plus += d.y[i] > 0;
        snprintf(what, sizeof what, "sines %d", k);
        check_fraction(what, plus, d.n, 0.5);
        mlpv_dataset_free(&d);
    }
    /* rings: ring m is the annulus R_m <= |x| < R_{m+1}, R_m = m sqrt 2 / k; the +1
     * area is the sum over even m of the closed-form areas, over 4 (k = 1 is
     * +1 but at the corners, checked in test_rings) */
    for (int k = 2; k <= 7; k++) {
        double area = 0;
        for (int m = 0; m <= k; m += 2)
            area += disc_in_square((m + 1) * sqrt(2.0) / k) - disc_in_square(m * sqrt(2.0) / k);
        ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, k, N_BAL, 300 + k, &d), 0);
        long plus = 0;
        for (long i = 0; i < d.n; i++) plus += d.y[i] > 0;
        snprintf(what, sizeof what, "rings %d", k);
        check_fraction(what, plus, d.n, area / 4.0);
        mlpv_dataset_free(&d);
    }
    /* spirals: on every circle of radius r the +1 arc (within pi/2 of arm A) is
     * exactly half, so inside the unit disc the split is 1/2; the corners
     * beyond r = 1 see partial circles and are not balanced in general */
    for (int k = 1; k <= 4; k++) {
        ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_SPIRALS, k, N_BAL, 400 + k, &d), 0);
        long plus = 0, in = 0;
        for (long i = 0; i < d.n; i++)
            if (hypot(d.x[2 * i], d.x[2 * i + 1]) < 1.0) {
                in++;
                plus += d.y[i] > 0;
            }
        snprintf(what, sizeof what, "spirals %d (unit disc)", k);
        check_fraction(what, plus, in, 0.5);
        mlpv_dataset_free(&d);
    }
}
END_TEST

START_TEST(test_sample_determinism)
{
    mlpv_dataset a, b, c;
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 3, 1000, 42, &a), 0);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 3, 1000, 42, &b), 0);
    ck_assert_int_eq(a.n, 1000);
    ck_assert_int_eq(a.in_dim, 2);
    ck_assert_int_eq(a.out_dim, 1);
    ck_assert_int_eq(a.labels_pm1, 1);
    ck_assert_int_eq(memcmp(a.x, b.x, sizeof(double) * 2000), 0);
    ck_assert_int_eq(memcmp(a.y, b.y, sizeof(double) * 1000), 0);
    for (long i = 0; i < a.n; i++) ck_assert(a.y[i] == lab(MLPV_TASK_RINGS, 3, a.x[2 * i], a.x[2 * i + 1]));
    mlpv_dataset_free(&b);
    /* a different seed: (almost) every coordinate differs */
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 3, 1000, 43, &b), 0);
    long same = 0;
    for (long i = 0; i < 2000; i++) same += a.x[i] == b.x[i];
    ck_assert_int_lt(same, 5);
    mlpv_dataset_free(&b);
    /* a prefix: the first 10 points of any sample of the seed */
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 3, 10, 42, &b), 0);
    ck_assert_int_eq(memcmp(a.x, b.x, sizeof(double) * 20), 0);
    mlpv_dataset_free(&b);
    /* the knob does not move the points; the task does */
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 7, 1000, 42, &b), 0);
    ck_assert_int_eq(memcmp(a.x, b.x, sizeof(double) * 2000), 0);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_SINES, 3, 1000, 42, &c), 0);
    ck_assert_int_ne(memcmp(a.x, c.x, sizeof(double) * 2000), 0);
    mlpv_dataset_free(&a);
    mlpv_dataset_free(&b);
    mlpv_dataset_free(&c);
    /* bad arguments: -1 and a zeroed set */
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 3, 0, 1, &a), -1);
    ck_assert_ptr_null(a.x);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, 0, 10, 1, &a), -1);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_RINGS, MLPV_TASK_KNOB_MAX + 1, 10, 1, &a), -1);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_CSV, 3, 10, 1, &a), -1);
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_COUNT, 3, 10, 1, &a), -1);
    ck_assert_int_eq(a.n, 0);
}
END_TEST

/* U(-1,1): mean 0, variance 1/3 (Var x^2 = 1/5 - 1/9 = 4/45), E[x1 x2] = 0
 * (Var = 1/9); each within 5 standard errors. */
START_TEST(test_sample_uniform)
{
    mlpv_dataset d;
    ck_assert_int_eq(mlpv_task_sample(MLPV_TASK_CHECKERBOARD, 8, N_BAL, 9, &d), 0);
    for (int c = 0; c < 2; c++) {
        double s = 0, s2 = 0;
        for (long i = 0; i < d.n; i++) {
            double v = d.x[2 * i + c];
            ck_assert(v > -1.0 && v < 1.0);
            s += v;
            s2 += v * v;
        }
        double mean = s / d.n, var = s2 / d.n;
        ck_assert_msg(fabs(mean) < 5 * sqrt(1.0 / 3 / d.n), "mean %g", mean);
        ck_assert_msg(fabs(var - 1.0 / 3) < 5 * sqrt(4.0 / 45 / d.n), "E x^2 %g", var);
    }
    double cross = 0;
    for (long i = 0; i < d.n; i++) cross += d.x[2 * i] * d.x[2 * i + 1];
    ck_assert(fabs(cross / d.n) < 5 * sqrt(1.0 / 9 / d.n));
    mlpv_dataset_free(&d);
}
END_TEST

START_TEST(test_grid)
{
    mlpv_dataset d;
    ck_assert_int_eq(mlpv_task_grid(MLPV_TASK_CHECKERBOARD, 2, 5, &d), 0);
    ck_assert_int_eq(d.n, 25);
    ck_assert_int_eq(d.in_dim, 2);
    ck_assert_int_eq(d.labels_pm1, 1);
    const double s[5] = { -1.0, -0.5, 0.0, 0.5, 1.0 };
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            ck_assert(d.x[2 * (i * 5 + j)] == s[i]);
            ck_assert(d.x[2 * (i * 5 + j) + 1] == s[j]);
        }
    /* rows 0..4 have x1 = -1 (cell 0): labels along x2 -1, -0.5 | 0, 0.5, 1 */
    const double row0[5] = { 1, 1, -1, -1, -1 };
    for (int j = 0; j < 5; j++) ck_assert(d.y[j] == row0[j]);
    mlpv_dataset_free(&d);
    /* g = 7 (non-dyadic steps): the same points as the landscape grid */
    ck_assert_int_eq(mlpv_task_grid(MLPV_TASK_SPIRALS, 2, 7, &d), 0);
    mlpv_grid_opts o = mlpv_grid_defaults(7);
    const double u[2] = { 1, 0 }, v[2] = { 0, 1 };
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            double p[2];
            mlpv_grid_point(&o, 2, u, v, i, j, p);
            ck_assert(d.x[2 * (i * 7 + j)] == p[0] && d.x[2 * (i * 7 + j) + 1] == p[1]);
            ck_assert(d.y[i * 7 + j] == lab(MLPV_TASK_SPIRALS, 2, p[0], p[1]));
        }
    mlpv_dataset_free(&d);
    mlpv_dataset_free(&d); /* twice is fine */
    mlpv_dataset_free(NULL);
    ck_assert_int_eq(mlpv_task_grid(MLPV_TASK_SINES, 2, 1, &d), -1);
    ck_assert_int_eq(mlpv_task_grid(MLPV_TASK_CSV, 2, 5, &d), -1);
    ck_assert_ptr_null(d.x);
}
END_TEST

/* ---- CSV ---- */

static char tmp_path[256];

static const char *write_tmp(const char *content)
{
    const char *dir = getenv("TMPDIR");
    snprintf(tmp_path, sizeof tmp_path, "%s/mlpv_task_XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmp_path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "wb");
    fputs(content, f);
    fclose(f);
    return tmp_path;
}

static mlpv_dataset read_good(const char *content, int out_dim)
{
    mlpv_dataset d;
    char err[512];
    const char *p = write_tmp(content);
    int rc = mlpv_csv_read(p, out_dim, &d, err, sizeof err);
    ck_assert_msg(rc == 0, "good file rejected: %s", err);
    unlink(p);
    return d;
}

static void expect_bad(const char *content, int out_dim, long line, const char *key)
{
    mlpv_dataset d;
    char err[512], at[300];
    const char *p = write_tmp(content);
    ck_assert_int_eq(mlpv_csv_read(p, out_dim, &d, err, sizeof err), -1);
    if (line > 0) snprintf(at, sizeof at, "%s:%ld: ", p, line);
    else snprintf(at, sizeof at, "%s: ", p);
    ck_assert_msg(strncmp(err, at, strlen(at)) == 0, "want prefix \"%s\" in \"%s\"", at, err);
    ck_assert_msg(strstr(err, key) != NULL, "want \"%s\" in \"%s\"", key, err);
    ck_assert_msg(strchr(err, ';') != NULL && strchr(err, '\n') == NULL, "one line with a fix: %s", err);
    ck_assert_ptr_null(d.x);
    ck_assert_int_eq(d.n, 0);
    unlink(p);
}

START_TEST(test_csv_good)
{
    mlpv_dataset d = read_good("x1,x2,label\n0.5,-1,1\n 2 ,\t3.25e-1 , -1\n", 1);
    ck_assert_int_eq(d.n, 2);
    ck_assert_int_eq(d.in_dim, 2);
    ck_assert_int_eq(d.out_dim, 1);
    ck_assert_int_eq(d.labels_pm1, 1);
    ck_assert(d.x[0] == 0.5 && d.x[1] == -1 && d.x[2] == 2 && d.x[3] == 0.325);
    ck_assert(d.y[0] == 1 && d.y[1] == -1);
    mlpv_dataset_free(&d);
    /* no header, real targets, no final newline */
    d = read_good("1,2,0.5\n3,4,7", 1);
    ck_assert_int_eq(d.n, 2);
    ck_assert_int_eq(d.labels_pm1, 0);
    ck_assert(d.y[0] == 0.5 && d.y[1] == 7 && d.x[3] == 4);
    mlpv_dataset_free(&d);
    /* CRLF, with a header */
    d = read_good("x,y\r\n1,1\r\n2,-1\r\n", 1);
    ck_assert_int_eq(d.n, 2);
    ck_assert_int_eq(d.in_dim, 1);
    ck_assert(d.x[1] == 2 && d.y[1] == -1);
    mlpv_dataset_free(&d);
    /* comments and blank lines anywhere; the header after them */
    d = read_good("# made by hand\n\n   # indented\nx,y\n\n1,2\n#3,4\n5,6\n   \n\t\n", 1);
    ck_assert_int_eq(d.n, 2);
    ck_assert(d.x[0] == 1 && d.x[1] == 5 && d.y[1] == 6);
    mlpv_dataset_free(&d);
    /* UTF-8 byte-order mark, two targets */
    d = read_good("\xEF\xBB\xBF"
                  "a,b,c\n1,2,3\n4,5,6\n",
                  2);
    ck_assert_int_eq(d.in_dim, 1);
    ck_assert_int_eq(d.out_dim, 2);
    ck_assert(d.x[1] == 4 && d.y[0] == 2 && d.y[3] == 6);
    mlpv_dataset_free(&d);
    /* a locale with a decimal comma does not change the reading */
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") || setlocale(LC_NUMERIC, "fr_FR.UTF-8")) {
        d = read_good("0.25,1\n", 1);
        ck_assert(d.x[0] == 0.25);
        mlpv_dataset_free(&d);
        setlocale(LC_NUMERIC, "C");
    }
}
END_TEST

START_TEST(test_csv_bad)
{
    mlpv_dataset d;
    char err[512];
    const char *missing = "/nonexistent-mlpv-dir/data.csv";
    ck_assert_int_eq(mlpv_csv_read(missing, 1, &d, err, sizeof err), -1);
    ck_assert_msg(strstr(err, missing) == err && strstr(err, strerror(ENOENT)), "%s", err);
    expect_bad("", 1, 0, "empty");
    expect_bad("x,y\n# only a comment\n\n", 1, 3, "no data rows");
    expect_bad("a,b,c\n1,2,3\n# skip\n\n4,5\n", 1, 5, "2 columns but the first row (line 2) has 3");
    expect_bad("1,2,3\n4,5,6,7\n", 1, 2, "4 columns");
    expect_bad("x,y\n1,2,3\n", 1, 2, "header");
    expect_bad("1,2,3\n4,x5,6\n", 1, 2, "column 2 is not a number");
    expect_bad("a,b,c\n1,oops,3\n", 1, 2, "column 2 is not a number");
    expect_bad("1,2,3\n1,,3\n", 1, 2, "empty cell");
    expect_bad("1\t2\t3\n1\t2\t3\n", 1, 2, "separated by commas");
    expect_bad("1,2,3\n4,nan,6\n", 1, 2, "column 2 is not finite");
    expect_bad("1,2,3\n\n-inf,1,2\n", 1, 3, "NaN, Inf");
    expect_bad("1,2,3\n1e999,1,2\n", 1, 2, "column 1 is not finite");
    expect_bad("h1,h2\n1,2\n3,4\n", 2, 2, "too few");
    expect_bad("1\n2\n", 1, 1, "too few");
    /* a tiny buffer truncates, NULL is accepted */
    const char *p = write_tmp("1,2\n3\n");
    char small[8];
    ck_assert_int_eq(mlpv_csv_read(p, 1, &d, small, sizeof small), -1);
    ck_assert_int_eq((int)strlen(small), 7);
    ck_assert_int_eq(mlpv_csv_read(p, 1, &d, NULL, 0), -1);
    ck_assert_int_eq(mlpv_csv_read(p, 0, &d, err, sizeof err), -1);
    unlink(p);
}
END_TEST

/* ---- split ---- */

static mlpv_dataset id_set(long n, long distinct)
{
    mlpv_dataset d = { .n = n, .in_dim = 2, .out_dim = 1, .labels_pm1 = 0 };
    d.x = malloc(sizeof(double) * 2 * n);
    d.y = malloc(sizeof(double) * n);
    for (long i = 0; i < n; i++) {
        d.x[2 * i] = (double)(i % distinct);
        d.x[2 * i + 1] = -(double)(i % distinct);
        d.y[i] = 10.0 * (double)(i % distinct);
    }
    return d;
}

START_TEST(test_split_sizes)
{
    const struct {
        long n;
        double f;
        long want;
    } cases[] = {
        { 10, 0.25, 3 }, { 10, 0.2, 2 }, { 10, 0.01, 1 },    { 10, 0.99, 9 },
        { 2, 0.5, 1 },   { 7, 0.5, 4 },  { 1000, 0.1, 100 },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlpv_dataset d = id_set(cases[c].n, cases[c].n), tr, te;
        ck_assert_int_eq(mlpv_dataset_split(&d, cases[c].f, 5, &tr, &te), 0);
        ck_assert_int_eq(te.n, cases[c].want);
        ck_assert_int_eq(tr.n, cases[c].n - cases[c].want);
        ck_assert_int_eq(tr.in_dim, 2);
        ck_assert_int_eq(te.out_dim, 1);
        /* every id exactly once, with its own x2 and y */
        int *seen = calloc(d.n, sizeof(int));
        const mlpv_dataset *parts[2] = { &tr, &te };
        for (int q = 0; q < 2; q++)
            for (long i = 0; i < parts[q]->n; i++) {
                long id = (long)parts[q]->x[2 * i];
                ck_assert(id >= 0 && id < d.n);
                seen[id]++;
                ck_assert(parts[q]->x[2 * i + 1] == -id && parts[q]->y[i] == 10.0 * id);
            }
        for (long i = 0; i < d.n; i++) ck_assert_int_eq(seen[i], 1);
        free(seen);
        mlpv_dataset_free(&tr);
        mlpv_dataset_free(&te);
        mlpv_dataset_free(&d);
    }
    mlpv_dataset d = id_set(1, 1), tr, te;
    ck_assert_int_eq(mlpv_dataset_split(&d, 0.5, 1, &tr, &te), -1);
    mlpv_dataset_free(&d);
    d = id_set(5, 5);
    const double bad[] = { 0.0, 1.0, -0.1, 1.5, NAN };
    for (int b = 0; b < 5; b++) {
        ck_assert_int_eq(mlpv_dataset_split(&d, bad[b], 1, &tr, &te), -1);
        ck_assert(tr.x == NULL && te.x == NULL && tr.n == 0 && te.n == 0);
    }
    mlpv_dataset_free(&d);
}
END_TEST

static int cmp_row(const void *a, const void *b)
{
    const double *p = a, *q = b;
    for (int k = 0; k < 3; k++)
        if (p[k] != q[k]) return p[k] < q[k] ? -1 : 1;
    return 0;
}

/* With repeated rows: the union of the parts, sorted, is the original sorted;
 * the original is untouched; same seed same split, another seed another. */
START_TEST(test_split_multiset)
{
    mlpv_dataset d = id_set(200, 17), tr, te, tr2, te2;
    d.labels_pm1 = 1; /* carried to both parts */
    double *orig = malloc(sizeof(double) * 600), *both = malloc(sizeof(double) * 600);
    for (long i = 0; i < 200; i++) {
        orig[3 * i] = d.x[2 * i];
        orig[3 * i + 1] = d.x[2 * i + 1];
        orig[3 * i + 2] = d.y[i];
    }
    ck_assert_int_eq(mlpv_dataset_split(&d, 0.3, 11, &tr, &te), 0);
    ck_assert_int_eq(te.n, 60);
    ck_assert(tr.labels_pm1 == 1 && te.labels_pm1 == 1);
    long r = 0;
    const mlpv_dataset *parts[2] = { &tr, &te };
    for (int q = 0; q < 2; q++)
        for (long i = 0; i < parts[q]->n; i++, r++) {
            both[3 * r] = parts[q]->x[2 * i];
            both[3 * r + 1] = parts[q]->x[2 * i + 1];
            both[3 * r + 2] = parts[q]->y[i];
        }
    ck_assert_int_eq(r, 200);
    for (long i = 0; i < 200; i++) ck_assert(d.x[2 * i] == orig[3 * i] && d.y[i] == orig[3 * i + 2]);
    qsort(orig, 200, 3 * sizeof(double), cmp_row);
    qsort(both, 200, 3 * sizeof(double), cmp_row);
    ck_assert_int_eq(memcmp(orig, both, sizeof(double) * 600), 0);
    ck_assert_int_eq(mlpv_dataset_split(&d, 0.3, 11, &tr2, &te2), 0);
    ck_assert_int_eq(memcmp(te.x, te2.x, sizeof(double) * 120), 0);
    mlpv_dataset_free(&tr2);
    mlpv_dataset_free(&te2);
    mlpv_dataset_free(&d);
    d = id_set(200, 200);
    mlpv_dataset_free(&tr);
    mlpv_dataset_free(&te);
    ck_assert_int_eq(mlpv_dataset_split(&d, 0.3, 11, &tr, &te), 0);
    ck_assert_int_eq(mlpv_dataset_split(&d, 0.3, 12, &tr2, &te2), 0);
    ck_assert_int_ne(memcmp(te.x, te2.x, sizeof(double) * 120), 0);
    mlpv_dataset_free(&tr);
    mlpv_dataset_free(&te);
    mlpv_dataset_free(&tr2);
    mlpv_dataset_free(&te2);
    mlpv_dataset_free(&d);
    free(orig);
    free(both);
}
END_TEST

/* An unbiased shuffle: with n = 3 and 2 test rows, each of the 6 ordered pairs
 * (a full permutation) has probability 1/6 over seeds; 6000 seeds, 5 SE. */
START_TEST(test_split_uniform)
{
    mlpv_dataset d = id_set(3, 3), tr, te;
    long count[3][3] = { { 0 } };
    const long seeds = 6000;
    for (long s = 0; s < seeds; s++) {
        ck_assert_int_eq(mlpv_dataset_split(&d, 0.5, (uint64_t)s, &tr, &te), 0);
        ck_assert_int_eq(te.n, 2);
        count[(long)te.x[0]][(long)te.x[2]]++;
        mlpv_dataset_free(&tr);
        mlpv_dataset_free(&te);
    }
    double p = 1.0 / 6, se = sqrt(seeds * p * (1 - p));
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            if (a == b) {
                ck_assert_int_eq(count[a][b], 0);
                continue;
            }
            ck_assert_msg(fabs(count[a][b] - seeds * p) < 5 * se, "pair (%d,%d): %ld", a, b, count[a][b]);
        }
    mlpv_dataset_free(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("task");
    TCase *tc = tcase_create("task");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_names);
    tcase_add_test(tc, test_checkerboard_centres);
    tcase_add_test(tc, test_checkerboard_boundaries);
    tcase_add_test(tc, test_rings);
    tcase_add_test(tc, test_sines);
    tcase_add_test(tc, test_spirals);
    tcase_add_test(tc, test_balance);
    tcase_add_test(tc, test_sample_determinism);
    tcase_add_test(tc, test_sample_uniform);
    tcase_add_test(tc, test_grid);
    tcase_add_test(tc, test_csv_good);
    tcase_add_test(tc, test_csv_bad);
    tcase_add_test(tc, test_split_sizes);
    tcase_add_test(tc, test_split_multiset);
    tcase_add_test(tc, test_split_uniform);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
