// What a library user writes: an environment of their own, trained with the built-in SAC through the
// public API alone (no @testable import), into a real replay store, stopped early by a callback that
// also keeps the best policy. The README and the TrainingRuns catalog point here.
import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import RunFiles
import Training
import TrainingRuns
import XCTest

/// A point mass on a line: position x ∈ [−1, 1] at the start, action a ∈ [−1, 1] moves it by 0.1·a,
/// reward −x² each step; an episode is truncated after 50 steps. Driving x to 0 and holding it there
/// is the best policy. It implements only what `Environment` has no default for: its spaces, `reset`
/// and `step` (a checkpoint therefore does not hold its state; a resumed run would start a fresh episode).
struct PointMass: Environment {
    static let episodeLength = 50
    var position = 0.0
    var elapsedSteps = 0
    var generator = SeededGenerator(seed: 0)

    var observationSpace: BoxSpace { BoxSpace(low: [-10], high: [10]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }

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
    func testSACLearnsAUsersOwnEnvironmentAndStopsEarlyKeepingTheBestPolicy() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("point-mass-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = directory.appendingPathComponent("run")

        // SAC with small networks; up to 3,000 environment steps, an evaluation of 10 episodes every 250.
        // (With every default: TrainingRun.startSession(algorithm: "sac", environment: PointMass(), in: run, steps: 3_000).)
        var sac = SACConfig()
        sac.common.hiddenSizes = [32, 32]
        sac.common.batchSize = 64
        sac.common.learningRate = 1e-3
        let config = TrainingConfig(environment: "PointMass", steps: 3_000, seed: 3, learner: LearnerConfiguration(sac),
                                    evaluationInterval: 250, evaluationEpisodes: 10, learningStarts: 200, metricsInterval: 100)

        // One call makes the replay store (LMDB + zstd, in run/replay), the learner and the loop.
        let session = try TrainingRun.startSession(config, environment: PointMass(), in: run)
        let threshold = -3.0
        let keepBest = KeepBestPolicy()
        let outcome = try session.run(callbacks: [EarlyStopping(returnThreshold: threshold), keepBest])

        // The run stopped at the first evaluation whose mean return reached the threshold.
        let evaluations = try ProgressRow.read(from: run.appendingPathComponent("progress.csv"))
        print("point mass evaluations: " + evaluations.map { "\($0.environmentSteps): \($0.evaluationReturnMean)" }.joined(separator: ", "))
        let last = try XCTUnwrap(evaluations.last)
        XCTAssertEqual(outcome, .stopped(steps: last.environmentSteps,
                                         reason: "the evaluation return \(last.evaluationReturnMean) at step \(last.environmentSteps) reached the threshold \(threshold)"))
        XCTAssertLessThan(last.environmentSteps, config.steps, "stopped early")
        XCTAssertGreaterThanOrEqual(last.evaluationReturnMean, threshold)
        XCTAssertTrue(evaluations.dropLast().allSatisfy { $0.evaluationReturnMean < threshold }, "no earlier evaluation reached it")
        XCTAssertEqual(evaluations.map(\.environmentSteps), Array(stride(from: 250, through: last.environmentSteps, by: 250)))
        XCTAssertEqual(session.environmentSteps, last.environmentSteps)

        // The best evaluation is that last one; its policy is kept beside the run's own.
        let best = try JSONDecoder().decode(BestPolicyRecord.self, from: Data(contentsOf: run.appendingPathComponent("best-policy.json")))
        XCTAssertEqual(best.evaluationReturnMean, evaluations.map(\.evaluationReturnMean).max())
        XCTAssertEqual(best.environmentSteps, last.environmentSteps)
        XCTAssertEqual(keepBest.best, best)
        XCTAssertEqual(try Data(contentsOf: run.appendingPathComponent("best-policy.safetensors")),
                       try Data(contentsOf: run.appendingPathComponent("policy.safetensors")),
                       "the stop's checkpoint holds the same policy")

        // Evaluating the run's checkpoint again, on a new PointMass, gives that evaluation's return, which
        // clearly beats random actions.
        let trained = try TrainingRun.evaluate(in: run, environment: PointMass(), episodes: 10).mean
        XCTAssertEqual(trained, last.evaluationReturnMean)
        let random = randomPolicyReturn(episodes: 10, seed: Evaluation.environmentSeed(forRunSeed: 3))
        print("point mass: trained policy \(trained), random policy \(random) (mean return over 10 episodes)")
        XCTAssertGreaterThan(trained, 0.5 * random, "trained \(trained) must clearly beat random \(random) (returns are negative)")

        // Every step went through the store.
        let store = try ReplayStore.open(at: run.appendingPathComponent("replay").path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(store.transitionCount, last.environmentSteps)
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(metrics.first, "env_steps,updates,updates_in_row,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy")
        // A row 100 updates after the previous one, and one at every checkpoint (every 250 steps; one update
        // per step after the 200 warm-up steps).
        var expectedRowUpdates: [Int] = [], previous = 0
        for step in 201...last.environmentSteps where step - 200 - previous == 100 || step % 250 == 0 {
            expectedRowUpdates.append(step - 200)
            previous = step - 200
        }
        let rows = metrics.dropFirst().map { $0.split(separator: ",").map(String.init) }
        XCTAssertEqual(rows.map { Int($0[1]) }, expectedRowUpdates, "updates at each metrics row")
        XCTAssertEqual(rows.map { Int($0[2]) ?? 0 }.reduce(0, +), last.environmentSteps - 200, "every update counted once")

        // Starting again in the same directory is refused in one sentence; nothing there changes.
        XCTAssertThrowsError(try TrainingRun.startSession(config, environment: PointMass(), in: run)) { error in
            XCTAssertEqual(error.localizedDescription, "run directory \(run.path) already holds a run; continue it (offpolicy train --resume \(run.path), or TrainingRun.resumeSession in Swift) or choose another directory")
        }
    }
}
