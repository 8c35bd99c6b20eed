#include "CVectorKernels.h"

int cvk_cpu_supports_avx2_fma(void) {
#if defined(__x86_64__)
    // The runtime library's CPU check also asks the OS (XGETBV) whether it saves the AVX registers.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int cvk_cpu_supports_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

int cvk_avx2_fma_selected = 0;

// Once, when the program (or the library holding this) loads, before any Swift code runs. A plain
// global read on every call is cheaper than a lazily initialised Swift one.
__attribute__((constructor))
static void cvk_select_kernels(void) {
    cvk_avx2_fma_selected = cvk_cpu_supports_avx2_fma();
}
