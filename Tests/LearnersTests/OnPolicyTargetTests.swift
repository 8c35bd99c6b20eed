import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// GAE, the PPO clip, V-trace against the λ-return, orthogonal initialisation and observation statistics.
final class OnPolicyTargetTests: XCTestCase {
    /// Two segments of three steps, γ 0.9, λ 0.8. Segment 0 is truncated at its second step (time limit:
    /// bootstrap from V(final observation), no trace into the next episode) and cut by the rollout's end
    /// at its third (bootstrap from V(s')); segment 1 terminates at its second step (no bootstrap).
    func testGAEByHand() {
        let rewards: [Float] = [1, 2, 3, -1, -2, 0.5]
        let values = [0.5, 1.0, 1.5, 2.0, -1.0, 0.25]
        let nextValues = [1.0, 4.0, 2.5, -1.0, 7.0, 3.0]
        let terminated = [false, false, false, false, true, false]
        let truncated = [false, true, false, false, false, false]
        let advantages = GeneralizedAdvantageEstimation.advantages(
            rewards: rewards, values: values, nextValues: nextValues, terminated: terminated, truncated: truncated,
            segments: 2, discount: 0.9, lambda: 0.8)
        // Segment 0: δ₂ = 3 + 0.9·2.5 − 1.5 = 3.75 (cut: bootstrap); δ₁ = 2 + 0.9·4 − 1 = 4.6 (truncated:
        // bootstrap from the final observation's value, Â₁ = δ₁, no trace from step 2, another episode);
        // δ₀ = 1 + 0.9·1 − 0.5 = 1.4, Â₀ = 1.4 + 0.72·4.6 = 4.712.
        // Segment 1: δ₄ = −2 + 0 − (−1) = −1 (terminated: no bootstrap, V(s') = 7 ignored), Â₄ = −1;
        // δ₅ = 0.5 + 0.9·3 − 0.25 = 2.95 (its own episode); δ₃ = −1 + 0.9·(−1) − 2 = −3.9, Â₃ = −3.9 + 0.72·(−1) = −4.62.
        let expected = [4.712, 4.6, 3.75, -4.62, -1.0, 2.95]
        for (a, e) in zip(advantages, expected) { XCTAssertEqual(a, e, accuracy: 1e-9) }
        // Termination against truncation with everything else equal: only the truncated one bootstraps.
        let truncatedOnly = GeneralizedAdvantageEstimation.advantages(rewards: [1], values: [0], nextValues: [10], terminated: [false],
                                                                      truncated: [true], segments: 1, discount: 0.5, lambda: 1)
        let terminatedOnly = GeneralizedAdvantageEstimation.advantages(rewards: [1], values: [0], nextValues: [10], terminated: [true],
                                                                       truncated: [false], segments: 1, discount: 0.5, lambda: 1)
        XCTAssertEqual(truncatedOnly, [6])
        XCTAssertEqual(terminatedOnly, [1])
        // λ = 1 is the discounted reward-to-go minus V(s) (REINFORCE with a baseline), λ = 0 the one-step TD error.
        let monteCarlo = GeneralizedAdvantageEstimation.advantages(rewards: [1, 2, 3], values: [0.5, 0.25, 1], nextValues: [0.25, 1, 5],
                                                                   terminated: [false, false, true], truncated: [false, false, false],
                                                                   segments: 1, discount: 0.9, lambda: 1)
        XCTAssertEqual(monteCarlo[0], 1 + 0.9 * 2 + 0.81 * 3 - 0.5, accuracy: 1e-12)
        XCTAssertEqual(monteCarlo[1], 2 + 0.9 * 3 - 0.25, accuracy: 1e-12)
    }

