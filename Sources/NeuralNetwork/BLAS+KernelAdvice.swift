import Foundation

extension BLAS {
    /// OpenBLAS kernel sets that use no AVX2 (what it falls back to on a CPU model it does not know).
    static let kernelSetsWithoutAVX2: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai",
                                                     "Coppermine", "Northwood", "Banias", "Sandybridge", "Opteron", "Barcelona", "Bobcat"]

    /// One sentence for the user when OpenBLAS alone would run kernels older than the CPU supports (the CPU
    /// has AVX2 and FMA, `OPENBLAS_CORETYPE` is unset, and OpenBLAS chose a kernel set without AVX2, as
    /// Debian's 0.3.21 does on models newer than it knows): which kernel computes the products instead,
    /// or, where `OFFPOLICY_PRODUCTS=openblas` keeps OpenBLAS, how to speed it up. Nil otherwise. The
    /// toolkit never sets `OPENBLAS_CORETYPE` itself.
    public static var kernelAdvice: String? {
        kernelAdvice(coreName: coreName, cpuHasAVX2AndFMA: VectorKernels.cpuSupportsAVX2AndFMA,
                     coreTypeVariable: ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"], kernel: productKernel)
    }

    static func kernelAdvice(coreName: String, cpuHasAVX2AndFMA: Bool, coreTypeVariable: String?,
                             kernel: ProductKernel) -> String? {
        guard coreTypeVariable == nil, cpuHasAVX2AndFMA, kernelSetsWithoutAVX2.contains(coreName) else { return nil }
        let fallback = "OpenBLAS chose its \(coreName) kernels (no AVX2) on a CPU with AVX2 and FMA, a model it does not recognise"
        if kernel == .openBLAS {
            return fallback + "; with OPENBLAS_CORETYPE=Haswell (or SkylakeX where the CPU has AVX-512) in the environment "
                + "its products run several times faster, and without OFFPOLICY_PRODUCTS=openblas the package's own kernel runs them"
        }
        return fallback + ", so matrix products run on the package's \(kernel.rawValue) instead "
            + "(OPENBLAS_CORETYPE=Haswell or SkylakeX in the environment would make OpenBLAS run them)"
    }
}
