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
