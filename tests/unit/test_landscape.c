/* Unit tests for landscape.h: grid mapping, the landscape against pointwise
 * naive evaluation, chunk and precision invariance, per-layer diagnostics
 * against a brute-force recomputation, and option validation. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "naive_forward.h"
#include "mlpvar/activation.h"
#include "mlpvar/landscape.h"
#include "mlpvar/network.h"
#include "mlpvar/spec.h"

/* For d = 2 the slice directions are the unit axes (mlpv_grid_point takes
 * the resolved directions and needs them non-NULL). */
static const double E1[2] = { 1.0, 0.0 }, E2[2] = { 0.0, 1.0 };

static double rms(const double *F, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += F[i] * F[i];
    return sqrt(s / n);
}

START_TEST(test_grid_defaults)
{
    mlpv_grid_opts o = mlpv_grid_defaults(128);
    ck_assert_int_eq(o.grid, 128);
    ck_assert(o.lo == -1.0 && o.hi == 1.0);
    ck_assert_int_eq(o.chunk, 256);
    ck_assert(o.radius == 1.0);
    ck_assert_ptr_null(o.center);
    ck_assert_ptr_null(o.u);
    ck_assert_ptr_null(o.v);
}
END_TEST

/* d = 2: node (i, j) is (s_i, t_j), s_i = lo + (hi - lo) i / (g - 1); corners
 * at -1 and 1 exactly, row index i is the first coordinate. */
START_TEST(test_grid_point_2d)
{
    mlpv_grid_opts o = mlpv_grid_defaults(5);
    double x[2];
    mlpv_grid_point(&o, 2, E1, E2, 0, 0, x);
    ck_assert(x[0] == -1.0 && x[1] == -1.0);
    mlpv_grid_point(&o, 2, E1, E2, 4, 4, x);
    ck_assert(x[0] == 1.0 && x[1] == 1.0);
    mlpv_grid_point(&o, 2, E1, E2, 4, 0, x);
    ck_assert(x[0] == 1.0 && x[1] == -1.0);
    mlpv_grid_point(&o, 2, E1, E2, 1, 3, x);
    ck_assert(fabs(x[0] + 0.5) < 1e-15 && fabs(x[1] - 0.5) < 1e-15);
    mlpv_grid_point(&o, 2, E1, E2, 2, 2, x);
    ck_assert(fabs(x[0]) < 1e-15 && fabs(x[1]) < 1e-15);
    /* another domain */
    o = mlpv_grid_defaults(7);
    o.lo = 0.0;
    o.hi = 3.0;
    for (int i = 0; i < 7; i++)
        for (int j = 0; j < 7; j++) {
            mlpv_grid_point(&o, 2, E1, E2, i, j, x);
            ck_assert(fabs(x[0] - 0.5 * i) < 1e-14 && fabs(x[1] - 0.5 * j) < 1e-14);
        }
}
END_TEST

/* An orthonormal pair in R^5 by Gram-Schmidt, and a centre. */
static void slice_vectors(double *u, double *v, double *c)
{
    const double a[5] = { 1, 2, 0, -1, 1 }, b[5] = { 0.5, -1, 2, 1, 0 };
    double nu = 0, dot = 0, nv = 0;
    for (int k = 0; k < 5; k++) nu += a[k] * a[k];
    for (int k = 0; k < 5; k++) {
        u[k] = a[k] / sqrt(nu);
        dot += b[k] * u[k];
    }
    for (int k = 0; k < 5; k++) {
        v[k] = b[k] - dot * u[k];
        nv += v[k] * v[k];
    }
    for (int k = 0; k < 5; k++) v[k] /= sqrt(nv);
    const double cc[5] = { 0.1, -0.2, 0.3, 0.0, 0.5 };
    memcpy(c, cc, sizeof cc);
}

