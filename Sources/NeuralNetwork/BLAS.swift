internal import CBLAS
internal import CVectorKernels
import Foundation

/// The one place where matrix products happen. Every product in the package goes through
/// `multiply` here (OpenBLAS's `cblas_sgemm` or the package's packed kernel, see `productKernel`; or
/// `cblas_sgemv` and a short vectorised loop for thin shapes), so its cost can be counted and its
/// threading controlled.
public enum BLAS {
    private static let singleThreaded: Void = {
        openblas_set_num_threads(1)
    }()

    /// Restricts OpenBLAS to one thread, so its products are deterministic. (The package cuts its own packed
    /// products over threads only when asked, `useThreads(_:)`.)
    /// Networks call this when they are created; calling it again is free.
    public static func useSingleThread() {
        _ = singleThreaded
    }

    /// The name of the kernel set OpenBLAS chose for this CPU (for example "Haswell" or "SkylakeX");
    /// the environment variable OPENBLAS_CORETYPE overrides the choice at process start.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// C = alpha · op(A) · op(B) + beta · C, all row-major. `op(A)` is m × k, `op(B)` is k × n.
    /// With beta = 0, C is only written, never read.
    ///
    /// Square-ish products go to `cblas_sgemm` (or the packed kernel, `productKernel`). Thin ones, which sgemm runs at a few percent of its
    /// peak (its packing and blocking do not pay off there), take a cheaper route with the same result
    /// up to rounding (measured with OpenBLAS 0.3.21, batch 256, width 256, one thread):
    /// - at most `narrowLimit` columns (a critic's Q output, a policy's [μ | log σ]) or rows (the
    ///   gradient of an output layer's weights): one `cblas_sgemv` per column or row (23 → 4 µs for one column);
    /// - inner dimension at most `shallowLimit` (a first layer fed a few observation values, the input
    ///   gradient of a one-output layer), with alpha = 1 and beta = 0: `shallowProduct`, a vectorised loop.
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        if n <= narrowLimit && n <= m {
            // Column j of C = alpha · op(A) · (column j of op(B)) + beta · (column j of C).
            for j in 0..<n {
                let column = transposeB ? b + j * ldb : b + j
                cblas_sgemv(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans,
                            Int32(transposeA ? k : m), Int32(transposeA ? m : k), alpha, a, Int32(lda),
                            column, Int32(transposeB ? 1 : ldb), beta, c + j, Int32(ldc))
            }
        } else if m <= narrowLimit {
            // Row i of C = alpha · op(B)ᵀ · (row i of op(A)) + beta · (row i of C).
            for i in 0..<m {
                let row = transposeA ? a + i : a + i * lda
                cblas_sgemv(CblasRowMajor, transposeB ? CblasNoTrans : CblasTrans,
                            Int32(transposeB ? n : k), Int32(transposeB ? k : n), alpha, b, Int32(ldb),
                            row, Int32(transposeA ? lda : 1), beta, c + i * ldc, 1)
            }
        } else if k <= shallowLimit && alpha == 1 && beta == 0 {
            shallowProduct(a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                           into: c, leading: ldc, m: m, n: n, k: k)
        } else {
            generalProduct(a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                           into: c, leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
        }
    }

    /// `cblas_sgemm` on row-major matrices.
    static func openBLASProduct(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// C = activation(op(A) · op(B) + bias), bias (n values) added to every row: a dense layer's forward
    /// pass. When the product takes the shallow route, bias and activation are applied to each row of C
    /// as soon as it is computed, while it is in cache, instead of in a second pass over C; the result
    /// is the same either way (the same operations in the same order).
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, addingBias bias: UnsafePointer<Float>, activation: Activation
    ) {
        if takesShallowRoute(m: m, n: n, k: k) {
            shallowProduct(a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                           into: c, leading: ldc, m: m, n: n, k: k, rowEpilogue: .addingBias(bias, activation: activation))
        } else {
            multiply(a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                     into: c, leading: ldc, m: m, n: n, k: k)
            if ldc == n {
                activation.applyAddingBias(to: c, bias: bias, rows: m, columns: n)
            } else {
                for i in 0..<m { activation.applyAddingBias(to: c + i * ldc, bias: bias, rows: 1, columns: n) }
            }
        }
    }

