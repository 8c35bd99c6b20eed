// What a library user writes: an environment of their own, trained with the built-in SAC through the
// public API alone (no @testable import), into a real replay store. The README points here.
import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import RunFiles
import Training
import Transitions
import XCTest

/// A point mass on a line: position x ∈ [−1, 1] at the start, action a ∈ [−1, 1] moves it by 0.1·a,
/// reward −x² each step; an episode is truncated after 50 steps. Driving x to 0 and holding it there
/// is the best policy.
struct PointMass: Environment {
    static let episodeLength = 50
    var position = 0.0
    var elapsedSteps = 0
    var generator = SeededGenerator(seed: 0)

    var observationSpace: BoxSpace { BoxSpace(low: [-10], high: [10]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }

    var state: [Double] {
        get { [position] }
        set { position = newValue[0] }
    }

    mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        position = Double(generator.nextFloat(in: -1, 1))
        elapsedSteps = 0
        return [Float(position)]
    }

    mutating func step(_ action: [Float]) -> StepResult {
        let push = Double(min(max(action[0], -1), 1))
        position = min(max(position + 0.1 * push, -10), 10)
        elapsedSteps += 1
        return StepResult(observation: [Float(position)], reward: -position * position,
                          terminated: false, truncated: elapsedSteps >= Self.episodeLength)
    }

    func snapshot() -> EnvironmentSnapshot {
        EnvironmentSnapshot(state: [position], generator: generator, elapsedSteps: elapsedSteps)
    }

    mutating func restore(_ snapshot: EnvironmentSnapshot) {
        position = snapshot.state[0]
        generator = snapshot.generator
        elapsedSteps = snapshot.elapsedSteps ?? 0
    }
}

/// The mean return of uniformly random actions over the same evaluation episodes.
private func randomPolicyReturn(episodes: Int, seed: UInt64) -> Double {
    var environment = PointMass()
    var generator = SeededGenerator(seed: 99)
    var total = 0.0
    _ = environment.reset(seed: seed)
    for _ in 0..<episodes {
        while true {
            let result = environment.step([generator.nextFloat(in: -1, 1)])
            total += result.reward
            if result.isEpisodeOver { break }
        }
        _ = environment.reset()
    }
    return total / Double(episodes)
}

final class PointMassTests: XCTestCase {
    func testSACLearnsAUsersOwnEnvironmentThroughThePublicAPI() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("point-mass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        // The learner: SAC with small networks, built from its config.
        var sac = SACConfig()
        sac.common.hiddenSizes = [32, 32]
        sac.common.batchSize = 64
        sac.common.learningRate = 1e-3
        var generator = SeededGenerator(seed: 1)
        let environment = PointMass()
        let learner = try sac.makeLearner(observationSize: 1, actionLow: environment.actionSpace.low,
                                          actionHigh: environment.actionSpace.high, generator: &generator)

        // The store: a real LMDB + zstd replay store in the run directory; it is both the loop's
        // TransitionSink (where transitions go) and its TransitionSampler (where batches come from).
        let run = RunDirectory(directory.appendingPathComponent("run"))
        try FileManager.default.createDirectory(at: run.root, withIntermediateDirectories: true)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 1, actionSize: 1, capacity: 10_000))

        // The loop: 1,500 environment steps, an evaluation of 10 episodes every 500.
        let config = TrainingConfig(environment: "PointMass", steps: 1_500, seed: 3, learner: LearnerConfiguration(sac),
                                    evaluationInterval: 500, evaluationEpisodes: 10, learningStarts: 200, metricsInterval: 100)
        let loop = try TrainingLoop(starting: config, in: run, environment: environment, learner: learner, store: store)
        XCTAssertEqual(try loop.run(), .finished)
        XCTAssertEqual(loop.environmentSteps, 1_500)
        XCTAssertEqual(loop.updates, 1_300)
        XCTAssertEqual(store.transitionCount, 1_500, "every step went through the store")

        let evaluations = try ProgressRow.read(from: run.progress)
        XCTAssertEqual(evaluations.map(\.environmentSteps), [500, 1_000, 1_500])
        let random = randomPolicyReturn(episodes: 10, seed: Evaluation.environmentSeed(forRunSeed: 3))
        let trained = try Evaluation.run(learner, on: environment, episodes: 10, seed: Evaluation.environmentSeed(forRunSeed: 3)).mean
        XCTAssertEqual(trained, evaluations.last!.evaluationReturnMean, "the last progress row is this evaluation")
        print("point mass: trained policy \(trained), random policy \(random) (mean return over 10 episodes)")
        XCTAssertGreaterThan(trained, 0.5 * random, "trained \(trained) must clearly beat random \(random) (returns are negative)")

        let metrics = try String(contentsOf: run.metrics, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.first, "env_steps,updates,updates_in_row,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy")
        XCTAssertEqual(metrics.count, 1 + 13, "a row every 100 updates")
    }
}
