import XCTest
@testable import NeuralNetwork

/// The note about OpenBLAS's fallback kernels: only when the CPU has AVX2 and FMA, the variable is unset
/// and the chosen kernel set has no AVX2.
final class KernelAdviceTests: XCTestCase {
    func testAdviceOnlyForAFallbackOnACapableCPUWithTheVariableUnset() {
        let advice = BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: true, coreTypeVariable: nil)
        XCTAssertEqual(advice?.hasPrefix("OpenBLAS runs its Prescott kernels (no AVX2) on a CPU with AVX2 and FMA"), true, advice ?? "nil")
        XCTAssertTrue(advice?.contains("OPENBLAS_CORETYPE=Haswell") == true)
        XCTAssertNil(BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: true, coreTypeVariable: "Prescott"), "the user's choice is honoured")
        XCTAssertNil(BLAS.kernelAdvice(coreName: "Prescott", cpuHasAVX2AndFMA: false, coreTypeVariable: nil), "an old CPU gets old kernels")
        for modern in ["Haswell", "SkylakeX", "Cooperlake", "Zen", "SapphireRapids"] {
            XCTAssertNil(BLAS.kernelAdvice(coreName: modern, cpuHasAVX2AndFMA: true, coreTypeVariable: nil), modern)
        }
    }
}
