internal import CVectorKernels
import Foundation

extension BLAS {
    /// The most threads `useThreads` accepts.
    public static let maximumThreads = 256

    /// The threads products may use (1 unless `useThreads` said otherwise).
    public static var threads: Int { Int(cvk_pool_threads()) }

    /// Lets the general products (`multiply`'s packed route) and `ThreadPool` use `count` threads: the
    /// caller and `count` − 1 workers of a pool of the package's own, started on first need and kept until
    /// the process ends. Learners made afterwards with more than one thread run their critics' work at once
    /// (`Learners`' critic ensembles). Returns the count in force (smaller only when the system refuses a thread).
    ///
    /// A product on several threads is cut into slabs of C's columns (multiples of 32; rows when C is narrower
    /// than 64 columns), each computed by the same packed kernel with the same sums in the same order as on
    /// one thread, so its bits do not depend on the thread count. Products that OpenBLAS computes (`productKernel` is
    /// `.openBLAS`) stay on one thread: OpenBLAS 0.3.21's results on a slab of C can differ in the last
    /// bit from its results on the whole (measured: Haswell and SkylakeX kernels, row and column slabs).
    @discardableResult
    public static func useThreads(_ count: Int) -> Int {
        precondition(count >= 1 && count <= maximumThreads, "1 … \(maximumThreads) threads")
        useSingleThread()
        return Int(cvk_pool_set_threads(Int32(count)))
    }

    /// The cores this process may run on: those of its CPU affinity mask, fewer when its cgroup's CPU
    /// quota (`cpu.max`) allows less time than that.
    public static var usableCores: Int {
        let affinity = max(1, Int(cvk_affinity_cores()))
        guard let text = try? String(contentsOfFile: "/sys/fs/cgroup/cpu.max", encoding: .utf8),
              let quota = coresAllowed(byCPUMax: text) else { return affinity }
        return min(affinity, quota)
    }

    /// The cores a cgroup v2 `cpu.max` ("QUOTA PERIOD" in microseconds, or "max PERIOD") allows:
    /// ⌈quota / period⌉, at least 1; nil for "max" or text that is not in that form.
    static func coresAllowed(byCPUMax text: String) -> Int? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let quota = Int(fields[0]), let period = Int(fields[1]), quota > 0, period > 0 else { return nil }
        return max(1, (quota + period - 1) / period)
    }

    /// The threads a command uses when not told: the usable cores, at most `defaultThreadCap`.
    public static var defaultThreads: Int { min(usableCores, defaultThreadCap) }

    /// A 256-wide layer's products split into at most 8 slabs of 32 columns, and a 64-wide one's into 2;
    /// beyond 4 threads the slabs of the default networks get too thin to pay for the hand-off (on
    /// the 2-core machine of docs/benchmarks.md only 1 and 2 threads could be measured).
    public static let defaultThreadCap = 4

    // MARK: A product on several threads

    /// Products with fewer multiply-adds than this stay on one thread: handing work to another thread
    /// costs a few µs. Measured (best of 3000, docs/benchmarks.md): 64³ (2¹⁸) took 3.7 µs on one thread and
    /// 3.9 on two, 128³ (2²¹) 23.6 and 20.4.
    static let minimumThreadedWork = 1 << 20

    /// Whether `generalProduct` cuts an m × n × k product over `threads` threads: with the packed kernel,
    /// at least two 32-column or 6-row slabs of C and `minimumThreadedWork` multiply-adds.
    static func cutsOverThreads(m: Int, n: Int, k: Int, threads: Int, kernel: ProductKernel) -> Bool {
        threads > 1 && kernel != .openBLAS && (n >= 64 || m >= 12) && m * n * k >= minimumThreadedWork
    }

    /// The product with a packed kernel on up to `threads` pool threads (`cvk_packed_product_threaded`: C cut
    /// into slabs of 32 columns, or of 6 rows when it is narrower than 64). False (C untouched) when it could
    /// not run that way: called from inside a pool job's part, or the packing buffers cannot be allocated.
    static func threadedProduct(
        _ kernel: ProductKernel, threads: Int,
        _ a: UnsafePointer<Float>, transposed transposeA: Bool, leading lda: Int,
        _ b: UnsafePointer<Float>, transposed transposeB: Bool, leading ldb: Int,
        into c: UnsafeMutablePointer<Float>, leading ldc: Int,
        m: Int, n: Int, k: Int, alpha: Float, beta: Float
    ) -> Bool {
        guard kernel != .openBLAS else { return false }
        return cvk_packed_product_threaded(kernel == .packedAVX512 ? 1 : 0, threads, transposeA ? 1 : 0, transposeB ? 1 : 0,
                                           m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) == 1
    }
}
