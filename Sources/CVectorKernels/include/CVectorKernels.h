#ifndef C_VECTOR_KERNELS_H
#define C_VECTOR_KERNELS_H

// AVX2 + FMA versions of NeuralNetwork's vector loops, chosen at run time.
//
// The package is built for its architecture's baseline (no flags from the building machine). These
// kernels alone carry __attribute__((target("avx2,fma"))), so they may only be called while
// cvk_avx2_fma_selected is 1; it is set once, when the program loads, from the CPU check.
//
// Each kernel performs the operations of the portable Swift loop it stands in for, in the same order
// and with the same fused multiply-adds (none besides those the Swift loop writes; the sources switch
// floating-point contraction off), so on the same data it gives the same bits. Counts, strides and
// leading dimensions are in floats. Pointers need no particular alignment.

#include <stddef.h>

#pragma clang assume_nonnull begin

/// 1 if the CPU and the operating system run AVX2 and FMA instructions, else 0 (always 0 off x86-64).
int cvk_cpu_supports_avx2_fma(void);

/// Whether the kernels below run: cvk_cpu_supports_avx2_fma(), asked once when the program loads.
/// Tests set it to 0 to run the portable loops, never to 1 on a CPU without AVX2 and FMA.
extern int cvk_avx2_fma_selected;

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

/// y[r, c] ← f(y[r, c] + bias[c]) for f = ReLU, y rows × columns, contiguous.
void cvk_add_bias_relu_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns);

/// y[r, c] ← y[r, c] + bias[c], y rows × columns, contiguous.
void cvk_add_bias_avx2(float *y, const float *bias, ptrdiff_t rows, ptrdiff_t columns);

/// g[r, c] ← 0 where the ReLU output y[r, c] is not positive, then, if `sum` is given,
/// sum[c] ← sum[c] + g[r, c] in row order. g and y are rows × columns, contiguous.
void cvk_relu_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *_Nullable sum);

/// g[r, c] ← g[r, c] · (1 − y[r, c] · y[r, c]) for the tanh output y, then, if `sum` is given,
/// sum[c] ← sum[c] + g[r, c] in row order. g and y are rows × columns, contiguous.
void cvk_tanh_derivative_avx2(float *g, const float *y, ptrdiff_t rows, ptrdiff_t columns, float *_Nullable sum);

/// sum[c] ← sum[c] + g[r, c] in row order (the identity's derivative is 1); g is rows × columns, contiguous.
void cvk_add_rows_avx2(float *sum, const float *g, ptrdiff_t rows, ptrdiff_t columns);

/// C ← alpha · op(A) · op(B) + beta · C, row-major, op(A) m × k, op(B) k × n, op(X) = Xᵀ when its flag is
/// nonzero; with beta = 0, C is only written. For CPUs with AVX2 and FMA whose BLAS runs kernels without
/// them (OpenBLAS on a CPU model it does not know). Sums over k in order, a depth block of 256 at a time,
/// with fused multiply-adds. Returns 0 (C untouched) when its packing buffers (about 600 KB per thread,
/// kept until the thread ends) cannot be allocated, else 1.
int cvk_packed_product_avx2(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                            const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                            float beta, float *c, ptrdiff_t ldc);

/// cvk_packed_product_avx2 with AVX-512 registers (B panels 32 columns wide instead of 16); only while
/// cvk_cpu_supports_avx512() is 1. The same sums in the same order, so the same bits as the AVX2 product.
int cvk_packed_product_avx512(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                              const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                              float beta, float *c, ptrdiff_t ldc);

/// cvk_packed_product_avx512 (avx512 nonzero) or _avx2 on the pool's threads (cvk_pool_run): C cut into at
/// most `slabs` slabs of whole panels, columns in multiples of 32 (rows in multiples of 6 when n < 64), each
/// computed by the packed product with the buffers of the thread that runs it. The same sums in the same
/// order as on one thread, so the same bits. Returns 1 when done; 0 (C untouched) when the calling thread
/// cannot allocate its packing buffers; −1 (C untouched) when the caller is running a part of a pool job,
/// or there is nothing to cut (fewer than two slabs, an empty product).
int cvk_packed_product_threaded(int avx512, ptrdiff_t slabs, int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n,
                                ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                                float beta, float *c, ptrdiff_t ldc);

