import Foundation
import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// SAC's `--actor-gradient truncated-is` (`SAC+TruncatedImportanceSampling`): the gradient it writes is
/// ∇ of its surrogate, its weights are the estimator's, the behavior model learns, and it checkpoints.
final class TruncatedImportanceSamplingActorTests: XCTestCase {
    let low: [Float] = [-2, 10], high: [Float] = [2, 11]

    private func learner(clip: Double = 10, seed: UInt64 = 7) throws -> SAC {
        try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [6, 5], activation: .tanh, seed: seed) {
            $0.actorGradient = .truncatedImportanceSampling(clip: clip)
        }
    }

    /// Random transitions whose actions were drawn uniformly: log μ = −Σ log(high − low).
    /// Rows in `unknown` store NaN (a behavior nobody logged).
    private func batch(rows: Int, seed: UInt64, unknown: Set<Int> = []) -> TransitionBatch {
        let random = TestData.batch(rows: rows, observationSize: 3, low: low, high: high, seed: seed)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2, reservingCapacity: rows)
        let logMu = -zip(low, high).map { Float(log(Double($1 - $0))) }.reduce(0, +)
        for r in 0..<rows {
            batch.append(observation: Array(random.observations[(3 * r)..<(3 * r + 3)]), action: Array(random.actions[(2 * r)..<(2 * r + 2)]),
                         reward: random.rewards[r], nextObservation: Array(random.nextObservations[(3 * r)..<(3 * r + 3)]),
                         terminated: random.terminated[r], truncated: random.truncated[r],
                         behaviorLogProbability: unknown.contains(r) ? .nan : logMu,
                         episodeID: UInt64(r), stepIndex: 0)
        }
        return batch
    }

    /// Runs steps 1 and 3 of the update up to the actor's gradient (no optimiser step).
    private func gradientStep(_ sac: SAC, _ batch: TransitionBatch, seed: UInt64) -> SAC.TruncatedImportanceSamplingStep {
        var generator = SeededGenerator(seed: seed)
        sac.stage(batch)
        sac.softBellmanTargets(batch, alpha: sac.alpha, using: &generator)
        let sample = sac.samplePolicyActions(batch, using: &generator)
        let q1 = sac.critics.critics[0].forward(sac.inputs.policy.base, rows: batch.count)
        let first = Array(UnsafeBufferPointer(start: q1, count: batch.count))
        let q2 = sac.critics.critics[1].forward(sac.inputs.policy.base, rows: batch.count)
        sac.actor.zeroGradients()
        return first.withUnsafeBufferPointer {
            sac.truncatedImportanceSamplingGradient(batch, sample: sample, firstValues: $0.baseAddress!, secondValues: q2,
                                                    alpha: sac.alpha, clip: sac.config.actorGradient.clip, using: &generator)
        }
    }

    /// The actor's gradient is ∇_θ of −(1/B) Σ [w_logged log π(a_t|s_t) + w_sampled log π(ã₂|s_t)] with the
    /// step's weights and ã₂ held fixed: finite differences through the whole actor.
    func testGradientIsTheSurrogatesGradient() throws {
        let sac = try learner(clip: 1)
        let data = batch(rows: 6, seed: 8)
        let step = gradientStep(sac, data, seed: 9)
        XCTAssertTrue(step.weights.contains { $0.sampled != 0 }, "with c = 1 some rows need the correction term")
        let analytic = sac.actor.gradients.values
        let rows = Float(data.count)
        let numerical = FiniteDifference.gradient(of: sac.actor.parameters.base, count: sac.actor.parameterCount, step: 3e-2) {
            let logged = sac.logProbabilities(observations: data.observations, actions: data.actions)
            let sampled = sac.logProbabilities(observations: data.observations, actions: step.sampledActions)
            var sum: Double = 0
            for i in step.weights.indices {
                sum -= (step.weights[i].logged * Double(logged[i]) + step.weights[i].sampled * Double(sampled[i])) / Double(rows)
            }
            return sum
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "truncated-IS surrogate w.r.t. the actor")
    }

    /// The logged weight is min(c, ρ_t)·(Q^ret − α log π(a_t|s_t) − V): with c → ∞ it is ρ_t·A and the
    /// correction vanishes; with a tiny c it is c·A, the same advantage.
    func testWeightsFollowTheClip() throws {
        let data = batch(rows: 8, seed: 10)
        let wide = gradientStep(try learner(clip: 1e12), data, seed: 11)
        let narrow = gradientStep(try learner(clip: 1e-6), data, seed: 11)
        let sac = try learner()
        let ratios = zip(sac.logProbabilities(observations: data.observations, actions: data.actions), data.behaviorLogProbabilities)
            .map { exp(Double($0 - $1)) }
        for i in 0..<data.count {
            XCTAssertEqual(wide.weights[i].sampled, 0, "row \(i): nothing truncated, nothing to correct")
            let advantage = narrow.weights[i].logged / 1e-6
            XCTAssertEqual(wide.weights[i].logged, ratios[i] * advantage, accuracy: 1e-6 * max(1, abs(wide.weights[i].logged)), "row \(i)")
            XCTAssertNotEqual(narrow.weights[i].sampled, 0, "row \(i): a tiny clip truncates every ratio")
        }
    }

    /// The logged weight by value: min(c, ρ_t)·(Q^ret_t − α log π(a_t|s_t) − V(s_t)), with Q^ret_t the row's
    /// soft Bellman target, log π in network units (the environment-unit value plus log((high − low)/2)),
    /// V(s_t) = min_k Q_k(s_t, ã₁) − α log π(ã₁|s_t) from the first sample, ρ_t = π/μ with log μ the stored
    /// −log 4 − log 1. Rows 2 and 5 have an unknown μ: their weight is exactly 0 (not c·A), they count 0 in
    /// `truncated_ratio`, and `unknown_behavior` is 2/8.
    func testLoggedWeightIsTheClippedRatioTimesTheAdvantage() throws {
        let clip = 1.5
        let sac = try learner(clip: clip)
        let data = batch(rows: 8, seed: 15, unknown: [2, 5])
        let loggedLogPi = sac.logProbabilities(observations: data.observations, actions: data.actions).map(Double.init)
        // The quantities the step reads, recomputed with the same generator draws.
        var generator = SeededGenerator(seed: 16)
        sac.stage(data)
        sac.softBellmanTargets(data, alpha: sac.alpha, using: &generator)
        let targets = (0..<data.count).map { Double(sac.targets.base[$0]) }
        _ = sac.samplePolicyActions(data, using: &generator)
        let logp1 = (0..<data.count).map { Double(sac.head.logProbabilities.base[$0]) }
        let q1 = Array(UnsafeBufferPointer(start: sac.critics.critics[0].forward(sac.inputs.policy.base, rows: data.count), count: data.count))
        let q2 = Array(UnsafeBufferPointer(start: sac.critics.critics[1].forward(sac.inputs.policy.base, rows: data.count), count: data.count))
        let step = gradientStep(sac, data, seed: 16)
        let alpha = Double(sac.alpha), jacobian = log(2.0) + log(0.5)  // Σ log((high − low)/2)
        var truncatedSum = 0.0
        for i in 0..<data.count {
            let value = Double(min(q1[i], q2[i])) - alpha * logp1[i]
            let advantage = targets[i] - alpha * (loggedLogPi[i] + jacobian) - value
            let ratio = [2, 5].contains(i) ? 0 : exp(loggedLogPi[i] - Double(data.behaviorLogProbabilities[i]))
            XCTAssertEqual(step.weights[i].logged, min(clip, ratio) * advantage, accuracy: 1e-4 * max(1, abs(advantage)), "row \(i)")
            truncatedSum += min(clip, ratio)
        }
        XCTAssertEqual(step.weights[2].logged, 0)
        XCTAssertEqual(step.weights[5].logged, 0)
        XCTAssertEqual(step.metrics["unknown_behavior"], 0.25)
        XCTAssertEqual(step.metrics["truncated_ratio"]!, truncatedSum / 8, accuracy: 1e-5)
        XCTAssertTrue(step.metrics.values.allSatisfy(\.isFinite))
    }

    /// μ̂ is fitted to the replayed actions: its negative log-likelihood of the batch falls over updates,
    /// while the actor learns (finite parameters, finite metrics).
    func testBehaviorModelLearnsTheLoggedActions() throws {
        let sac = try learner()
        let data = batch(rows: 32, seed: 12)
        var generator = SeededGenerator(seed: 13)
        var losses: [Double] = []
        for _ in 0..<200 {
            let metrics = sac.update(on: data, using: &generator)
            XCTAssertEqual(Set(metrics.keys), Set(sac.metricNames))
            XCTAssertTrue(metrics.values.allSatisfy(\.isFinite), "\(metrics)")
            losses.append(metrics["behavior_nll"]!)
        }
        XCTAssertTrue(sac.parametersAreFinite)
        XCTAssertLessThan(losses.suffix(20).reduce(0, +) / 20, losses.prefix(20).reduce(0, +) / 20 - 0.2)
    }

    /// The checkpoint holds μ̂ and its optimiser: a restored learner continues bit for bit.
    func testCheckpointRestoresTheBehaviorModel() throws {
        let directory = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = batch(rows: 16, seed: 14)
        let original = try learner(seed: 1)
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<3 { _ = original.update(on: data, using: &generator) }
        try original.saveCheckpoint(to: directory)
        let restored = try learner(seed: 99)
        try restored.loadCheckpoint(from: directory)
        var resumedGenerator = generator
        let straight = original.update(on: data, using: &generator)
        let resumed = restored.update(on: data, using: &resumedGenerator)
        XCTAssertEqual(straight.mapValues(\.bitPattern), resumed.mapValues(\.bitPattern))
        XCTAssertEqual(original.behaviorModel!.actor.parameters.values, restored.behaviorModel!.actor.parameters.values)
    }

    /// A config file written before the option existed decodes with the reparameterization gradient,
    /// and the option round-trips.
    func testConfigDecodesWithAndWithoutTheOption() throws {
        var config = SACConfig()
        config.actorGradient = .truncatedImportanceSampling(clip: 3)
        let decoded = try JSONDecoder().decode(SACConfig.self, from: try JSONEncoder().encode(config))
        XCTAssertEqual(decoded, config)
        var json = try JSONSerialization.jsonObject(with: try JSONEncoder().encode(SACConfig())) as! [String: Any]
        json.removeValue(forKey: "actorGradient")
        let old = try JSONDecoder().decode(SACConfig.self, from: try JSONSerialization.data(withJSONObject: json))
        XCTAssertEqual(old.actorGradient, .reparameterization)
        XCTAssertThrowsError(try { var bad = SACConfig(); bad.actorGradient = .truncatedImportanceSampling(clip: 0); try bad.validate() }())
    }
}
