/* Precision template of the activation kernels (activation_kernels.h) and of
 * mlpv_phi_apply_f / _d. Not a header: activation.c includes it once per
 * precision with
 *   REAL     float | double
 *   SFX      f | d                (suffix of the generated names)
 *   FABS     fabsf | fabs
 *   TANH     tanh of a REAL       (float: the rational approximation, activation.c)
 *   SIGMOID  sigmoid of a REAL    (likewise)
 * defined, and undefines them all at its end.
 *
 * The two tables below are the only definitions of phi and phi' in float or
 * double arithmetic; each kernel expands one of them around its loop, so the
 * switch on the activation stays outside the loops and each loop vectorises. */

#define AK_CAT_(a, b) a##_##b
#define AK_CAT(a, b) AK_CAT_(a, b)
#define AK(name) AK_CAT(name, SFX)

/* phi(v): LOOP(EXPR) is a loop that sets each value to EXPR of v and returns. */
#define AK_PHI_TABLE(a, LOOP)                                                                                          \
    switch (a) {                                                                                                       \
    case MLPV_RELU: LOOP(v > 0 ? v : (REAL)0)                                                                          \
    case MLPV_ABS: LOOP(FABS(v))                                                                                       \
    case MLPV_LEAKY_RELU: LOOP(v > 0 ? v : (REAL)MLPV_LEAKY_RELU_SLOPE * v)                                            \
    case MLPV_TANH: LOOP(TANH(v))                                                                                      \
    case MLPV_SIGMOID: LOOP(SIGMOID(v))                                                                                \
    case MLPV_IDENTITY: LOOP(v)                                                                                        \
    default: LOOP((REAL)mlpv_phi(a, (double)v))                                                                        \
    }

/* dv * phi'(z) from the incoming delta dv, z's value zv and h = phi(z)'s value
 * hv; only abs and the default case read zv (mlpv_dphi_needs_z). */
#define AK_DPHI_TABLE(a, LOOP)                                                                                         \
    switch (a) {                                                                                                       \
    case MLPV_RELU: LOOP(hv > 0 ? dv : (REAL)0)                                                                        \
    case MLPV_LEAKY_RELU: LOOP(hv > 0 ? dv : (REAL)MLPV_LEAKY_RELU_SLOPE * dv)                                         \
    case MLPV_ABS: LOOP(zv > 0 ? dv : (zv < 0 ? -dv : (REAL)0))                                                        \
    case MLPV_TANH: LOOP(dv *((REAL)1 - hv * hv))                                                                      \
    case MLPV_SIGMOID: LOOP(dv *(hv * ((REAL)1 - hv)))                                                                 \
    case MLPV_ELU: LOOP(hv > 0 ? dv : dv * (hv + (REAL)1))                                                             \
    case MLPV_SOFTPLUS: LOOP(dv *(REAL)(-expm1(-(double)hv)))                                                          \
    case MLPV_IDENTITY: LOOP(dv)                                                                                       \
    default: LOOP(dv *(REAL)mlpv_dphi(a, (double)zv))                                                                  \
    }

void AK(mlpv_phi_apply)(mlpv_activation a, REAL *x, size_t n)
{
#define AK_APPLY(EXPR)                                                                                                 \
    for (size_t i = 0; i < n; i++) {                                                                                   \
        const REAL v = x[i];                                                                                           \
        x[i] = (EXPR);                                                                                                 \
    }                                                                                                                  \
    return;
    AK_PHI_TABLE(a, AK_APPLY)
#undef AK_APPLY
}

void AK(mlpv_bias_phi)(mlpv_activation a, REAL *z, REAL *h, int n, int rows, const REAL *b)
{
/* In place (z == h): only h is written. */
#define AK_INPLACE(EXPR)                                                                                               \
    for (int u = 0; u < n; u++) {                                                                                      \
        REAL *restrict hr = h + (size_t)u * rows;                                                                      \
        const REAL bu = b[u];                                                                                          \
        for (int r = 0; r < rows; r++) {                                                                               \
            const REAL v = hr[r] + bu;                                                                                 \
            hr[r] = (EXPR);                                                                                            \
        }                                                                                                              \
    }                                                                                                                  \
    return;
/* Pre-activations kept: z and h are distinct buffers. */
#define AK_KEEPZ(EXPR)                                                                                                 \
    for (int u = 0; u < n; u++) {                                                                                      \
        REAL *restrict zr = z + (size_t)u * rows, *restrict hr = h + (size_t)u * rows;                                 \
        const REAL bu = b[u];                                                                                          \
        for (int r = 0; r < rows; r++) {                                                                               \
            const REAL v = zr[r] + bu;                                                                                 \
            zr[r] = v;                                                                                                 \
            hr[r] = (EXPR);                                                                                            \
        }                                                                                                              \
    }                                                                                                                  \
    return;
    if (z == h) {
        AK_PHI_TABLE(a, AK_INPLACE)
    } else {
        AK_PHI_TABLE(a, AK_KEEPZ)
    }
#undef AK_INPLACE
#undef AK_KEEPZ
}

/* The row sums use 16 partial sums: no serial add chain, so GCC vectorises the
 * loop without reassociating anything itself. */
void AK(mlpv_dphi_mul)(mlpv_activation a, const REAL *z, const REAL *h, REAL *d, int n, int rows, REAL *gb)
{
#define AK_DLOOP(EXPR)                                                                                                 \
    for (int u = 0; u < n; u++) {                                                                                      \
        REAL *restrict dr = d + (size_t)u * rows;                                                                      \
        const REAL *zr = z + (size_t)u * rows, *hr = h + (size_t)u * rows;                                             \
        REAL acc[16] = { 0 };                                                                                          \
        int i = 0;                                                                                                     \
        for (; i + 16 <= rows; i += 16)                                                                                \
            for (int j = 0; j < 16; j++) {                                                                             \
                const int k = i + j;                                                                                   \
                const REAL dv = dr[k], hv = hr[k], zv = zr[k];                                                         \
                (void)hv;                                                                                              \
                (void)zv;                                                                                              \
                const REAL v = (EXPR);                                                                                 \
                dr[k] = v;                                                                                             \
                acc[j] += v;                                                                                           \
            }                                                                                                          \
        for (; i < rows; i++) {                                                                                        \
            const REAL dv = dr[i], hv = hr[i], zv = zr[i];                                                             \
            (void)hv;                                                                                                  \
            (void)zv;                                                                                                  \
            const REAL v = (EXPR);                                                                                     \
            dr[i] = v;                                                                                                 \
            acc[0] += v;                                                                                               \
        }                                                                                                              \
        if (gb) {                                                                                                      \
            REAL sum = 0;                                                                                              \
            for (int j = 0; j < 16; j++) sum += acc[j];                                                                \
            gb[u] += sum;                                                                                              \
        }                                                                                                              \
    }                                                                                                                  \
    return;
    AK_DPHI_TABLE(a, AK_DLOOP)
#undef AK_DLOOP
}

#undef AK_PHI_TABLE
#undef AK_DPHI_TABLE
#undef AK
#undef AK_CAT
#undef AK_CAT_
#undef REAL
#undef SFX
#undef FABS
#undef TANH
#undef SIGMOID
