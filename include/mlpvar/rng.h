/* Counter-based random numbers (Philox4x32-10): every value is a pure function
 * of (key, stream, index), so draws are identical however they are chunked and
 * on whichever rank they are made. */
#ifndef MLPVAR_RNG_H
#define MLPVAR_RNG_H

#include <stdint.h>
#include <stddef.h>

/* One Philox4x32-10 block: ctr[4], key[2] -> out[4]. */
void mlpv_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* splitmix64 finaliser, used to fold several integers into one key. */
uint64_t mlpv_mix64(uint64_t x);

/* Uniforms in (0,1), exclusive of both ends: values index start..start+n-1 of stream. */
void mlpv_rng_uniform(uint64_t key, uint64_t stream, uint64_t start, size_t n, double *out);
/* Standard normals (Box-Muller on pairs of uniforms): values start..start+n-1. */
void mlpv_rng_normal(uint64_t key, uint64_t stream, uint64_t start, size_t n, double *out);

#endif
