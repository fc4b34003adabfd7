/* The measuring forward pass (mlpv_landscape, which the V_k, collapse and
 * layer diagnostics read) and the training forward pass (the float and double
 * backprop ops: eval, and the forward inside batch_grad) give IDENTICAL
 * outputs, bit for bit, on the same weights and points: for every activation,
 * in float and in double.
 *
 * How: the landscape's outputs on a grid become the training ops' targets at
 * the same grid points. For finite values out - y is exactly 0 iff out == y
 * (equal floats subtract to 0, unequal ones never do), so the sum of squared
 * errors, the loss and every gradient entry must be exactly 0. A control
 * moves one target by one ulp and sees a nonzero sum, so the check resolves a
 * single ulp. Both sides see one chunk of the same size: OpenBLAS may round an
 * output differently when the chunk (the GEMM's N) differs. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/landscape.h"
#include "mlpvar/network.h"
#include "mlpvar/train.h"
#include "backprop.h"

typedef struct {
    mlpv_precision p;
    long n; /* points */
    int in, m; /* input and output dimension */
    void *x, *y; /* [n x in], [n x m] in precision p */
} points;

static void set(mlpv_precision p, void *a, long i, double v)
{
    if (p == MLPV_FLOAT) ((float *)a)[i] = (float)v;
    else ((double *)a)[i] = v;
}

/* The grid points of o (in_dim 2, the unit-axis slice) as the landscape feeds
 * them, and the landscape's outputs F [m][g*g] as targets. */
static points grid_points(const mlpv_grid_opts *o, const double *F, int m)
{
    int g = o->grid;
    points P = { o->precision, (long)g * g, 2, m, NULL, NULL };
    size_t esz = P.p == MLPV_FLOAT ? sizeof(float) : sizeof(double);
    P.x = malloc(esz * (size_t)P.n * 2);
    P.y = malloc(esz * (size_t)P.n * (size_t)m);
    ck_assert(P.x && P.y);
    const double u[2] = { 1, 0 }, v[2] = { 0, 1 };
    for (long q = 0; q < P.n; q++) {
        double pt[2];
        mlpv_grid_point(o, 2, u, v, (int)(q / g), (int)(q % g), pt);
        for (int k = 0; k < 2; k++) set(P.p, P.x, q * 2 + k, pt[k]);
        for (int k = 0; k < m; k++) set(P.p, P.y, q * m + k, F[(size_t)k * P.n + q]);
    }
    return P;
}

static void check_same(mlpv_activation a, mlpv_precision p, int depth, int g)
{
    const char *name = mlpv_activation_name(a), *prec = p == MLPV_FLOAT ? "float" : "double";
    mlpv_spec s = mlpv_spec_default(a, depth, 13);
    s.out_dim = 2;
    mlpv_net *net = mlpv_net_random(&s, 500 + 7 * (uint64_t)a + (uint64_t)depth);
    ck_assert_ptr_nonnull(net);
    long n = (long)g * g, np = mlpv_net_param_count(net);

    /* measuring: the landscape on [-2, 2]^2, one chunk of all n points */
    mlpv_grid_opts o = mlpv_grid_defaults(g);
    o.lo = -2.0;
    o.hi = 2.0;
    o.chunk = (int)n;
    o.precision = p;
    double *F = malloc(sizeof(double) * (size_t)n * s.out_dim);
    ck_assert_ptr_nonnull(F);
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), 0);
    for (long i = 0; i < n * s.out_dim; i++) ck_assert(isfinite(F[i]));
    points P = grid_points(&o, F, s.out_dim);

    /* training: the same points in one chunk of n, the landscape's outputs as targets */
    const mlpv_bp_ops *ops = mlpv_bp_for(p);
    ck_assert_ptr_nonnull(ops);
    mlpv_bp_ws *ws = ops->ws_alloc(&s, (int)n);
    void *grad = malloc(ops->elem * (size_t)np);
    ck_assert(ws && grad);
    const void *params = p == MLPV_FLOAT ? (const void *)net->storef : (const void *)net->store;
    double sq = -1;
    long correct = 0;
    ops->eval(ws, params, P.x, P.y, n, &sq, &correct);
    ck_assert_msg(sq == 0.0, "%s %s depth %d grid %d: eval's squared errors sum to %g, want 0", name, prec, depth, g,
                  sq);
    double loss = ops->batch_grad(ws, params, P.x, P.y, NULL, 0, n, grad, NULL);
    ck_assert_msg(loss == 0.0, "%s %s depth %d grid %d: batch_grad's loss %g, want 0", name, prec, depth, g, loss);
    for (long i = 0; i < np; i++) {
        double gi = p == MLPV_FLOAT ? (double)((float *)grad)[i] : ((double *)grad)[i];
        ck_assert_msg(gi == 0.0, "%s %s: gradient[%ld] = %g, want 0", name, prec, i, gi);
    }

    /* control: one target one ulp off */
    if (p == MLPV_FLOAT) {
        float *y = P.y;
        y[n / 2] = nextafterf(y[n / 2], INFINITY);
    } else {
        double *y = P.y;
        y[n / 2] = nextafter(y[n / 2], INFINITY);
    }
    ops->eval(ws, params, P.x, P.y, n, &sq, &correct);
    ck_assert_msg(sq > 0.0, "%s %s: a one-ulp difference went unseen", name, prec);

    ops->ws_free(ws);
    free(grad);
    free(F);
    free(P.x);
    free(P.y);
    mlpv_net_free(net);
}

START_TEST(test_measuring_equals_training)
{
    mlpv_activation a = (mlpv_activation)_i;
    const mlpv_precision precs[] = { MLPV_FLOAT, MLPV_DOUBLE };
    const int depths[] = { 1, 4 }, grids[] = { 16, 21 };
    for (int pi = 0; pi < 2; pi++)
        for (int di = 0; di < 2; di++)
            for (int gi = 0; gi < 2; gi++) check_same(a, precs[pi], depths[di], grids[gi]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("forward_match");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_measuring_equals_training, 0, MLPV_ACTIVATION_COUNT);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