/* d = 5: x(s, t) = c + r (s u + t v) with given c, u, v and radius. */
START_TEST(test_grid_point_slice)
{
    double u[5], v[5], c[5], x[5];
    slice_vectors(u, v, c);
    mlpv_grid_opts o = mlpv_grid_defaults(9);
    o.center = c;
    o.u = u;
    o.v = v;
    o.radius = 0.7;
    for (int i = 0; i < 9; i++)
        for (int j = 0; j < 9; j++) {
            mlpv_grid_point(&o, 5, u, v, i, j, x);
            double s = -1 + 2.0 * i / 8, t = -1 + 2.0 * j / 8;
            for (int k = 0; k < 5; k++) ck_assert(fabs(x[k] - (c[k] + 0.7 * (s * u[k] + t * v[k]))) < 1e-14);
        }
    /* no centre: the origin */
    o.center = NULL;
    mlpv_grid_point(&o, 5, u, v, 8, 0, x);
    for (int k = 0; k < 5; k++) ck_assert(fabs(x[k] - 0.7 * (u[k] - v[k])) < 1e-14);
}
END_TEST

/* The landscape equals the naive forward at mlpv_grid_point, output o at
 * F[o*g*g + i*g + j]; double precision, tolerance 1e-10 (ordering only). */
static void check_landscape_pointwise(mlpv_net *net, mlpv_grid_opts *o, const double *u, const double *v)
{
    int g = o->grid, d = net->spec.in_dim, m = net->spec.out_dim;
    size_t gg = (size_t)g * g;
    double *F = malloc(sizeof(double) * m * gg), *x = malloc(sizeof(double) * d);
    double *y = malloc(sizeof(double) * m);
    o->precision = MLPV_DOUBLE;
    ck_assert_int_eq(mlpv_landscape(net, o, F, NULL), 0);
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++) {
            mlpv_grid_point(o, d, u, v, i, j, x);
            naive_forward(net, x, y, NULL);
            for (int k = 0; k < m; k++) {
                double got = F[k * gg + (size_t)i * g + j];
                ck_assert_msg(fabs(got - y[k]) <= 1e-10 * (1 + fabs(y[k])),
                              "d=%d out %d node (%d,%d): %.15g vs naive %.15g", d, k, i, j, got, y[k]);
            }
        }
    free(F);
    free(x);
    free(y);
}

START_TEST(test_landscape_pointwise_2d)
{
    mlpv_spec s = mlpv_spec_default(MLPV_TANH, 3, 12);
    s.out_dim = 2;
    mlpv_net *net = mlpv_net_random(&s, 21);
    mlpv_grid_opts o = mlpv_grid_defaults(11);
    o.chunk = 13;
    check_landscape_pointwise(net, &o, E1, E2);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_landscape_pointwise_slice)
{
    double u[5], v[5], c[5];
    slice_vectors(u, v, c);
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 15);
    s.in_dim = 5;
    s.out_dim = 3;
    mlpv_net *net = mlpv_net_random(&s, 8);
    mlpv_grid_opts o = mlpv_grid_defaults(10);
    o.center = c;
    o.u = u;
    o.v = v;
    o.radius = 0.7;
    check_landscape_pointwise(net, &o, u, v);
    mlpv_net_free(net);
}
END_TEST

/* A random slice (u = v = NULL) depends only on slice_seed. */
START_TEST(test_random_slice_deterministic)
{
    mlpv_spec s = mlpv_spec_default(MLPV_ABS, 2, 10);
    s.in_dim = 6;
    mlpv_net *net = mlpv_net_random(&s, 4);
    int g = 12;
    double *A = malloc(sizeof(double) * g * g), *B = malloc(sizeof(double) * g * g),
           *C = malloc(sizeof(double) * g * g);
    mlpv_grid_opts o = mlpv_grid_defaults(g);
    o.precision = MLPV_DOUBLE;
    o.slice_seed = 3;
    ck_assert_int_eq(mlpv_landscape(net, &o, A, NULL), 0);
    ck_assert_int_eq(mlpv_landscape(net, &o, B, NULL), 0);
    o.slice_seed = 4;
    ck_assert_int_eq(mlpv_landscape(net, &o, C, NULL), 0);
    ck_assert(memcmp(A, B, sizeof(double) * g * g) == 0);
    ck_assert(memcmp(A, C, sizeof(double) * g * g) != 0);
    free(A), free(B), free(C);
    mlpv_net_free(net);
}
END_TEST