    /// Whether `multiply` with alpha = 1 and beta = 0 computes an m × n × k product with `shallowProduct`.
    @inline(__always)
    static func takesShallowRoute(m: Int, n: Int, k: Int) -> Bool {
        !(n <= narrowLimit && n <= m) && m > narrowLimit && k <= shallowLimit
    }

    /// Products with at most this many rows or columns go as matrix–vector products.
    static let narrowLimit = 4
    /// Products with an inner dimension of at most this go through `shallowProduct`, chosen at run time
    /// (`VectorKernels`). With AVX2 and FMA it beats sgemm up to k = 4 (256 × 256 outputs: 17 → 8 µs at
    /// k = 1, 22 → 16 µs at k = 4); with SSE only it wins at k = 1 alone.
    static var shallowLimit: Int { VectorKernels.useAVX2AndFMA ? 4 : 1 }

    /// C = op(A) · op(B) (alpha = 1, beta = 0) for k ≤ 4, row by row: row i of C is
    /// Σ_p op(A)[i, p] · (row p of op(B)), eight columns at a time, summed in order p = 0, 1, … with
    /// fused multiply-adds (as sgemm's kernels do, so results round alike). `multiply` sends depths
    /// above 1 here only with AVX2 and FMA, where a fused multiply-add is one instruction.
    /// When B is stored transposed, op(B) (k × n, at most 4n floats) is first copied into a
    /// contiguous temporary on the stack. `rowEpilogue` is applied to each row of C right after the
    /// row is computed (while it is in cache).
    ///
    /// With AVX2 and FMA (`VectorKernels`) the C kernel `cvk_shallow_product_avx2` computes the product
    /// and the epilogue with the same operations as the Swift loop below, so the same bits.
    static func shallowProduct(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, rowEpilogue: RowEpilogue = .none
    ) {
        precondition(k >= 1 && k <= 4, "shallowProduct holds at most four rows of op(B) in registers")
        guard transposeB else {
            shallowProductOfRows(a, transposed: transposeA, leading: lda, b, leading: ldb,
                                 into: c, leading: ldc, m: m, n: n, k: k, rowEpilogue: rowEpilogue)
            return
        }
        withUnsafeTemporaryAllocation(of: Float.self, capacity: k * n) { packed in
            let rowsOfB = packed.baseAddress!
            for j in 0..<n {
                for p in 0..<k { rowsOfB[p * n + j] = b[j * ldb + p] }
            }
            shallowProductOfRows(a, transposed: transposeA, leading: lda, rowsOfB, leading: n,
                                 into: c, leading: ldc, m: m, n: n, k: k, rowEpilogue: rowEpilogue)
        }
    }

