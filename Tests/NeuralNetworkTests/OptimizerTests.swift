import Foundation
import XCTest
import Randomness
@testable import NeuralNetwork

final class OptimizerTests: XCTestCase {
    /// Two Adam steps against the formula evaluated by hand in Double.
    func testAdamMatchesTheFormula() {
        let parameters = FloatBuffer([0.5, -1.0, 2.0])
        let gradients = FloatBuffer([0.1, -0.3, 0.0])
        let adam = Adam(parameterCount: 3, learningRate: 0.01)
        var p: [Double] = [0.5, -1.0, 2.0], m = [0.0, 0, 0], v = [0.0, 0, 0]
        let steps: [[Double]] = [[0.1, -0.3, 0.0], [-0.2, 0.05, 1.0]]
        for (t, g) in steps.enumerated() {
            gradients.assign(g.map(Float.init))
            adam.step(parameters: parameters, gradients: gradients)
            for i in 0..<3 {
                m[i] = 0.9 * m[i] + 0.1 * g[i]
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i]
                let mHat = m[i] / (1 - pow(0.9, Double(t + 1)))
                let vHat = v[i] / (1 - pow(0.999, Double(t + 1)))
                p[i] -= 0.01 * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
        XCTAssertEqual(adam.stepCount, 2)
        for i in 0..<3 { XCTAssertEqual(Double(parameters.values[i]), p[i], accuracy: 1e-6) }
    }

    /// Adam with the Polyak update fused into its pass gives bit for bit Adam followed by `Polyak.update`,
    /// over a size with a scalar tail.
    func testAdamWithPolyakMatchesTheSeparatePasses() {
        var generator = SeededGenerator(seed: 21)
        let network = MLP(layerSizes: [5, 7, 3], generator: &generator)  // 66 parameters: 8 vectors and a tail of 2
        let fusedTarget = network.copy(), separateTarget = network.copy()
        for i in 0..<network.parameterCount { fusedTarget.parameters.base[i] += Float(generator.nextGaussian()) }
        separateTarget.parameters.assign(fusedTarget.parameters)
        let twin = network.copy()
        let fusedAdam = Adam(parameterCount: network.parameterCount, learningRate: 0.01)
        let separateAdam = Adam(parameterCount: network.parameterCount, learningRate: 0.01)
        for _ in 0..<3 {
            let gradient = (0..<network.parameterCount).map { _ in Float(generator.nextGaussian()) }
            network.gradients.assign(gradient)
            twin.gradients.assign(gradient)
            fusedAdam.step(network, averagingInto: fusedTarget, tau: 0.005)
            separateAdam.step(twin)
            Polyak.update(target: separateTarget, toward: twin, tau: 0.005)
            XCTAssertEqual(network.parameters.values, twin.parameters.values)
            XCTAssertEqual(fusedTarget.parameters.values, separateTarget.parameters.values)
            XCTAssertEqual(fusedAdam.secondMoment.values, separateAdam.secondMoment.values)
            XCTAssertEqual(network.gradients.values, [Float](repeating: 0, count: network.parameterCount))
        }
    }

    /// `lastStepWasFinite`: true before any step and after ordinary steps; false after a step that wrote
    /// a non-finite parameter (a NaN or infinite gradient, in the vector part or the scalar tail, or an
    /// overflowing step) or a non-finite Polyak target value; it describes the last step only. Checked
    /// with the AVX2 kernel (where the CPU has it) and with the portable loop.
    func testAdamReportsWhetherTheStepWasFinite() {
        let count = 19  // two vectors of eight and a tail of three
        func check(_ mode: String) {
            func stepped(gradient: (Int) -> Float, learningRate: Float = 0.01, parameter: Float = 0.5,
                         target: [Float]? = nil) -> Bool {
                let parameters = FloatBuffer([Float](repeating: parameter, count: count))
                let gradients = FloatBuffer((0..<count).map(gradient))
                let adam = Adam(parameterCount: count, learningRate: learningRate)
                XCTAssertTrue(adam.lastStepWasFinite, "\(mode): before any step")
                if let target {
                    let targetBuffer = FloatBuffer(target)
                    adam.step(parameters.base, gradients: gradients.base, count: count, averagingInto: targetBuffer.base, tau: 0.005)
                } else {
                    adam.step(parameters: parameters, gradients: gradients)
                }
                return adam.lastStepWasFinite
            }
            let ordinary: (Int) -> Float = { Float($0) * 0.1 - 0.9 }
            XCTAssertTrue(stepped(gradient: ordinary), mode)
            XCTAssertTrue(stepped(gradient: ordinary, target: [Float](repeating: 1, count: count)), mode)
            for index in [0, 5, 15, 16, 18] {
                for bad in [Float.nan, .infinity, -.infinity] {
                    XCTAssertFalse(stepped(gradient: { $0 == index ? bad : ordinary($0) }), "\(mode): gradient \(bad) at \(index)")
                    XCTAssertFalse(stepped(gradient: { $0 == index ? bad : ordinary($0) }, target: [Float](repeating: 1, count: count)),
                                   "\(mode): gradient \(bad) at \(index), with a target")
                }
                var target = [Float](repeating: 1, count: count)
                target[index] = .infinity
                XCTAssertFalse(stepped(gradient: ordinary, target: target), "\(mode): target infinite at \(index)")
            }
            // p − lr · m̂ / (√v̂ + ε) with p = −3e38 and lr = 1e38 leaves the Float range.
            XCTAssertFalse(stepped(gradient: { _ in 1 }, learningRate: 1e38, parameter: -3e38), "\(mode): overflow")

            // One bad step, then ordinary ones on the same optimiser: the flag follows the last step.
            let parameters = FloatBuffer([Float](repeating: 0.5, count: count)), target = FloatBuffer([Float](repeating: 1, count: count))
            let gradients = FloatBuffer(count: count)
            let adam = Adam(parameterCount: count, learningRate: 0.01)
            target.base[17] = .nan
            adam.step(parameters.base, gradients: gradients.base, count: count, averagingInto: target.base, tau: 0.005)
            XCTAssertFalse(adam.lastStepWasFinite, mode)
            target.base[17] = 1
            adam.step(parameters.base, gradients: gradients.base, count: count, averagingInto: target.base, tau: 0.005)
            XCTAssertTrue(adam.lastStepWasFinite, mode)
        }
        check(VectorKernels.useAVX2AndFMA ? "AVX2 kernel" : "portable loop")
        VectorKernels.usingPortableLoops { check("portable loop") }
    }

    /// The vector square root Adam uses equals the scalar one, lane by lane, for every value a second
    /// moment can take (non-negative, including subnormals, zero and infinity), and NaN stays NaN.
    func testVectorSquareRootMatchesTheScalarOne() {
        var generator = SeededGenerator(seed: 22)
        var values: [Float] = [0, .leastNonzeroMagnitude, .leastNormalMagnitude, 1, 2, .greatestFiniteMagnitude, .infinity]
        values += (0..<1000).map { _ in Float(generator.nextGaussian()).magnitude * Float(pow(10, Double(generator.nextIndex(below: 60)) - 30)) }
        values += [Float](repeating: 3, count: (8 - values.count % 8) % 8)
        for start in stride(from: 0, to: values.count, by: 8) {
            let vector = SIMD8<Float>(values[start..<(start + 8)])
            let root = vector.squareRootOfMagnitude()
            for lane in 0..<8 {
                XCTAssertEqual(root[lane].bitPattern, values[start + lane].squareRoot().bitPattern, "√\(values[start + lane])")
            }
        }
        XCTAssertTrue(SIMD8<Float>(repeating: .nan).squareRootOfMagnitude()[0].isNaN)
    }

    func testPolyakUpdate() {
        let target = FloatBuffer([1, 2, 3])
        let source = FloatBuffer([3, 2, -1])
        Polyak.update(target: target, toward: source, tau: 0.25)
        XCTAssertEqual(target.values, [1.5, 2, 2])
        Polyak.update(target: target, toward: source, tau: 1)
        XCTAssertEqual(target.values, source.values)
    }

    /// PyTorch's default Linear initialisation: U(−1/√fan_in, 1/√fan_in) for weights and biases.
    func testDefaultInitialisationBounds() {
        var generator = SeededGenerator(seed: 9)
        let network = MLP(layerSizes: [16, 64, 4], generator: &generator)
        for layer in network.layers {
            let bound = 1 / Float(layer.inputSize).squareRoot()
            let weights = (0..<(layer.outputSize * layer.inputSize)).map { network.parameters.base[layer.weightOffset + $0] }
            let biases = (0..<layer.outputSize).map { network.parameters.base[layer.biasOffset + $0] }
            XCTAssertTrue((weights + biases).allSatisfy { abs($0) <= bound })
            XCTAssertGreaterThan(weights.map(abs).max()!, 0.9 * bound, "the draws should fill the interval")
            let mean = weights.reduce(0, +) / Float(weights.count)
            XCTAssertLessThan(abs(mean), 0.1 * bound)
        }
    }

    /// The same seed gives the same network; a copy is independent.
    func testSeededInitialisationAndCopy() {
        var a = SeededGenerator(seed: 10), b = SeededGenerator(seed: 10)
        let first = MLP(layerSizes: [3, 5, 1], generator: &a)
        let second = MLP(layerSizes: [3, 5, 1], generator: &b)
        XCTAssertEqual(first.parameters.values, second.parameters.values)
        let copy = first.copy()
        XCTAssertEqual(copy.parameters.values, first.parameters.values)
        first.parameters.base[0] += 1
        XCTAssertNotEqual(copy.parameters.values, first.parameters.values)
    }

    /// The pointer API and the Matrix API agree with a naive evaluation.
    func testForwardMatchesNaiveEvaluation() {
        var generator = SeededGenerator(seed: 11)
        let network = MLP(layerSizes: [3, 4, 2], hiddenActivation: .relu, outputActivation: .tanh, generator: &generator)
        let x = Matrix(rows: 2, columns: 3, values: [0.5, -1, 2, 0.1, 0.2, -0.3])
        let y = network(x)
        let p = network.parameters.values
        for r in 0..<2 {
            var hidden = [Float](repeating: 0, count: 4)
            for o in 0..<4 {
                var sum = p[12 + o]
                for i in 0..<3 { sum += p[o * 3 + i] * x[r, i] }
                hidden[o] = max(sum, 0)
            }
            for o in 0..<2 {
                var sum = p[16 + 8 + o]
                for i in 0..<4 { sum += p[16 + o * 4 + i] * hidden[i] }
                XCTAssertEqual(y[r, o], tanh(sum), accuracy: 1e-6)
            }
        }
    }
}
