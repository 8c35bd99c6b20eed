#include "CVectorKernels.h"

// Exactly the fused multiply-adds written below, no others.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Elementwise.h"

/// One vector of the epilogue, applied to the finished products `s` of columns j … j + 7, which it returns
/// (and adds to `sum` for the derivative kinds). `y` is the row of the activation's output.
CVK_AVX2_INLINE __m256 finish8(cvk_epilogue_kind kind, __m256 s, const float *bias, const float *y, float *sum, ptrdiff_t j) {
    switch (kind) {
    case cvk_epilogue_none: return s;
    case cvk_epilogue_bias_relu: return cvk_relu8(_mm256_add_ps(s, _mm256_loadu_ps(bias + j)));
    case cvk_epilogue_bias: return _mm256_add_ps(s, _mm256_loadu_ps(bias + j));
    case cvk_epilogue_relu_derivative: s = cvk_relu_derivative8(s, _mm256_loadu_ps(y + j)); break;
    case cvk_epilogue_tanh_derivative: s = cvk_tanh_derivative8(s, _mm256_loadu_ps(y + j)); break;
    case cvk_epilogue_identity_derivative: break;
    }
    if (sum) _mm256_storeu_ps(sum + j, _mm256_add_ps(_mm256_loadu_ps(sum + j), s));
    return s;
}

/// finish8 for the one column j.
CVK_AVX2_INLINE float finish1(cvk_epilogue_kind kind, float s, const float *bias, const float *y, float *sum, ptrdiff_t j) {
    switch (kind) {
    case cvk_epilogue_none: return s;
    case cvk_epilogue_bias_relu: return cvk_relu1(s + bias[j]);
    case cvk_epilogue_bias: return s + bias[j];
    case cvk_epilogue_relu_derivative: s = cvk_relu_derivative1(s, y[j]); break;
    case cvk_epilogue_tanh_derivative: s = cvk_tanh_derivative1(s, y[j]); break;
    case cvk_epilogue_identity_derivative: break;
    }
    if (sum) sum[j] += s;
    return s;
}

/// The product for one depth k and one epilogue kind, both constants wherever this is inlined, so each
/// pair becomes a straight run of a multiply, k − 1 fused multiply-adds and the epilogue's operations.
CVK_AVX2_INLINE
void shallow(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride, const float *b, ptrdiff_t ldb,
             float *c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t n, const int k,
             const cvk_epilogue_kind kind, const cvk_epilogue *epilogue) {
    const float *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
    const float *bias = epilogue->bias, *output = epilogue->output;
    float *sum = epilogue->sum;
    const ptrdiff_t whole = n & ~(ptrdiff_t)7;
    const __m256 zero = _mm256_setzero_ps();
    for (ptrdiff_t i = 0; i < m; i++) {
        const float *x = a + i * rowStride;
        float *row = c + i * ldc;
        const float *y = output ? output + i * epilogue->outputLeading : 0;
        const __m256 x0 = _mm256_set1_ps(x[0]);
        const __m256 x1 = k > 1 ? _mm256_set1_ps(x[columnStride]) : zero;
        const __m256 x2 = k > 2 ? _mm256_set1_ps(x[2 * columnStride]) : zero;
        const __m256 x3 = k > 3 ? _mm256_set1_ps(x[3 * columnStride]) : zero;
        ptrdiff_t j = 0;
        for (; j < whole; j += 8) {
            __m256 s = _mm256_mul_ps(x0, _mm256_loadu_ps(b + j));
            if (k > 1) s = _mm256_fmadd_ps(x1, _mm256_loadu_ps(b1 + j), s);
            if (k > 2) s = _mm256_fmadd_ps(x2, _mm256_loadu_ps(b2 + j), s);
            if (k > 3) s = _mm256_fmadd_ps(x3, _mm256_loadu_ps(b3 + j), s);
            _mm256_storeu_ps(row + j, finish8(kind, s, bias, y, sum, j));
        }
        for (; j < n; j++) {
            __m128 s = _mm_set_ss(x[0] * b[j]);
            for (ptrdiff_t p = 1; p < k; p++) {
                s = _mm_fmadd_ss(_mm_set_ss(x[p * columnStride]), _mm_set_ss(b[p * ldb + j]), s);
            }
            row[j] = finish1(kind, _mm_cvtss_f32(s), bias, y, sum, j);
        }
    }
}

/// `shallow` for a constant depth k, dispatched on the epilogue kind.
CVK_AVX2_INLINE
void shallowOfDepth(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride, const float *b, ptrdiff_t ldb,
                    float *c, ptrdiff_t ldc, ptrdiff_t m, ptrdiff_t n, const int k, const cvk_epilogue *epilogue) {
    switch (epilogue->kind) {
    case cvk_epilogue_none:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_none, epilogue); break;
    case cvk_epilogue_bias_relu:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_bias_relu, epilogue); break;
    case cvk_epilogue_bias:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_bias, epilogue); break;
    case cvk_epilogue_relu_derivative:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_relu_derivative, epilogue); break;
    case cvk_epilogue_tanh_derivative:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_tanh_derivative, epilogue); break;
    case cvk_epilogue_identity_derivative:
        shallow(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, cvk_epilogue_identity_derivative, epilogue); break;
    }
}

CVK_AVX2
void cvk_shallow_product_avx2(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                              const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                              ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const cvk_epilogue *epilogue) {
    switch (k) {
    case 1: shallowOfDepth(a, rowStride, columnStride, b, ldb, c, ldc, m, n, 1, epilogue); break;
    case 2: shallowOfDepth(a, rowStride, columnStride, b, ldb, c, ldc, m, n, 2, epilogue); break;
    case 3: shallowOfDepth(a, rowStride, columnStride, b, ldb, c, ldc, m, n, 3, epilogue); break;
    default: shallowOfDepth(a, rowStride, columnStride, b, ldb, c, ldc, m, n, 4, epilogue); break;
    }
}

#else

// Unreachable: cvk_avx2_fma_selected is 0 off x86-64.
void cvk_shallow_product_avx2(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                              const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                              ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const cvk_epilogue *epilogue) { __builtin_trap(); }

#endif
