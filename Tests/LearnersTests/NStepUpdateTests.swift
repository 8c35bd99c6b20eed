import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// SAC with `nStep` > 1: the critic of each run's first transition is regressed onto the run's corrected
/// n-step target, exactly the one `sequenceTargets` computes.
final class NStepUpdateTests: XCTestCase {
    private let low: [Float] = [-2], high: [Float] = [2]

    /// Runs of 3 consecutive transitions (one episode each), the last run ending in a termination.
    private func runs(count: Int, length: Int) -> TransitionBatch {
        var generator = SeededGenerator(seed: 8)
        var batch = TransitionBatch(observationSize: 3, actionSize: 1, reservingCapacity: count * length)
        for run in 0..<count {
            var observation = (0..<3).map { _ in generator.nextFloat(in: -1, 1) }
            for step in 0..<length {
                let next = (0..<3).map { _ in generator.nextFloat(in: -1, 1) }
                batch.append(observation: observation, action: [generator.nextFloat(in: -2, 2)], reward: generator.nextFloat(in: -1, 0),
                             nextObservation: next, terminated: run == count - 1 && step == length - 1, truncated: false,
                             behaviorLogProbability: run % 2 == 0 ? -1.2 : .nan, episodeID: UInt64(run), stepIndex: UInt32(step))
                observation = next
            }
        }
        return batch
    }

    func testTheCriticLearnsFromTheCorrectedNStepTargets() throws {
        for correction in [OffPolicyCorrection.none, .importanceSampling(clip: 10), .retrace(lambda: 1)] {
            let edit: (inout SACConfig) -> Void = { $0.nStep = 3; $0.correction = correction }
            let learner = try TestLearners.sac(low: low, high: high, seed: 2, edit: edit)
            let twin = try TestLearners.sac(low: low, high: high, seed: 2, edit: edit)
            XCTAssertEqual(learner.sequenceLength, 3)
            let batch = runs(count: 8, length: 3)
            var generator = SeededGenerator(seed: 3), twinGenerator = generator
            let metrics = learner.update(on: batch, using: &generator)
            XCTAssertTrue(metrics.values.allSatisfy(\.isFinite), "\(correction): \(metrics) (unknown behavior log-probabilities cut the trace)")
            let expected = twin.sequenceTargets(batch, length: 3, correction: correction, alpha: twin.alpha, using: &twinGenerator)
            for run in 0..<8 {
                XCTAssertEqual(learner.targets.base[run], Float(expected.targets[run * 3]), "\(correction): run \(run)")
            }
            // The last run ends in a termination: its target is r₀ + γ r₁ + γ² r₂ (no bootstrap) when uncorrected.
            if correction == .none {
                let r = batch.rewards[21..<24].map(Double.init)
                XCTAssertEqual(Double(learner.targets.base[7]), r[0] + 0.99 * r[1] + 0.99 * 0.99 * r[2], accuracy: 1e-5)
            }
        }
    }

    /// One window of 3 rows as `SequenceWindows.fromEveryTransition` gives it when the episode ends at
    /// row 1: t₀ (r = −0.5), t₁ (r = −0.25, the episode's last transition), then t₁ again (masked).
    private func endedWindow(terminated: Bool, behavior: Float = -1.2) -> TransitionBatch {
        var batch = TransitionBatch(observationSize: 3, actionSize: 1, reservingCapacity: 3)
        let s0: [Float] = [0.1, -0.2, 0.3], s1: [Float] = [0.4, 0.5, -0.6], final: [Float] = [-0.7, 0.8, 0.9]
        batch.append(observation: s0, action: [0.5], reward: -0.5, nextObservation: s1, terminated: false, truncated: false,
                     behaviorLogProbability: behavior, episodeID: 4, stepIndex: 7)
        for _ in 0..<2 {
            batch.append(observation: s1, action: [-1.5], reward: -0.25, nextObservation: final, terminated: terminated,
                         truncated: !terminated, behaviorLogProbability: behavior, episodeID: 4, stepIndex: 8)
        }
        return batch
    }

