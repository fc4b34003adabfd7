/* Philox4x32-10 (Salmon et al., SC'11, "Parallel random numbers: as easy as
 * 1, 2, 3"). Counter = (block index, stream), key = 64-bit seed. Each block
 * gives two 64-bit words, hence two uniforms and two normals. */
#include "mlpvar/rng.h"

#include <math.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

void mlpv_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c0, p1 = (uint64_t)PHILOX_M1 * c2;
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

uint64_t mlpv_mix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

/* Two 53-bit uniforms in (0,1) from block b of the stream. */
static void block_uniforms(uint64_t key, uint64_t stream, uint64_t b, double u[2])
{
    uint32_t c[4] = { (uint32_t)b, (uint32_t)(b >> 32), (uint32_t)stream, (uint32_t)(stream >> 32) };
    uint32_t k[2] = { (uint32_t)key, (uint32_t)(key >> 32) };
    uint32_t o[4];
    mlpv_philox4x32(c, k, o);
    uint64_t w0 = ((uint64_t)o[1] << 32) | o[0], w1 = ((uint64_t)o[3] << 32) | o[2];
    u[0] = ((double)(w0 >> 11) + 0.5) * 0x1p-53;
    u[1] = ((double)(w1 >> 11) + 0.5) * 0x1p-53;
}

void mlpv_rng_uniform(uint64_t key, uint64_t stream, uint64_t start, size_t n, double *out)
{
    double u[2];
    for (size_t i = 0; i < n; i++) {
        uint64_t idx = start + i;
        if (i == 0 || idx % 2 == 0) block_uniforms(key, stream, idx / 2, u);
        out[i] = u[idx % 2];
    }
}

void mlpv_rng_normal(uint64_t key, uint64_t stream, uint64_t start, size_t n, double *out)
{
    double u[2], z[2];
    for (size_t i = 0; i < n; i++) {
        uint64_t idx = start + i;
        if (i == 0 || idx % 2 == 0) {
            block_uniforms(key, stream, idx / 2, u);
            double r = sqrt(-2.0 * log(u[0])), th = 2.0 * M_PI * u[1];
            z[0] = r * cos(th);
            z[1] = r * sin(th);
        }
        out[i] = z[idx % 2];
    }
}
