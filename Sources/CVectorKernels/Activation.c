#include "CVectorKernels.h"

// The Swift loops these replace are the definition: no multiply-add is fused.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) {
    const __m256 zero = _mm256_setzero_ps();
    const ptrdiff_t whole = columns & ~(ptrdiff_t)7;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        ptrdiff_t c = 0;
        for (; c < whole; c += 8) {
            const __m256 x = _mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(bias + c));
            // maxps(0, x) is 0 > x ? 0 : x, which is Swift's `x < 0 ? 0 : x` lane by lane (NaN and −0 kept).
            _mm256_storeu_ps(row + c, _mm256_max_ps(zero, x));
        }
        for (; c < columns; c++) {
            const float x = row[c] + bias[c];
            row[c] = x > 0 ? x : 0;
        }
    }
}

__attribute__((target("avx2,fma")))
void cvk_add_bias_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) {
    const ptrdiff_t whole = columns & ~(ptrdiff_t)7;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        ptrdiff_t c = 0;
        for (; c < whole; c += 8) {
            _mm256_storeu_ps(row + c, _mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(bias + c)));
        }
        for (; c < columns; c++) row[c] += bias[c];
    }
}

__attribute__((target("avx2,fma")))
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *sum) {
    const __m256 zero = _mm256_setzero_ps();
    const ptrdiff_t whole = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    for (; i < whole; i += 8) {
        // +0 where y ≤ 0 (ordered: a NaN output keeps its gradient), as Swift's `replacing(with:where:)`.
        const __m256 notPositive = _mm256_cmp_ps(_mm256_loadu_ps(y + i), zero, _CMP_LE_OQ);
        const __m256 gi = _mm256_andnot_ps(notPositive, _mm256_loadu_ps(g + i));
        _mm256_storeu_ps(g + i, gi);
        if (sum) _mm256_storeu_ps(sum + i, _mm256_add_ps(_mm256_loadu_ps(sum + i), gi));
    }
    for (; i < count; i++) {
        if (!(y[i] > 0)) g[i] = 0;
        if (sum) sum[i] += g[i];
    }
}

__attribute__((target("avx2,fma")))
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *sum) {
    const __m256 one = _mm256_set1_ps(1);
    const ptrdiff_t whole = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    for (; i < whole; i += 8) {
        const __m256 yi = _mm256_loadu_ps(y + i);
        const __m256 gi = _mm256_mul_ps(_mm256_loadu_ps(g + i), _mm256_sub_ps(one, _mm256_mul_ps(yi, yi)));
        _mm256_storeu_ps(g + i, gi);
        if (sum) _mm256_storeu_ps(sum + i, _mm256_add_ps(_mm256_loadu_ps(sum + i), gi));
    }
    for (; i < count; i++) {
        g[i] *= 1 - y[i] * y[i];
        if (sum) sum[i] += g[i];
    }
}

__attribute__((target("avx2,fma")))
void cvk_add_avx2(float *sum, const float *g, ptrdiff_t count) {
    const ptrdiff_t whole = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    for (; i < whole; i += 8) {
        _mm256_storeu_ps(sum + i, _mm256_add_ps(_mm256_loadu_ps(sum + i), _mm256_loadu_ps(g + i)));
    }
    for (; i < count; i++) sum[i] += g[i];
}

#else

// Unreachable: cvk_cpu_supports_avx2_fma() is 0 off x86-64.
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) { __builtin_trap(); }
void cvk_add_bias_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) { __builtin_trap(); }
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *sum) { __builtin_trap(); }
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *sum) { __builtin_trap(); }
void cvk_add_avx2(float *sum, const float *g, ptrdiff_t count) { __builtin_trap(); }

#endif