    /// Issue 15, n-step windows that end early, by hand (γ = 0.99):
    /// - termination at row 1: G₀ = r₀ + γ r₁ = −0.5 + 0.99·(−0.25) = −0.7475, G₁ = r₁ = −0.25, no
    ///   bootstrap; row 2 is masked (NaN) and V is evaluated at row 1 only;
    /// - truncation at row 1: G₀ = r₀ + γ (r₁ + γ V(s_final)) = r₀ + γ y₁, y₁ the one-step soft target of t₁
    ///   (bootstrapped from the stored final observation) under the same draws;
    /// - the update regresses Q(s₀, a₀) onto G₀ (−0.7475 for the terminated window).
    func testWindowsThatEndAtTerminationOrTruncationByHand() throws {
        let edit: (inout SACConfig) -> Void = { $0.nStep = 3 }
        let learner = try TestLearners.sac(low: low, high: high, seed: 2, edit: edit)
        var generator = SeededGenerator(seed: 3)
        let ended = learner.sequenceTargets(endedWindow(terminated: true), length: 3, correction: .none, alpha: learner.alpha,
                                            using: &generator)
        XCTAssertEqual(ended.lastRows, [1])
        XCTAssertEqual(ended.targets[0], -0.7475, accuracy: 1e-7)
        XCTAssertEqual(ended.targets[1], -0.25, accuracy: 1e-7)
        XCTAssertTrue(ended.targets[2].isNaN, "the masked row has no target")
        XCTAssertTrue(ended.nextValues[1].isFinite && ended.nextValues[2].isNaN, "V at the episode's last row only")

        let twin = try TestLearners.sac(low: low, high: high, seed: 2, edit: edit)
        var first = SeededGenerator(seed: 5), second = first
        let window = endedWindow(terminated: false)
        let truncated = learner.sequenceTargets(window, length: 3, correction: .none, alpha: learner.alpha, using: &first)
        let oneStep = twin.sequenceTargets(window.rows(1..<2), length: 1, correction: .none, alpha: twin.alpha, using: &second)
        XCTAssertEqual(truncated.lastRows, [1])
        XCTAssertEqual(truncated.targets[1], oneStep.targets[0], accuracy: 1e-6)
        XCTAssertEqual(truncated.targets[0], -0.5 + 0.99 * oneStep.targets[0], accuracy: 1e-6)
        XCTAssertGreaterThan(abs(truncated.targets[0] - (-0.7475)), 1e-3, "truncation bootstraps")

        var both = endedWindow(terminated: true)
        both.appendRows(of: window, 0..<3)
        var updateGenerator = SeededGenerator(seed: 6)
        let metrics = learner.update(on: both, using: &updateGenerator)
        XCTAssertTrue(metrics.values.allSatisfy(\.isFinite), "\(metrics)")
        XCTAssertEqual(learner.targets.base[0], -0.7475, accuracy: 1e-6)
    }

    /// Retrace (λ = 1) over a window terminated at row 1: G₁ = r₁ = −0.25 and
    /// G₀ = r₀ + γ (V(s₁) + c₁ (G₁ − Q̄(s₁, a₁))), c₁ = min(1, ρ₁), from the values the call reports; the
    /// masked row 2 enters nothing. With μ unknown at t₁, c₁ = 0: G₀ = r₀ + γ V(s₁).
    func testRetraceOverAWindowThatEndsByHand() throws {
        let learner = try TestLearners.sac(low: low, high: high, seed: 2) { $0.nStep = 3; $0.correction = .retrace(lambda: 1) }
        for behavior: Float in [-1.2, .nan] {
            var generator = SeededGenerator(seed: 7)
            let result = learner.sequenceTargets(endedWindow(terminated: true, behavior: behavior), length: 3,
                                                 correction: .retrace(lambda: 1), alpha: learner.alpha, using: &generator)
            let c1 = behavior.isNaN ? 0 : min(1, exp(result.logRatios[1]))
            XCTAssertEqual(result.targets[1], -0.25, accuracy: 1e-7)
            XCTAssertEqual(result.targets[0], -0.5 + 0.99 * (result.nextValues[0] + c1 * (-0.25 - result.actionValues[1])), accuracy: 1e-9)
            XCTAssertTrue(result.targets[2].isNaN)
        }
    }
}
