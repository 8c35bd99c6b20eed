import XCTest
import Randomness
@testable import NeuralNetwork

/// `BLAS.multiply` routes thin products away from sgemm (matrix–vector products, a short vectorised
/// loop); every route must give C = alpha · op(A) · op(B) + beta · C for every transposition.
final class ProductTests: XCTestCase {
    /// The product computed in Double, element by element, from the definition.
    private func reference(_ a: [Float], transposedA: Bool, lda: Int, _ b: [Float], transposedB: Bool, ldb: Int,
                           c: [Float], ldc: Int, m: Int, n: Int, k: Int, alpha: Float, beta: Float) -> [Float] {
        var result = c
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k {
                    let x = transposedA ? a[p * lda + i] : a[i * lda + p]
                    let y = transposedB ? b[j * ldb + p] : b[p * ldb + j]
                    sum += Double(x) * Double(y)
                }
                let previous = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                result[i * ldc + j] = Float(Double(alpha) * sum + previous)
            }
        }
        return result
    }

    private func check(m: Int, n: Int, k: Int, generator: inout SeededGenerator, kernel: BLAS.ProductKernel? = nil) {
        for transposedA in [false, true] {
            for transposedB in [false, true] {
                for (alpha, beta) in [(Float(1), Float(0)), (1, 1), (0.5, -2)] {
                    // Leading dimensions wider than needed, as when a product reads a column range.
                    let lda = (transposedA ? m : k) + 2, ldb = (transposedB ? k : n) + 1, ldc = n + 3
                    let a = (0..<((transposedA ? k : m) * lda)).map { _ in Float(generator.nextGaussian()) }
                    let b = (0..<((transposedB ? n : k) * ldb)).map { _ in Float(generator.nextGaussian()) }
                    // With beta = 0, C's old contents must be ignored, even NaN.
                    let c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : Float(generator.nextGaussian()) }
                    var expected = reference(a, transposedA: transposedA, lda: lda, b, transposedB: transposedB, ldb: ldb,
                                             c: c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
                    var actual = c
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            actual.withUnsafeMutableBufferPointer { c in
                                if let kernel {
                                    XCTAssertTrue(BLAS.packedProduct(kernel, a.baseAddress!, transposed: transposedA, leading: lda,
                                                                     b.baseAddress!, transposed: transposedB, leading: ldb,
                                                                     into: c.baseAddress!, leading: ldc, m: m, n: n, k: k,
                                                                     alpha: alpha, beta: beta))
                                } else {
                                    BLAS.multiply(a.baseAddress!, transposed: transposedA, leading: lda,
                                                  b.baseAddress!, transposed: transposedB, leading: ldb,
                                                  into: c.baseAddress!, leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
                                }
                            }
                        }
                    }
                    // Padding columns of C (beyond n) are never written.
                    for i in 0..<m {
                        for j in n..<ldc { XCTAssertEqual(actual[i * ldc + j].bitPattern, c[i * ldc + j].bitPattern, "padding at \(i), \(j)") }
                    }
                    for i in 0..<m {
                        for j in n..<ldc { expected[i * ldc + j] = 0; actual[i * ldc + j] = 0 }
                    }
                    for index in expected.indices {
                        XCTAssertEqual(actual[index], expected[index], accuracy: 1e-4 * Float(k).squareRoot() * 4,
                                       "m \(m) n \(n) k \(k) op(A)\(transposedA ? "ᵀ" : "") op(B)\(transposedB ? "ᵀ" : "") alpha \(alpha) beta \(beta) at \(index)")
                    }
                }
            }
        }
    }

    func testEveryRouteMatchesTheDefinition() {
        var generator = SeededGenerator(seed: 11)
        // (m, n, k): one and a few columns (matrix–vector), one and a few rows (matrix–vector),
        // shallow inner dimensions with and without a column tail (vectorised loop), and general sgemm.
        let shapes = [(37, 1, 19), (29, 3, 20), (1, 21, 30), (4, 26, 17), (3, 2, 9),
                      (13, 24, 1), (11, 19, 3), (9, 35, 4), (20, 8, 2),
                      (19, 23, 5), (33, 40, 27)]
        for (m, n, k) in shapes {
            check(m: m, n: n, k: k, generator: &generator)
        }
        XCTAssertLessThanOrEqual(BLAS.shallowLimit, 4, "shallowProduct holds at most four rows of op(B) in registers")
    }

    /// The packed kernels (which stand in for OpenBLAS's fallback kernels, `BLAS.productKernel`) against
    /// the definition: edges of the 6 × 16 (or 6 × 32) register tiles, of the 96-row, 256-deep and
    /// 512-column blocks, an empty depth, every transposition and beta = 0 over NaN.
    func testPackedKernelsMatchTheDefinition() throws {
        let kernels = [BLAS.ProductKernel.packedAVX2, .packedAVX512].filter(BLAS.cpuRuns)
        try XCTSkipIf(kernels.isEmpty, "this CPU has no AVX2 and FMA, so the packed kernels never run")
        var generator = SeededGenerator(seed: 23)
        for kernel in kernels {
            for (m, n, k) in [(13, 17, 5), (6, 16, 256), (6, 32, 257), (97, 530, 40), (100, 70, 600), (5, 7, 0), (1, 1, 1)] {
                check(m: m, n: n, k: k, generator: &generator, kernel: kernel)
            }
        }
    }

    /// The AVX-512 form sums in the AVX2 form's order, so both give the same bits. On a CPU without AVX-512
    /// (AMD Zen 3, say) that form cannot run: there the check is that it is never chosen, so every product
    /// is the AVX2 form's (which `testPackedKernelsMatchTheDefinition` holds to the definition).
    func testPackedKernelsGiveTheSameBits() throws {
        guard BLAS.cpuRuns(.packedAVX512) else {
            XCTAssertNotEqual(BLAS.productKernel, .packedAVX512, "this CPU has no AVX-512")
            for choice in [nil, "packed", "openblas"] {
                let chosen = BLAS.productKernel(coreName: "Prescott", cpuHasAVX2AndFMA: true, cpuHasAVX512: false,
                                                coreTypeVariable: nil, choice: choice)
                XCTAssertEqual(chosen, choice == "openblas" ? .openBLAS : .packedAVX2, "choice \(choice ?? "none")")
            }
            return
        }
        var generator = SeededGenerator(seed: 29)
        let (m, n, k) = (101, 75, 300)
        let a = (0..<(k * m)).map { _ in Float(generator.nextGaussian()) }
        let b = (0..<(k * n)).map { _ in Float(generator.nextGaussian()) }
        let c = (0..<(m * n)).map { _ in Float(generator.nextGaussian()) }
        var results: [[Float]] = []
        for kernel in [BLAS.ProductKernel.packedAVX2, .packedAVX512] {
            var result = c
            result.withUnsafeMutableBufferPointer { result in
                XCTAssertTrue(BLAS.packedProduct(kernel, a, transposed: true, leading: m, b, transposed: false, leading: n,
                                                 into: result.baseAddress!, leading: n, m: m, n: n, k: k, alpha: 0.5, beta: 2))
            }
            results.append(result)
        }
        XCTAssertEqual(results[0].map(\.bitPattern), results[1].map(\.bitPattern))
    }

    /// A dense layer's forward product with bias and activation (fused into the shallow route, a second
    /// pass elsewhere) gives bit for bit what the plain product followed by `applyAddingBias` gives.
    func testProductWithBiasAndActivationMatchesTheSeparatePasses() {
        var generator = SeededGenerator(seed: 17)
        let shapes = [(13, 24, 1), (11, 19, BLAS.shallowLimit), (9, 35, min(3, BLAS.shallowLimit)),
                      (37, 1, 19), (3, 20, 2), (19, 23, 5)]
        for (m, n, k) in shapes {
            for transposedB in [false, true] {
                for activation in Activation.allCases {
                    let ldb = transposedB ? k : n
                    let a = (0..<(m * k)).map { _ in Float(generator.nextGaussian()) }
                    let b = (0..<((transposedB ? n : k) * ldb)).map { _ in Float(generator.nextGaussian()) }
                    let bias = (0..<n).map { _ in Float(generator.nextGaussian()) }
                    var fused = [Float](repeating: .nan, count: m * n), separate = fused
                    a.withUnsafeBufferPointer { a in
                        b.withUnsafeBufferPointer { b in
                            bias.withUnsafeBufferPointer { bias in
                                fused.withUnsafeMutableBufferPointer { c in
                                    BLAS.multiply(a.baseAddress!, transposed: false, leading: k, b.baseAddress!, transposed: transposedB, leading: ldb,
                                                  into: c.baseAddress!, leading: n, m: m, n: n, k: k,
                                                  addingBias: bias.baseAddress!, activation: activation)
                                }
                                separate.withUnsafeMutableBufferPointer { c in
                                    BLAS.multiply(a.baseAddress!, transposed: false, leading: k, b.baseAddress!, transposed: transposedB, leading: ldb,
                                                  into: c.baseAddress!, leading: n, m: m, n: n, k: k)
                                    activation.applyAddingBias(to: c.baseAddress!, bias: bias.baseAddress!, rows: m, columns: n)
                                }
                            }
                        }
                    }
                    XCTAssertEqual(fused, separate, "m \(m) n \(n) k \(k) op(B)\(transposedB ? "ᵀ" : "") \(activation)")
                }
            }
        }
    }
}
