import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// `SAC.sequenceTargets`: the corrected n-step targets composed from SAC's networks.
final class SequenceTargetTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    /// Runs of 3 consecutive transitions (s_{i+1} = s'_i), behavior log-probabilities from `act`.
    func runs(_ sac: SAC, count: Int, seed: UInt64) -> TransitionBatch {
        var generator = SeededGenerator(seed: seed)
        var batch = TransitionBatch(observationSize: 3, actionSize: 2)
        for run in 0..<count {
            var observation = (0..<3).map { _ in Float(generator.nextGaussian()) }
            for step in 0..<3 {
                let chosen = sac.act(on: observation, deterministic: false, using: &generator)
                let next = (0..<3).map { _ in Float(generator.nextGaussian()) }
                batch.append(observation: observation, action: chosen.action, reward: Float(generator.nextGaussian()), nextObservation: next,
                             terminated: run == 1 && step == 1, truncated: false, behaviorLogProbability: chosen.logProbability,
                             episodeID: UInt64(run), stepIndex: UInt32(step))
                observation = next
            }
        }
        return batch
    }

    /// λ = 0 (and length 1) give SAC's own one-step target y = r + γ(1 − terminated)(min Q̄(s', ã') − α log π(ã'|s')).
    func testOneStepCasesEqualSACsBellmanTarget() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8, 8], batch: 12, seed: 21)
        let batch = runs(sac, count: 4, seed: 22)
        var first = SeededGenerator(seed: 23), second = SeededGenerator(seed: 23)
        sac.stage(batch)
        sac.softBellmanTargets(batch, alpha: 0.3, using: &first)
        let bellman = (0..<batch.count).map { Double(sac.targets.base[$0]) }
        let retraceZero = sac.sequenceTargets(batch, length: 3, correction: .retrace(lambda: 0), alpha: 0.3, using: &second)
        var third = SeededGenerator(seed: 23)
        let single = sac.sequenceTargets(batch, length: 1, correction: .importanceSampling(clip: 10), alpha: 0.3, using: &third)
        for i in 0..<batch.count {
            XCTAssertEqual(single.targets[i], bellman[i], accuracy: 1e-5 * max(1, abs(bellman[i])), "row \(i)")
            // Row 5 follows run 1's termination at row 4: masked (issue 15), it belongs to no return.
            if i == 5 { XCTAssertTrue(retraceZero.targets[i].isNaN, "row 5 is masked"); continue }
            XCTAssertEqual(retraceZero.targets[i], bellman[i], accuracy: 1e-5 * max(1, abs(bellman[i])), "row \(i)")
        }
    }

    /// π = μ (the runs were logged by this very policy): ρ = 1 up to Float round-off, so Retrace(1) and
    /// clipped IS agree; termination inside run 1 cuts its first target to r₀ + γ r₁.
    func testOnPolicyRatiosAreOneAndTerminationCuts() throws {
        let sac = try TestLearners.sac(observationSize: 3, low: low, high: high, hidden: [8, 8], batch: 12, seed: 31)
        let batch = runs(sac, count: 4, seed: 32)
        var first = SeededGenerator(seed: 33), second = SeededGenerator(seed: 33)
        let retrace = sac.sequenceTargets(batch, length: 3, correction: .retrace(lambda: 1), alpha: 0.2, using: &first)
        let clipped = sac.sequenceTargets(batch, length: 3, correction: .importanceSampling(clip: 10), alpha: 0.2, using: &second)
        for ratio in retrace.logRatios { XCTAssertEqual(ratio, 0, accuracy: 1e-3) }
        for i in 0..<batch.count where i != 5 { XCTAssertEqual(retrace.targets[i], clipped.targets[i], accuracy: 1e-2) }
        XCTAssertEqual(retrace.lastRows, [2, 1, 2, 2], "run 1 ends at its termination")
        XCTAssertTrue(retrace.targets[5].isNaN && clipped.targets[5].isNaN, "the row after the termination is masked")
        // Run 1 (rows 3…5) terminates at its second transition: G₁ = r₁, and G₀ = r₀ + γ(V(s₁) + c₁(r₁ − Q̄(s₁, a₁))),
        // which for the uncorrected return is r₀ + γ r₁.
        let gamma = sac.config.common.discount
        let (r0, r1) = (Double(batch.rewards[3]), Double(batch.rewards[4]))
        XCTAssertEqual(retrace.targets[4], r1, accuracy: 1e-6)
        let c1 = min(1, exp(retrace.logRatios[4]))
        XCTAssertEqual(retrace.targets[3], r0 + gamma * (retrace.nextValues[3] + c1 * (r1 - retrace.actionValues[4])), accuracy: 1e-6)
        var third = SeededGenerator(seed: 33)
        let uncorrected = sac.sequenceTargets(batch, length: 3, correction: .none, alpha: 0.2, using: &third)
        XCTAssertEqual(uncorrected.targets[3], r0 + gamma * r1, accuracy: 1e-6)
        XCTAssertTrue(uncorrected.logRatios.allSatisfy(\.isNaN), "no ratios are computed without a correction")
    }
}
