import XCTest
import Randomness
@testable import NeuralNetwork

/// Products on several threads (`BLAS.useThreads`): the packed kernel cut over the pool's threads gives the
/// bits of the same kernel on one thread; the pieces of the FMA peak and of the default thread count.
final class ThreadedProductTests: XCTestCase {
    override func tearDown() {
        BLAS.useThreads(1)
    }

    /// Every transposition, alpha and beta (beta = 0 over NaN), edges of the 6-row panels, of the 16- and
    /// 32-column panels, of the 96-row, 256-deep and 512-column blocks; 2, 3 and 5 threads, more threads
    /// than slabs. Bit for bit the single-thread product, and every product did run cut.
    func testThreadedProductGivesTheBitsOfOneThread() throws {
        let kernels = [BLAS.ProductKernel.packedAVX2, .packedAVX512].filter(BLAS.cpuRuns)
        try XCTSkipIf(kernels.isEmpty, "this CPU has no AVX2 and FMA, so the packed kernels never run")
        XCTAssertEqual(BLAS.useThreads(5), 5)
        var generator = SeededGenerator(seed: 31)
        // Column slabs (n ≥ 64, a last narrow slab, past a 512-column block) and row slabs (n < 64).
        let shapes = [(256, 256, 256), (13, 17, 5), (100, 70, 600), (97, 530, 40), (5, 300, 257), (31, 33, 2), (40, 63, 300)]
        for kernel in kernels {
            for (m, n, k) in shapes {
                for (transposedA, transposedB) in [(false, false), (true, false), (false, true), (true, true)] {
                    for (alpha, beta) in [(Float(1), Float(0)), (0.5, -2)] {
                        let lda = (transposedA ? m : k) + 1, ldb = (transposedB ? k : n) + 3, ldc = n + 2
                        let a = (0..<((transposedA ? k : m) * lda)).map { _ in Float(generator.nextGaussian()) }
                        let b = (0..<((transposedB ? n : k) * ldb)).map { _ in Float(generator.nextGaussian()) }
                        let c = (0..<(m * ldc)).map { _ in beta == 0 ? Float.nan : Float(generator.nextGaussian()) }
                        var whole = c
                        whole.withUnsafeMutableBufferPointer { whole in
                            XCTAssertTrue(BLAS.packedProduct(kernel, a, transposed: transposedA, leading: lda, b, transposed: transposedB,
                                                             leading: ldb, into: whole.baseAddress!, leading: ldc, m: m, n: n, k: k,
                                                             alpha: alpha, beta: beta))
                        }
                        for threads in [2, 3, 5] {
                            var cut = c
                            cut.withUnsafeMutableBufferPointer { cut in
                                XCTAssertTrue(BLAS.threadedProduct(kernel, threads: threads, a, transposed: transposedA, leading: lda,
                                                                   b, transposed: transposedB, leading: ldb, into: cut.baseAddress!,
                                                                   leading: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta))
                            }
                            XCTAssertEqual(cut.map(\.bitPattern), whole.map(\.bitPattern),
                                           "\(kernel) m \(m) n \(n) k \(k) op(A)\(transposedA ? "ᵀ" : "") op(B)\(transposedB ? "ᵀ" : "") alpha \(alpha) beta \(beta), \(threads) threads")
                        }
                    }
                }
            }
        }
    }

