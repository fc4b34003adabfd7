/* Debian 12's OpenBLAS (0.3.21) does not recognise some recent x86 CPUs and
 * falls back to its generic "Prescott" (SSE3) kernels, 2-5x slower than the
 * AVX2/AVX-512 ones the CPU can run. OPENBLAS_CORETYPE must be set before
 * libopenblas loads, so mlpvar re-executes itself once with it set. */
#ifndef MLPVAR_OPENBLAS_CORE_H
#define MLPVAR_OPENBLAS_CORE_H

/* If OpenBLAS chose Prescott on a CPU with AVX-512 (SkylakeX kernels) or
 * AVX2+FMA (Haswell kernels), and neither OPENBLAS_CORETYPE nor
 * MLPVAR_KEEP_OPENBLAS_CORE is set, re-executes argv with OPENBLAS_CORETYPE set.
 * Returns only when nothing is to be done or exec failed. */
void openblas_core_fix(char **argv);

/* The kernel set OpenBLAS is using, e.g. "SkylakeX". */
const char *openblas_core_name(void);

#endif
