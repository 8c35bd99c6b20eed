#include "CVectorKernels.h"

#include <stdatomic.h>
#include <time.h>

// Exactly the fused multiply-adds written below.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include <immintrin.h>

// Sixteen independent chains, s ← s · multiplier + addend, one vector register each: enough chains to
// cover the FMA latency (4 cycles) on two FMA ports, so the loop runs at the ports' throughput. The
// multiplier and addend come in at run time, so the compiler cannot fold the chains away. The result
// is the sum of every lane of every chain, which the caller can check.

#define CHAIN16(fma, s, m, a) \
    s[0] = fma(s[0], m, a); s[1] = fma(s[1], m, a); s[2] = fma(s[2], m, a); s[3] = fma(s[3], m, a); \
    s[4] = fma(s[4], m, a); s[5] = fma(s[5], m, a); s[6] = fma(s[6], m, a); s[7] = fma(s[7], m, a); \
    s[8] = fma(s[8], m, a); s[9] = fma(s[9], m, a); s[10] = fma(s[10], m, a); s[11] = fma(s[11], m, a); \
    s[12] = fma(s[12], m, a); s[13] = fma(s[13], m, a); s[14] = fma(s[14], m, a); s[15] = fma(s[15], m, a);

__attribute__((target("avx512f,avx2,fma")))
static double fma_chains_avx512(ptrdiff_t iterations, float multiplier, float addend) {
    const __m512 m = _mm512_set1_ps(multiplier), a = _mm512_set1_ps(addend);
    __m512 s[16];
    for (int c = 0; c < 16; c++) s[c] = _mm512_setzero_ps();
    for (ptrdiff_t i = 0; i < iterations; i++) { CHAIN16(_mm512_fmadd_ps, s, m, a) }
    double total = 0;
    float lanes[16];
    for (int c = 0; c < 16; c++) {
        _mm512_storeu_ps(lanes, s[c]);
        for (int l = 0; l < 16; l++) total += lanes[l];
    }
    return total;
}

__attribute__((target("avx2,fma")))
static double fma_chains_avx2(ptrdiff_t iterations, float multiplier, float addend) {
    const __m256 m = _mm256_set1_ps(multiplier), a = _mm256_set1_ps(addend);
    __m256 s[16];
    for (int c = 0; c < 16; c++) s[c] = _mm256_setzero_ps();
    for (ptrdiff_t i = 0; i < iterations; i++) { CHAIN16(_mm256_fmadd_ps, s, m, a) }
    double total = 0;
    float lanes[8];
    for (int c = 0; c < 16; c++) {
        _mm256_storeu_ps(lanes, s[c]);
        for (int l = 0; l < 8; l++) total += lanes[l];
    }
    return total;
}

double cvk_fma_chains(int lanes, ptrdiff_t iterations, float multiplier, float addend) {
    if (lanes == 16 && cvk_cpu_supports_avx512()) return fma_chains_avx512(iterations, multiplier, addend);
    if (lanes == 8 && cvk_cpu_supports_avx2_fma()) return fma_chains_avx2(iterations, multiplier, addend);
    return -1;
}

#else

double cvk_fma_chains(int lanes, ptrdiff_t iterations, float multiplier, float addend) { return -1; }

#endif

// The peak of several threads at once: one part per pool thread. Each part, once claimed, waits until
// every part has been claimed (so no thread runs two parts, and all run together), then times its chains.

typedef struct {
    int lanes;
    ptrdiff_t iterations;
    ptrdiff_t parts;
    _Atomic ptrdiff_t arrived;
    _Atomic int abandoned;
    double seconds[CVK_POOL_MAX_THREADS];
} fma_peak_job;

static double monotonic_seconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return (double)time.tv_sec + (double)time.tv_nsec * 1e-9;
}

static void fma_peak_part(void *context, ptrdiff_t part) {
    fma_peak_job *job = context;
    atomic_fetch_add(&job->arrived, 1);
    const double deadline = monotonic_seconds() + 1;
    while (atomic_load(&job->arrived) < job->parts) {
        if (atomic_load(&job->abandoned) || monotonic_seconds() > deadline) {
            atomic_store(&job->abandoned, 1);  // a thread never came (the pool is busy elsewhere)
            return;
        }
    }
    const double start = monotonic_seconds();
    (void)cvk_fma_chains(job->lanes, job->iterations, 1, 0.5f);
    job->seconds[part] = monotonic_seconds() - start;
}

double cvk_fma_peak(int lanes, ptrdiff_t iterations, int threads) {
    if (threads < 1 || threads > cvk_pool_threads() || cvk_fma_chains(lanes, 1, 1, 0.5f) < 0) return -1;
    fma_peak_job job = {.lanes = lanes, .iterations = iterations, .parts = threads};
    atomic_init(&job.arrived, 0);
    atomic_init(&job.abandoned, 0);
    cvk_pool_run(threads, fma_peak_part, &job);
    if (atomic_load(&job.abandoned)) return -1;
    double slowest = 0;
    for (ptrdiff_t part = 0; part < threads; part++) slowest = job.seconds[part] > slowest ? job.seconds[part] : slowest;
    return slowest > 0 ? 32.0 * lanes * (double)iterations * threads / slowest : -1;
}
