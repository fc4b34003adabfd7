#include "mlpvar/grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int mlpv_grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2) return -1;
        c *= 2;
    }
    if (elem && c > SIZE_MAX / elem) return -1;
    void *old, *q;
    memcpy(&old, p, sizeof old); /* p points at a T*; every object pointer has this representation here */
    q = realloc(old, c * elem);
    if (!q) return -1;
    memcpy(p, &q, sizeof q);
    *cap = c;
    return 0;
}
