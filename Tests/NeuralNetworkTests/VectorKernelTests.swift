import XCTest
import Randomness
@testable import NeuralNetwork

/// The AVX2 + FMA kernels (`CVectorKernels`, chosen at run time) give bit for bit what the portable Swift
/// loops give: each performs the same operations in the same order. Every test runs the same work once
/// with the kernels and once inside `VectorKernels.usingPortableLoops`, on copies of the same data.
/// On a CPU without AVX2 and FMA there is nothing to compare, and the tests are skipped.
final class VectorKernelTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(VectorKernels.cpuSupportsAVX2AndFMA, "this CPU has no AVX2 and FMA: only the portable loops run")
    }

    /// Gaussian values with exact zeros of both signs mixed in (where ReLU's comparisons decide).
    private func values(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { i in
            switch i % 11 {
            case 3: return 0
            case 7: return -0.0
            default: return Float(generator.nextGaussian())
            }
        }
    }

    /// Runs `body` on a fresh copy of each buffer in `inputs`, with the kernels and then with the portable
    /// loops, and asserts that every buffer ends with the same bits both ways.
    private func assertSameBits(_ inputs: [[Float]], _ what: String, file: StaticString = #filePath, line: UInt = #line,
                                _ body: ([UnsafeMutablePointer<Float>]) -> Void) {
        func run() -> [[Float]] {
            let buffers = inputs.map { FloatBuffer($0) }
            body(buffers.map(\.base))
            return buffers.map(\.values)
        }
        let kernel = run()
        let portable = VectorKernels.usingPortableLoops { run() }
        for (index, (k, p)) in zip(kernel, portable).enumerated() {
            let differing = k.indices.filter { k[$0].bitPattern != p[$0].bitPattern }
            if let first = differing.first {
                XCTFail("\(what): buffer \(index) differs at \(differing.count) of \(k.count) places, first at \(first): "
                        + "kernel \(k[first]), portable \(p[first])", file: file, line: line)
            }
        }
    }

    func testTheSettingForcesThePortableLoops() {
        XCTAssertTrue(VectorKernels.useAVX2AndFMA)
        XCTAssertEqual(BLAS.shallowLimit, 4)
        VectorKernels.usingPortableLoops {
            XCTAssertFalse(VectorKernels.useAVX2AndFMA)
            XCTAssertEqual(BLAS.shallowLimit, 1)
        }
        XCTAssertTrue(VectorKernels.useAVX2AndFMA)
    }

    /// Adam's fused pass, with and without the Polyak target, over sizes with and without a scalar tail.
    func testAdamStep() {
        var generator = SeededGenerator(seed: 31)
        for count in [1, 7, 8, 66, 1029] {
            for withTarget in [false, true] {
                let parameters = values(count, &generator), target = values(count, &generator)
                let gradients = (0..<3).map { _ in values(count, &generator) }
                // Buffers: parameters, target, first moment, second moment, and the gradients of each step.
                assertSameBits([parameters, target, [Float](repeating: 0, count: 2 * count)] + gradients,
                               "Adam, \(count) parameters, target \(withTarget)") { buffers in
                    let adam = Adam(parameterCount: count, learningRate: 0.01)
                    for step in 0..<3 {
                        adam.step(buffers[0], gradients: buffers[3 + step], count: count,
                                  averagingInto: withTarget ? buffers[1] : nil, tau: 0.005)
                        XCTAssertTrue(adam.lastStepWasFinite)
                    }
                    buffers[2].update(from: adam.firstMoment.base, count: count)
                    (buffers[2] + count).update(from: adam.secondMoment.base, count: count)
                }
            }
        }
    }

    /// Bias + activation, for every activation (tanh is not dispatched and must be unaffected).
    func testBiasAndActivation() {
        var generator = SeededGenerator(seed: 32)
        for (rows, columns) in [(3, 19), (5, 8), (2, 35), (4, 3), (2, 64)] {
            for activation in Activation.allCases {
                assertSameBits([values(rows * columns, &generator), values(columns, &generator)],
                               "\(activation) + bias, \(rows) × \(columns)") { buffers in
                    activation.applyAddingBias(to: buffers[0], bias: buffers[1], rows: rows, columns: columns)
                }
            }
        }
    }

    /// g ← g · f′ in each of its three forms: rows with the bias-gradient sum, one row with or without
    /// it, and a flat count.
    func testActivationDerivatives() {
        var generator = SeededGenerator(seed: 33)
        for (rows, columns) in [(3, 19), (5, 8), (2, 35), (4, 3)] {
            for activation in Activation.allCases {
                let g = values(rows * columns, &generator), y = values(rows * columns, &generator)
                let sum = values(columns, &generator)
                assertSameBits([g, y, sum], "\(activation)′ over rows, \(rows) × \(columns)") { buffers in
                    activation.multiplyDerivative(into: buffers[0], output: buffers[1], rows: rows, columns: columns,
                                                  addingRowsTo: buffers[2])
                }
                assertSameBits([g, y, sum], "\(activation)′ of one row, summed, \(columns)") { buffers in
                    activation.multiplyDerivative(intoRow: buffers[0], output: buffers[1], columns: columns, addingTo: buffers[2])
                }
                assertSameBits([g, y], "\(activation)′ of one row, \(columns)") { buffers in
                    activation.multiplyDerivative(intoRow: buffers[0], output: buffers[1], columns: columns, addingTo: nil)
                }
                assertSameBits([g, y], "\(activation)′ flat, \(rows * columns)") { buffers in
                    activation.multiplyDerivative(into: buffers[0], output: buffers[1], count: rows * columns)
                }
            }
        }
    }

    /// The shallow product at every depth up to 4, every transposition, with a column tail and without,
    /// leading dimensions wider than needed, and every row epilogue.
    func testShallowProduct() {
        var generator = SeededGenerator(seed: 34)
        for k in 1...4 {
            for (m, n) in [(13, 24), (11, 19), (6, 35), (7, 5)] {
                for transposedA in [false, true] {
                    for transposedB in [false, true] {
                        let lda = (transposedA ? m : k) + 2, ldb = (transposedB ? k : n) + 1, ldc = n + 3
                        let a = values((transposedA ? k : m) * lda, &generator)
                        let b = values((transposedB ? n : k) * ldb, &generator)
                        let c = values(m * ldc, &generator)
                        let bias = values(n, &generator), output = values(m * ldc, &generator), sum = values(n, &generator)
                        // Buffers: a, b, c, bias, output (rows of width ldc), sum.
                        let epilogues: [(String, ([UnsafeMutablePointer<Float>]) -> RowEpilogue)] = [
                            ("none", { _ in .none }),
                        ] + Activation.allCases.map { activation in
                            ("\(activation) + bias", { buffers in .addingBias(buffers[3], activation: activation) })
                        } + Activation.allCases.flatMap { activation in [
                            ("\(activation)′ summed", { buffers in
                                .multiplyingDerivative(activation, output: buffers[4], outputLeading: ldc, addingRowsTo: buffers[5]) }),
                            ("\(activation)′", { buffers in
                                .multiplyingDerivative(activation, output: buffers[4], outputLeading: ldc, addingRowsTo: nil) }),
                        ] }
                        for (name, epilogue) in epilogues {
                            assertSameBits([a, b, c, bias, output, sum],
                                           "k \(k), \(m) × \(n), op(A)\(transposedA ? "ᵀ" : "") op(B)\(transposedB ? "ᵀ" : ""), \(name)") { buffers in
                                BLAS.shallowProduct(buffers[0], transposed: transposedA, leading: lda,
                                                    buffers[1], transposed: transposedB, leading: ldb,
                                                    into: buffers[2], leading: ldc, m: m, n: n, k: k, rowEpilogue: epilogue(buffers))
                            }
                        }
                    }
                }
            }
        }
    }

    /// A whole training step of a network whose products take the same routes both ways (one input,
    /// one output: shallow at k = 1, matrix–vector and sgemm): forward, backward, Adam with Polyak.
    func testTrainingStepOfANetwork() {
        for activation in Activation.allCases {
            var generator = SeededGenerator(seed: 35)
            let network = MLP(layerSizes: [1, 24, 19, 1], hiddenActivation: activation, outputActivation: .identity,
                              generator: &generator)
            let start = network.parameters.values
            let rows = 13
            let input = values(rows, &generator), outputGradient = values(rows, &generator)
            func step() -> [Float] {
                network.parameters.assign(start)
                network.zeroGradients()
                let target = network.copy()
                let adam = Adam(parameterCount: network.parameterCount, learningRate: 0.01)
                var scratch = outputGradient, inputGradient = [Float](repeating: 0, count: rows)
                input.withUnsafeBufferPointer { x in
                    network.forward(x.baseAddress!, rows: rows)
                    scratch.withUnsafeMutableBufferPointer { g in
                        inputGradient.withUnsafeMutableBufferPointer { gx in
                            network.backward(outputGradient: g.baseAddress!, input: x.baseAddress!, rows: rows,
                                             inputGradient: gx.baseAddress!, inputColumns: 0..<1)
                        }
                    }
                }
                let gradients = network.gradients.values
                adam.step(network, averagingInto: target, tau: 0.005)
                XCTAssertTrue(adam.lastStepWasFinite)
                return inputGradient + gradients + network.parameters.values + target.parameters.values
            }
            let kernel = step()
            let portable = VectorKernels.usingPortableLoops { step() }
            XCTAssertEqual(kernel.map(\.bitPattern), portable.map(\.bitPattern), "\(activation) network")
        }
    }
}
