#include "CVectorKernels.h"

// Exactly the multiplies, adds and fused multiply-adds written below, no others.
#pragma clang fp contract(off)

#if defined(__x86_64__)
#include "Elementwise.h"
#include <pthread.h>
#include <stdlib.h>

// A general matrix product for CPUs whose AVX2 and FMA units OpenBLAS leaves unused (see the header).
// Goto's scheme: op(B) is copied, a depth block at a time, into panels of `COLUMNS` columns; op(A),
// a row block at a time, into panels of `ROWS` rows; a register kernel then multiplies one A panel by
// one B panel, keeping its ROWS × COLUMNS sums in 12 vector registers for the whole depth block.

enum { ROWS = 6, COLUMNS = 16, WIDE_COLUMNS = 32, DEPTH_BLOCK = 256, ROW_BLOCK = 96, COLUMN_BLOCK = 512 };

/// The two packing buffers of one thread, allocated on its first product and freed when it ends.
typedef struct {
    float *a;  // ROW_BLOCK × DEPTH_BLOCK
    float *b;  // DEPTH_BLOCK × COLUMN_BLOCK
} packing_buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *pointer) {
    packing_buffers *buffers = pointer;
    free(buffers->a);
    free(buffers->b);
    free(buffers);
}

static void make_buffers_key(void) { pthread_key_create(&buffers_key, free_buffers); }

/// This thread's buffers, or NULL when memory runs out.
static packing_buffers *thread_buffers(void) {
    pthread_once(&buffers_once, make_buffers_key);
    packing_buffers *buffers = pthread_getspecific(buffers_key);
    if (buffers) return buffers;
    buffers = malloc(sizeof *buffers);
    if (!buffers) return NULL;
    buffers->a = aligned_alloc(64, sizeof(float) * ROW_BLOCK * DEPTH_BLOCK);
    buffers->b = aligned_alloc(64, sizeof(float) * DEPTH_BLOCK * COLUMN_BLOCK);
    if (!buffers->a || !buffers->b || pthread_setspecific(buffers_key, buffers) != 0) {
        free_buffers(buffers);
        return NULL;
    }
    return buffers;
}

/// Rows i0 … i0 + rows − 1 and depths p0 … p0 + depth − 1 of op(A) into panels of ROWS rows: panel q
/// holds, for each depth p, the ROWS values op(A)[i0 + q·ROWS + r, p0 + p]; rows past the end are zeros.
static void pack_a(const float *a, ptrdiff_t lda, int transposed, ptrdiff_t i0, ptrdiff_t rows,
                   ptrdiff_t p0, ptrdiff_t depth, float *packed) {
    for (ptrdiff_t q = 0; q < rows; q += ROWS) {
        const ptrdiff_t live = rows - q < ROWS ? rows - q : ROWS;
        for (ptrdiff_t p = 0; p < depth; p++) {
            for (ptrdiff_t r = 0; r < ROWS; r++) {
                const ptrdiff_t i = i0 + q + r, column = p0 + p;
                packed[r] = r < live ? (transposed ? a[column * lda + i] : a[i * lda + column]) : 0;
            }
            packed += ROWS;
        }
    }
}

/// Depths p0 … p0 + depth − 1 and columns j0 … j0 + columns − 1 of op(B) into panels of `width`
/// columns: panel q holds, for each depth p, the `width` values op(B)[p0 + p, j0 + q·width + j];
/// columns past the end are zeros.
static void pack_b(const float *b, ptrdiff_t ldb, int transposed, ptrdiff_t p0, ptrdiff_t depth,
                   ptrdiff_t j0, ptrdiff_t columns, const ptrdiff_t width, float *packed) {
    for (ptrdiff_t q = 0; q < columns; q += width) {
        const ptrdiff_t live = columns - q < width ? columns - q : width;
        for (ptrdiff_t p = 0; p < depth; p++) {
            const ptrdiff_t row = p0 + p, first = j0 + q;
            if (!transposed && live == width) {
                const float *source = b + row * ldb + first;
                for (ptrdiff_t j = 0; j < width; j++) packed[j] = source[j];
            } else {
                for (ptrdiff_t j = 0; j < width; j++)
                    packed[j] = j < live ? (transposed ? b[(first + j) * ldb + row] : b[row * ldb + first + j]) : 0;
            }
            packed += width;
        }
    }
}

/// One result value: alpha · sum, plus beta · c on the first depth block (c unread when beta is 0),
/// plus c on later ones.
static inline float combine1(float sum, float c, float alpha, float beta, int first) {
    if (!first) return c + alpha * sum;
    return beta == 0 ? alpha * sum : alpha * sum + beta * c;
}

