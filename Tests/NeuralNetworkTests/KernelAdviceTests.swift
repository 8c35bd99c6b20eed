import XCTest
@testable import NeuralNetwork

/// Which kernel computes the general products, and the note about OpenBLAS's fallback kernels.
final class KernelAdviceTests: XCTestCase {
    func testThePackedKernelStandsInOnlyForAFallbackOnACapableCPUWithTheVariableUnset() {
        func kernel(_ core: String, avx2: Bool = true, avx512: Bool = false, variable: String? = nil,
                    choice: String? = nil) -> BLAS.ProductKernel {
            BLAS.productKernel(coreName: core, cpuHasAVX2AndFMA: avx2, cpuHasAVX512: avx512,
                               coreTypeVariable: variable, choice: choice)
        }
        XCTAssertEqual(kernel("Prescott"), .packedAVX2)
        XCTAssertEqual(kernel("Prescott", avx512: true), .packedAVX512)
        XCTAssertEqual(kernel("Prescott", variable: "Prescott"), .openBLAS, "the user's OPENBLAS_CORETYPE is honoured")
        XCTAssertEqual(kernel("Haswell", variable: "Haswell", choice: "packed"), .openBLAS, "the variable wins over our choice")
        XCTAssertEqual(kernel("Prescott", avx2: false), .openBLAS, "an old CPU gets OpenBLAS's old kernels")
        XCTAssertEqual(kernel("Prescott", avx2: false, choice: "packed"), .openBLAS, "no AVX2, no packed kernel")
        XCTAssertEqual(kernel("Prescott", avx512: true, choice: "openblas"), .openBLAS)
        XCTAssertEqual(kernel("Haswell", choice: "packed"), .packedAVX2)
        for modern in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids"] {
            XCTAssertEqual(kernel(modern, avx512: true), .openBLAS, modern)
        }
    }

    func testAdviceOnlyForAFallbackOnACapableCPUWithTheVariableUnset() {
        let packed = BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: true, coreTypeVariable: nil, kernel: .packedAVX512)
        XCTAssertEqual(packed, "OpenBLAS chose its Prescott kernels (no AVX2) on a CPU with AVX2 and FMA, a model it does not recognise, "
                       + "so matrix products run on the package's packed AVX-512 kernel instead "
                       + "(OPENBLAS_CORETYPE=Haswell or SkylakeX in the environment would make OpenBLAS run them)")
        let kept = BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: true, coreTypeVariable: nil, kernel: .openBLAS)
        XCTAssertEqual(kept?.hasSuffix("its products run several times faster, and without OFFPOLICY_PRODUCTS=openblas the package's own kernel runs them"),
                       true, kept ?? "nil")
        XCTAssertNil(BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: true, coreTypeVariable: "Prescott", kernel: .openBLAS), "the user's choice is honoured")
        XCTAssertNil(BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: false, coreTypeVariable: nil, kernel: .openBLAS), "an old CPU gets old kernels")
        for modern in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids"] {
            XCTAssertNil(BLAS.kernelAdvice(coreName: modern, cpuHasAVX2AndFMA: true, coreTypeVariable: nil, kernel: .openBLAS), modern)
        }
    }
}
