// Private to CVectorKernels: one element, and one vector of eight, of each elementwise operation the
// kernels share, written as the Swift loops compute them (Activation.swift). x86-64 only.
#ifndef C_VECTOR_KERNELS_ELEMENTWISE_H
#define C_VECTOR_KERNELS_ELEMENTWISE_H

#include <immintrin.h>

/// A kernel compiled for AVX2 and FMA, whatever the rest of the build targets.
#define CVK_AVX2 __attribute__((target("avx2,fma")))
/// A helper inlined into such kernels (and specialised there for its constant arguments).
#define CVK_AVX2_INLINE static inline __attribute__((always_inline, target("avx2,fma")))

/// ReLU: Swift's `x < 0 ? 0 : x` for vectors (maxps(0, x) is `0 > x ? 0 : x`: NaN and −0 are kept).
CVK_AVX2_INLINE __m256 cvk_relu8(__m256 x) { return _mm256_max_ps(_mm256_setzero_ps(), x); }
/// ReLU as the Swift loops' scalar tails write it: `x > 0 ? x : 0`.
CVK_AVX2_INLINE float cvk_relu1(float x) { return x > 0 ? x : 0; }

/// g · ReLU′ in terms of the output y: +0 where y ≤ 0 (an ordered compare: a NaN output keeps g).
CVK_AVX2_INLINE __m256 cvk_relu_derivative8(__m256 g, __m256 y) {
    return _mm256_andnot_ps(_mm256_cmp_ps(y, _mm256_setzero_ps(), _CMP_LE_OQ), g);
}
/// The scalar tails' `if !(y > 0) { g = 0 }`.
CVK_AVX2_INLINE float cvk_relu_derivative1(float g, float y) { return y > 0 ? g : 0; }

/// g · tanh′ in terms of the output y: g · (1 − y · y).
CVK_AVX2_INLINE __m256 cvk_tanh_derivative8(__m256 g, __m256 y) {
    return _mm256_mul_ps(g, _mm256_sub_ps(_mm256_set1_ps(1), _mm256_mul_ps(y, y)));
}
CVK_AVX2_INLINE float cvk_tanh_derivative1(float g, float y) { return g * (1 - y * y); }

#endif