CVK_AVX2_INLINE __m256 combine8(__m256 sum, const float *c, __m256 alpha, __m256 beta, int first, int betaIsZero) {
    const __m256 scaled = _mm256_mul_ps(alpha, sum);
    if (!first) return _mm256_add_ps(_mm256_loadu_ps(c), scaled);
    if (betaIsZero) return scaled;
    return _mm256_add_ps(scaled, _mm256_mul_ps(beta, _mm256_loadu_ps(c)));
}

/// Writes the live rows × columns of the ROWS × width sums in `spilled` into C at `c`.
static void store_edge(const float *spilled, ptrdiff_t width, float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                       float alpha, float beta, int first) {
    for (ptrdiff_t r = 0; r < rows; r++)
        for (ptrdiff_t j = 0; j < columns; j++)
            c[r * ldc + j] = combine1(spilled[r * width + j], c[r * ldc + j], alpha, beta, first);
}

/// One A panel times one B panel (COLUMNS wide) over `depth`, into the live rows × columns of C at `c`.
CVK_AVX2 static void kernel_avx2(ptrdiff_t depth, const float *restrict ap, const float *restrict bp,
                            float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                            float alpha, float beta, int first) {
    __m256 s00 = _mm256_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00;
    __m256 s30 = s00, s31 = s00, s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    for (ptrdiff_t p = 0; p < depth; p++) {
        const __m256 b0 = _mm256_load_ps(bp), b1 = _mm256_load_ps(bp + 8);
        __m256 x = _mm256_broadcast_ss(ap);
        s00 = _mm256_fmadd_ps(x, b0, s00); s01 = _mm256_fmadd_ps(x, b1, s01);
        x = _mm256_broadcast_ss(ap + 1);
        s10 = _mm256_fmadd_ps(x, b0, s10); s11 = _mm256_fmadd_ps(x, b1, s11);
        x = _mm256_broadcast_ss(ap + 2);
        s20 = _mm256_fmadd_ps(x, b0, s20); s21 = _mm256_fmadd_ps(x, b1, s21);
        x = _mm256_broadcast_ss(ap + 3);
        s30 = _mm256_fmadd_ps(x, b0, s30); s31 = _mm256_fmadd_ps(x, b1, s31);
        x = _mm256_broadcast_ss(ap + 4);
        s40 = _mm256_fmadd_ps(x, b0, s40); s41 = _mm256_fmadd_ps(x, b1, s41);
        x = _mm256_broadcast_ss(ap + 5);
        s50 = _mm256_fmadd_ps(x, b0, s50); s51 = _mm256_fmadd_ps(x, b1, s51);
        ap += ROWS;
        bp += COLUMNS;
    }
    const __m256 sums[ROWS][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}, {s40, s41}, {s50, s51}};
    if (rows == ROWS && columns == COLUMNS) {
        const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
        const int betaIsZero = beta == 0;
        for (ptrdiff_t r = 0; r < ROWS; r++) {
            float *row = c + r * ldc;
            _mm256_storeu_ps(row, combine8(sums[r][0], row, va, vb, first, betaIsZero));
            _mm256_storeu_ps(row + 8, combine8(sums[r][1], row + 8, va, vb, first, betaIsZero));
        }
        return;
    }
    float spilled[ROWS * COLUMNS];
    for (ptrdiff_t r = 0; r < ROWS; r++) {
        _mm256_storeu_ps(spilled + r * COLUMNS, sums[r][0]);
        _mm256_storeu_ps(spilled + r * COLUMNS + 8, sums[r][1]);
    }
    store_edge(spilled, COLUMNS, c, ldc, rows, columns, alpha, beta, first);
}

#define CVK_AVX512 __attribute__((target("avx512f,avx2,fma")))

CVK_AVX512 static inline __attribute__((always_inline))
__m512 combine16(__m512 sum, const float *c, __m512 alpha, __m512 beta, int first, int betaIsZero) {
    const __m512 scaled = _mm512_mul_ps(alpha, sum);
    if (!first) return _mm512_add_ps(_mm512_loadu_ps(c), scaled);
    if (betaIsZero) return scaled;
    return _mm512_add_ps(scaled, _mm512_mul_ps(beta, _mm512_loadu_ps(c)));
}

