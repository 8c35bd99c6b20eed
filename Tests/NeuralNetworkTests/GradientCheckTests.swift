import Foundation
import TestSupport
import XCTest
import Randomness
@testable import NeuralNetwork

/// Finite-difference checks of every layer, head and loss (relative error < 1e-3).
final class GradientCheckTests: XCTestCase {
    private func randomMatrix(rows: Int, columns: Int, scale: Float = 1, _ generator: inout SeededGenerator) -> Matrix {
        Matrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in scale * Float(generator.nextGaussian()) })
    }

    /// L = Σ w ⊙ network(x): checks ∂L/∂parameters and ∂L/∂x.
    private func checkNetwork(_ network: MLP, rows: Int, step: Float, _ what: String, generator: inout SeededGenerator) {
        let x = randomMatrix(rows: rows, columns: network.inputSize, &generator)
        let w = randomMatrix(rows: rows, columns: network.outputSize, &generator)
        let inputGradient = network.gradient(input: x, outputGradient: w)
        let analytic = network.gradients.values
        func loss(_ input: Matrix) -> Double {
            zip(network(input).values, w.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let numerical = FiniteDifference.gradient(of: network.parameters.base, count: network.parameterCount, step: step) { loss(x) }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "\(what) parameters")

        var perturbed = x
        let numericalInput = perturbed.values.withUnsafeMutableBufferPointer { values in
            FiniteDifference.gradient(of: values.baseAddress!, count: values.count, step: step) {
                loss(Matrix(rows: x.rows, columns: x.columns, values: Array(values)))
            }
        }
        FiniteDifference.assertMatch(analytic: inputGradient.values, numerical: numericalInput, "\(what) input")
    }

    func testDenseLayer() {
        var generator = SeededGenerator(seed: 1)
        let dense = MLP(layerSizes: [4, 3], hiddenActivation: .identity, outputActivation: .identity, generator: &generator)
        checkNetwork(dense, rows: 5, step: 1e-2, "dense", generator: &generator)
    }

    func testTanhNetwork() {
        var generator = SeededGenerator(seed: 2)
        let network = MLP(layerSizes: [3, 6, 5, 2], hiddenActivation: .tanh, outputActivation: .identity, generator: &generator)
        checkNetwork(network, rows: 4, step: 1e-2, "tanh MLP", generator: &generator)
    }

    /// As `testTanhNetwork`, with enough rows that the first layer takes the shallow route (bias and
    /// tanh fused into it) and the hidden layer sgemm.
    func testTanhNetworkOnEveryRoute() {
        var generator = SeededGenerator(seed: 12)
        let inputs = min(2, BLAS.shallowLimit)
        let network = MLP(layerSizes: [inputs, 9, 7, 3], hiddenActivation: .tanh, outputActivation: .identity, generator: &generator)
        XCTAssertTrue(BLAS.takesShallowRoute(m: 8, n: 9, k: inputs))
        checkNetwork(network, rows: 8, step: 1e-2, "tanh MLP, every route", generator: &generator)
    }

    /// The network's output for `input`, computed from its (Float) parameters in Double precision.
    /// A finite difference of a Float forward pass carries the pass's round-off divided by the step;
    /// where the step must stay small (ReLU's kinks) that noise is as large as the tolerance.
    private func doublePrecisionOutput(of network: MLP, _ input: Matrix) -> [Double] {
        var x = input.values.map(Double.init)
        let p = network.parameters.base
        for (l, layer) in network.layers.enumerated() {
            let activation = l == network.layers.count - 1 ? network.outputActivation : network.hiddenActivation
            var y = [Double](repeating: 0, count: input.rows * layer.outputSize)
            for r in 0..<input.rows {
                for o in 0..<layer.outputSize {
                    var sum = Double(p[layer.biasOffset + o])
                    for i in 0..<layer.inputSize { sum += Double(p[layer.weightOffset + o * layer.inputSize + i]) * x[r * layer.inputSize + i] }
                    switch activation {
                    case .relu: y[r * layer.outputSize + o] = max(sum, 0)
                    case .tanh: y[r * layer.outputSize + o] = Foundation.tanh(sum)
                    case .identity: y[r * layer.outputSize + o] = sum
                    }
                }
            }
            x = y
        }
        return x
    }

    /// ReLU is not differentiable at 0. Components whose ±h, ±2h perturbations flip any hidden unit
    /// across the kink are excluded (the difference quotient is meaningless there); at least 90% must remain.
    /// The kinks force a small step, so the numerical side is evaluated in Double precision.
    func testReLUNetwork() {
        var generator = SeededGenerator(seed: 3)
        let network = MLP(layerSizes: [3, 7, 6, 2], hiddenActivation: .relu, outputActivation: .identity, generator: &generator)
        checkReLUNetwork(network, rows: 4, generator: &generator)
    }

    /// Enough rows and units that every product route of a forward and backward pass is taken: the
    /// shallow loop with its fused bias and ReLU (first layer, k = 3), sgemm (hidden layer), matrix–vector
    /// products (output layer, weight gradient of the first layer). The network shares its backward
    /// scratch and activations with another one that runs a pass in between, as a learner's networks do.
    func testReLUNetworkOnEveryRouteWithSharedWorkspaces() {
        var generator = SeededGenerator(seed: 13)
        let activations = Workspace(), scratch = Workspace()
        let inputs = BLAS.shallowLimit
        let network = MLP(layerSizes: [inputs, 12, 10, 2], hiddenActivation: .relu, outputActivation: .identity,
                          activations: activations, scratch: scratch, generator: &generator)
        let other = network.copy(activations: activations, scratch: scratch)
        _ = other.gradient(input: randomMatrix(rows: 9, columns: inputs, &generator), outputGradient: randomMatrix(rows: 9, columns: 2, &generator))
        XCTAssertTrue(BLAS.takesShallowRoute(m: 9, n: 12, k: inputs))
        checkReLUNetwork(network, rows: 9, generator: &generator)
    }

    private func checkReLUNetwork(_ network: MLP, rows: Int, generator: inout SeededGenerator) {
        let x = randomMatrix(rows: rows, columns: network.inputSize, &generator)
        let w = randomMatrix(rows: rows, columns: network.outputSize, &generator)
        _ = network.gradient(input: x, outputGradient: w)
        let analytic = network.gradients.values
        func mask() -> [Bool] {
            (0..<(network.layers.count - 1)).flatMap { l in
                (0..<(rows * network.layers[l].outputSize)).map { network.output(ofLayer: l)[$0] > 0 }
            }
        }
        let numerical = FiniteDifference.gradient(of: network.parameters.base, count: network.parameterCount, step: 2e-3) {
            zip(doublePrecisionOutput(of: network, x), w.values).reduce(0) { $0 + $1.0 * Double($1.1) }
        }
        _ = network(x)
        let reference = mask()
        var crossed = Set<Int>()
        for i in 0..<network.parameterCount {
            let original = network.parameters.base[i]
            for offset: Float in [-4e-3, -2e-3, 2e-3, 4e-3] {
                network.parameters.base[i] = original + offset
                _ = network(x)
                if mask() != reference { crossed.insert(i) }
            }
            network.parameters.base[i] = original
        }
        XCTAssertLessThan(Double(crossed.count), 0.1 * Double(network.parameterCount))
        let kept = (0..<network.parameterCount).filter { !crossed.contains($0) }
        FiniteDifference.assertMatch(analytic: kept.map { analytic[$0] }, numerical: kept.map { numerical[$0] }, "ReLU MLP parameters")
    }

    /// The deterministic policy head of TD3 and DDPG: a tanh output layer.
    func testDeterministicTanhHead() {
        var generator = SeededGenerator(seed: 4)
        let network = MLP(layerSizes: [3, 6, 2], hiddenActivation: .relu, outputActivation: .tanh, generator: &generator)
        checkNetwork(network, rows: 4, step: 2e-3, "tanh head", generator: &generator)
    }

    /// Each activation alone: L = Σ w ⊙ f(x), with x away from ReLU's kink.
    func testActivations() {
        var generator = SeededGenerator(seed: 5)
        for activation in Activation.allCases {
            var x = (0..<12).map { _ -> Float in
                let v = Float(generator.nextGaussian())
                return v < 0 ? v - 0.1 : v + 0.1
            }
            let w = (0..<12).map { _ in Float(generator.nextGaussian()) }
            let zero = [Float](repeating: 0, count: 12)
            func output(_ input: [Float]) -> [Float] {
                var y = input
                zero.withUnsafeBufferPointer { b in
                    y.withUnsafeMutableBufferPointer { activation.applyAddingBias(to: $0.baseAddress!, bias: b.baseAddress!, rows: 1, columns: 12) }
                }
                return y
            }
            let y = output(x)
            var analytic = w
            y.withUnsafeBufferPointer { yp in
                analytic.withUnsafeMutableBufferPointer { activation.multiplyDerivative(into: $0.baseAddress!, output: yp.baseAddress!, count: 12) }
            }
            let numerical = x.withUnsafeMutableBufferPointer { values in
                FiniteDifference.gradient(of: values.baseAddress!, count: 12, step: 1e-2) {
                    zip(output(Array(values)), w).reduce(0) { $0 + Double($1.0 * $1.1) }
                }
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "\(activation)")
        }
    }

    func testMeanSquaredError() {
        var generator = SeededGenerator(seed: 6)
        var prediction = (0..<9).map { _ in Float(generator.nextGaussian()) }
        let target = (0..<9).map { _ in Float(generator.nextGaussian()) }
        var analytic = [Float](repeating: 0, count: 9)
        let loss = prediction.withUnsafeBufferPointer { p in
            target.withUnsafeBufferPointer { t in
                analytic.withUnsafeMutableBufferPointer {
                    MeanSquaredError.evaluate(prediction: p.baseAddress!, target: t.baseAddress!, count: 9, scale: 0.5, gradient: $0.baseAddress!)
                }
            }
        }
        XCTAssertEqual(loss, 0.5 * MeanSquaredError.value(prediction: prediction, target: target), accuracy: 1e-6)
        let numerical = prediction.withUnsafeMutableBufferPointer { values in
            FiniteDifference.gradient(of: values.baseAddress!, count: 9, step: 1e-2) {
                0.5 * MeanSquaredError.value(prediction: Array(values), target: target)
            }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "MSE")
    }

    /// The importance-weighted critic loss of prioritized replay: by hand on three rows, then its gradient
    /// against finite differences on nine.
    func testWeightedMeanSquaredError() {
        // Hand: q = (1, 2, 0), y = (0, 0, 1), w = (1, 0.5, 0.25), scale ½: L = ½ · (1·1 + 0.5·4 + 0.25·1) / 3 = 0.541666…,
        // ∂L/∂q = ½ · 2 w (q − y) / 3 = (1/3, 1/3, −1/12), |δ| = (1, 2, 1).
        var gradient = [Float](repeating: 0, count: 3), errors = [Float](repeating: 0, count: 3)
        let handLoss = WeightedMeanSquaredError.evaluate(prediction: [1, 2, 0], target: [0, 0, 1], weights: [1, 0.5, 0.25], count: 3,
                                                         scale: 0.5, gradient: &gradient, absoluteErrors: &errors)
        XCTAssertEqual(handLoss, 0.5 * 3.25 / 3, accuracy: 1e-7)
        for (actual, expected) in zip(gradient, [1.0 / 3, 1.0 / 3, -1.0 / 12] as [Float]) { XCTAssertEqual(actual, expected, accuracy: 1e-7) }
        XCTAssertEqual(errors, [1, 2, 1])

        var generator = SeededGenerator(seed: 16)
        var prediction = (0..<9).map { _ in Float(generator.nextGaussian()) }
        let target = (0..<9).map { _ in Float(generator.nextGaussian()) }
        let weights = (0..<9).map { _ in 0.1 + generator.nextUnitFloat() * 0.9 }
        var analytic = [Float](repeating: 0, count: 9), absolute = [Float](repeating: 0, count: 9)
        let loss = WeightedMeanSquaredError.evaluate(prediction: prediction, target: target, weights: weights, count: 9, scale: 0.5,
                                                     gradient: &analytic, absoluteErrors: &absolute)
        XCTAssertEqual(loss, WeightedMeanSquaredError.value(prediction: prediction, target: target, weights: weights, scale: 0.5), accuracy: 1e-6)
        let numerical = prediction.withUnsafeMutableBufferPointer { values in
            FiniteDifference.gradient(of: values.baseAddress!, count: 9, step: 1e-2) {
                WeightedMeanSquaredError.value(prediction: Array(values), target: target, weights: weights, scale: 0.5)
            }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "weighted MSE")
    }

    /// L = Σ w ⊙ a + c Σ log π(a|s) through the reparameterised, tanh-squashed sample, w.r.t. the raw
    /// [μ | log σ] input. One log σ lies beyond the clamp, where the gradient must be exactly zero.
    func testSquashedGaussianHead() {
        var generator = SeededGenerator(seed: 7)
        let rows = 5, actions = 3
        let head = SquashedGaussianHead(actionSize: actions)
        var raw = (0..<(rows * 2 * actions)).map { _ in 0.6 * Float(generator.nextGaussian()) }
        raw[2 * actions + actions + 1] = 2.7  // row 1, log σ of action 1: clamped at 2
        let noise = (0..<(rows * actions)).map { _ in Float(generator.nextGaussian()) }
        let w = (0..<(rows * actions)).map { _ in Float(generator.nextGaussian()) }
        let c: Float = 0.37
        func loss(_ input: UnsafePointer<Float>) -> Double {
            noise.withUnsafeBufferPointer { head.sample(raw: input, rows: rows, noise: $0.baseAddress!) }
            var sum: Double = 0
            for i in 0..<(rows * actions) { sum += Double(w[i] * head.actions.base[i]) }
            for r in 0..<rows { sum += Double(c * head.logProbabilities.base[r]) }
            return sum
        }
        var analytic = [Float](repeating: 0, count: raw.count)
        raw.withUnsafeBufferPointer { input in
            _ = loss(input.baseAddress!)
            w.withUnsafeBufferPointer { g in
                analytic.withUnsafeMutableBufferPointer {
                    head.backward(raw: input.baseAddress!, rows: rows, actionGradient: g.baseAddress!, logProbabilityWeight: c, into: $0.baseAddress!)
                }
            }
        }
        XCTAssertEqual(analytic[2 * actions + actions + 1], 0, "the clamped log σ gets no gradient")
        let numerical = raw.withUnsafeMutableBufferPointer { values in
            FiniteDifference.gradient(of: values.baseAddress!, count: values.count, step: 1e-2) { loss(UnsafePointer(values.baseAddress!)) }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "squashed Gaussian head")
    }

    /// The head's log-density equals log N(u; μ, σ) − Σ log(1 − tanh² u + 10⁻⁶) (SB3's form), computed naively in Double.
    func testSquashedGaussianLogProbability() {
        var generator = SeededGenerator(seed: 8)
        let head = SquashedGaussianHead(actionSize: 2)
        let raw: [Float] = [0.3, -1.2, -0.5, 0.4, 2.5, 0.1, -25, 3]  // two rows; row 1's log σ are clamped
        head.sample(raw: raw, rows: 2, using: &generator)
        for r in 0..<2 {
            var expected = 0.0
            for j in 0..<2 {
                let mean = Double(raw[r * 4 + j])
                let logStd = min(max(Double(raw[r * 4 + 2 + j]), -20), 2)
                let u = mean + exp(logStd) * Double(head.noise.base[r * 2 + j])
                expected += -0.5 * pow((u - mean) / exp(logStd), 2) - logStd - 0.5 * log(2 * Double.pi)
                expected -= log(1 - pow(tanh(u), 2) + 1e-6)
                XCTAssertEqual(Double(head.actions.base[r * 2 + j]), tanh(u), accuracy: 1e-6)
            }
            XCTAssertEqual(Double(head.logProbabilities.base[r]), expected, accuracy: 1e-4 * max(1, abs(expected)))
        }
    }

    /// d/du of SB3's correction −log(1 − tanh² u + 10⁻⁶), in Double: the head's 2a(1 − a²)/(1 − a² + 10⁻⁶)
    /// against central differences, where the 10⁻⁶ matters (u = 6 … 8; the exact form's 2a would be off by
    /// 6 % at u = 6 and 3× at u = 8) and where it does not.
    func testSquashCorrectionDerivativeInDouble() {
        func correction(_ u: Double) -> Double { -log(1 / (cosh(u) * cosh(u)) + 1e-6) }  // 1 − tanh² = sech², without cancellation
        for u in [-0.7, 0.3, 2, 6, 7, 8, -7.5] {
            let h = 1e-4
            let numerical = (correction(u + h) - correction(u - h)) / (2 * h)
            let analytic = SquashedGaussianHead.squashCorrectionDerivative(tanh(u))
            XCTAssertEqual(analytic, numerical, accuracy: 1e-6 * max(1, abs(numerical)), "u = \(u)")
        }
        // By hand at u = 7: a = tanh 7, 1 − a² = 3.32611e-6, so 2a(1 − a²)/(1 − a² + 10⁻⁶) = 1.537688.
        XCTAssertEqual(SquashedGaussianHead.squashCorrectionDerivative(tanh(7)), 1.537688, accuracy: 1e-5)
        XCTAssertEqual(SquashedGaussianHead.squashCorrectionDerivative(1), 0)
    }

    /// Saturated samples (tanh(u) = ±1 in Float), values worked out by hand (ℓ = 0 unless said; ½ log 2π =
    /// 0.918939, −log 10⁻⁶ = 13.815511, the edge atanh(1 − 2⁻²⁵) = 9.010913):
    /// - μ = 12, ε = 0.5 (u = 12.5): u* = μ, z* = 0: log π = −0.918939 + 13.815511 = 12.896572;
    /// - μ = 8, ε = 2 (u = 10): u* = 9.010913, z* = 1.010913: log π = −0.510973 − 0.918939 + 13.815511 = 12.385599;
    /// - μ = −20, ℓ = −1, ε = −0.3: u* = μ, z* = 0: log π = 1 − 0.918939 + 13.815511 = 13.896572.
    /// The logged-action path gives the same values at the sampled actions, and the backward pass with
    /// c = 1 gives ∂/∂μ = z*/σ, ∂/∂ℓ = z*² − 1, whatever ∂L/∂a is (∂a/∂u = 0 there).
    func testSquashedGaussianHeadAtSaturatedSamples() {
        let head = SquashedGaussianHead(actionSize: 1)
        let raw: [Float] = [12, 0, 8, 0, -20, -1]
        let noise: [Float] = [0.5, 2, -0.3]
        head.sample(raw: raw, rows: 3, noise: noise)
        XCTAssertEqual(Array(UnsafeBufferPointer(start: head.actions.base, count: 3)), [1, 1, -1])
        let expected: [Double] = [12.896572, 12.385599, 13.896572]
        var logged = [Float](repeating: 0, count: 3)
        let actions = Array(UnsafeBufferPointer(start: head.actions.base, count: 3))
        head.logProbabilities(raw: raw, actions: actions, rows: 3, into: &logged)
        for r in 0..<3 {
            XCTAssertEqual(Double(head.logProbabilities.base[r]), expected[r], accuracy: 1e-5, "row \(r)")
            XCTAssertEqual(logged[r], head.logProbabilities.base[r], "row \(r): both paths")
        }
        var gradient = [Float](repeating: 0, count: 6)
        head.backward(raw: raw, rows: 3, actionGradient: [3, -2, 5], logProbabilityWeight: 1, into: &gradient)
        let z = 9.010913 - 8.0
        let expectedGradient: [Double] = [0, -1, z, z * z - 1, 0, -1]
        for i in 0..<6 { XCTAssertEqual(Double(gradient[i]), expectedGradient[i], accuracy: 1e-5, "component \(i)") }
    }

    /// The finite-difference check of the head's backward pass away from the origin: rows well inside
    /// (|u| ≈ 2), and saturated rows with u* = μ (z* = 0) and u* at the edge (z* ≠ 0), for both signs.
    /// Every perturbation keeps each coordinate on its side of the edge.
    func testSquashedGaussianHeadBackwardNearAndAtSaturation() {
        let rows = 3, actions = 2
        let head = SquashedGaussianHead(actionSize: actions)
        var raw: [Float] = [2.1, -1.8, -0.4, 0.3,    // inside
                            12, -8.5, 0.2, 0.1,      // saturated: u* = μ; u* = −edge (μ = −8.5, u ≈ −11.3)
                            8.2, -15, -0.1, -0.5]    // saturated: u* = edge (u ≈ 10.9); u* = μ
        let noise: [Float] = [0.3, -0.5, 0.4, -2.5, 2.1, 0.7]
        let w: [Float] = [0.8, -1.3, 2, 0.5, -0.7, 1.1]
        let c: Float = 0.6
        func loss(_ input: UnsafePointer<Float>) -> Double {
            head.sample(raw: input, rows: rows, noise: noise)
            var sum: Double = 0
            for i in 0..<(rows * actions) { sum += Double(w[i]) * Double(head.actions.base[i]) }
            for r in 0..<rows { sum += Double(c) * Double(head.logProbabilities.base[r]) }
            return sum
        }
        var analytic = [Float](repeating: 0, count: raw.count)
        raw.withUnsafeBufferPointer { input in
            _ = loss(input.baseAddress!)
            XCTAssertEqual(Array(UnsafeBufferPointer(start: head.actions.base + 2, count: 4)), [1, -1, 1, -1], "rows 1 and 2 saturate")
            head.backward(raw: input.baseAddress!, rows: rows, actionGradient: w, logProbabilityWeight: c, into: &analytic)
        }
        XCTAssertNotEqual(analytic[4 * 2 + 0], 0, "u* at the edge: μ gets a gradient")
        let numerical = raw.withUnsafeMutableBufferPointer { values in
            FiniteDifference.gradient(of: values.baseAddress!, count: values.count, step: 1e-2) { loss(UnsafePointer(values.baseAddress!)) }
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "squashed Gaussian head near and at saturation")
    }
}
