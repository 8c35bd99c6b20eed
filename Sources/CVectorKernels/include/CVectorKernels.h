#ifndef C_VECTOR_KERNELS_H
#define C_VECTOR_KERNELS_H

// AVX2 + FMA versions of NeuralNetwork's vector loops, chosen at run time.
//
// The package is built for its architecture's baseline (no flags from the building machine). These
// kernels alone carry __attribute__((target("avx2,fma"))), so they may only be called after
// cvk_cpu_supports_avx2_fma() has returned 1; NeuralNetwork's `VectorKernels` makes that check once.
//
// Each kernel performs the operations of the Swift loop it stands in for, in the same order and with
// the same fused multiply-adds (none besides those the Swift loop writes; the sources switch floating-
// point contraction off), so its results are bit for bit those of the portable Swift loop on finite
// data. Counts, strides and leading dimensions are in floats. Pointers need no particular alignment.

#include <stddef.h>

#pragma clang assume_nonnull begin

/// 1 if the CPU and the operating system run AVX2 and FMA instructions, else 0 (always 0 off x86-64).
int cvk_cpu_supports_avx2_fma(void);

/// The scalars of one Adam step (see Adam.swift) and of the Polyak update fused into it.
typedef struct {
    float beta1;
    float beta2;
    float oneMinusBeta1;
    float oneMinusBeta2;
    /// lr / (1 − β₁ᵗ)
    float stepSize;
    /// 1 / √(1 − β₂ᵗ)
    float inverseRootCorrection2;
    float epsilon;
    /// 1 − τ and τ of the Polyak update; unused without a target.
    float keep;
    float tau;
} cvk_adam_coefficients;

/// One Adam step over `count` parameters, clearing the gradients; then, if `target` is given,
/// target ← target · keep + tau · parameter for each new parameter. Returns 1 if every parameter and
/// target value written is finite, else 0.
int cvk_adam_step_avx2(float *parameters, float *gradients, float *firstMoment, float *secondMoment,
                       ptrdiff_t count, const cvk_adam_coefficients *coefficients, float *_Nullable target);

/// y[r, c] ← max(y[r, c] + bias[c], 0) as ReLU's `applyAddingBias` computes it; y is rows × columns, contiguous.
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns);

/// y[r, c] ← y[r, c] + bias[c]; y is rows × columns, contiguous.
void cvk_add_bias_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns);

/// g[i] ← 0 where the ReLU output y[i] is not positive, then, if `sum` is given, sum[i] ← sum[i] + g[i].
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *_Nullable sum);

/// g[i] ← g[i] · (1 − y[i] · y[i]) for the tanh output y, then, if `sum` is given, sum[i] ← sum[i] + g[i].
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t count, float *_Nullable sum);

/// sum[i] ← sum[i] + g[i] (the identity's derivative is 1).
void cvk_add_avx2(float *sum, const float *g, ptrdiff_t count);

/// One row of a shallow product (depth 1 ≤ k ≤ 4): row[j] = Σ_p x[p · xStride] · b[p · ldb + j] for
/// j < n, the sum taken in order p = 0, 1, … as x₀ b₀ⱼ followed by fused multiply-adds.
void cvk_shallow_row_avx2(const float *x, ptrdiff_t xStride, const float *b, ptrdiff_t ldb,
                          float *row, ptrdiff_t n, ptrdiff_t k);

#pragma clang assume_nonnull end

#endif