    /// The clip: with Â > 0 a ratio above 1 + ε stops the gradient (the loss is −(1 + ε)Â), one below 1 − ε
    /// does not; with Â < 0 the other way round. Inside the range the loss is −ρÂ with gradient −ρÂ ∂log π.
    func testPPOClipBehaviour() {
        func evaluate(ratio: Double, advantage: Double) -> (loss: Double, gradient: Float, clipped: Double) {
            let means: [Float] = [0], logStd: [Float] = [0], actions: [Float] = [0.5]
            var logProbability = 0.0
            DiagonalGaussian.logProbabilities(means: means, logStd: logStd, actions: actions, rows: 1, actionSize: 1, into: &logProbability)
            let old = [logProbability - log(ratio)], advantages = [advantage]
            var meanGradient: [Float] = [0], logStdGradient: [Float] = [0]
            let result = ClippedSurrogateLoss.lossAndGradient(means: means, logStd: logStd, actions: actions, advantages: advantages,
                                                              oldLogProbabilities: old, clipRange: 0.2, rows: 1, actionSize: 1,
                                                              meanGradient: &meanGradient, logStdGradient: &logStdGradient)
            return (result.loss, meanGradient[0], result.clipFraction)
        }
        let high = evaluate(ratio: 1.5, advantage: 2)
        XCTAssertEqual(high.loss, -1.2 * 2, accuracy: 1e-9)
        XCTAssertEqual(high.gradient, 0)
        XCTAssertEqual(high.clipped, 1)
        let lowPositive = evaluate(ratio: 0.5, advantage: 2)
        XCTAssertEqual(lowPositive.loss, -0.5 * 2, accuracy: 1e-9)
        XCTAssertEqual(lowPositive.gradient, Float(-0.5 * 2 * 0.5), accuracy: 1e-6, "−ρÂ · ∂log π/∂μ with ∂log π/∂μ = a − μ = 0.5")
        let lowNegative = evaluate(ratio: 0.5, advantage: -2)
        XCTAssertEqual(lowNegative.loss, 0.8 * 2, accuracy: 1e-9)
        XCTAssertEqual(lowNegative.gradient, 0)
        let highNegative = evaluate(ratio: 1.5, advantage: -2)
        XCTAssertEqual(highNegative.loss, 1.5 * 2, accuracy: 1e-9)
        // Clipped side not taken (−ρÂ = 3 > −(1 + ε)Â = 2.4): the gradient is −ρÂ · ∂log π/∂μ = −1.5·(−2)·0.5 = 1.5.
        XCTAssertEqual(highNegative.gradient, 1.5, accuracy: 1e-6)
        let inside = evaluate(ratio: 1.1, advantage: 2)
        XCTAssertEqual(inside.loss, -1.1 * 2, accuracy: 1e-9)
        XCTAssertEqual(inside.gradient, Float(-1.1 * 2 * 0.5), accuracy: 1e-6)
        XCTAssertEqual(inside.clipped, 0)
    }

    /// With π = μ (every ρ = 1) the V-trace target is the λ-return of V: GAE's Â + V(s), for every λ.
    func testVTraceEqualsTheLambdaReturnOnPolicy() {
        var generator = SeededGenerator(seed: 8)
        let length = 6
        let states = (0...length).map { _ in generator.nextGaussian() }  // V(x_0 … x_K)
        let rewards = (0..<length).map { _ in Float(generator.nextGaussian()) }
        for lambda in [0.0, 0.5, 0.95, 1.0] {
            let vtrace = VTrace.targets(values: Array(states[0..<length]), nextValues: Array(states[1...length]),
                                        rewards: rewards.map(Double.init), discounts: [Double](repeating: 0.9, count: length),
                                        ratios: [Double](repeating: 1, count: length), lambda: lambda)
            let advantages = GeneralizedAdvantageEstimation.advantages(
                rewards: rewards, values: Array(states[0..<length]), nextValues: Array(states[1...length]),
                terminated: [Bool](repeating: false, count: length), truncated: [Bool](repeating: false, count: length),
                segments: 1, discount: 0.9, lambda: lambda)
            for s in 0..<length {
                XCTAssertEqual(vtrace.values[s], advantages[s] + states[s], accuracy: 1e-9, "λ \(lambda), step \(s)")
            }
        }
    }

