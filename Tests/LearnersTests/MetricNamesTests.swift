import Randomness
import Transitions
import XCTest
@testable import Learners

/// Every registered learner reports exactly the metrics it declares (`metricNames`, the columns of
/// `metrics.csv`): built from its defaults for small spaces, fed a small synthetic batch or rollout.
final class MetricNamesTests: XCTestCase {
    /// Transitions with finite behavior log-probabilities, in episodes of 4 steps (sequence-major runs).
    private func batch(rows: Int, seed: UInt64) -> TransitionBatch {
        var generator = SeededGenerator(seed: seed, stream: 5)
        var batch = TransitionBatch(observationSize: 3, actionSize: 1, reservingCapacity: rows)
        for row in 0..<rows {
            batch.append(observation: (0..<3).map { _ in Float(generator.nextGaussian()) }, action: [generator.nextFloat(in: -2, 2)],
                         reward: Float(generator.nextGaussian()), nextObservation: (0..<3).map { _ in Float(generator.nextGaussian()) },
                         terminated: row % 7 == 6, truncated: false, behaviorLogProbability: -1,
                         episodeID: UInt64(row / 4), stepIndex: UInt32(row % 4))
        }
        return batch
    }

    func testEveryRegisteredLearnerReportsItsDeclaredMetrics() throws {
        for type in Algorithms.all {
            let name = type.algorithmName
            let flags = Set(type.declaredOptions.map(\.flag))
            var arguments: [String] = []
            if flags.contains("--n-envs") { arguments += ["--n-envs", "2", "--n-steps", "4"] }
            if flags.contains("--replay-ratio") { arguments += ["--replay-ratio", "1"] }
            var configuration = LearnerConfiguration.defaults(for: name)!
            configuration.common.hiddenSizes = [8, 8]
            configuration.common.batchSize = 4
            configuration = try configuration.applying(arguments: arguments)
            var generator = SeededGenerator(seed: 3)
            let learner = try configuration.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
            let declared = Set(learner.metricNames)
            XCTAssertEqual(declared.count, learner.metricNames.count, "\(name) names a metric twice")

            var reported: Set<String> = []
            if let onPolicy = learner as? any OnPolicyLearner {
                let rollout = batch(rows: onPolicy.environmentCount * onPolicy.stepsPerEnvironment, seed: 1)
                let metrics = onPolicy.update(onRollout: rollout, segments: onPolicy.environmentCount, progressRemaining: 1, using: &generator)
                XCTAssertTrue(Set(metrics.keys).isSubset(of: declared), "\(name) rollout update: \(metrics.keys.sorted()) vs \(declared.sorted())")
                reported.formUnion(metrics.keys)
                if onPolicy.replayUpdatesPerRollout > 0 {
                    let sequences = batch(rows: onPolicy.replaySequenceCount * onPolicy.replaySequenceLength, seed: 2)
                    let replayed = onPolicy.replayUpdate(on: sequences, progressRemaining: 1, using: &generator)
                    XCTAssertFalse(replayed.isEmpty, "\(name) reports its replay update")
                    XCTAssertTrue(Set(replayed.keys).isSubset(of: declared), "\(name) replay update: \(replayed.keys.sorted())")
                    reported.formUnion(replayed.keys)
                }
            } else {
                // Two updates, so a delayed actor step (TD3's policy delay 2) reports as well.
                for seed in 1...2 {
                    let metrics = learner.update(on: batch(rows: 4 * learner.sequenceLength, seed: UInt64(seed)), using: &generator)
                    XCTAssertTrue(Set(metrics.keys).isSubset(of: declared), "\(name): \(metrics.keys.sorted()) vs \(declared.sorted())")
                    reported.formUnion(metrics.keys)
                }
            }
            XCTAssertEqual(reported, declared, "\(name) reports exactly the metrics it declares")
        }
    }
}
