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
}
