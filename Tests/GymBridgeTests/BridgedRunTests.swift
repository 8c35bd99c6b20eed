import Foundation
import ReplayStore
import TestSupport
import Training
import RunFiles
import TrainingRuns
import XCTest

/// `offpolicy train`, `evaluate`, `collect` and `env` with `--env gym:ID`, as real processes.
final class BridgedRunTests: XCTestCase {
    override func setUp() { BridgeFixtures.install() }

    private static let small = ["--hidden", "16,16", "--batch", "32", "--lr", "1e-3"]

    func testTrainEvaluateAndCollectThroughTheBridge() throws {
        let directory = try temporaryDirectory("bridge-run")
        let run = directory.appendingPathComponent("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--env", "gym:Pendulum-v1", "--steps", "450", "--seed", "2",
                                                 "--run-dir", run, "--eval-every", "150", "--eval-episodes", "1"] + Self.small)
        XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
        XCTAssertTrue(train.standardOutput.contains("training sac on gym:Pendulum-v1"), train.standardOutput)
        let config = try TrainingRun.config(in: URL(fileURLWithPath: run))
        XCTAssertEqual(config.environment, "gym:Pendulum-v1", "config.json keeps the gym: name")
        let rows = try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv"))
        XCTAssertEqual(rows.map(\.environmentSteps), [150, 300, 450])
        // The last evaluation is the trained policy's: the checkpointed learner, evaluated in process through a
        // bridged environment of its own from the run's evaluation seed, gives the same return.
        let (_, environment, learner) = try TrainingRun.trainedLearner(in: URL(fileURLWithPath: run))
        let again = try Evaluation.run(learner, on: environment, episodes: 1, seed: Evaluation.environmentSeed(forRunSeed: 2)).mean
        XCTAssertEqual(rows.last!.evaluationReturnMean, again, accuracy: 1e-9 * abs(again),
                       "the run's last evaluation \(rows.last!.evaluationReturnMean) is the trained policy's return \(again)")
        XCTAssertNotEqual(rows.first!.evaluationReturnMean, rows.last!.evaluationReturnMean, "the policy changed between the evaluations")

        // Every step went through the store, and the training episodes run on unbroken: next_obs of one step is the
        // observation of the next, except at the 200-step truncations (evaluation, at steps 150 and 300, used an
        // environment of its own; had it shared the training one, its resets would break the chain there).
        let store = try ReplayStore.open(at: run + "/replay")
        let stored = try store.liveTransitions()
        XCTAssertEqual(stored.count, 450)
        let size = stored.observationSize
        var truncations: [Int] = []
        for row in 0..<(stored.count - 1) {
            XCTAssertFalse(stored.terminated[row], "Pendulum never terminates")
            if stored.truncated[row] { truncations.append(row); continue }
            XCTAssertEqual(Array(stored.nextObservations[(row * size)..<((row + 1) * size)]),
                           Array(stored.observations[((row + 1) * size)..<((row + 2) * size)]), "step \(row) continues into step \(row + 1)")
        }
        XCTAssertEqual(truncations, [199, 399], "Gymnasium's TimeLimit truncates at 200 steps")

        let evaluate = try OffpolicyExecutable.run(["evaluate", "--run-dir", run, "--episodes", "2", "--json"])
        XCTAssertEqual(evaluate.status, 0, evaluate.standardError)
        XCTAssertTrue(evaluate.standardOutput.contains("sac on gym:Pendulum-v1: return"), evaluate.standardOutput)
        let last = try XCTUnwrap(evaluate.standardOutput.split(separator: "\n").last)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        XCTAssertEqual(object["episodes"] as? Int, 2)