/* Chunk sizes 1, 7, 256 and 100000 (> g^2) give the same double landscape.
 * Tolerance 1e-13 relative to the landscape's scale rather than bitwise:
 * BLAS may use a different kernel (even GEMV) for a 1-row GEMM, which only
 * reorders the sums. */
START_TEST(test_chunk_invariance)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 4, 24);
    s.out_dim = 2;
    mlpv_net *net = mlpv_net_random(&s, 66);
    int g = 23;
    size_t n = (size_t)2 * g * g;
    const int chunks[] = { 1, 7, 256, 100000 };
    double *F[4];
    for (int c = 0; c < 4; c++) {
        F[c] = malloc(sizeof(double) * n);
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = MLPV_DOUBLE;
        o.chunk = chunks[c];
        ck_assert_int_eq(mlpv_landscape(net, &o, F[c], NULL), 0);
    }
    double scale = rms(F[2], n);
    ck_assert(scale > 0);
    for (int c = 0; c < 4; c++) {
        for (size_t i = 0; i < n; i++)
            if (!(fabs(F[c][i] - F[2][i]) <= 1e-13 * scale))
                ck_abort_msg("chunk %d, value %zu: %.17g vs %.17g", chunks[c], i, F[c][i], F[2][i]);
    }
    for (int c = 0; c < 4; c++) free(F[c]);
    mlpv_net_free(net);
}
END_TEST

/* Float and double landscapes agree to 1e-4 of the landscape's RMS (float
 * rounding through 4 layers of width 32 is ~1e-6). */
START_TEST(test_float_vs_double)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH };
    for (int a = 0; a < 3; a++) {
        mlpv_spec s = mlpv_spec_default(acts[a], 4, 32);
        mlpv_net *net = mlpv_net_random(&s, 100 + a);
        int g = 40;
        size_t n = (size_t)g * g;
        double *Fd = malloc(sizeof(double) * n), *Ff = malloc(sizeof(double) * n);
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = MLPV_DOUBLE;
        ck_assert_int_eq(mlpv_landscape(net, &o, Fd, NULL), 0);
        o.precision = MLPV_FLOAT;
        ck_assert_int_eq(mlpv_landscape(net, &o, Ff, NULL), 0);
        double scale = rms(Fd, n), worst = 0;
        for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs(Ff[i] - Fd[i]));
        ck_assert_msg(worst <= 1e-4 * scale, "%s: max |float - double| %g, RMS %g", mlpv_activation_name(acts[a]),
                      worst, scale);
        free(Fd);
        free(Ff);
        mlpv_net_free(net);
    }
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Brute-force diagnostics from the naive forward: per unit of each hidden
 * layer, dead if zero at every grid node, ratio std/rms (0 if rms = 0);
 * dead_fraction = dead / width, collapse_ratio = median of ratios (odd
 * width, so every median convention agrees). */
