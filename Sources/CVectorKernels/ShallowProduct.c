#include "CVectorKernels.h"

// Exactly the fused multiply-adds written below, no others.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
void cvk_shallow_row_avx2(const float *x, ptrdiff_t xStride, const float *b, ptrdiff_t ldb,
                          float *row, ptrdiff_t n, ptrdiff_t k) {
    const float *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
    const ptrdiff_t whole = n & ~(ptrdiff_t)7;
    ptrdiff_t j = 0;
    // One loop per depth, each a straight run of a multiply and fused multiply-adds.
    switch (k) {
    case 1: {
        const __m256 x0 = _mm256_set1_ps(x[0]);
        for (; j < whole; j += 8) _mm256_storeu_ps(row + j, _mm256_mul_ps(x0, _mm256_loadu_ps(b + j)));
        break;
    }
    case 2: {
        const __m256 x0 = _mm256_set1_ps(x[0]), x1 = _mm256_set1_ps(x[xStride]);
        for (; j < whole; j += 8) {
            const __m256 s = _mm256_mul_ps(x0, _mm256_loadu_ps(b + j));
            _mm256_storeu_ps(row + j, _mm256_fmadd_ps(x1, _mm256_loadu_ps(b1 + j), s));
        }
        break;
    }
    case 3: {
        const __m256 x0 = _mm256_set1_ps(x[0]), x1 = _mm256_set1_ps(x[xStride]), x2 = _mm256_set1_ps(x[2 * xStride]);
        for (; j < whole; j += 8) {
            __m256 s = _mm256_mul_ps(x0, _mm256_loadu_ps(b + j));
            s = _mm256_fmadd_ps(x1, _mm256_loadu_ps(b1 + j), s);
            _mm256_storeu_ps(row + j, _mm256_fmadd_ps(x2, _mm256_loadu_ps(b2 + j), s));
        }
        break;
    }
    default: {
        const __m256 x0 = _mm256_set1_ps(x[0]), x1 = _mm256_set1_ps(x[xStride]);
        const __m256 x2 = _mm256_set1_ps(x[2 * xStride]), x3 = _mm256_set1_ps(x[3 * xStride]);
        for (; j < whole; j += 8) {
            __m256 s = _mm256_mul_ps(x0, _mm256_loadu_ps(b + j));
            s = _mm256_fmadd_ps(x1, _mm256_loadu_ps(b1 + j), s);
            s = _mm256_fmadd_ps(x2, _mm256_loadu_ps(b2 + j), s);
            _mm256_storeu_ps(row + j, _mm256_fmadd_ps(x3, _mm256_loadu_ps(b3 + j), s));
        }
        break;
    }
    }
    for (; j < n; j++) {
        __m128 s = _mm_set_ss(x[0] * b[j]);
        for (ptrdiff_t p = 1; p < k; p++) {
            s = _mm_fmadd_ss(_mm_set_ss(x[p * xStride]), _mm_set_ss(b[p * ldb + j]), s);
        }
        row[j] = _mm_cvtss_f32(s);
    }
}

#else

// Unreachable: cvk_cpu_supports_avx2_fma() is 0 off x86-64.
void cvk_shallow_row_avx2(const float *x, ptrdiff_t xStride, const float *b, ptrdiff_t ldb,
                          float *row, ptrdiff_t n, ptrdiff_t k) { __builtin_trap(); }

#endif
