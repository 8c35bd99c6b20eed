internal import CVectorKernels

extension BLAS {
    /// The floats in the widest vector this CPU runs fused multiply-adds on: 16 with AVX-512, 8 with AVX2
    /// and FMA; nil otherwise (no FMA peak is measured there).
    public static var fmaLanes: Int? {
        if cvk_cpu_supports_avx512() != 0 { return 16 }
        return VectorKernels.cpuSupportsAVX2AndFMA ? 8 : nil
    }

    /// The floating-point operations of one run of the FMA chains: 16 chains of `iterations` fused
    /// multiply-adds on `lanes` floats, two operations each.
    static func fmaChainFLOPs(lanes: Int, iterations: Int) -> Double {
        32 * Double(lanes) * Double(iterations)
    }

    /// Runs the FMA chains once on the calling thread: 16 chains s ← s · multiplier + addend from s = 0,
    /// `iterations` steps each, on vectors of `lanes` floats. Returns the sum of every lane of every chain
    /// (so 16 · lanes · s after the last step), or nil when the CPU runs no vectors of that width.
    static func fmaChains(lanes: Int, iterations: Int, multiplier: Float, addend: Float) -> Double? {
        let total = cvk_fma_chains(Int32(lanes), iterations, multiplier, addend)
        return total < 0 ? nil : total
    }

    /// The fused multiply-add peak of the pool's threads (`threads`, see `useThreads`) in GFLOP/s: every
    /// thread runs independent vector FMAs in registers (`fmaChains`, the widest vectors the CPU has,
    /// `iterations` steps) together with the others — each waits until all have started — and the FLOPs
    /// of all are divided by the time of the slowest. The best of `repetitions` runs; nil without AVX2 and
    /// FMA, or when the threads could not all start together (another thread's job holds the pool).
    ///
    /// This is what the cores could do at most on the products' instructions: no product, nor anything
    /// else in a learner's update, reaches it.
    public static func measureFMAPeakGFLOPs(iterations: Int = 200_000, repetitions: Int = 5) -> Double? {
        guard let lanes = fmaLanes else { return nil }
        var best: Double?
        for _ in 0..<max(1, repetitions) {
            let flops = cvk_fma_peak(Int32(lanes), iterations, Int32(threads))
            if flops > 0 { best = max(best ?? 0, flops / 1e9) }
        }
        return best
    }
}