static void brute_diag(const mlpv_net *net, const mlpv_grid_opts *o, mlpv_layer_diag *diag)
{
    int g = o->grid, n = net->spec.width, L = net->spec.depth, P = g * g;
    double *H = malloc(sizeof(double) * (size_t)P * L * n), x[2], y[8];
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++) {
            mlpv_grid_point(o, 2, E1, E2, i, j, x);
            naive_forward(net, x, y, H + (size_t)(i * g + j) * L * n);
        }
    double *ratio = malloc(sizeof(double) * n);
    for (int l = 0; l < L; l++) {
        int dead = 0;
        for (int u = 0; u < n; u++) {
            double m = 0, s2 = 0, v = 0;
            int alive = 0;
            for (int p = 0; p < P; p++) {
                double h = H[(size_t)p * L * n + (size_t)l * n + u];
                m += h;
                s2 += h * h;
                alive |= h != 0.0;
            }
            m /= P;
            for (int p = 0; p < P; p++) {
                double h = H[(size_t)p * L * n + (size_t)l * n + u];
                v += (h - m) * (h - m);
            }
            dead += !alive;
            ratio[u] = s2 == 0 ? 0 : sqrt(v / P) / sqrt(s2 / P);
        }
        qsort(ratio, n, sizeof(double), cmp_double);
        diag[l].dead_fraction = (double)dead / n;
        diag[l].collapse_ratio = ratio[n / 2];
    }
    free(ratio);
    free(H);
}

START_TEST(test_diag_vs_brute_force)
{
    const mlpv_activation acts[] = { MLPV_RELU, MLPV_ABS, MLPV_TANH };
    for (int a = 0; a < 3; a++) {
        mlpv_spec s = mlpv_spec_default(acts[a], 5, 21);
        /* a large bias spread makes some relu units dead on the grid */
        s.bias_std = acts[a] == MLPV_RELU ? 1.0 : 0.1;
        mlpv_net *net = mlpv_net_random(&s, 500 + a);
        int g = 16;
        double *F = malloc(sizeof(double) * g * g);
        mlpv_layer_diag got[5], want[5];
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.chunk = 50;
        brute_diag(net, &o, want);
        for (int p = 0; p < 2; p++) {
            o.precision = p ? MLPV_FLOAT : MLPV_DOUBLE;
            ck_assert_int_eq(mlpv_landscape(net, &o, F, got), 0);
            for (int l = 0; l < 5; l++) {
                ck_assert_msg(got[l].dead_fraction == want[l].dead_fraction, "%s %s layer %d: dead %g, brute force %g",
                              mlpv_activation_name(acts[a]), p ? "float" : "double", l, got[l].dead_fraction,
                              want[l].dead_fraction);
                double tol = p ? 1e-4 : 1e-9;
                ck_assert_msg(fabs(got[l].collapse_ratio - want[l].collapse_ratio) <= tol,
                              "%s %s layer %d: collapse %.12g, brute force %.12g", mlpv_activation_name(acts[a]),
                              p ? "float" : "double", l, got[l].collapse_ratio, want[l].collapse_ratio);
            }
        }
        free(F);
        mlpv_net_free(net);
    }
}
END_TEST

/* A relu layer forced dead (biases -1e6): dead_fraction 1 and collapse ratio
 * 0 there; the next layer is constant on the grid (collapse ratio ~0) and
 * dead exactly where its bias is <= 0. */
START_TEST(test_diag_dead_layer)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 3, 31);
    mlpv_net *net = mlpv_net_random(&s, 13);
    for (int i = 0; i < 31; i++) net->b[1][i] = -1e6;
    /* Layer 0 is affine on the square, so unit u's largest pre-activation on
     * the grid is |w0| + |w1| + b, at a corner (a grid node). Unit 0 is made
     * barely alive (max 1e-5, at one corner), unit 1 barely dead (max -1e-5);
     * dead units of layer 0 are exactly those with |w0| + |w1| + b <= 0. */
    for (int u = 0; u < 2; u++)
        net->b[0][u] = -(fabs(net->W[0][2 * u]) + fabs(net->W[0][2 * u + 1])) + (u ? -1e-5 : 1e-5);
    int dead0 = 0;
    for (int u = 0; u < 31; u++) dead0 += fabs(net->W[0][2 * u]) + fabs(net->W[0][2 * u + 1]) + net->b[0][u] <= 0;
    mlpv_net_sync_float(net);
    int dead2 = 0;
    for (int i = 0; i < 31; i++) dead2 += net->b[2][i] <= 0;
    int g = 20;
    double *F = malloc(sizeof(double) * g * g);
    mlpv_layer_diag d[3];
    for (int p = 0; p < 2; p++) {
        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = p ? MLPV_FLOAT : MLPV_DOUBLE;
        ck_assert_int_eq(mlpv_landscape(net, &o, F, d), 0);
        ck_assert_msg(fabs(d[0].dead_fraction - dead0 / 31.0) < 1e-15, "layer 0 dead %g, want %d/31",
                      d[0].dead_fraction, dead0);
        ck_assert(d[0].collapse_ratio > 0.01);
        ck_assert(d[1].dead_fraction == 1.0);
        ck_assert(d[1].collapse_ratio == 0.0);
        ck_assert(fabs(d[2].dead_fraction - dead2 / 31.0) < 1e-15);
        /* constant units: 0 up to rounding; a one-pass float std may leave
         * ~sqrt(float eps) ~ 3e-4, still far below tau */
        ck_assert(d[2].collapse_ratio < (p ? 1e-3 : 1e-6));
    }
    free(F);
    mlpv_net_free(net);
}
END_TEST

