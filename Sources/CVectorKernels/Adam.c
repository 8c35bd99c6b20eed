#include "CVectorKernels.h"

// The Swift loop this replaces is the definition: no multiply-add is fused unless it says so.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Elementwise.h"
#include <math.h>

CVK_AVX2
int cvk_adam_step_avx2(float *p, float *g, float *m, float *v, ptrdiff_t count,
                       const cvk_adam_coefficients *coefficients, float *target) {
    const cvk_adam_coefficients c = *coefficients;
    const __m256 beta1 = _mm256_set1_ps(c.beta1), beta2 = _mm256_set1_ps(c.beta2);
    const __m256 oneMinusBeta1 = _mm256_set1_ps(c.oneMinusBeta1), oneMinusBeta2 = _mm256_set1_ps(c.oneMinusBeta2);
    const __m256 stepSize = _mm256_set1_ps(c.stepSize), correction = _mm256_set1_ps(c.inverseRootCorrection2);
    const __m256 epsilon = _mm256_set1_ps(c.epsilon), keep = _mm256_set1_ps(c.keep), tau = _mm256_set1_ps(c.tau);
    const __m256 zero = _mm256_setzero_ps();
    // Clears the sign bit: √|v| as Swift's squareRootOfMagnitude computes it (v ≥ 0 unless NaN).
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    // x − x is 0 for finite x and NaN for ±∞ and NaN; summed over everything written, it is 0 exactly
    // when all of it is finite.
    __m256 check = zero;
    const ptrdiff_t whole = count & ~(ptrdiff_t)7;
    ptrdiff_t i = 0;
    for (; i < whole; i += 8) {
        const __m256 gi = _mm256_loadu_ps(g + i);
        _mm256_storeu_ps(g + i, zero);
        const __m256 mi = _mm256_add_ps(_mm256_mul_ps(beta1, _mm256_loadu_ps(m + i)), _mm256_mul_ps(oneMinusBeta1, gi));
        const __m256 vi = _mm256_add_ps(_mm256_mul_ps(beta2, _mm256_loadu_ps(v + i)),
                                        _mm256_mul_ps(_mm256_mul_ps(oneMinusBeta2, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        const __m256 denominator = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(_mm256_and_ps(vi, magnitude)), correction), epsilon);
        const __m256 pi = _mm256_sub_ps(_mm256_loadu_ps(p + i), _mm256_div_ps(_mm256_mul_ps(stepSize, mi), denominator));
        _mm256_storeu_ps(p + i, pi);
        check = _mm256_add_ps(check, _mm256_sub_ps(pi, pi));
        if (target) {
            const __m256 ti = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(target + i), keep), _mm256_mul_ps(tau, pi));
            _mm256_storeu_ps(target + i, ti);
            check = _mm256_add_ps(check, _mm256_sub_ps(ti, ti));
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
        tailCheck += pi - pi;
        if (target) {
            const float ti = target[i] * c.keep + c.tau * pi;
            target[i] = ti;
            tailCheck += ti - ti;
        }
    }
    const int vectorsFinite = _mm256_movemask_ps(_mm256_cmp_ps(check, check, _CMP_UNORD_Q)) == 0;
    return vectorsFinite && tailCheck == 0;
}

#else

int cvk_adam_step_avx2(float *p, float *g, float *m, float *v, ptrdiff_t count,
                       const cvk_adam_coefficients *coefficients, float *target) {
    __builtin_trap();  // unreachable: cvk_avx2_fma_selected is 0 off x86-64
}

#endif