    /// The same through A2C's replay: sequences whose stored behavior log-probabilities are the current
    /// policy's give V-trace targets equal to the λ-returns of an on-policy rollout of the same data,
    /// and every ratio 1; with a behavior policy that differs, they do not.
    func testA2CReplayTargetsOnPolicyAreTheLambdaReturns() throws {
        var config = A2CConfig()
        config.common.hiddenSizes = [8, 8]
        config.onPolicy.environmentCount = 2
        config.onPolicy.stepsPerEnvironment = 4
        config.replayRatio = 1
        config.correction = .vtrace(clipRatio: 1, clipTraceRatio: 1, lambda: 0.9)
        config.onPolicy.gaeLambda = 0.9
        var generator = SeededGenerator(seed: 9)
        let learner = try A2C(observationSize: 3, actionLow: [-2], actionHigh: [2], config: config, generator: &generator)
        // Two sequences of four consecutive steps (next observation = the following observation).
        var batch = TransitionBatch(observationSize: 3, actionSize: 1, reservingCapacity: 8)
        var data = SeededGenerator(seed: 10)
        for s in 0..<2 {
            var observation = (0..<3).map { _ in Float(data.nextGaussian()) }
            for t in 0..<4 {
                let chosen = learner.act(on: observation, deterministic: false, using: &data)
                let next = (0..<3).map { _ in Float(data.nextGaussian()) }
                batch.append(observation: observation, action: chosen.action, reward: Float(data.nextGaussian()), nextObservation: next,
                             terminated: false, truncated: false, behaviorLogProbability: chosen.logProbability,
                             episodeID: UInt64(s), stepIndex: UInt32(t))
                observation = next
            }
        }
        let replay = learner.replayTargets(batch, count: 2)
        let prepared = PreparedRollout(batch, segments: 2, discount: config.common.discount, lambda: 0.9, networks: learner.networks)
        for r in 0..<8 {
            XCTAssertEqual(replay.ratios[r], 1, accuracy: 1e-5)
            XCTAssertEqual(replay.values[r], prepared.returns[r], accuracy: 1e-4 * max(1, abs(prepared.returns[r])))
        }
        // Off-policy data: a behavior log-probability 1 higher in rows 1 and 5 gives ρ = 1/e there, which
        // scales δ₁ and δ₅ and cuts the traces through them: the targets of rows 0, 1, 4, 5 change, the others not.
        var shifted = batch
        shifted.withUnsafeMutableColumns { columns in
            for r in [1, 5] { columns.behaviorLogProbabilities[r] += 1 }
        }
        let corrected = learner.replayTargets(shifted, count: 2)
        XCTAssertEqual(corrected.ratios[1], exp(-1), accuracy: 1e-4)
        for r in [0, 1, 4, 5] { XCTAssertGreaterThan(abs(corrected.values[r] - replay.values[r]), 1e-4, "row \(r)") }
        for r in [2, 3, 6, 7] { XCTAssertEqual(corrected.values[r], replay.values[r], accuracy: 1e-9, "row \(r)") }

        // An unknown behavior log-probability (NaN) in rows 1 and 6: ρ = 0 there (issue 15), so δ and the
        // trace vanish: v₁ = V(x₁), A₁ = 0; v₀ = V(x₀) + δ₀ = r₀ + γ V(x₁) (on-policy δ₀, nothing after the cut);
        // v₆ = V(x₆), and rows 2, 3 and 7 (after the cut) keep their on-policy targets.
        var unknown = batch
        unknown.withUnsafeMutableColumns { columns in
            for r in [1, 6] { columns.behaviorLogProbabilities[r] = .nan }
        }
        let cut = learner.replayTargets(unknown, count: 2)
        XCTAssertEqual(cut.ratios[1], 0)
        XCTAssertEqual(cut.ratios[6], 0)
        XCTAssertEqual(cut.advantages[1], 0)
        XCTAssertEqual(cut.advantages[6], 0)
        XCTAssertEqual(cut.values[1], prepared.values[1], accuracy: 1e-5)
        XCTAssertEqual(cut.values[6], prepared.values[6], accuracy: 1e-5)
        XCTAssertEqual(cut.values[0], Double(batch.rewards[0]) + config.common.discount * prepared.values[1], accuracy: 1e-4)
        for r in [2, 3, 7] { XCTAssertEqual(cut.values[r], replay.values[r], accuracy: 1e-9, "row \(r)") }
        let metrics = learner.replayUpdate(on: unknown, progressRemaining: 1, using: &generator)
        XCTAssertEqual(metrics["replay_unknown_behavior"], 0.25)
        XCTAssertEqual(metrics["replay_ratio_mean"]!, 0.75, accuracy: 1e-4, "six ratios of 1, two of 0")
        XCTAssertEqual(Set(metrics.keys).subtracting(learner.metricNames), [])
    }

