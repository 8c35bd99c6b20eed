internal import CVectorKernels

/// Which instruction set the vector loops of the hot path use, chosen at run time.
///
/// The package is built for its architecture's baseline (SSE2 on x86-64), so it runs on any CPU of that
/// architecture and another package can depend on it by version. Where the CPU has AVX2 and FMA, the
/// loops that gain from them (Adam's fused step, bias + activation, activation derivatives, the
/// shallow product) run as C kernels compiled for those instructions (`CVectorKernels`); elsewhere the
/// portable Swift loops run. Both perform the same operations in the same order, so they give the same
/// bits; what differs between machines is only `BLAS.shallowLimit`, that is which products take the
/// shallow route instead of sgemm (the same result up to rounding). Bit-identical runs are therefore
/// promised per machine (per CPU feature set and OpenBLAS kernel set), not across machines.
enum VectorKernels {
    /// Whether this CPU runs AVX2 and FMA instructions (asked again here, once, for tests).
    static let cpuSupportsAVX2AndFMA = cvk_cpu_supports_avx2_fma() != 0

    /// Whether the AVX2 + FMA kernels run: the CPU's answer, asked once when the program loads,
    /// unless `usingPortableLoops` says otherwise. (A C global: reading it is a plain load.)
    @inline(__always)
    static var useAVX2AndFMA: Bool { cvk_avx2_fma_selected != 0 }

    /// Runs `body` with the portable Swift loops, whatever the CPU has, then restores the choice. For
    /// tests that hold the kernels to the loops; not thread-safe (nothing else may run products meanwhile).
    static func usingPortableLoops<Result>(_ body: () throws -> Result) rethrows -> Result {
        let saved = cvk_avx2_fma_selected
        cvk_avx2_fma_selected = 0
        defer { cvk_avx2_fma_selected = saved }
        return try body()
    }
}