    /// Which products `generalProduct` cuts: several threads, the packed kernel, two 32-column or 6-row
    /// slabs and 2²⁰ multiply-adds.
    func testOnlyLargeEnoughPackedProductsAreCut() {
        XCTAssertTrue(BLAS.cutsOverThreads(m: 256, n: 256, k: 256, threads: 2, kernel: .packedAVX512))
        XCTAssertTrue(BLAS.cutsOverThreads(m: 64, n: 128, k: 128, threads: 2, kernel: .packedAVX2))
        XCTAssertFalse(BLAS.cutsOverThreads(m: 64, n: 128, k: 127, threads: 2, kernel: .packedAVX2))
        XCTAssertFalse(BLAS.cutsOverThreads(m: 256, n: 256, k: 256, threads: 1, kernel: .packedAVX512))
        XCTAssertFalse(BLAS.cutsOverThreads(m: 256, n: 256, k: 256, threads: 2, kernel: .openBLAS))
        XCTAssertTrue(BLAS.cutsOverThreads(m: 11, n: 64, k: 4096, threads: 2, kernel: .packedAVX512))
        XCTAssertTrue(BLAS.cutsOverThreads(m: 12, n: 63, k: 4096, threads: 2, kernel: .packedAVX512))
        XCTAssertFalse(BLAS.cutsOverThreads(m: 11, n: 63, k: 4096, threads: 2, kernel: .packedAVX512))
    }

    /// Through `multiply`, as the networks call it: the same bits with 1 and 2 threads, whichever kernel runs.
    func testMultiplyGivesTheSameBitsOnOneAndTwoThreads() {
        var generator = SeededGenerator(seed: 37)
        let (m, n, k) = (256, 200, 300)
        let a = (0..<(m * k)).map { _ in Float(generator.nextGaussian()) }
        let b = (0..<(k * n)).map { _ in Float(generator.nextGaussian()) }
        var results: [[UInt32]] = []
        for threads in [1, 2] {
            BLAS.useThreads(threads)
            var c = [Float](repeating: 0, count: m * n)
            c.withUnsafeMutableBufferPointer { c in
                BLAS.multiply(a, transposed: false, leading: k, b, transposed: false, leading: n,
                              into: c.baseAddress!, leading: n, m: m, n: n, k: k)
            }
            results.append(c.map(\.bitPattern))
        }
        XCTAssertEqual(results[0], results[1])
        XCTAssertEqual(BLAS.threads, 2)
    }

    /// The FMA chains compute what they claim: s ← s · 0.5 + 1 from 0 is 1, 1.5, 1.75 after three steps
    /// (so the multiplier is used), and s ← s + 0.5 reaches 500 after 1000 steps (every step is run).
    func testFMAChainsComputeTheirChains() throws {
        let lanes = try XCTUnwrap(BLAS.fmaLanes, "no FMA on this CPU")
        XCTAssertEqual(BLAS.fmaChains(lanes: lanes, iterations: 3, multiplier: 0.5, addend: 1), Double(16 * lanes) * 1.75)
        XCTAssertEqual(BLAS.fmaChains(lanes: lanes, iterations: 1000, multiplier: 1, addend: 0.5), Double(16 * lanes) * 500)
        XCTAssertEqual(BLAS.fmaChains(lanes: lanes, iterations: 0, multiplier: 1, addend: 0.5), 0)
        XCTAssertNil(BLAS.fmaChains(lanes: 4, iterations: 10, multiplier: 1, addend: 0.5), "no 4-lane form")
        XCTAssertEqual(BLAS.fmaChainFLOPs(lanes: 16, iterations: 1000), 512_000)
        XCTAssertEqual(BLAS.fmaChainFLOPs(lanes: 8, iterations: 3), 768)
    }

    /// cgroup v2's cpu.max: "QUOTA PERIOD" allows ⌈quota / period⌉ cores (at least 1); "max" sets no limit.
    func testCPUMaxGivesTheCoresItAllows() {
        XCTAssertNil(BLAS.coresAllowed(byCPUMax: "max 100000\n"))
        XCTAssertEqual(BLAS.coresAllowed(byCPUMax: "200000 100000\n"), 2)
        XCTAssertEqual(BLAS.coresAllowed(byCPUMax: "150000 100000"), 2)
        XCTAssertEqual(BLAS.coresAllowed(byCPUMax: "50000 100000"), 1)
        XCTAssertNil(BLAS.coresAllowed(byCPUMax: "0 100000"))
        XCTAssertNil(BLAS.coresAllowed(byCPUMax: "100000"))
        XCTAssertNil(BLAS.coresAllowed(byCPUMax: ""))
    }
}