/// 1 if the CPU and the operating system run AVX-512F, AVX2 and FMA instructions, else 0.
int cvk_cpu_supports_avx512(void);

/// What a shallow product does to each row of its result right after computing it.
typedef enum {
    /// Nothing.
    cvk_epilogue_none,
    /// row ← ReLU(row + bias).
    cvk_epilogue_bias_relu,
    /// row ← row + bias.
    cvk_epilogue_bias,
    /// As cvk_relu_derivative_avx2 on the row, with the matching row of `output`.
    cvk_epilogue_relu_derivative,
    /// As cvk_tanh_derivative_avx2 on the row, with the matching row of `output`.
    cvk_epilogue_tanh_derivative,
    /// As cvk_add_rows_avx2 on the row (does nothing without `sum`).
    cvk_epilogue_identity_derivative,
} cvk_epilogue_kind;

typedef struct {
    cvk_epilogue_kind kind;
    /// n values, for the bias kinds.
    const float *_Nullable bias;
    /// The activation's output for the derivative kinds: row i at output + i · outputLeading.
    const float *_Nullable output;
    ptrdiff_t outputLeading;
    /// n values that the derivative kinds add each finished row to, if given.
    float *_Nullable sum;
} cvk_epilogue;

/// C = op(A) · B for a shallow depth 1 ≤ k ≤ 4, then `epilogue` on each row: op(A)[i, p] is
/// a[i · rowStride + p · columnStride], B is k × n row-major with leading dimension ldb, C is m × n with
/// leading dimension ldc. Row i of C is Σ_p op(A)[i, p] · (row p of B), summed in order p = 0, 1, … as
/// a product followed by fused multiply-adds.
void cvk_shallow_product_avx2(const float *a, ptrdiff_t rowStride, ptrdiff_t columnStride,
                              const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc,
                              ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const cvk_epilogue *epilogue);


/// The most threads the pool runs (cvk_pool_set_threads caps its argument here).
#define CVK_POOL_MAX_THREADS 256

/// One part of a pool job: `part` is 0 … parts − 1.
typedef void (*cvk_pool_part)(void *_Nullable context, ptrdiff_t part);

/// Lets pool jobs use `threads` threads (the caller and threads − 1 workers, started on first need and
/// kept until the process ends; clamped to 1 … CVK_POOL_MAX_THREADS). Returns the count in force, which
/// is smaller when the system refuses to start a worker.
int cvk_pool_set_threads(int threads);

/// The threads pool jobs use now (1 until cvk_pool_set_threads says otherwise).
int cvk_pool_threads(void);

/// Runs function(context, part) for part = 0 … parts − 1 and returns when all have finished. The caller
/// and the pool's workers claim parts one at a time, so which thread runs a part depends on scheduling:
/// a part's result must not. With one thread, more than 65535 parts, when called from inside a part or
/// while another thread's job runs, every part runs on the caller, in order. Parts must write disjoint memory.
void cvk_pool_run(ptrdiff_t parts, cvk_pool_part function, void *_Nullable context);

/// 1 while the calling thread runs a part of a pool job (a job it starts then runs on it alone), else 0.
int cvk_pool_inside_part(void);

/// The processors this process's CPU affinity mask allows (1 where it cannot be read).
int cvk_affinity_cores(void);

/// Runs 16 independent chains s ← s · multiplier + addend (s starting at 0) of fused multiply-adds on
/// vectors of `lanes` floats (16: AVX-512, 8: AVX2), `iterations` steps each: 32 · lanes · iterations
/// floating-point operations. Returns the sum of every lane of every chain, or −1 when this CPU does
/// not run vectors of that width.
double cvk_fma_chains(int lanes, ptrdiff_t iterations, float multiplier, float addend);

/// The FMA operations per second of `threads` pool threads running cvk_fma_chains(lanes, iterations, 1, 0.5)
/// together: every part waits until all have started, so each thread runs one; the FLOPs of all divided
/// by the time of the slowest. −1 when `threads` exceeds cvk_pool_threads(), the CPU runs no vectors of
/// `lanes` floats, or the threads did not all start within a second (the pool busy with another job).
double cvk_fma_peak(int lanes, ptrdiff_t iterations, int threads);

#pragma clang assume_nonnull end

#endif