    /// Rows (or columns) of the orthogonal initialisation are orthonormal, scaled by the gain; biases 0.
    func testOrthogonalInitialization() {
        var generator = SeededGenerator(seed: 11)
        for (rows, columns) in [(5, 3), (3, 5), (4, 4)] {
            let w = OrthogonalInitialization.orthogonal(rows: rows, columns: columns, using: &generator)
            let k = min(rows, columns)
            for a in 0..<k {
                for b in 0..<k {
                    // rows ≥ columns: columns orthonormal; otherwise rows.
                    let dot = rows >= columns ? (0..<rows).reduce(0.0) { $0 + w[$1 * columns + a] * w[$1 * columns + b] }
                                              : (0..<columns).reduce(0.0) { $0 + w[a * columns + $1] * w[b * columns + $1] }
                    XCTAssertEqual(dot, a == b ? 1 : 0, accuracy: 1e-9)
                }
            }
        }
        let network = MLP(layerSizes: [3, 4, 2], hiddenActivation: .tanh, generator: &generator)
        OrthogonalInitialization.apply(to: network, hiddenGain: 2.0.squareRoot(), outputGain: 0.01, using: &generator)
        let last = network.layers[1]
        let norm = (0..<last.inputSize).reduce(0.0) { $0 + pow(Double(network.parameters.base[last.weightOffset + $1]), 2) }.squareRoot()
        XCTAssertEqual(norm, 0.01, accuracy: 1e-6, "each output row has norm = the gain")
        XCTAssertEqual((0..<4).map { network.parameters.base[network.layers[0].biasOffset + $0] }, [0, 0, 0, 0])
    }

    /// Folding two batches in one after the other gives the statistics of their union (with the prior's 1e-4 count).
    func testRunningObservationStatistics() {
        let statistics = RunningObservationStatistics(size: 2)
        let first: [Float] = [1, 10, 3, 20, 5, 60], second: [Float] = [7, -4, 9, 0]
        statistics.update(with: first, rows: 3)
        statistics.update(with: second, rows: 2)
        let all = first + second
        for j in 0..<2 {
            let column = stride(from: j, to: all.count, by: 2).map { Double(all[$0]) }
            let mean = column.reduce(0, +) / 5
            let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 5
            XCTAssertEqual(Double(statistics.mean.base[j]), mean, accuracy: 1e-3)
            XCTAssertEqual(Double(statistics.variance.base[j]), variance, accuracy: 1e-3 * variance)
        }
        var normalized: [Float] = [0, 0]
        statistics.normalize([1000, Float(statistics.mean.base[1])], rows: 1, into: &normalized)
        XCTAssertEqual(normalized[0], 10, "clipped at 10")
        XCTAssertEqual(normalized[1], 0, accuracy: 1e-6)
    }
}
