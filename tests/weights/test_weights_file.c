/* Tests of the plain-text weight files (mlpvar/weights_file.h): round trips,
 * a hand-written file evaluated by hand, every error case with its line number,
 * and the landscape of a read network against a naive evaluation. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlpvar/landscape.h"
#include "mlpvar/network.h"
#include "mlpvar/weights_file.h"

static char g_tmpdir[256];

/* Writes len bytes of content to tmpdir/name; returns the path (static buffer per call site). */
static void write_file_n(const char *name, const char *content, size_t len, char *path, size_t plen)
{
    snprintf(path, plen, "%s/%s", g_tmpdir, name);
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(content, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void write_file(const char *name, const char *content, char *path, size_t plen)
{
    write_file_n(name, content, strlen(content), path, plen);
}

static mlpv_net *read_ok(const char *path)
{
    char err[512] = "x";
    mlpv_net *net = mlpv_weights_read(path, err, sizeof err);
    ck_assert_msg(net != NULL, "reading %s failed: %s", path, err);
    return net;
}

static void net_write_path(const mlpv_net *net, const char *path)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(mlpv_weights_write(net, f), 0);
    ck_assert_int_eq(fclose(f), 0);
}

static size_t layer_w(const mlpv_spec *s, int l)
{
    return (size_t)mlpv_layer_fan_in(s, l) * (size_t)mlpv_layer_fan_out(s, l);
}

/* Same shape, activation and bit-identical weights (double and float copies). */
static void assert_same_net(const mlpv_net *a, const mlpv_net *b)
{
    ck_assert_int_eq(a->spec.depth, b->spec.depth);
    ck_assert_int_eq(a->spec.width, b->spec.width);
    ck_assert_int_eq(a->spec.in_dim, b->spec.in_dim);
    ck_assert_int_eq(a->spec.out_dim, b->spec.out_dim);
    ck_assert_int_eq(a->spec.activation, b->spec.activation);
    ck_assert_int_eq(a->n_layers, b->n_layers);
    for (int l = 0; l < a->n_layers; l++) {
        size_t nw = layer_w(&a->spec, l), nb = (size_t)mlpv_layer_fan_out(&a->spec, l);
        ck_assert_msg(memcmp(a->W[l], b->W[l], nw * sizeof(double)) == 0, "W[%d] differs", l);
        ck_assert_msg(memcmp(a->b[l], b->b[l], nb * sizeof(double)) == 0, "b[%d] differs", l);
        ck_assert_msg(memcmp(a->Wf[l], b->Wf[l], nw * sizeof(float)) == 0, "Wf[%d] differs", l);
        ck_assert_msg(memcmp(a->bf[l], b->bf[l], nb * sizeof(float)) == 0, "bf[%d] differs", l);
    }
}

/* ---------------------------------------------------------------- round trip */

START_TEST(test_roundtrip_random)
{
    const struct {
        mlpv_activation a;
        int depth, width, in, out;
        mlpv_init init;
    } cases[] = {
        { MLPV_RELU, 1, 4, 2, 1, MLPV_INIT_AUTO },        { MLPV_TANH, 3, 5, 3, 2, MLPV_INIT_AUTO },
        { MLPV_LEAKY_RELU, 2, 7, 5, 3, MLPV_INIT_TORCH }, { MLPV_ABS, 4, 1, 1, 1, MLPV_INIT_HE },
        { MLPV_GELU, 2, 16, 2, 4, MLPV_INIT_XAVIER },
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        mlpv_spec s = mlpv_spec_default(cases[c].a, cases[c].depth, cases[c].width);
        s.in_dim = cases[c].in;
        s.out_dim = cases[c].out;
        s.init = cases[c].init;
        mlpv_net *net = mlpv_net_random(&s, 1234 + c);
        ck_assert_ptr_nonnull(net);
        char path[512], path2[512];
        snprintf(path, sizeof path, "%s/rt%zu.txt", g_tmpdir, c);
        net_write_path(net, path);
        mlpv_net *back = read_ok(path);
        assert_same_net(net, back);
        ck_assert_int_eq(back->spec.init, MLPV_INIT_AUTO);
        ck_assert(back->spec.bias_std == 0.0);
        /* Writing the read network again gives the same text. */
        snprintf(path2, sizeof path2, "%s/rt%zu_again.txt", g_tmpdir, c);
        net_write_path(back, path2);
        FILE *f1 = fopen(path, "rb"), *f2 = fopen(path2, "rb");
        ck_assert_ptr_nonnull(f1);
        ck_assert_ptr_nonnull(f2);
        int c1, c2;
        do {
            c1 = getc(f1);
            c2 = getc(f2);
            ck_assert_int_eq(c1, c2);
        } while (c1 != EOF);
        fclose(f1);
        fclose(f2);
        mlpv_net_free(net);
        mlpv_net_free(back);
    }
}
END_TEST

/* Awkward doubles: signed zero, subnormals, extremes, values with no short decimal form. */
START_TEST(test_roundtrip_special_values)
{
    mlpv_spec s = mlpv_spec_default(MLPV_SIN, 2, 3);
    mlpv_net *net = mlpv_net_alloc(&s);
    ck_assert_ptr_nonnull(net);
    const double vals[] = { -0.0,
                            0.0,
                            4.9406564584124654e-324,
                            -2.2250738585072009e-308,
                            DBL_MIN,
                            DBL_MAX,
                            -DBL_MAX,
                            0.1,
                            1.0 / 3.0,
                            -2.0 / 3.0,
                            3.141592653589793,
                            1e-300,
                            123456789012345678.0,
                            DBL_EPSILON,
                            1.0 + DBL_EPSILON,
                            (double)0.1f,
                            -1.5e-320 };
    const size_t nv = sizeof vals / sizeof vals[0];
    size_t k = 0;
    for (int l = 0; l < net->n_layers; l++) {
        for (size_t i = 0; i < layer_w(&s, l); i++) net->W[l][i] = vals[k++ % nv];
        for (int i = 0; i < mlpv_layer_fan_out(&s, l); i++) net->b[l][i] = vals[k++ % nv];
    }
    mlpv_net_sync_float(net);
    char path[512];
    snprintf(path, sizeof path, "%s/special.txt", g_tmpdir);
    net_write_path(net, path);
    mlpv_net *back = read_ok(path);
    assert_same_net(net, back);
    ck_assert(signbit(back->W[0][0])); /* -0.0 kept */
    mlpv_net_free(net);
    mlpv_net_free(back);
}
END_TEST

START_TEST(test_write_rejects_bad_args)
{
    ck_assert_int_eq(mlpv_weights_write(NULL, stdout), -1);
    mlpv_spec s = mlpv_spec_default(MLPV_RELU, 1, 2);
    mlpv_net *net = mlpv_net_alloc(&s);
    ck_assert_int_eq(mlpv_weights_write(net, NULL), -1);
    mlpv_net_free(net);
}
END_TEST

/* ---------------------------------------------------------- hand-written file */

static const char *TINY = "# a tiny network written by hand\n"
                          "mlpvar-weights 1   # format version\n"
                          "\n"
                          "activation relu\n"
                          "layers 3\n"
                          "layer 2 3          # 3 x 2 weights, then 3 biases\n"
                          "1 -2\n"
                          "0.5 3e0 -1\n" /* numbers may span lines */
                          "   1.5\n"
                          "0.25 -1 0.5#comment right after a number\n"
                          "layer 3 3\n"
                          "1 0 0  0 1 0  0 0 -1\n"
                          "0 0 0\n"
                          "layer 3 1\n"
                          "2 -1 0.5\n"
                          "+0.125\n"
                          "# trailing comment, then blank lines\n\n\n";

/* The same network by hand: relu(relu(W1 x + b1) ...) */
static double tiny_by_hand(double x1, double x2)
{
    double h1 = fmax(0.0, 1.0 * x1 - 2.0 * x2 + 0.25);
    double h2 = fmax(0.0, 0.5 * x1 + 3.0 * x2 - 1.0);
    double h3 = fmax(0.0, -1.0 * x1 + 1.5 * x2 + 0.5);
    double g1 = fmax(0.0, h1), g2 = fmax(0.0, h2), g3 = fmax(0.0, -h3);
    return 2.0 * g1 - 1.0 * g2 + 0.5 * g3 + 0.125;
}

START_TEST(test_hand_written)
{
    char path[512];
    write_file("tiny.txt", TINY, path, sizeof path);
    mlpv_net *net = read_ok(path);
    ck_assert_int_eq(net->spec.depth, 2);
    ck_assert_int_eq(net->spec.width, 3);
    ck_assert_int_eq(net->spec.in_dim, 2);
    ck_assert_int_eq(net->spec.out_dim, 1);
    ck_assert_int_eq(net->spec.activation, MLPV_RELU);
    ck_assert_int_eq(net->spec.init, MLPV_INIT_AUTO);
    ck_assert(net->spec.bias_std == 0.0);
    ck_assert(net->W[0][3] == 3.0 && net->W[0][4] == -1.0 && net->b[0][2] == 0.5);
    ck_assert(net->b[2][0] == 0.125);
    ck_assert(net->Wf[0][1] == -2.0f && net->bf[0][0] == 0.25f);

    /* Points where each unit is on and off. */
    const double xs[][2] = { { 1.0, 0.5 }, { -1.0, 1.0 }, { 0.3, -0.7 }, { 0.0, 0.0 }, { -0.9, -0.2 }, { 0.75, 0.25 } };
    const int n = (int)(sizeof xs / sizeof xs[0]);
    double x[2 * 6], y[6];
    for (int i = 0; i < n; i++) {
        x[2 * i] = xs[i][0];
        x[2 * i + 1] = xs[i][1];
    }
    double *work = malloc(2 * (size_t)mlpv_forward_work_size(net, n) * sizeof(double));
    mlpv_forward_d(net, x, n, y, work, NULL, NULL, 0);
    for (int i = 0; i < n; i++)
        ck_assert_msg(fabs(y[i] - tiny_by_hand(xs[i][0], xs[i][1])) < 1e-14, "point %d: %g vs %g", i, y[i],
                      tiny_by_hand(xs[i][0], xs[i][1]));
    /* One point fully by hand: x = (1, 0.5): h = relu(0.25, 1.0, 0.25) = (0.25, 1, 0.25),
     * layer 2: relu(0.25, 1, -0.25) = (0.25, 1, 0), out = 0.5 - 1 + 0 + 0.125. */
    ck_assert(fabs(y[0] - (-0.375)) < 1e-15);
    free(work);
    mlpv_net_free(net);
}
END_TEST

/* Every activation name is accepted and maps back to itself. */
START_TEST(test_every_activation_name)
{
    for (int a = 0; a < MLPV_ACTIVATION_COUNT; a++) {
        char content[256], path[512], name[64];
        snprintf(content, sizeof content,
                 "mlpvar-weights 1\nactivation %s\nlayers 2\nlayer 1 1\n2\n0\nlayer 1 1\n1 0\n",
                 mlpv_activation_name((mlpv_activation)a));
        snprintf(name, sizeof name, "act%d.txt", a);
        write_file(name, content, path, sizeof path);
        mlpv_net *net = read_ok(path);
        ck_assert_int_eq(net->spec.activation, a);
        mlpv_net_free(net);
    }
}
END_TEST

/* ----------------------------------------------------------------- bad files */

#define HDR "mlpvar-weights 1\nactivation relu\n"
/* A valid body for a 2 -> 2 -> 1 net; after HDR it is lines 3..10. */
#define GOODBODY "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 0.5\nlayer 2 1\n1 -1\n0\n"

typedef struct {
    const char *name;
    const char *content;
    int line; /* expected line number */
    const char *keys[4]; /* phrases the message must contain */
} bad_case;

static const bad_case BAD[] = {
    /* file and header */
    { "empty", "", 1, { "empty", "mlpvar-weights 1" } },
    { "only_comments", "# nothing here\n\n   # still nothing\n", 1, { "empty", "mlpvar-weights 1" } },
    { "bad_magic",
      "mlpvar-weight 1\nactivation relu\n" GOODBODY,
      1,
      { "not an mlpvar weight file", "'mlpvar-weight'", "mlpvar-weights 1" } },
    { "bad_magic_late", "# comment\n\n  garbage here\n", 3, { "not an mlpvar weight file", "'garbage'" } },
    { "bad_version",
      "mlpvar-weights 2\nactivation relu\n" GOODBODY,
      1,
      { "unsupported format version '2'", "mlpvar-weights 1" } },
    { "missing_version", "mlpvar-weights\nactivation relu\n" GOODBODY, 2, { "format version", "'activation'" } },
    { "missing_activation", "mlpvar-weights 1\n" GOODBODY, 2, { "expected 'activation'", "'layers'" } },
    { "unknown_activation",
      "mlpvar-weights 1\n\nactivation swish\n" GOODBODY,
      3,
      { "unknown activation 'swish'", "relu", "abs", "leaky_relu" } },
    { "activation_eof", "mlpvar-weights 1\nactivation", 2, { "truncated", "activation name" } },
    { "missing_layers", HDR "layer 2 2\n", 3, { "expected 'layers'", "'layer'" } },
    { "layers_eof", HDR "layers # none\n", 3, { "truncated", "number of layers" } },
    { "layers_not_int", HDR "layers three\n", 3, { "'three'", "not a whole number" } },
    { "layers_float", HDR "layers 2.0\n", 3, { "'2.0'", "not a whole number" } },
    { "layers_one", HDR "layers 1\nlayer 2 1\n1 1\n0\n", 3, { "at least 2", "hidden layer" } },
    { "layers_zero", HDR "layers 0\n", 3, { "layers is 0", "outside" } },
    { "layers_huge", HDR "layers 99999999999999999999999\n", 3, { "layers is", "outside" } },
    /* layer headers and dimensions */
    { "missing_layer_kw", HDR "layers 2\nlyr 2 2\n", 4, { "expected 'layer'", "'lyr'", "layer 1 of 2" } },
    { "fan_in_zero", HDR "layers 2\nlayer 0 2\n", 4, { "fan_in of layer 1", "is 0", "outside" } },
    { "fan_out_negative", HDR "layers 2\nlayer 2 -3\n", 4, { "fan_out of layer 1", "-3", "outside" } },
    { "fan_in_not_int", HDR "layers 2\nlayer two 2\n", 4, { "fan_in of layer 1", "'two'", "not a whole number" } },
    { "fan_out_eof", HDR "layers 2\nlayer 2\n", 4, { "truncated", "fan_out of layer 1" } },
    { "too_large", HDR "layers 2\nlayer 100000 100000\n", 4, { "1e8", "layer 1", "fan_in 100000, fan_out 100000" } },
    { "too_large_dim", HDR "layers 2\nlayer 2 200000000\n", 4, { "fan_out of layer 1", "outside", "1e8" } },
    /* a header claiming 1e8 numbers in a file of a few bytes: refused before 800 MB are allocated */
    { "claims_more_than_file",
      HDR "layers 2\nlayer 2 30000000\n1 2 3\n",
      4,
      { "truncated file", "layer 1 (fan_in 2, fan_out 30000000) needs 90000000 numbers", "check fan_in and fan_out" } },
    { "fan_in_mismatch",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 0.5\nlayer 3 1\n",
      8,
      { "layer 2 has fan_in 3", "layer 1 has fan_out 2", "must equal" } },
    { "widths_differ",
      HDR "layers 3\nlayer 2 2\n1 2\n3 4\n0.5 0.5\n\nlayer 2 3\n",
      9,
      { "hidden layer 2 has width 3", "width 2", "one width" } },
    /* numbers */
    { "non_number",
      HDR "layers 2\nlayer 2 2\n1 2\n3 abc\n",
      6,
      { "'abc' is not a number", "weight [1][1] of layer 1", "number 4 of 6" } },
    { "partial_number",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 1.5x\n",
      7,
      { "'1.5x' is not a number", "bias 1 of layer 1" } },
    { "comma_number", HDR "layers 2\nlayer 2 2\n1, 2\n", 5, { "'1,' is not a number" } },
    { "nan_weight", HDR "layers 2\nlayer 2 2\n1 2\n\n3 nan\n", 7, { "NaN", "weight [1][1] of layer 1", "finite" } },
    { "nan_bias", HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 NaN\n", 7, { "NaN", "bias 1 of layer 1", "finite" } },
    { "inf_weight", HDR "layers 2\nlayer 2 2\n-inf 2\n", 5, { "Inf", "weight [0][0] of layer 1", "finite" } },
    { "overflow_weight",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 0.5\nlayer 2 1\n1e999 1\n",
      9,
      { "Inf", "weight [0][0] of layer 2", "'1e999'" } },
    { "truncated_eof",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 0.5\nlayer 2 1\n1 -1\n# bias forgotten\n",
      9,
      { "truncated", "expected 3 numbers for layer 2", "got 2" } },
    { "truncated_mid",
      HDR "layers 2\nlayer 2 2\n1 2\n3",
      6,
      { "truncated", "expected 6 numbers for layer 1", "got 3" } },
    { "truncated_by_layer",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5\nlayer 2 1\n1 -1\n0\n",
      8,
      { "truncated", "expected 6 numbers for layer 1", "got 5", "before the next 'layer'" } },
    { "fewer_layers",
      HDR "layers 3\nlayer 2 2\n1 2\n3 4\n0.5 0.5\nlayer 2 2\n1 -1\n1 1\n0 0\n",
      11,
      { "truncated", "declares 3 layers", "ends after 2" } },
    { "too_many_numbers",
      HDR "layers 2\nlayer 2 2\n1 2\n3 4\n0.5 0.5 9\nlayer 2 1\n1 -1\n0\n",
      7,
      { "layer 1 has more than 6 numbers", "'9'" } },
    /* after the last layer */
    { "trailing_garbage", HDR GOODBODY "junk\n", 11, { "trailing garbage", "'junk'" } },
    { "trailing_number", HDR GOODBODY "\n# c\n7\n", 13, { "trailing garbage", "'7'" } },
    { "extra_layer", HDR GOODBODY "layer 1 1\n1\n0\n", 11, { "trailing garbage", "declares only 2" } },
};

static void check_error(const char *path, const char *err, int line, const char *const *keys, const char *name)
{
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "case %s: message should start with '%s': %s", name,
                  prefix, err);
    ck_assert_msg(strchr(err, '\n') == NULL, "case %s: message has a newline: %s", name, err);
    ck_assert_msg(strstr(err + strlen(prefix), "; ") != NULL, "case %s: message lacks '; how to fix': %s", name, err);
    for (int k = 0; k < 4 && keys[k]; k++)
        ck_assert_msg(strstr(err, keys[k]) != NULL, "case %s: message lacks '%s': %s", name, keys[k], err);
}

START_TEST(test_bad_file)
{
    const bad_case *c = &BAD[_i];
    char path[512], name[128];
    snprintf(name, sizeof name, "bad_%s.txt", c->name);
    write_file(name, c->content, path, sizeof path);
    char err[1024];
    memset(err, 'z', sizeof err);
    mlpv_net *net = mlpv_weights_read(path, err, sizeof err);
    ck_assert_msg(net == NULL, "case %s was accepted", c->name);
    check_error(path, err, c->line, c->keys, c->name);
    /* Small or no error buffers are safe. */
    char small[12];
    ck_assert_ptr_null(mlpv_weights_read(path, small, sizeof small));
    ck_assert_uint_lt(strlen(small), sizeof small);
    ck_assert_ptr_null(mlpv_weights_read(path, NULL, 0));
    ck_assert_ptr_null(mlpv_weights_read(path, small, 0));
}
END_TEST

START_TEST(test_missing_file)
{
    char path[512], err[1024];
    snprintf(path, sizeof path, "%s/does_not_exist.txt", g_tmpdir);
    ck_assert_ptr_null(mlpv_weights_read(path, err, sizeof err));
    ck_assert_msg(strstr(err, path) == err, "no path first: %s", err);
    ck_assert_msg(strstr(err, strerror(ENOENT)) != NULL, "no strerror: %s", err);
    ck_assert_msg(strstr(err, "cannot open") != NULL, "%s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(test_directory)
{
    char err[1024];
    ck_assert_ptr_null(mlpv_weights_read(g_tmpdir, err, sizeof err));
    ck_assert_msg(strstr(err, g_tmpdir) == err, "no path first: %s", err);
    ck_assert_msg(strstr(err, strerror(EISDIR)) != NULL || strstr(err, "cannot") != NULL, "%s", err);
}
END_TEST

START_TEST(test_unreadable)
{
    if (geteuid() == 0) return; /* root reads anything */
    char path[512], err[1024];
    write_file("unreadable.txt", HDR GOODBODY, path, sizeof path);
    ck_assert_int_eq(chmod(path, 0), 0);
    ck_assert_ptr_null(mlpv_weights_read(path, err, sizeof err));
    ck_assert_msg(strstr(err, strerror(EACCES)) != NULL, "%s", err);
    chmod(path, 0600);
}
END_TEST

/* A NUL byte inside a number, and a very long token. */
START_TEST(test_binary_and_long_tokens)
{
    static const char bin[] = HDR "layers 2\nlayer 2 2\n1 2\n3 4\0junk\n";
    char path[512], err[1024];
    write_file_n("nul.txt", bin, sizeof bin - 1, path, sizeof path);
    ck_assert_ptr_null(mlpv_weights_read(path, err, sizeof err));
    check_error(path, err, 6, (const char *const[]){ "not a number", "weight [1][1]", NULL, NULL }, "nul");

    char *big = malloc(4096);
    int n = snprintf(big, 4096, HDR "layers 2\nlayer 2 2\n1 2\n3 ");
    memset(big + n, '7', 2000);
    memcpy(big + n + 2000, "x\n", 3);
    write_file("long.txt", big, path, sizeof path);
    ck_assert_ptr_null(mlpv_weights_read(path, err, sizeof err));
    check_error(path, err, 6, (const char *const[]){ "not a number", "...", NULL, NULL }, "long");
    ck_assert_uint_lt(strlen(err), 400);
    free(big);
}
END_TEST

/* The 1e8 limit counts all layers: layer 2 (10000 x 10000) pushes the total over. */
START_TEST(test_too_large_total)
{
    size_t cap = 100000;
    char *buf = malloc(cap);
    size_t n = (size_t)snprintf(buf, cap, HDR "layers 3\nlayer 1 10000\n");
    for (int i = 0; i < 20000; i++) {
        buf[n++] = '0';
        buf[n++] = i % 100 == 99 ? '\n' : ' ';
    }
    n += (size_t)snprintf(buf + n, cap - n, "layer 10000 10000\n"); /* line 5 + 200 */
    char path[512], err[1024];
    write_file_n("too_large_total.txt", buf, n, path, sizeof path);
    free(buf);
    ck_assert_ptr_null(mlpv_weights_read(path, err, sizeof err));
    check_error(path, err, 205, (const char *const[]){ "1e8", "layer 2", "100030000", NULL }, "total");
}
END_TEST

/* A valid file right after a bad one: the error buffer is cleared, nothing leaks. */
START_TEST(test_valid_variants)
{
    char path[512], err[256];
    /* Everything on one line, CRLF line ends, tabs, hex and signed numbers. */
    write_file("oneline.txt", "mlpvar-weights 1 activation tanh layers 2 layer 1 2 0x1p-1 -2 +3 4 layer 2 1 1 1 0",
               path, sizeof path);
    strcpy(err, "stale");
    mlpv_net *net = mlpv_weights_read(path, err, sizeof err);
    ck_assert_ptr_nonnull(net);
    ck_assert_str_eq(err, "");
    ck_assert(net->W[0][0] == 0.5 && net->W[0][1] == -2.0 && net->b[0][1] == 4.0);
    ck_assert_int_eq(net->spec.in_dim, 1);
    mlpv_net_free(net);
    write_file("crlf.txt",
               "mlpvar-weights 1\r\nactivation\tabs\r\nlayers 2\r\nlayer 1 1\r\n2\r\n0\r\n"
               "layer 1 3\r\n1 2 3\r\n0 0 0\r\n",
               path, sizeof path);
    net = mlpv_weights_read(path, err, sizeof err);
    ck_assert_msg(net != NULL, "%s", err);
    ck_assert_int_eq(net->spec.out_dim, 3);
    ck_assert_int_eq(net->spec.width, 1);
    mlpv_net_free(net);
}
END_TEST

/* ------------------------------------------------------- landscape vs naive */

static double naive_phi(mlpv_activation a, double x)
{
    switch (a) {
    case MLPV_RELU: return x > 0 ? x : 0;
    case MLPV_ABS: return x < 0 ? -x : x;
    case MLPV_LEAKY_RELU: return x > 0 ? x : 0.01 * x;
    case MLPV_TANH: return tanh(x);
    case MLPV_GELU: return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    case MLPV_SIN: return sin(x);
    case MLPV_SOFTPLUS: return log(1 + exp(x));
    case MLPV_SIGMOID: return 1 / (1 + exp(-x));
    case MLPV_SILU: return x / (1 + exp(-x));
    case MLPV_ELU: return x > 0 ? x : exp(x) - 1;
    case MLPV_IDENTITY: return x;
    default: return NAN;
    }
}

/* f_o(x) by plain loops over the network's double weights. */
static void naive_forward(const mlpv_net *net, const double *x, double *y)
{
    const mlpv_spec *s = &net->spec;
    double a[64], b[64];
    for (int k = 0; k < s->in_dim; k++) a[k] = x[k];
    for (int l = 0; l < net->n_layers; l++) {
        int fi = mlpv_layer_fan_in(s, l), fo = mlpv_layer_fan_out(s, l);
        for (int o = 0; o < fo; o++) {
            double z = net->b[l][o];
            for (int i = 0; i < fi; i++) z += net->W[l][o * fi + i] * a[i];
            b[o] = l < s->depth ? naive_phi(s->activation, z) : z;
        }
        memcpy(a, b, sizeof(double) * (size_t)fo);
    }
    for (int o = 0; o < s->out_dim; o++) y[o] = a[o];
}

START_TEST(test_landscape_of_read_net)
{
    const mlpv_activation acts[] = { MLPV_RELU,       MLPV_ABS,      MLPV_TANH, MLPV_GELU, MLPV_SIN,
                                     MLPV_LEAKY_RELU, MLPV_SOFTPLUS, MLPV_SILU, MLPV_ELU };
    const int g = 13;
    for (size_t c = 0; c < sizeof acts / sizeof acts[0]; c++) {
        mlpv_spec s = mlpv_spec_default(acts[c], 1 + (int)(c % 4), 8);
        s.out_dim = 1 + (int)(c % 2);
        s.bias_std = 0.3;
        mlpv_net *orig = mlpv_net_random(&s, 77 + c);
        char path[512];
        snprintf(path, sizeof path, "%s/land%zu.txt", g_tmpdir, c);
        net_write_path(orig, path);
        mlpv_net_free(orig);
        mlpv_net *net = read_ok(path);

        mlpv_grid_opts o = mlpv_grid_defaults(g);
        o.precision = MLPV_DOUBLE;
        o.chunk = 10; /* not a divisor of g*g: exercises the last short chunk */
        const int m = net->spec.out_dim;
        double *F = malloc(sizeof(double) * (size_t)(m * g * g));
        ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), 0);
        double maxabs = 0, maxdiff = 0;
        for (int i = 0; i < g; i++)
            for (int j = 0; j < g; j++) {
                double x[2] = { -1.0 + 2.0 * i / (g - 1), -1.0 + 2.0 * j / (g - 1) }, y[4];
                naive_forward(net, x, y);
                for (int k = 0; k < m; k++) {
                    double f = F[(size_t)k * g * g + (size_t)i * g + j];
                    maxabs = fmax(maxabs, fabs(y[k]));
                    maxdiff = fmax(maxdiff, fabs(f - y[k]));
                }
            }
        ck_assert_msg(maxabs > 0, "activation %d: zero landscape", (int)acts[c]);
        ck_assert_msg(maxdiff <= 1e-12 * maxabs, "activation %s: max diff %g, max |f| %g",
                      mlpv_activation_name(acts[c]), maxdiff, maxabs);
        free(F);
        mlpv_net_free(net);
    }
}
END_TEST

/* The hand-written tiny net's landscape against its by-hand formula. */
START_TEST(test_landscape_tiny_by_hand)
{
    char path[512];
    write_file("tiny_land.txt", TINY, path, sizeof path);
    mlpv_net *net = read_ok(path);
    const int g = 9;
    mlpv_grid_opts o = mlpv_grid_defaults(g);
    o.precision = MLPV_DOUBLE;
    double F[81];
    ck_assert_int_eq(mlpv_landscape(net, &o, F, NULL), 0);
    for (int i = 0; i < g; i++)
        for (int j = 0; j < g; j++) {
            double want = tiny_by_hand(-1.0 + 2.0 * i / (g - 1), -1.0 + 2.0 * j / (g - 1));
            ck_assert_msg(fabs(F[i * g + j] - want) < 1e-14, "(%d,%d): %g vs %g", i, j, F[i * g + j], want);
        }
    mlpv_net_free(net);
}
END_TEST

/* ---------------------------------------------------------------------- main */

static void remove_tmpdir(void)
{
    DIR *d = opendir(g_tmpdir);
    if (!d) return;
    struct dirent *e;
    char p[1024];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(p, sizeof p, "%s/%s", g_tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(g_tmpdir);
}

static Suite *weights_suite(void)
{
    Suite *s = suite_create("weights_file");
    TCase *t = tcase_create("roundtrip");
    tcase_add_test(t, test_roundtrip_random);
    tcase_add_test(t, test_roundtrip_special_values);
    tcase_add_test(t, test_write_rejects_bad_args);
    suite_add_tcase(s, t);
    t = tcase_create("read");
    tcase_add_test(t, test_hand_written);
    tcase_add_test(t, test_every_activation_name);
    tcase_add_test(t, test_valid_variants);
    suite_add_tcase(s, t);
    t = tcase_create("errors");
    tcase_add_loop_test(t, test_bad_file, 0, (int)(sizeof BAD / sizeof BAD[0]));
    tcase_add_test(t, test_missing_file);
    tcase_add_test(t, test_directory);
    tcase_add_test(t, test_unreadable);
    tcase_add_test(t, test_binary_and_long_tokens);
    tcase_add_test(t, test_too_large_total);
    suite_add_tcase(s, t);
    t = tcase_create("landscape");
    tcase_add_test(t, test_landscape_of_read_net);
    tcase_add_test(t, test_landscape_tiny_by_hand);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    const char *base = getenv("TMPDIR");
    snprintf(g_tmpdir, sizeof g_tmpdir, "%s/mlpvar-weights-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(g_tmpdir)) {
        perror("mkdtemp");
        return EXIT_FAILURE;
    }
    SRunner *sr = srunner_create(weights_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (!getenv("KEEP_TMP")) remove_tmpdir();
    else printf("%s\n", g_tmpdir);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