/// kernel_avx2 with AVX-512 registers: a B panel WIDE_COLUMNS wide.
CVK_AVX512 static void kernel_avx512(ptrdiff_t depth, const float *restrict ap, const float *restrict bp,
                                     float *c, ptrdiff_t ldc, ptrdiff_t rows, ptrdiff_t columns,
                                     float alpha, float beta, int first) {
    __m512 s00 = _mm512_setzero_ps(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00;
    __m512 s30 = s00, s31 = s00, s40 = s00, s41 = s00, s50 = s00, s51 = s00;
    for (ptrdiff_t p = 0; p < depth; p++) {
        const __m512 b0 = _mm512_load_ps(bp), b1 = _mm512_load_ps(bp + 16);
        __m512 x = _mm512_set1_ps(ap[0]);
        s00 = _mm512_fmadd_ps(x, b0, s00); s01 = _mm512_fmadd_ps(x, b1, s01);
        x = _mm512_set1_ps(ap[1]);
        s10 = _mm512_fmadd_ps(x, b0, s10); s11 = _mm512_fmadd_ps(x, b1, s11);
        x = _mm512_set1_ps(ap[2]);
        s20 = _mm512_fmadd_ps(x, b0, s20); s21 = _mm512_fmadd_ps(x, b1, s21);
        x = _mm512_set1_ps(ap[3]);
        s30 = _mm512_fmadd_ps(x, b0, s30); s31 = _mm512_fmadd_ps(x, b1, s31);
        x = _mm512_set1_ps(ap[4]);
        s40 = _mm512_fmadd_ps(x, b0, s40); s41 = _mm512_fmadd_ps(x, b1, s41);
        x = _mm512_set1_ps(ap[5]);
        s50 = _mm512_fmadd_ps(x, b0, s50); s51 = _mm512_fmadd_ps(x, b1, s51);
        ap += ROWS;
        bp += WIDE_COLUMNS;
    }
    const __m512 sums[ROWS][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}, {s40, s41}, {s50, s51}};
    if (rows == ROWS && columns == WIDE_COLUMNS) {
        const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
        const int betaIsZero = beta == 0;
        for (ptrdiff_t r = 0; r < ROWS; r++) {
            float *row = c + r * ldc;
            _mm512_storeu_ps(row, combine16(sums[r][0], row, va, vb, first, betaIsZero));
            _mm512_storeu_ps(row + 16, combine16(sums[r][1], row + 16, va, vb, first, betaIsZero));
        }
        return;
    }
    float spilled[ROWS * WIDE_COLUMNS];
    for (ptrdiff_t r = 0; r < ROWS; r++) {
        _mm512_storeu_ps(spilled + r * WIDE_COLUMNS, sums[r][0]);
        _mm512_storeu_ps(spilled + r * WIDE_COLUMNS + 16, sums[r][1]);
    }
    store_edge(spilled, WIDE_COLUMNS, c, ldc, rows, columns, alpha, beta, first);
}

typedef void (*panel_kernel)(ptrdiff_t, const float *restrict, const float *restrict, float *, ptrdiff_t,
                             ptrdiff_t, ptrdiff_t, float, float, int);

