/* Checked growth of a heap array: the one way mlpvar enlarges a buffer. */
#ifndef MLPVAR_GROW_H
#define MLPVAR_GROW_H

#include <stddef.h>

/* Makes *p hold at least `need` elements of `elem` bytes, doubling *cap (from
 * 16) as needed. Returns 0, or -1 on overflow or out of memory, in which case
 * *p and *cap are unchanged (still valid, still owned by the caller). */
int mlpv_grow(void *p, size_t *cap, size_t need, size_t elem);

/* The same for a long count, as most of mlpvar counts: need < 0 is an error. */
#define MLPV_GROW(ptr, cap, need) mlpv_grow(&(ptr), &(cap), (size_t)(need), sizeof *(ptr))

#endif
