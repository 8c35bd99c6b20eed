internal import CVectorKernels
import Foundation

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
    /// thread runs independent vector FMAs in registers (`fmaChains`, the widest vectors the CPU has) at
    /// once, `iterations` steps each, and the FLOPs of all of them are divided by the wall-clock time until
    /// the last has finished. The best of `repetitions` runs; nil without AVX2 and FMA.
    ///
    /// This is what the cores could do at most on the products' instructions: no product, nor anything
    /// else in a learner's update, reaches it.
    public static func measureFMAPeakGFLOPs(iterations: Int = 200_000, repetitions: Int = 5) -> Double? {
        guard let lanes = fmaLanes else { return nil }
        struct Job { var lanes: Int32; var iterations: Int }
        var job = Job(lanes: Int32(lanes), iterations: iterations)
        let parts = threads
        var best = 0.0
        for _ in 0..<max(1, repetitions) {
            let start = DispatchTime.now().uptimeNanoseconds
            withUnsafeMutablePointer(to: &job) { job in
                cvk_pool_run(parts, { context, _ in
                    let job = context!.assumingMemoryBound(to: Job.self).pointee
                    // s ← s · 1 + 0.5: exact in Float for up to 2²⁴ steps; the sum is not needed here.
                    _ = cvk_fma_chains(job.lanes, job.iterations, 1, 0.5)
                }, job)
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            best = max(best, Double(parts) * fmaChainFLOPs(lanes: lanes, iterations: iterations) / seconds / 1e9)
        }
        return best
    }
}
