#include "CVectorKernels.h"

// The Swift loops these replace are the definition: no multiply-add is fused.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Elementwise.h"

CVK_AVX2
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) {
    const ptrdiff_t whole = columns & ~(ptrdiff_t)7;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *row = y + r * columns;
        ptrdiff_t c = 0;
        for (; c < whole; c += 8) {
            _mm256_storeu_ps(row + c, cvk_relu8(_mm256_add_ps(_mm256_loadu_ps(row + c), _mm256_loadu_ps(bias + c))));
        }
        for (; c < columns; c++) row[c] = cvk_relu1(row[c] + bias[c]);
    }
}

CVK_AVX2
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

/// The derivative passes: g ← g · f′(y) row by row, each finished row added to `sum` if given.
/// `isTanh` is a constant wherever this is inlined.
CVK_AVX2_INLINE
void derivative(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *sum, int isTanh) {
    const ptrdiff_t whole = columns & ~(ptrdiff_t)7;
    for (ptrdiff_t r = 0; r < rows; r++) {
        float *gr = g + r * columns;
        const float *yr = y + r * columns;
        ptrdiff_t c = 0;
        for (; c < whole; c += 8) {
            const __m256 gi = _mm256_loadu_ps(gr + c), yi = _mm256_loadu_ps(yr + c);
            const __m256 result = isTanh ? cvk_tanh_derivative8(gi, yi) : cvk_relu_derivative8(gi, yi);
            _mm256_storeu_ps(gr + c, result);
            if (sum) _mm256_storeu_ps(sum + c, _mm256_add_ps(_mm256_loadu_ps(sum + c), result));
        }
        for (; c < columns; c++) {
            gr[c] = isTanh ? cvk_tanh_derivative1(gr[c], yr[c]) : cvk_relu_derivative1(gr[c], yr[c]);
            if (sum) sum[c] += gr[c];
        }
    }
}

CVK_AVX2
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *sum) {
    derivative(g, y, rows, columns, sum, 0);
}

CVK_AVX2
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *sum) {
    derivative(g, y, rows, columns, sum, 1);
}

CVK_AVX2
void cvk_add_rows_avx2(float *sum, const float *g, ptrdiff_t rows, ptrdiff_t columns) {
    const ptrdiff_t whole = columns & ~(ptrdiff_t)7;
    for (ptrdiff_t r = 0; r < rows; r++) {
        const float *gr = g + r * columns;
        ptrdiff_t c = 0;
        for (; c < whole; c += 8) {
            _mm256_storeu_ps(sum + c, _mm256_add_ps(_mm256_loadu_ps(sum + c), _mm256_loadu_ps(gr + c)));
        }
        for (; c < columns; c++) sum[c] += gr[c];
    }
}

#else

// Unreachable: cvk_avx2_fma_selected is 0 off x86-64.
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) { __builtin_trap(); }
void cvk_add_bias_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns) { __builtin_trap(); }
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *sum) { __builtin_trap(); }
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *sum) { __builtin_trap(); }
void cvk_add_rows_avx2(float *sum, const float *g, ptrdiff_t rows, ptrdiff_t columns) { __builtin_trap(); }

#endif
