internal import CBLAS
import Foundation

/// The one place where matrix products happen. Every product in the package goes through
/// `cblas_sgemm` here, so its cost can be counted and its threading controlled.
public enum BLAS {
    private static let singleThreaded: Void = {
        openblas_set_num_threads(1)
    }()

    /// Restricts OpenBLAS to one thread, so products are deterministic and a run uses one core.
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
    @inline(__always)
    static func multiply(
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float = 1, beta: Float = 0
    ) {
        cblas_sgemm(
            CblasRowMajor,
            transposeA ? CblasTrans : CblasNoTrans,
            transposeB ? CblasTrans : CblasNoTrans,
            Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb),
            beta, c, Int32(ldc))
    }

    /// The floating-point operations of one product of an m × k by a k × n matrix.
    public static func productFLOPs(m: Int, n: Int, k: Int) -> Double {
        2 * Double(m) * Double(n) * Double(k)
    }

    /// Measures what `cblas_sgemm` alone reaches on size × size × size products, on one thread,
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

    /// Square products of a fixed size, for measuring the sgemm peak in small slices that can be
    /// interleaved with other work (so both see the same machine load).
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
                multiply(a.base, transposed: false, leading: size, b.base, transposed: false, leading: size,
                         into: c.base, leading: size, m: size, n: size, k: size)
            }
        }
    }
}