        let policyFile = directory.appendingPathComponent("policy.hdf5").path
        let collect = try OffpolicyExecutable.run(["collect", "--run-dir", run, "--steps", "250", "--out", policyFile])
        XCTAssertEqual(collect.status, 0, collect.standardError)
        XCTAssertTrue(collect.standardOutput.contains("wrote 250 transitions (2 episodes)"), collect.standardOutput)
        let randomFile = directory.appendingPathComponent("random.hdf5").path
        let random = try OffpolicyExecutable.run(["collect", "--random", "--env", "gym:MountainCarContinuous-v0", "--steps", "20", "--out", randomFile])
        XCTAssertEqual(random.status, 0, random.standardError)
        XCTAssertTrue(FileManager.default.fileExists(atPath: randomFile))
    }

    func testAChildThatDiesStopsTheRunWithItsLastWordsAndTheRunResumes() throws {
        // The fixture's process exits (status 3) after 250 steps of its life: the training environment dies at
        // step 251, after the checkpoint at step 200 (evaluation's own process took 200 steps there).
        let directory = try temporaryDirectory("bridge-crash")
        let run = directory.appendingPathComponent("run").path
        let crashed = try OffpolicyExecutable.run(["train", "sac", "--env", "gym:offpolicy_bridge_fixtures:ExitingPendulum-v0",
                                                   "--steps", "400", "--seed", "1", "--run-dir", run, "--eval-every", "200",
                                                   "--eval-episodes", "1"] + Self.small)
        XCTAssertEqual(crashed.status, 1, crashed.standardOutput + crashed.standardError)
        XCTAssertTrue(crashed.standardError.contains("exit status 3"), crashed.standardError)
        XCTAssertTrue(crashed.standardError.contains("fixture: exiting mid-episode on purpose after 250 steps"), crashed.standardError)

        // The store is intact (every committed step, 250) and the checkpoint of step 200 is usable.
        XCTAssertEqual(try ReplayStore.open(at: run + "/replay").transitionCount, 250)
        XCTAssertNoThrow(try TrainingRun.trainedLearner(in: URL(fileURLWithPath: run)))
        let resumed = try OffpolicyExecutable.run(["train", "--resume", run])
        XCTAssertEqual(resumed.status, 0, resumed.standardOutput + resumed.standardError)
        XCTAssertTrue(resumed.standardError.contains("the resumed run starts a fresh episode"), resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("resuming \(run) at step 200 of 400"), resumed.standardOutput)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [200, 400])
        XCTAssertEqual(try ReplayStore.open(at: run + "/replay").transitionCount, 450, "the 50 steps after the checkpoint stay in the store")
    }

    /// PPO steps two bridged copies (each its own Python process); its resume starts fresh episodes, says so,
    /// and continues to the new step count.
    func testOnPolicyRunThroughTheBridgeResumesWithFreshEpisodes() throws {
        let directory = try temporaryDirectory("bridge-ppo")
        let run = directory.appendingPathComponent("run").path
        let train = try OffpolicyExecutable.run(["train", "ppo", "--env", "gym:Pendulum-v1", "--steps", "300", "--n-envs", "2",
                                                 "--n-steps", "150", "--batch", "50", "--epochs", "2", "--hidden", "16,16",
                                                 "--eval-every", "300", "--eval-episodes", "1", "--run-dir", run])
        XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
        let resumed = try OffpolicyExecutable.run(["train", "--resume", run, "--steps", "600"])
        XCTAssertEqual(resumed.status, 0, resumed.standardOutput + resumed.standardError)
        XCTAssertTrue(resumed.standardError.contains("each environment copy of the resumed run starts a fresh episode"), resumed.standardError)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [300, 600])
        XCTAssertEqual(try ReplayStore.open(at: run + "/replay").liveTransitions().count, 600)
    }

    func testEnvCommandsTakeGymIDs() throws {
        let list = try OffpolicyExecutable.run(["env", "list", "--env", "gym:Pendulum-v1", "--env", "Pendulum-v1"])
        XCTAssertEqual(list.status, 0, list.standardError)
        let lines = list.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("gym:Pendulum-v1  observation 3-d [-1.0…1.0, -1.0…1.0, -8.0…8.0]  action 1-d [-2.0…2.0]  limit 200 steps"), String(lines[0]))
        XCTAssertTrue(lines[0].hasPrefix("gym:" + lines[1]), "the bridged Pendulum reports the native one's spaces")

        let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("EnvironmentsTests/Fixtures/pendulum-golden.csv").path
        let check = try OffpolicyExecutable.run(["env", "check", "--env", "gym:Pendulum-v1", "--trajectory", golden])
        XCTAssertEqual(check.status, 0, check.standardOutput + check.standardError)
        XCTAssertTrue(check.standardOutput.contains("PASS"), check.standardOutput)

        let discrete = try OffpolicyExecutable.run(["env", "list", "--env", "gym:CartPole-v1"])
        XCTAssertEqual(discrete.status, 1)
        XCTAssertTrue(discrete.standardError.contains("Discrete(2)"), discrete.standardError)

        let bench = try OffpolicyExecutable.run(["env", "bench", "--env", "gym:Pendulum-v1", "--steps", "300", "--warm-up", "10"])
        XCTAssertEqual(bench.status, 0, bench.standardError)
        XCTAssertTrue(bench.standardOutput.contains("bridge overhead, wall:"), bench.standardOutput)
        XCTAssertTrue(bench.standardOutput.contains("bridge overhead, CPU:"), bench.standardOutput)
    }
}
