import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import NeuralNetwork
import TestSupport
import RunFiles
@testable import Training
import TrainingRuns
import XCTest

/// Pendulum whose rewards become astronomically large after `explodeAt` steps: the critic's loss
/// overflows to ∞ once such transitions are sampled.
private struct ExplodingPendulum: Environment {
    var inner = EnvironmentID.pendulum.make()
    var steps = 0
    let explodeAt: Int

    var observationSpace: BoxSpace { inner.observationSpace }
    var actionSpace: BoxSpace { inner.actionSpace }
    var state: [Double] { get { inner.state } set { inner.state = newValue } }
    mutating func reset(seed: UInt64?) -> [Float] { inner.reset(seed: seed) }
    mutating func step(_ action: [Float]) -> StepResult {
        steps += 1
        var result = inner.step(action)
        if steps > explodeAt { result.reward = 3e38 }
        return result
    }
    var restoresSnapshots: Bool { true }
    func snapshot() -> EnvironmentSnapshot { inner.snapshot() }
    mutating func restore(_ snapshot: EnvironmentSnapshot) { inner.restore(snapshot) }
}

final class DivergenceTests: XCTestCase {
    func testADivergingRunStopsAndKeepsTheLastGoodCheckpoint() throws {
        let directory = try TemporaryDirectory("diverge")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 1000, seed: 3, evaluationInterval: 100)
        let environment = ExplodingPendulum(explodeAt: 250)
        let learner = try TrainingRun.makeLearner(config, for: environment)
        let run = RunDirectory(directory.url)
        let store = try ReplayStore.create(at: run.replay.path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 10_000))
        let loop = try TrainingLoop(starting: config, in: run, environment: environment, learner: learner, store: store)
        XCTAssertThrowsError(try loop.run()) { error in
            guard case TrainingError.diverged(let update, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(update, loop.updates)
            XCTAssertTrue(reason.hasPrefix("critic_loss = "), reason)
            XCTAssertTrue("\(error)".hasPrefix("learner diverged at update \(update) (critic_loss = "), "\(error)")
        }
        XCTAssertGreaterThan(loop.environmentSteps, 250)
        XCTAssertLessThan(loop.environmentSteps, 300, "stopped soon after the first huge reward was stored")

        // The checkpoint of step 200 is intact, finite and resumable.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: run.checkpoint.appendingPathComponent("state.json"))) as! [String: Any]
        XCTAssertEqual(state["environmentSteps"] as? Int, 200)
        let restored = try TrainingRun.makeLearner(config, for: environment)
        try restored.loadCheckpoint(from: run.checkpoint.appendingPathComponent("learner"))
        XCTAssertTrue(restored.parametersAreFinite)
        XCTAssertNoThrow(try Safetensors.read(from: run.policy))
    }

    func testTheCLIReportsDivergenceWithExitStatusOne() throws {
        let directory = try TemporaryDirectory("diverge-cli")
        defer { directory.remove() }
        let result = try OffpolicyExecutable.run(["train", "sac", "--steps", "300", "--learning-starts", "50", "--lr", "1e30",
                                                  "--hidden", "16,16", "--batch", "32", "--eval-every", "100",
                                                  "--run-dir", directory.appending("run").path])
        XCTAssertEqual(result.status, 1, result.standardError)
        XCTAssertTrue(result.standardError.contains("learner diverged at update "), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("run/checkpoint").path),
                       "no checkpoint was written from diverged parameters")
    }
}
