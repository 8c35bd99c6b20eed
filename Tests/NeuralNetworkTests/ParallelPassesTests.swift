import XCTest
@testable import NeuralNetwork
import Randomness

/// A network's own work on two threads: a backward pass computing a layer's weight gradient beside the
/// gradient below it (`MLP.splitsBackward`), and a network that shares another's parameters
/// (`sharingParameters`) so the two can run forward passes at once.
final class ParallelPassesTests: XCTestCase {
    override func tearDown() {
        BLAS.useThreads(1)
    }

    private func randomValues(_ count: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<count).map { _ in Float(generator.nextGaussian()) }
    }

    /// Parameter gradients and the input gradient of one backward pass, as bit patterns.
    private func backwardBits(threads: Int) -> (parameters: [UInt32], input: [UInt32]) {
        BLAS.useThreads(threads)
        var generator = SeededGenerator(seed: 41)
        let rows = 64
        let network = MLP(layerSizes: [5, 128, 128, 3], hiddenActivation: .relu, generator: &generator)
        let input = randomValues(rows * 5, &generator)
        var outputGradient = randomValues(rows * 3, &generator)
        var inputGradient = [Float](repeating: 0, count: rows * 5)
        input.withUnsafeBufferPointer { x in
            network.forward(x.baseAddress!, rows: rows)
            outputGradient.withUnsafeMutableBufferPointer { g in
                inputGradient.withUnsafeMutableBufferPointer { gx in
                    network.backward(outputGradient: g.baseAddress!, input: x.baseAddress!, rows: rows, inputGradient: gx.baseAddress!)
                }
            }
        }
        return (network.gradients.values.map(\.bitPattern), inputGradient.map(\.bitPattern))
    }

    func testBackwardOnTwoThreadsGivesTheBitsOfOne() {
        let one = backwardBits(threads: 1), two = backwardBits(threads: 2)
        XCTAssertEqual(one.parameters, two.parameters)
        XCTAssertEqual(one.input, two.input)
        XCTAssertTrue(one.parameters.contains { $0 != 0 } && one.input.contains { $0 != 0 }, "gradients must not be all zero")
        // Where OpenBLAS computes the products (they are not cut over threads), the 128 × 128 layer's two products
        // ran at once; where the packed kernel runs, each product was cut over the threads instead.
        let layer = Dense(inputSize: 128, outputSize: 128, offset: 0)
        XCTAssertEqual(MLP.splitsBackward(of: layer, rows: 64), BLAS.productKernel == .openBLAS)
        XCTAssertFalse(MLP.splitsBackward(of: layer, rows: 63), "below the hand-off's minimum work")
        BLAS.useThreads(1)
        XCTAssertFalse(MLP.splitsBackward(of: layer, rows: 64), "one thread never splits")
    }

    func testANetworkSharingParametersSeesEveryChangeAndKeepsItsOwnActivations() {
        BLAS.useThreads(2)
        var generator = SeededGenerator(seed: 9)
        let network = MLP(layerSizes: [4, 128, 128, 2], generator: &generator)
        let view = network.sharingParameters()
        XCTAssertTrue(view.parameters === network.parameters)
        XCTAssertFalse(view.gradients === network.gradients)
        let a = randomValues(64 * 4, &generator), b = randomValues(64 * 4, &generator)
        // Alone, one after the other.
        let alone = a.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: network.forward($0.baseAddress!, rows: 64), count: 128)) }
        let aloneB = b.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: network.forward($0.baseAddress!, rows: 64), count: 128)) }
        // At once: the view on a, the network on b.
        var outputs = [Float](repeating: 0, count: 2 * 128)
        outputs.withUnsafeMutableBufferPointer { outputs in
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    ThreadPool.run(parts: 2) { part in
                        let (net, input) = part == 0 ? (view, a) : (network, b)
                        (outputs.baseAddress! + part * 128).update(from: net.forward(input.baseAddress!, rows: 64), count: 128)
                    }
                }
            }
        }
        let atOnce = [Array(outputs[0..<128]), Array(outputs[128...])]
        XCTAssertEqual(atOnce[0].map(\.bitPattern), alone.map(\.bitPattern))
        XCTAssertEqual(atOnce[1].map(\.bitPattern), aloneB.map(\.bitPattern))
        XCTAssertEqual(network.outputOfLastForward(layer: 2)[0].bitPattern, aloneB[0].bitPattern, "the network keeps its own pass")
        // A step of the network's parameters is seen by the view.
        network.parameters.base[network.parameterCount - 1] += 1  // the last output's bias
        let moved = a.withUnsafeBufferPointer { view.forward($0.baseAddress!, rows: 64)[1] }
        XCTAssertEqual(moved, alone[1] + 1, accuracy: 1e-5)
    }
}
