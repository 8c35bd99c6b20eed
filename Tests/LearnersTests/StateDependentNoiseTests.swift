import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// gSDE (`StateDependentNoise`) in PPO: the variance formula, the gradients of the log-density and the
/// entropy w.r.t. μ and the log σ matrix (finite differences), that nothing flows into the features,
/// the noise resampling schedule, acting, and config decoding.
final class StateDependentNoiseTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]
    let rows = 7

    private func smallPPO(sampleFrequency: Int = 4, copies: Int = 2, seed: UInt64 = 6) throws -> PPO {
        var config = PPOConfig()
        config.common = CommonHyperparameters(hiddenSizes: [6, 5], activation: .tanh, learningRate: 1e-3, batchSize: rows, discount: 0.9)
        config.onPolicy = OnPolicyHyperparameters(environmentCount: copies, stepsPerEnvironment: rows, gaeLambda: 0.95,
                                                  entropyCoefficient: 0.02, valueCoefficient: 0.7, logStdInit: -0.3)
        config.sdeSampleFrequency = sampleFrequency
        XCTAssertTrue(config.useSDE)
        var generator = SeededGenerator(seed: seed)
        let ppo = try PPO(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        // A log σ matrix with distinct entries, so that every gradient component is exercised.
        for i in 0..<ppo.networks.logStd.count { ppo.networks.logStd.base[i] = -0.6 + 0.07 * Float(i % 11) }
        return ppo
    }

    /// σ_a² = Σ_j φ_j² σ_ja² + 1e-6 and the log-density on numbers worked out by hand.
    func testVarianceAndLogDensityOnAHandComputedExample() {
        // φ = (1, 2), σ = [[1, 2], [0.5, 1]] (k = 2 rows, n = 2 columns).
        let features: [Float] = [1, 2]
        let logStd: [Float] = [0, log(2), log(0.5), 0]
        var rowLogStd = [Double](repeating: 0, count: 2)
        StateDependentNoise.rowLogStd(features: features, logStd: logStd, rows: 1, latentSize: 2, actionSize: 2, into: &rowLogStd)
        // σ₀² = 1·1 + 4·0.25 = 2, σ₁² = 1·4 + 4·1 = 8, each + 1e-6.
        XCTAssertEqual(exp(2 * rowLogStd[0]), 2 + 1e-6, accuracy: 1e-6)
        XCTAssertEqual(exp(2 * rowLogStd[1]), 8 + 1e-6, accuracy: 1e-6)
        // log N(a; μ, σ²) at μ = (0, 1), a = (1, −1): −½(1/2) − ½ log(2·2π) − ½(4/8) − ½ log(8·2π).
        var logProbability = 0.0
        DiagonalGaussian.logProbabilities(means: [0, 1], rowLogStd: rowLogStd, actions: [1, -1], rows: 1, actionSize: 2, into: &logProbability)
        let expected = -0.25 - 0.5 * log(2 * 2 * Double.pi) - 0.25 - 0.5 * log(8 * 2 * Double.pi)
        XCTAssertEqual(logProbability, expected, accuracy: 1e-6)
        // The noise φᵀW for W = [[1, −1], [0.5, 2]]: (1 + 1, −1 + 4).
        XCTAssertEqual(StateDependentNoise.noise(features: features, matrix: [1, -1, 0.5, 2], latentSize: 2, actionSize: 2), [2, 3])
        // With zero features only ε is left: log σ = ½ log 1e-6.
        StateDependentNoise.rowLogStd(features: [0, 0], logStd: logStd, rows: 1, latentSize: 2, actionSize: 2, into: &rowLogStd)
        XCTAssertEqual(rowLogStd[0], 0.5 * log(1e-6), accuracy: 1e-9)
    }

    /// Σ_r w_r log π(a_r|s_r) + c Σ_r H_r with σ(s) from gSDE: its gradients w.r.t. μ and the log σ matrix
    /// (the row-wise Gaussian backward chained through `addLogStdGradient`) against finite differences.
    func testLogDensityAndEntropyGradientsWithRespectToMeanAndLogStd() {
        var generator = SeededGenerator(seed: 11)
        let k = 4, n = 2
        let means = FloatBuffer((0..<(rows * n)).map { _ in Float(generator.nextGaussian()) })
        let logStd = FloatBuffer((0..<(k * n)).map { _ in Float(-0.5 + 0.4 * generator.nextGaussian()) })
        let features = (0..<(rows * k)).map { _ in Float(tanh(generator.nextGaussian())) }
        let actions = (0..<(rows * n)).map { _ in Float(2 * generator.nextGaussian()) }
        let weights = (0..<rows).map { _ in generator.nextGaussian() }
        let c = 0.3
        func rowLogStd() -> [Double] {
            var result = [Double](repeating: 0, count: rows * n)
            StateDependentNoise.rowLogStd(features: features, logStd: logStd.base, rows: rows, latentSize: k, actionSize: n, into: &result)
            return result
        }
        func loss() -> Double {
            let sigma = rowLogStd()
            var logProbabilities = [Double](repeating: 0, count: rows)
            DiagonalGaussian.logProbabilities(means: means.base, rowLogStd: sigma, actions: actions, rows: rows, actionSize: n, into: &logProbabilities)
            let entropies = DiagonalGaussian.entropies(rowLogStd: sigma, rows: rows, actionSize: n)
            return zip(weights, logProbabilities).reduce(0) { $0 + $1.0 * $1.1 } + c * entropies.reduce(0, +)
        }
        let sigma = rowLogStd()
        var meanGradient = [Float](repeating: 0, count: rows * n), rowGradient = [Double](repeating: 0, count: rows * n)
        DiagonalGaussian.addLogProbabilityGradient(means: means.base, rowLogStd: sigma, actions: actions, weights: weights, rows: rows,
                                                   actionSize: n, meanGradient: &meanGradient, rowLogStdGradient: &rowGradient)
        for i in rowGradient.indices { rowGradient[i] += c }  // ∂(c Σ H_r)/∂log σ_ra = c
        var logStdGradient = [Float](repeating: 0, count: k * n)
        StateDependentNoise.addLogStdGradient(rowLogStdGradient: rowGradient, rowLogStd: sigma, features: features, logStd: logStd.base,
                                              rows: rows, latentSize: k, actionSize: n, into: &logStdGradient)
        FiniteDifference.assertMatch(analytic: meanGradient, numerical: FiniteDifference.gradient(of: means.base, count: rows * n, step: 3e-2, loss: loss),
                                     "gSDE ∂/∂μ")
        FiniteDifference.assertMatch(analytic: logStdGradient, numerical: FiniteDifference.gradient(of: logStd.base, count: k * n, step: 3e-2, loss: loss),
                                     "gSDE ∂/∂log σ matrix")
        // The entropy alone: ∂(Σ_r H_r)/∂L against finite differences too (its own term, not hidden by the log-density's).
        var entropyGradient = [Float](repeating: 0, count: k * n)
        StateDependentNoise.addLogStdGradient(rowLogStdGradient: [Double](repeating: 1, count: rows * n), rowLogStd: sigma, features: features,
                                              logStd: logStd.base, rows: rows, latentSize: k, actionSize: n, into: &entropyGradient)
        FiniteDifference.assertMatch(analytic: entropyGradient, numerical: FiniteDifference.gradient(of: logStd.base, count: k * n, step: 3e-2) {
            DiagonalGaussian.entropies(rowLogStd: rowLogStd(), rows: rows, actionSize: n).reduce(0, +)
        }, "gSDE ∂H/∂log σ matrix")
    }

    /// PPO's minibatch loss with gSDE: its gradients w.r.t. the log σ matrix and the value network match
    /// finite differences; the policy network's match the loss with the features held constant (they are
    /// detached) and not the loss whose features move with the network.
    func testPPOLossGradientsAndDetachedFeatures() throws {
        let ppo = try smallPPO()
        let networks = ppo.networks
        let batch = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: 7)
        let prepared = PreparedRollout(batch, segments: 1, discount: 0.9, lambda: 0.95, networks: networks)
        var minibatch = Minibatch(prepared, rows: 0..<rows, observationSize: 3, actionSize: 2, normalizeAdvantages: true)
        // Old log-probabilities off by a few ratios inside the clip range (no kinks crossed by the steps).
        let logRatios = [log(0.9), log(1.1), log(0.95), log(1.05), log(0.92), log(1.08), log(1.0)]
        for r in 0..<rows { minibatch.oldLogProbabilities[r] -= logRatios[r] }
        let coefficient = ppo.config.onPolicy.entropyCoefficient, valueCoefficient = ppo.config.onPolicy.valueCoefficient
        func fullLoss() -> Double {
            let losses = ppo.minibatchLosses(minibatch)
            return losses.policy - coefficient * losses.entropy + valueCoefficient * losses.value
        }
        networks.policy.zeroGradients(); networks.value.zeroGradients(); networks.logStdGradient.setZero()
        let first = ppo.minibatchLosses(minibatch)
        XCTAssertEqual(first.clipFraction, 0, "no row clipped: the policy gradient reaches every row")
        XCTAssertGreaterThan(first.meanStd, 0)
        let policyGradient = networks.policy.gradients.values, logStdGradient = networks.logStdGradient.values
        let valueGradient = networks.value.gradients.values
        XCTAssertEqual(logStdGradient.count, 5 * 2, "log σ is a k × n matrix (k = 5, the last hidden width)")
        FiniteDifference.assertMatch(analytic: logStdGradient, numerical: FiniteDifference.gradient(
            of: networks.logStd.base, count: networks.logStd.count, step: 3e-2, loss: fullLoss), "PPO gSDE: log σ matrix")
        FiniteDifference.assertMatch(analytic: valueGradient, numerical: FiniteDifference.gradient(
            of: networks.value.parameters.base, count: networks.value.parameterCount, step: 3e-2, loss: fullLoss), "PPO gSDE: value network")

        // The features of the minibatch, frozen: σ(s) fixed, only μ moves with the policy network.
        _ = minibatch.input.withUnsafeBufferPointer { networks.policy.forward($0.baseAddress!, rows: rows) }
        let frozenRowLogStd = networks.rowLogStdOfLastForward(rows: rows)
        func lossWithFrozenFeatures() -> Double {
            let means = minibatch.input.withUnsafeBufferPointer { networks.policy.forward($0.baseAddress!, rows: rows) }
            var meanScratch = [Float](repeating: 0, count: rows * 2), rowScratch = [Double](repeating: 0, count: rows * 2)
            return ClippedSurrogateLoss.lossAndGradient(
                means: means, rowLogStd: frozenRowLogStd, actions: minibatch.actions, advantages: minibatch.advantages,
                oldLogProbabilities: minibatch.oldLogProbabilities, clipRange: ppo.config.clipRange, rows: rows, actionSize: 2,
                meanGradient: &meanScratch, rowLogStdGradient: &rowScratch).loss
        }
        let count = networks.policy.parameterCount
        FiniteDifference.assertMatch(analytic: policyGradient, numerical: FiniteDifference.gradient(
            of: networks.policy.parameters.base, count: count, step: 3e-2, loss: lossWithFrozenFeatures), "PPO gSDE: policy network, features held")
        // Had the gradient flowed into φ, it would be this one; it differs, so the check above can tell.
        let moving = FiniteDifference.gradient(of: networks.policy.parameters.base, count: count, step: 3e-2, loss: fullLoss)
        XCTAssertGreaterThan(FiniteDifference.relativeErrors(analytic: policyGradient, numerical: moving).max()!, 0.05,
                             "the features' path changes the gradient; the learner must leave it out")
    }

    /// Noise matrices: drawn at step 0 and every `sampleFrequency` steps, the same in between; one per copy;
    /// with frequency 0 only at a rollout's start. A copy's action is μ + φᵀW with its current W.
    func testNoiseIsResampledAtTheRolloutStartAndEverySampleFrequencySteps() throws {
        let ppo = try smallPPO(sampleFrequency: 3, copies: 2)
        let noise = try XCTUnwrap(ppo.networks.stateDependentNoise)
        var generator = SeededGenerator(seed: 1)
        let observation: [Float] = [0.3, -0.2, 0.5]
        var matrices: [[Float]] = [], actions: [[Float]] = []
        for step in 0..<8 {
            ppo.prepareExploration(step: step, using: &generator)
            matrices.append(noise.matrices.values)
            actions.append(ppo.explore(on: observation, copy: 0, using: &generator).action)
        }
        for step in 1..<8 {
            if step % 3 == 0 {
                XCTAssertNotEqual(matrices[step], matrices[step - 1], "new noise at step \(step)")
                XCTAssertNotEqual(actions[step], actions[step - 1], "step \(step)")
            } else {
                XCTAssertEqual(matrices[step], matrices[step - 1], "the same noise at step \(step)")
                XCTAssertEqual(actions[step], actions[step - 1], "the same action for the same state at step \(step)")
            }
        }
        let size = noise.latentSize * noise.actionSize
        XCTAssertNotEqual(Array(matrices[0][0..<size]), Array(matrices[0][size..<(2 * size)]), "each copy has its own W")
        // A new rollout starts with new noise even within a sampling period.
        ppo.prepareExploration(step: 0, using: &generator)
        XCTAssertNotEqual(noise.matrices.values, matrices[7])

        // The action is μ(s) + φ(s)ᵀ W of copy 1, and its log-density is that of N(μ, σ(s)²).
        let chosen = ppo.explore(on: observation, copy: 1, using: &generator)
        let means = Array(UnsafeBufferPointer(start: ppo.networks.policy.forward(observation, rows: 1), count: 2))
        let features = Array(UnsafeBufferPointer(start: ppo.networks.featuresOfLastForward, count: noise.latentSize))
        let offsets = StateDependentNoise.noise(features: features, matrix: noise.matrices.base + size, latentSize: noise.latentSize, actionSize: 2)
        for a in 0..<2 { XCTAssertEqual(chosen.action[a], means[a] + offsets[a], accuracy: 1e-6) }
        let density = ppo.networks.logProbabilities(ofInput: observation, actions: chosen.action, rows: 1)[0]
        XCTAssertEqual(Double(chosen.logProbability), density, accuracy: 1e-4)
        // Deterministic acting is μ(s) (clipped).
        let deterministic = ppo.act(on: observation, deterministic: true, using: &generator).action
        for a in 0..<2 { XCTAssertEqual(deterministic[a], min(max(means[a], low[a]), high[a])) }

        // Frequency 0: only at step 0.
        let once = try smallPPO(sampleFrequency: 0, copies: 1)
        once.prepareExploration(step: 0, using: &generator)
        let start = once.networks.stateDependentNoise!.matrices.values
        for step in 1..<20 { once.prepareExploration(step: step, using: &generator) }
        XCTAssertEqual(once.networks.stateDependentNoise!.matrices.values, start)
    }

    /// Without gSDE, PPO has a log σ vector and `prepareExploration` draws nothing.
    func testWithoutSDEThereIsNoNoiseMatrix() throws {
        var config = PPOConfig()
        config.useSDE = false
        var generator = SeededGenerator(seed: 2)
        let ppo = try PPO(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        XCTAssertNil(ppo.networks.stateDependentNoise)
        XCTAssertEqual(ppo.networks.logStd.count, 2)
        var exploration = SeededGenerator(seed: 3)
        let before = exploration
        ppo.prepareExploration(step: 0, using: &exploration)
        XCTAssertEqual(exploration.next(), { var copy = before; return copy.next() }())
    }

    /// A PPO config written before gSDE existed (no `useSDE`, no `sdeSampleFrequency`) decodes, as the
    /// run that wrote it trained: without gSDE. A new config round-trips.
    func testConfigWithoutTheSDEFieldsDecodesWithoutSDE() throws {
        let encoded = try JSONEncoder().encode(LearnerConfiguration(PPOConfig()))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        var inner = try XCTUnwrap(object["config"] as? [String: Any])
        XCTAssertEqual(inner["useSDE"] as? Bool, true)
        inner["useSDE"] = nil
        inner["sdeSampleFrequency"] = nil
        object["config"] = inner
        let old = try JSONDecoder().decode(LearnerConfiguration.self, from: JSONSerialization.data(withJSONObject: object))
        let config = try XCTUnwrap(old.config as? PPOConfig)
        XCTAssertFalse(config.useSDE)
        XCTAssertEqual(config.sdeSampleFrequency, 4)
        let roundTrip = try JSONDecoder().decode(LearnerConfiguration.self, from: encoded)
        XCTAssertEqual((roundTrip.config as? PPOConfig)?.useSDE, true)
        var bad = PPOConfig()
        bad.sdeSampleFrequency = -2
        XCTAssertThrowsError(try bad.validate())
    }
}
