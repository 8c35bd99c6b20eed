internal import CVectorKernels
import Foundation

extension BLAS {
    /// What computes the square-ish products (`multiply`'s general route): OpenBLAS's `cblas_sgemm`, or the
    /// package's own packed kernel (`CVectorKernels`) where OpenBLAS would leave the CPU's AVX2 and FMA
    /// units unused.
    public enum ProductKernel: String, Sendable {
        case openBLAS = "OpenBLAS sgemm"
        case packedAVX2 = "packed AVX2 kernel"
        case packedAVX512 = "packed AVX-512 kernel"
    }

    /// The kernel chosen for this process, once, at the first product. The packed kernel runs when
    /// `OPENBLAS_CORETYPE` is unset, the CPU has AVX2 and FMA and OpenBLAS chose a kernel set without
    /// AVX2 (Debian's OpenBLAS 0.3.21 on CPU models newer than it knows); with AVX-512 present, its
    /// AVX-512 form. A set `OPENBLAS_CORETYPE` is always honoured: OpenBLAS then computes every product.
    /// `OFFPOLICY_PRODUCTS=openblas` keeps OpenBLAS anyway; `OFFPOLICY_PRODUCTS=packed` asks for the packed
    /// kernel on any CPU with AVX2 and FMA (for comparisons).
    public static let productKernel: ProductKernel = {
        let environment = ProcessInfo.processInfo.environment
        return productKernel(coreName: coreName, cpuHasAVX2AndFMA: VectorKernels.cpuSupportsAVX2AndFMA,
                             cpuHasAVX512: cvk_cpu_supports_avx512() != 0,
                             coreTypeVariable: environment["OPENBLAS_CORETYPE"],
                             choice: environment["OFFPOLICY_PRODUCTS"])
    }()

    static func productKernel(coreName: String, cpuHasAVX2AndFMA: Bool, cpuHasAVX512: Bool,
                              coreTypeVariable: String?, choice: String?) -> ProductKernel {
        guard cpuHasAVX2AndFMA, coreTypeVariable == nil else { return .openBLAS }
        let packed: ProductKernel = cpuHasAVX512 ? .packedAVX512 : .packedAVX2
        switch choice?.lowercased() {
        case "openblas": return .openBLAS
        case "packed": return packed
        default: return kernelSetsWithoutAVX2.contains(coreName) ? packed : .openBLAS
        }
    }

    /// C = alpha · op(A) · op(B) + beta · C with `productKernel`, cut over the pool's threads when
    /// there are several (`useThreads`, `threadedProduct`); OpenBLAS when the packed kernel cannot allocate its buffers.
    @inline(__always)
    static func generalProduct(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float, threads: Int = threads
    ) {
        if cutsOverThreads(m: m, n: n, k: k, threads: threads, kernel: productKernel),
           threadedProduct(productKernel, threads: threads, a, transposed: transposeA, leading: lda, b, transposed: transposeB,
                           leading: ldb, into: c, leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta) {
            return
        }
        if productKernel != .openBLAS,
           packedProduct(productKernel, a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                         into: c, leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta) {
            return
        }
        openBLASProduct(a, transposed: transposeA, leading: lda, b, transposed: transposeB, leading: ldb,
                        into: c, leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
    }

    /// The product with one packed kernel, which the CPU must support. False (C untouched) when the kernel
    /// cannot allocate its buffers, or for `.openBLAS`.
    static func packedProduct(
        _ kernel: ProductKernel,
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float
    ) -> Bool {
        let ta: Int32 = transposeA ? 1 : 0, tb: Int32 = transposeB ? 1 : 0
        switch kernel {
        case .packedAVX512: return cvk_packed_product_avx512(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) != 0
        case .packedAVX2: return cvk_packed_product_avx2(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) != 0
        case .openBLAS: return false
        }
    }

    /// Whether this CPU runs `kernel`.
    static func cpuRuns(_ kernel: ProductKernel) -> Bool {
        switch kernel {
        case .openBLAS: return true
        case .packedAVX2: return VectorKernels.cpuSupportsAVX2AndFMA
        case .packedAVX512: return cvk_cpu_supports_avx512() != 0
        }
    }
}