    /// `shallowProduct` with op(B) = B stored row-major (k × n, leading dimension ldb).
    @inline(__always)
    private static func shallowProductOfRows(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, rowEpilogue: RowEpilogue
    ) {
        // op(A)[i, p] = a[i · rowStride + p · columnStride].
        let rowStride = transposeA ? 1 : lda, columnStride = transposeA ? lda : 1
        if VectorKernels.useAVX2AndFMA {
            if var epilogue = rowEpilogue.kernelEpilogue {
                cvk_shallow_product_avx2(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, &epilogue)
            } else {
                var none = RowEpilogue.none.kernelEpilogue!
                cvk_shallow_product_avx2(a, rowStride, columnStride, b, ldb, c, ldc, m, n, k, &none)
                for i in 0..<m { rowEpilogue.apply(to: c + i * ldc, index: i, columns: n) }
            }
            return
        }
        let b1 = b + ldb, b2 = b + 2 * ldb, b3 = b + 3 * ldb
        let whole = vectorizedCount(n)
        for i in 0..<m {
            let x = a + i * rowStride, row = c + i * ldc
            // One loop per depth, so each is a straight run of vector multiplies and adds.
            var j = 0
            switch k {
            case 1:
                let v0 = Vector(repeating: x[0])
                while j < whole {
                    row.setVector(v0 * b.vector(at: j), at: j)
                    j += Vector.scalarCount
                }
            case 2:
                let v0 = Vector(repeating: x[0]), v1 = Vector(repeating: x[columnStride])
                while j < whole {
                    row.setVector((v0 * b.vector(at: j)).addingProduct(v1, b1.vector(at: j)), at: j)
                    j += Vector.scalarCount
                }
            case 3:
                let v0 = Vector(repeating: x[0]), v1 = Vector(repeating: x[columnStride]), v2 = Vector(repeating: x[2 * columnStride])
                while j < whole {
                    row.setVector((v0 * b.vector(at: j)).addingProduct(v1, b1.vector(at: j)).addingProduct(v2, b2.vector(at: j)), at: j)
                    j += Vector.scalarCount
                }
            default:
                let v0 = Vector(repeating: x[0]), v1 = Vector(repeating: x[columnStride])
                let v2 = Vector(repeating: x[2 * columnStride]), v3 = Vector(repeating: x[3 * columnStride])
                while j < whole {
                    row.setVector((v0 * b.vector(at: j)).addingProduct(v1, b1.vector(at: j)).addingProduct(v2, b2.vector(at: j))
                        .addingProduct(v3, b3.vector(at: j)), at: j)
                    j += Vector.scalarCount
                }
            }
            while j < n {
                var sum = x[0] * b[j]
                for p in 1..<k { sum.addProduct(x[p * columnStride], b[p * ldb + j]) }
                row[j] = sum
                j += 1
            }
            rowEpilogue.apply(to: row, index: i, columns: n)
        }
    }

    /// The floating-point operations of one product of an m × k by a k × n matrix.
    public static func productFLOPs(m: Int, n: Int, k: Int) -> Double {
        2 * Double(m) * Double(n) * Double(k)
    }

    /// Measures what the general product route (`productKernel`) alone reaches on size × size × size products, on one thread
    /// (whatever `threads` says),
    /// for about `seconds` seconds of wall-clock time. Returns GFLOP/s.
    public static func measureProductGFLOPs(size: Int = 256, seconds: Double = 0.5) -> Double {
        let probe = ProductProbe(size: size)
        var repetitions = 0
        let start = DispatchTime.now().uptimeNanoseconds
        var elapsed: Double = 0
        repeat {
            probe.run(count: 8)
            repetitions += 8
            elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
        } while elapsed < seconds
        return probe.flopsPerProduct * Double(repetitions) / elapsed / 1e9
    }

    /// Square products of a fixed size, for measuring the single-thread product peak (`productKernel`, on the calling
    /// thread whatever `threads` says) in small slices that can be interleaved with other work (so both see the same machine load).
    public final class ProductProbe {
        public let size: Int
        private let a: FloatBuffer, b: FloatBuffer, c: FloatBuffer

        public init(size: Int = 256) {
            useSingleThread()
            self.size = size
            a = FloatBuffer(count: size * size)
            b = FloatBuffer(count: size * size)
            c = FloatBuffer(count: size * size)
            for i in 0..<(size * size) {
                a.base[i] = Float(i % 17) * 0.01 - 0.08
                b.base[i] = Float(i % 13) * 0.01 - 0.06
            }
            run(count: 3)  // warm caches and OpenBLAS's buffers
        }

        public var flopsPerProduct: Double { productFLOPs(m: size, n: size, k: size) }

        /// `count` products C = A · B.
        public func run(count: Int) {
            for _ in 0..<count {
                generalProduct(a.base, transposed: false, leading: size, b.base, transposed: false, leading: size,
                               into: c.base, leading: size, m: size, n: size, k: size, alpha: 1, beta: 0, threads: 1)
            }
        }
    }
}