/* Nearly constant units: layer-0 biases +1e6 give units 1e6 + w.x with
 * std/rms ~ 1e-6. A one-pass E[h^2] - E[h]^2 loses ~1e12 * eps / var ~ 1e-4
 * relative there; the brute-force two-pass value is exact to ~1e-10.
 * Double precision, tolerance 1e-6 relative. */
START_TEST(test_diag_nearly_constant_units)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 2, 21);
    mlpv_net *net = mlpv_net_random(&s, 44);
    for (int i = 0; i < 21; i++) net->b[0][i] = 1e6;
    mlpv_net_sync_float(net);
    int g = 16;
    double *F = malloc(sizeof(double) * g * g);
    mlpv_layer_diag got[2], want[2];
    mlpv_grid_opts o = mlpv_grid_defaults(g);
    o.precision = MLPV_DOUBLE;
    o.chunk = 37;
    brute_diag(net, &o, want);
    ck_assert_int_eq(mlpv_landscape(net, &o, F, got), 0);
    ck_assert(want[0].collapse_ratio > 1e-8 && want[0].collapse_ratio < 1e-5);
    ck_assert_msg(fabs(got[0].collapse_ratio - want[0].collapse_ratio) <= 1e-6 * want[0].collapse_ratio,
                  "layer 0 collapse %.12g, brute force %.12g", got[0].collapse_ratio, want[0].collapse_ratio);
    ck_assert(got[0].dead_fraction == 0.0);
    free(F);
    mlpv_net_free(net);
}
END_TEST

START_TEST(test_invalid_options)
{
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 1, 4);
    mlpv_net *net = mlpv_net_random(&s, 1);
    double F[64];
    mlpv_grid_opts o = mlpv_grid_defaults(1);
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), -1);
    o = mlpv_grid_defaults(0);
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), -1);
    o = mlpv_grid_defaults(8);
    o.chunk = 0;
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), -1);
    o.chunk = -3;
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), -1);
    /* the smallest valid grid works */
    o = mlpv_grid_defaults(2);
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), 0);
    mlpv_net_free(net);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("landscape");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_grid_defaults);
    tcase_add_test(tc, test_grid_point_2d);
    tcase_add_test(tc, test_grid_point_slice);
    tcase_add_test(tc, test_landscape_pointwise_2d);
    tcase_add_test(tc, test_landscape_pointwise_slice);
    tcase_add_test(tc, test_random_slice_deterministic);
    tcase_add_test(tc, test_chunk_invariance);
    tcase_add_test(tc, test_float_vs_double);
    tcase_add_test(tc, test_diag_vs_brute_force);
    tcase_add_test(tc, test_diag_dead_layer);
    tcase_add_test(tc, test_diag_nearly_constant_units);
    tcase_add_test(tc, test_invalid_options);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
