import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Finite-difference checks of the on-policy losses w.r.t. everything they train: the policy network,
/// the state-independent log σ and the value network (relative error < 1e-3, fourth-order central
/// differences in Float32 with step 3e-2 on small tanh networks, as `LossGradientCheckTests`).
final class OnPolicyLossGradientCheckTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]
    let rows = 7

    /// Small networks, log σ away from 0 so its gradient is not trivially symmetric.
    private func onPolicy(entropy: Double) -> OnPolicyHyperparameters {
        OnPolicyHyperparameters(environmentCount: 1, stepsPerEnvironment: rows, gaeLambda: 0.9, entropyCoefficient: entropy,
                                valueCoefficient: 0.7, logStdInit: -0.3)
    }

    private func common() -> CommonHyperparameters {
        CommonHyperparameters(hiddenSizes: [6, 5], activation: .tanh, learningRate: 1e-3, batchSize: rows, discount: 0.9)
    }

    /// Checks the analytic gradient of `loss` (which accumulates its gradients into `networks`) against
    /// finite differences for the policy network, log σ and the value network.
    private func check(_ networks: GaussianActorCritic, _ what: String, loss: () -> Double) {
        networks.policy.zeroGradients()
        networks.value.zeroGradients()
        networks.logStdGradient.setZero()
        _ = loss()
        let policy = networks.policy.gradients.values, logStd = networks.logStdGradient.values, value = networks.value.gradients.values
        FiniteDifference.assertMatch(analytic: policy, numerical: FiniteDifference.gradient(
            of: networks.policy.parameters.base, count: networks.policy.parameterCount, step: 3e-2, loss: loss), "\(what): policy network")
        FiniteDifference.assertMatch(analytic: logStd, numerical: FiniteDifference.gradient(
            of: networks.logStd.base, count: networks.logStd.count, step: 3e-2, loss: loss), "\(what): log σ")
        FiniteDifference.assertMatch(analytic: value, numerical: FiniteDifference.gradient(
            of: networks.value.parameters.base, count: networks.value.parameterCount, step: 3e-2, loss: loss), "\(what): value network")
    }

    private func rollout(seed: UInt64) -> TransitionBatch {
        TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: seed)
    }

    /// log π(a|s) and its gradients w.r.t. μ and log σ (the backward pass of the Gaussian head).
    func testGaussianLogProbabilityGradient() {
        var generator = SeededGenerator(seed: 5)
        let n = 2
        // Buffers, not arrays: the loss reads them while the finite differences write them.
        let means = FloatBuffer((0..<(rows * n)).map { _ in Float(generator.nextGaussian()) })
        let logStd = FloatBuffer([-0.4, 0.3])
        let actions = (0..<(rows * n)).map { _ in Float(generator.nextGaussian()) }
        let weights = (0..<rows).map { _ in generator.nextGaussian() }
        func loss() -> Double {
            var logProbabilities = [Double](repeating: 0, count: rows)
            DiagonalGaussian.logProbabilities(means: means.base, logStd: logStd.base, actions: actions, rows: rows, actionSize: n,
                                              into: &logProbabilities)
            return zip(weights, logProbabilities).reduce(0) { $0 + $1.0 * $1.1 }
        }
        var meanGradient = [Float](repeating: 0, count: rows * n), logStdGradient = [Float](repeating: 0, count: n)
        DiagonalGaussian.addLogProbabilityGradient(means: means.base, logStd: logStd.base, actions: actions, weights: weights, rows: rows,
                                                   actionSize: n, meanGradient: &meanGradient, logStdGradient: &logStdGradient)
        FiniteDifference.assertMatch(analytic: meanGradient, numerical: FiniteDifference.gradient(of: means.base, count: rows * n, step: 3e-2, loss: loss),
                                     "∂ log π/∂μ")
        FiniteDifference.assertMatch(analytic: logStdGradient, numerical: FiniteDifference.gradient(of: logStd.base, count: n, step: 3e-2, loss: loss),
                                     "∂ log π/∂log σ")
        // Against the closed form: log N(a; μ, σ²) summed over components.
        var single = 0.0
        DiagonalGaussian.logProbabilities(means: means.base, logStd: logStd.base, actions: actions, rows: 1, actionSize: n, into: &single)
        let expected = (0..<n).reduce(0.0) { sum, j in
            let sigma = exp(Double(logStd.base[j])), z = (Double(actions[j]) - Double(means.base[j])) / sigma
            return sum - 0.5 * z * z - log(sigma) - 0.5 * log(2 * Double.pi)
        }
        XCTAssertEqual(single, expected, accuracy: 1e-9)
        // The entropy's gradient w.r.t. log σ is 1 per component.
        let entropyNumerical = FiniteDifference.gradient(of: logStd.base, count: n, step: 3e-2) { DiagonalGaussian.entropy(logStd: logStd.base, actionSize: n) }
        FiniteDifference.assertMatch(analytic: [1, 1], numerical: entropyNumerical, "∂H/∂log σ")
    }

    /// REINFORCE: −mean((G − V(s)) log π(a|s)) + c_V mean((V(s) − G)²), G the reward-to-go (λ = 1), held fixed.
    func testREINFORCELoss() throws {
        var config = REINFORCEConfig()
        config.common = common()
        config.onPolicy = onPolicy(entropy: 0)
        config.onPolicy.gaeLambda = 1
        var generator = SeededGenerator(seed: 1)
        let learner = try XCTUnwrap(config.makeLearner(observationSize: 3, actionLow: low, actionHigh: high, generator: &generator) as? A2C)
        let prepared = PreparedRollout(rollout(seed: 2), segments: 1, discount: 0.9, lambda: 1, networks: learner.networks)
        XCTAssertTrue(prepared.advantages.contains { abs($0) > 0.1 })
        check(learner.networks, "REINFORCE") {
            let losses = learner.lossesAndGradients(input: prepared.input, actions: prepared.actions, advantages: prepared.advantages,
                                                    valueTargets: prepared.returns, rows: rows)
            return losses.policy + learner.config.onPolicy.valueCoefficient * losses.value
        }
    }

    /// A2C: −mean(Â log π(a|s)) − c_H H + c_V mean((V(s) − R)²), with an entropy bonus.
    func testA2CLoss() throws {
        var config = A2CConfig()
        config.common = common()
        config.onPolicy = onPolicy(entropy: 0.05)
        var generator = SeededGenerator(seed: 3)
        let learner = try A2C(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        let prepared = PreparedRollout(rollout(seed: 4), segments: 1, discount: 0.9, lambda: 0.9, networks: learner.networks)
        check(learner.networks, "A2C") {
            let losses = learner.lossesAndGradients(input: prepared.input, actions: prepared.actions, advantages: prepared.advantages,
                                                    valueTargets: prepared.returns, rows: rows)
            return losses.policy - 0.05 * losses.entropy + learner.config.onPolicy.valueCoefficient * losses.value
        }
    }

    /// PPO: clipped surrogate − c_H H + c_V × the clipped value loss, with old log-probabilities and old
    /// values chosen so that some rows are clipped and some are not, each at least 0.05 from a kink.
    func testPPOClippedSurrogateAndClippedValueLoss() throws {
        var config = PPOConfig()
        config.common = common()
        config.onPolicy = onPolicy(entropy: 0.02)
        config.valueClipRange = 0.2
        var generator = SeededGenerator(seed: 6)
        let learner = try PPO(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        let prepared = PreparedRollout(rollout(seed: 7), segments: 1, discount: 0.9, lambda: 0.95, networks: learner.networks)
        var minibatch = Minibatch(prepared, rows: 0..<rows, observationSize: 3, actionSize: 2, normalizeAdvantages: true)
        // Actions near the mean (z ≈ 0.3), so that the finite differences' steps move no ratio across a clip kink.
        var noise = SeededGenerator(seed: 8)
        let means = minibatch.input.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: learner.networks.policy.forward($0.baseAddress!, rows: rows), count: rows * 2)) }
        minibatch.actions = means.map { $0 + 0.25 * Float(noise.nextGaussian()) }
        minibatch.oldLogProbabilities = learner.networks.logProbabilities(ofInput: minibatch.input, actions: minibatch.actions, rows: rows)
        // log ρ offsets: ρ ∈ {0.6, 0.9, 1.1, 1.4, …}, inside and outside [0.8, 1.2]; value offsets ±0.1 (inside) and ±0.5 (clipped).
        let logRatios = [log(0.6), log(0.9), log(1.1), log(1.4), log(0.7), log(1.05), log(1.5)]
        let valueOffsets = [0.1, -0.5, 0.5, -0.1, 0.6, 0.05, -0.7]
        for r in 0..<rows {
            minibatch.oldLogProbabilities[r] -= logRatios[r]
            minibatch.oldValues[r] += valueOffsets[r]
        }
        let surrogate = learner.minibatchLosses(minibatch)
        XCTAssertGreaterThan(surrogate.clipFraction, 0.2, "some rows must be clipped")
        XCTAssertLessThan(surrogate.clipFraction, 0.8, "some rows must not be clipped")
        check(learner.networks, "PPO") {
            let losses = learner.minibatchLosses(minibatch)
            return losses.policy - 0.02 * losses.entropy + learner.config.onPolicy.valueCoefficient * losses.value
        }
    }
}