/// The blocked product with B panels `width` wide, multiplied by `kernel`.
static int packed_product(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                          const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c,
                          ptrdiff_t ldc, const ptrdiff_t width, panel_kernel kernel) {
    if (m <= 0 || n <= 0) return 1;
    if (k <= 0) {
        for (ptrdiff_t i = 0; i < m; i++)
            for (ptrdiff_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return 1;
    }
    packing_buffers *buffers = thread_buffers();
    if (!buffers) return 0;
    for (ptrdiff_t j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
        const ptrdiff_t columns = n - j0 < COLUMN_BLOCK ? n - j0 : COLUMN_BLOCK;
        for (ptrdiff_t p0 = 0; p0 < k; p0 += DEPTH_BLOCK) {
            const ptrdiff_t depth = k - p0 < DEPTH_BLOCK ? k - p0 : DEPTH_BLOCK;
            const int first = p0 == 0;
            pack_b(b, ldb, transposeB, p0, depth, j0, columns, width, buffers->b);
            for (ptrdiff_t i0 = 0; i0 < m; i0 += ROW_BLOCK) {
                const ptrdiff_t rows = m - i0 < ROW_BLOCK ? m - i0 : ROW_BLOCK;
                pack_a(a, lda, transposeA, i0, rows, p0, depth, buffers->a);
                for (ptrdiff_t jq = 0; jq < columns; jq += width) {
                    const float *bp = buffers->b + jq * depth;
                    const ptrdiff_t liveColumns = columns - jq < width ? columns - jq : width;
                    for (ptrdiff_t iq = 0; iq < rows; iq += ROWS) {
                        const ptrdiff_t liveRows = rows - iq < ROWS ? rows - iq : ROWS;
                        kernel(depth, buffers->a + iq * depth, bp, c + (i0 + iq) * ldc + j0 + jq, ldc,
                               liveRows, liveColumns, alpha, beta, first);
                    }
                }
            }
        }
    }
    return 1;
}

// MARK: On several threads

// The product on the pool's threads (cvk_pool_run): C cut into slabs of whole B panels (columns), or of
// whole 6-row A panels when C has too few columns for two panels; each slab is a packed_product of its
// own, with the packing buffers of the thread that runs it. Every element of C is summed by the same
// kernel over the same depth blocks in the same order as in the whole product, so the result has the same
// bits, whichever thread computes which slab. (Packing op(B) once into a buffer shared by all slabs, then
// cutting rows, was measured slower: two hand-offs per product instead of one, see docs/benchmarks.md.)

typedef struct {
    int transposeA, transposeB;
    ptrdiff_t m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
    ptrdiff_t lda, ldb, ldc;
    ptrdiff_t width;
    panel_kernel kernel;
    /// Whether slabs are columns (else rows), and the columns or rows of each slab but the last.
    int columns;
    ptrdiff_t slab;
    /// Per slab: 1 when its thread could not allocate its packing buffers (the slab is then untouched).
    unsigned char failed[CVK_POOL_MAX_THREADS];
} threaded_product;

static int product_slab(const threaded_product *t, ptrdiff_t part) {
    const ptrdiff_t extent = t->columns ? t->n : t->m, first = part * t->slab;
    const ptrdiff_t count = extent - first < t->slab ? extent - first : t->slab;
    if (t->columns) {
        const float *b = t->transposeB ? t->b + first * t->ldb : t->b + first;
        return packed_product(t->transposeA, t->transposeB, t->m, count, t->k, t->alpha, t->a, t->lda, b, t->ldb,
                              t->beta, t->c + first, t->ldc, t->width, t->kernel);
    }
    const float *a = t->transposeA ? t->a + first : t->a + first * t->lda;
    return packed_product(t->transposeA, t->transposeB, count, t->n, t->k, t->alpha, a, t->lda, t->b, t->ldb,
                          t->beta, t->c + first * t->ldc, t->ldc, t->width, t->kernel);
}

static void product_slab_part(void *context, ptrdiff_t part) {
    threaded_product *t = context;
    t->failed[part] = !product_slab(t, part);
}

static int threaded_packed_product(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                                   const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb, float beta, float *c,
                                   ptrdiff_t ldc, ptrdiff_t slabs, const ptrdiff_t width, panel_kernel kernel) {
    if (m <= 0 || n <= 0 || k <= 0 || slabs < 2 || cvk_pool_inside_part()) return -1;
    if (slabs > CVK_POOL_MAX_THREADS) slabs = CVK_POOL_MAX_THREADS;
    // The caller computes any slab a worker could not: it needs its own buffers first.
    if (!thread_buffers()) return 0;
    threaded_product t = {
        .transposeA = transposeA, .transposeB = transposeB, .m = m, .n = n, .k = k, .alpha = alpha, .beta = beta,
        .a = a, .b = b, .c = c, .lda = lda, .ldb = ldb, .ldc = ldc, .width = width, .kernel = kernel,
    };
    // Whole panels per slab, as even as whole panels allow: columns in WIDE_COLUMNS (a multiple of both
    // panel widths), else rows in ROWS.
    t.columns = n >= 2 * WIDE_COLUMNS;
    const ptrdiff_t unit = t.columns ? WIDE_COLUMNS : ROWS, extent = t.columns ? n : m;
    const ptrdiff_t units = (extent + unit - 1) / unit;
    if (slabs > units) slabs = units;
    if (slabs < 2) return -1;
    t.slab = (units + slabs - 1) / slabs * unit;
    slabs = (extent + t.slab - 1) / t.slab;
    cvk_pool_run(slabs, product_slab_part, &t);
    for (ptrdiff_t part = 0; part < slabs; part++)
        if (t.failed[part]) product_slab(&t, part);
    return 1;
}

int cvk_packed_product_threaded(int avx512, ptrdiff_t slabs, int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n,
                                ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                                float beta, float *c, ptrdiff_t ldc) {
    return avx512 ? threaded_packed_product(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, slabs,
                                            WIDE_COLUMNS, kernel_avx512)
                  : threaded_packed_product(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, slabs,
                                            COLUMNS, kernel_avx2);
}

int cvk_packed_product_avx2(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                            const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                            float beta, float *c, ptrdiff_t ldc) {
    return packed_product(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, COLUMNS, kernel_avx2);
}

int cvk_packed_product_avx512(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                              const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                              float beta, float *c, ptrdiff_t ldc) {
    return packed_product(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, WIDE_COLUMNS,
                          kernel_avx512);
}

#else

// Unreachable: the packed product is never selected off x86-64.
int cvk_packed_product_threaded(int avx512, ptrdiff_t slabs, int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n,
                                ptrdiff_t k, float alpha, const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                                float beta, float *c, ptrdiff_t ldc) { __builtin_trap(); }
int cvk_packed_product_avx2(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                            const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                            float beta, float *c, ptrdiff_t ldc) { __builtin_trap(); }
int cvk_packed_product_avx512(int transposeA, int transposeB, ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, float alpha,
                              const float *a, ptrdiff_t lda, const float *b, ptrdiff_t ldb,
                              float beta, float *c, ptrdiff_t ldc) { __builtin_trap(); }

#endif
