#include "CVectorKernels.h"

// The Swift loop this replaces is the definition: no multiply-add is fused unless it says so.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Elementwise.h"
#include <math.h>

/// The coefficients, one vector each.
typedef struct {
    __m256 beta1, beta2, oneMinusBeta1, oneMinusBeta2, stepSize, correction, epsilon, keep, tau;
} coefficients8;

/// Adam on parameters i … i + 7: reads and clears the gradients, updates the moments and the
/// parameters, and returns the new parameters.
CVK_AVX2_INLINE __m256 step8(float *p, float *g, float *m, float *v, ptrdiff_t i, const coefficients8 c) {
    const __m256 gi = _mm256_loadu_ps(g + i);
    _mm256_storeu_ps(g + i, _mm256_setzero_ps());
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(c.beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(c.oneMinusBeta1, gi));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(c.beta2, _mm256_loadu_ps(v + i)),
                                    _mm256_mul_ps(_mm256_mul_ps(c.oneMinusBeta2, gi), gi));
    _mm256_storeu_ps(m + i, mi);
    _mm256_storeu_ps(v + i, vi);
    // √|v| as Swift's squareRootOfMagnitude computes it (v ≥ 0 unless NaN): the sign bit cleared.
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    const __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(_mm256_and_ps(vi, magnitude)), c.correction), c.epsilon);
    const __m256 pi = _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_div_ps(_mm256_mul_ps(c.stepSize, mi), denominator));
    _mm256_storeu_ps(p + i, pi);
    return pi;
}

CVK_AVX2
int cvk_adam_step_avx2(float *p, float *g, float *m, float *v, ptrdiff_t count,
                       const cvk_adam_coefficients *coefficients, float *target) {
    const cvk_adam_coefficients c = *coefficients;
    const coefficients8 c8 = {
        _mm256_set1_ps(c.beta1), _mm256_set1_ps(c.beta2), _mm256_set1_ps(c.oneMinusBeta1), _mm256_set1_ps(c.oneMinusBeta2),
        _mm256_set1_ps(c.stepSize), _mm256_set1_ps(c.inverseRootCorrection2), _mm256_set1_ps(c.epsilon),
        _mm256_set1_ps(c.keep), _mm256_set1_ps(c.tau),
    };
    // x − x is +0 (no bit set) for finite x and NaN for ±∞ and NaN; OR-ed together over everything
    // written, the bits stay clear exactly when all of it is finite. With a target only its new values
    // are checked: t · keep + τ · p is not finite when p is not (τ · p is ±∞ or NaN, even for τ = 0),
    // so they cover the parameters too, at one subtraction and one OR per eight values.
    __m256 check = _mm256_setzero_ps();
    const ptrdiff_t whole = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    if (target) {
        for (; i < whole; i += 8) {
            const __m256 pi = step8(p, g, m, v, i, c8);
            const __m256 ti = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(target + i), c8.keep), _mm256_mul_ps(c8.tau, pi));
            _mm256_storeu_ps(target + i, ti);
            check = _mm256_or_ps(check, _mm256_sub_ps(ti, ti));
        }
    } else {
        for (; i < whole; i += 8) {
            const __m256 pi = step8(p, g, m, v, i, c8);
            check = _mm256_or_ps(check, _mm256_sub_ps(pi, pi));
        }
    }
    float tailCheck = 0;
    for (; i < count; i++) {
        const float gi = g[i];
        g[i] = 0;
        const float mi = c.beta1 * m[i] + c.oneMinusBeta1 * gi;
        const float vi = c.beta2 * v[i] + c.oneMinusBeta2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        const float pi = p[i] - c.stepSize * mi / (sqrtf(vi) * c.inverseRootCorrection2 + c.epsilon);
        p[i] = pi;
        if (target) {
            const float ti = target[i] * c.keep + c.tau * pi;
            target[i] = ti;
            tailCheck += ti - ti;
        } else {
            tailCheck += pi - pi;
        }
    }
    const __m256i checkBits = _mm256_castps_si256(check);
    const int vectorsFinite = _mm256_testz_si256(checkBits, checkBits);
    return vectorsFinite && tailCheck == 0;
}

#else

int cvk_adam_step_avx2(float *p, float *g, float *m, float *v, ptrdiff_t count,
                       const cvk_adam_coefficients *coefficients, float *target) {
    __builtin_trap();  // unreachable: cvk_avx2_fma_selected is 0 off x86-64
}

#endif
