/* Unit tests for rng.h: Philox4x32-10 known answers (Random123's
 * kat_vectors), chunk invariance of the counter-based streams, and the
 * distribution of uniforms and normals against theory. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mlpvar/rng.h"

/* Random123 examples/kat_vectors, "philox4x32 10": ctr[4] key[2] -> out[4]. */
START_TEST(test_philox_known_answers)
{
    static const struct {
        uint32_t ctr[4], key[2], out[4];
    } kat[] = {
        { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
        { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
          { 0xffffffff, 0xffffffff },
          { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
        { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 },
          { 0xa4093822, 0x299f31d0 },
          { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
    };
    for (int k = 0; k < 3; k++) {
        uint32_t out[4];
        mlpv_philox4x32(kat[k].ctr, kat[k].key, out);
        for (int j = 0; j < 4; j++)
            ck_assert_msg(out[j] == kat[k].out[j], "vector %d word %d: %08x, want %08x", k, j, out[j], kat[k].out[j]);
    }
}
END_TEST

/* splitmix64's finaliser (Steele et al.; Vigna's reference code), written
 * out independently. Accept it with or without the golden-gamma increment,
 * since "finaliser" is used for both in the wild. */
static uint64_t ref_mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

START_TEST(test_mix64)
{
    const uint64_t xs[] = { 0, 1, 2, 12345, 0xdeadbeefcafebabeull, UINT64_MAX };
    int plain = 1, gamma = 1;
    for (int k = 0; k < 6; k++) {
        uint64_t got = mlpv_mix64(xs[k]);
        plain &= got == ref_mix(xs[k]);
        gamma &= got == ref_mix(xs[k] + 0x9e3779b97f4a7c15ull);
    }
    ck_assert_msg(plain || gamma, "mlpv_mix64 is neither splitmix64 finaliser variant");
    /* splitmix64 from state 0: first output 0xe220a8397b1dcdaf (reference
     * value), i.e. ref_mix(gamma): guards ref_mix itself. */
    ck_assert(ref_mix(0x9e3779b97f4a7c15ull) == 0xe220a8397b1dcdafull);
}
END_TEST

typedef void (*gen_fn)(uint64_t, uint64_t, uint64_t, size_t, double *);

/* One call of n values equals the concatenation of calls over arbitrary
 * pieces (odd starts and lengths, which split Box-Muller pairs and Philox
 * blocks), bit for bit. */
static void check_chunk_invariance(gen_fn gen, uint64_t key, uint64_t stream, uint64_t base)
{
    enum { N = 1001 };
    double full[N], part[N];
    gen(key, stream, base, N, full);
    const size_t cuts[] = { 0, 1, 2, 5, 6, 7, 13, 64, 65, 100, 333, 334, 999, N };
    memset(part, 0, sizeof part);
    for (size_t c = 0; c + 1 < sizeof cuts / sizeof cuts[0]; c++)
        gen(key, stream, base + cuts[c], cuts[c + 1] - cuts[c], part + cuts[c]);
    for (int i = 0; i < N; i++)
        if (memcmp(&full[i], &part[i], sizeof(double)) != 0)
            ck_abort_msg("index %d: %.17g (one call) vs %.17g (pieces)", i, full[i], part[i]);
    /* single values at odd and even offsets */
    for (size_t i = 0; i < 12; i++) {
        double one;
        gen(key, stream, base + 3 * i + 1, 1, &one);
        ck_assert(memcmp(&one, &full[3 * i + 1], sizeof(double)) == 0);
    }
}

START_TEST(test_chunk_invariance_uniform)
{
    check_chunk_invariance(mlpv_rng_uniform, 42, 7, 0);
    check_chunk_invariance(mlpv_rng_uniform, 0xfeedfacecafebeefull, 3, 1);
    check_chunk_invariance(mlpv_rng_uniform, 1, 0, (1ull << 40) + 3);
}
END_TEST

START_TEST(test_chunk_invariance_normal)
{
    check_chunk_invariance(mlpv_rng_normal, 42, 7, 0);
    check_chunk_invariance(mlpv_rng_normal, 0xfeedfacecafebeefull, 3, 1);
    check_chunk_invariance(mlpv_rng_normal, 1, 0, (1ull << 40) + 3);
}
END_TEST

/* 1e6 standard normals: sample mean, E[z^2], E[z^3], E[z^4] within 5
 * standard errors of 0, 1, 0, 3. SE = sqrt(Var(z^p) / N) with Var(z) = 1,
 * Var(z^2) = E z^4 - 1 = 2, Var(z^3) = E z^6 = 15, Var(z^4) = E z^8 - 9 = 96. */
START_TEST(test_normal_moments)
{
    const size_t N = 1000000;
    double *z = malloc(N * sizeof(double));
    mlpv_rng_normal(20240601, 11, 0, N, z);
    double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    size_t tail = 0, bad = 0; /* count, assert once: a ck_assert per value is slow */
    for (size_t i = 0; i < N; i++) {
        bad += !isfinite(z[i]);
        double v = z[i], v2 = v * v;
        m1 += v;
        m2 += v2;
        m3 += v2 * v;
        m4 += v2 * v2;
        tail += fabs(v) > 1.959963984540054;
    }
    ck_assert_uint_eq(bad, 0);
    m1 /= N, m2 /= N, m3 /= N, m4 /= N;
    double sN = sqrt((double)N);
    ck_assert_msg(fabs(m1) < 5 * 1.0 / sN, "mean %g", m1);
    ck_assert_msg(fabs(m2 - 1) < 5 * sqrt(2.0) / sN, "E z^2 %g", m2);
    ck_assert_msg(fabs(m3) < 5 * sqrt(15.0) / sN, "E z^3 %g", m3);
    ck_assert_msg(fabs(m4 - 3) < 5 * sqrt(96.0) / sN, "E z^4 %g", m4);
    /* P(|z| > 1.96) = 0.05, binomial SE sqrt(0.05 * 0.95 / N) */
    double pt = (double)tail / N;
    ck_assert_msg(fabs(pt - 0.05) < 5 * sqrt(0.05 * 0.95 / N), "tail %g", pt);
    free(z);
}
END_TEST

/* 1e6 uniforms: all strictly inside (0,1); mean 1/2 (SE sqrt(1/12/N)),
 * E[u^2] = 1/3 (Var(u^2) = 1/5 - 1/9 = 4/45), and each of 16 equal bins
 * holds 1/16 of the draws (binomial SE sqrt(p(1-p)/N)), all within 5 SE. */
START_TEST(test_uniform_distribution)
{
    const size_t N = 1000000;
    double *u = malloc(N * sizeof(double));
    mlpv_rng_uniform(99, 5, 123, N, u);
    double m1 = 0, m2 = 0;
    size_t bins[16] = { 0 }, outside = 0;
    double umin = 1, umax = 0;
    for (size_t i = 0; i < N; i++) {
        if (!(u[i] > 0.0 && u[i] < 1.0)) {
            outside++;
            continue;
        }
        umin = fmin(umin, u[i]);
        umax = fmax(umax, u[i]);
        m1 += u[i];
        m2 += u[i] * u[i];
        bins[(int)(u[i] * 16)]++;
    }
    ck_assert_msg(outside == 0, "%zu uniforms outside (0,1)", outside);
    /* the extremes of 1e6 uniforms lie within ~1e-5 of the ends (P(min > 2e-5) = e^-20) */
    ck_assert(umin < 2e-5 && umax > 1 - 2e-5);
    m1 /= N, m2 /= N;
    double sN = sqrt((double)N);
    ck_assert_msg(fabs(m1 - 0.5) < 5 * sqrt(1.0 / 12) / sN, "mean %g", m1);
    ck_assert_msg(fabs(m2 - 1.0 / 3) < 5 * sqrt(4.0 / 45) / sN, "E u^2 %g", m2);
    for (int b = 0; b < 16; b++) {
        double p = (double)bins[b] / N;
        ck_assert_msg(fabs(p - 1.0 / 16) < 5 * sqrt((1.0 / 16) * (15.0 / 16) / N), "bin %d: %g", b, p);
    }
    /* neighbouring values are uncorrelated: lag-1 correlation of u within
     * 5 SE (1/sqrt(N)) of 0 */
    double c = 0;
    for (size_t i = 0; i + 1 < N; i++) c += (u[i] - 0.5) * (u[i + 1] - 0.5);
    c = c / (N - 1) * 12.0;
    ck_assert_msg(fabs(c) < 5 / sN, "lag-1 correlation %g", c);
    free(u);
}
END_TEST

/* Different streams, keys and starts give different values; the correlation
 * between two streams is within 5 SE (1/sqrt(N)) of 0. */
START_TEST(test_streams_and_keys_differ)
{
    enum { N = 100000 };
    double *a = malloc(N * sizeof(double)), *b = malloc(N * sizeof(double)), *c = malloc(N * sizeof(double)),
           *d = malloc(N * sizeof(double));
    mlpv_rng_normal(7, 0, 0, N, a);
    mlpv_rng_normal(7, 1, 0, N, b);
    mlpv_rng_normal(8, 0, 0, N, c);
    mlpv_rng_normal(7, 0, 0, N, d);
    ck_assert(memcmp(a, d, N * sizeof(double)) == 0); /* deterministic */
    int same_ab = 0, same_ac = 0;
    double rab = 0, rac = 0;
    for (int i = 0; i < N; i++) {
        same_ab += a[i] == b[i];
        same_ac += a[i] == c[i];
        rab += a[i] * b[i];
        rac += a[i] * c[i];
    }
    ck_assert_int_eq(same_ab, 0);
    ck_assert_int_eq(same_ac, 0);
    ck_assert_msg(fabs(rab / N) < 5 / sqrt((double)N), "stream correlation %g", rab / N);
    ck_assert_msg(fabs(rac / N) < 5 / sqrt((double)N), "key correlation %g", rac / N);
    /* a stream is not its own shift */
    mlpv_rng_uniform(7, 0, 0, N, a);
    mlpv_rng_uniform(7, 0, 1, N, b);
    int same_shift = 0;
    for (int i = 0; i < N; i++) same_shift += a[i] == b[i];
    ck_assert_int_eq(same_shift, 0);
    free(a);
    free(b);
    free(c);
    free(d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rng");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_philox_known_answers);
    tcase_add_test(tc, test_mix64);
    tcase_add_test(tc, test_chunk_invariance_uniform);
    tcase_add_test(tc, test_chunk_invariance_normal);
    tcase_add_test(tc, test_normal_moments);
    tcase_add_test(tc, test_uniform_distribution);
    tcase_add_test(tc, test_streams_and_keys_differ);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int nf = srunner_ntests_failed(sr);
    srunner_free(sr);
    return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
