#include "mlpvar/openblas_core.h"

#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

const char *openblas_core_name(void)
{
    const char *c = openblas_get_corename();
    return c ? c : "?";
}

void openblas_core_fix(char **argv)
{
    if (getenv("OPENBLAS_CORETYPE") || getenv("MLPVAR_KEEP_OPENBLAS_CORE")) return;
    if (strcasecmp(openblas_core_name(), "prescott") != 0) return;
    __builtin_cpu_init();
    const char *better = NULL;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq"))
        better = "SkylakeX";
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) better = "Haswell";
    if (!better) return;
    setenv("OPENBLAS_CORETYPE", better, 1);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE"); /* exec failed: carry on as we are */
}
