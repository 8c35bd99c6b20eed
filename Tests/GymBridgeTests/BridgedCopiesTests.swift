import Environments
import Foundation
import GymBridge
import Randomness
import ReplayStore
import RunFiles
import TestSupport
import XCTest

/// Several bridged copies at once: launched together, stepped with overlapping calls (every request sent,
/// then every reply read), in a training run of `--envs N`, and one of them dying.
final class BridgedCopiesTests: XCTestCase {
    override func setUp() { BridgeFixtures.install() }

    /// Three bridged Pendulums stepped with overlapping calls against three native ones, step for step across
    /// the 200-step truncation (each native episode starts from the state its bridged copy reset to, whose
    /// initial states come from NumPy).
    func testOverlappingCopiesMatchNativeCopiesStepForStep() throws {
        let bridged = try GymLaunch.environments(id: "Pendulum-v1", count: 3)
        var native = (0..<3).map { _ in EnvironmentID.pendulum.make() }
        var generator = SeededGenerator(seed: 12)
        func startNativeEpisode(_ c: Int) throws {
            _ = native[c].reset(seed: nil)
            native[c].state = try bridged[c].readState()
        }
        for c in 0..<3 {
            try bridged[c].beginReset(seed: 20 + UInt64(c))
        }
        var observations = try bridged.map { try $0.endReset() }
        XCTAssertEqual(Set(observations.map { $0.map(\.bitPattern) }).count, 3, "seeds 20, 21, 22 start three different episodes")
        for c in 0..<3 { try startNativeEpisode(c) }
        var truncations = 0
        for step in 0..<230 {
            let actions = (0..<3).map { _ in [generator.nextFloat(in: -2.5, 2.5)] }
            for c in 0..<3 { try bridged[c].beginStep(actions[c]) }
            let results = try bridged.map { try $0.endStep() }
            var ended: [Int] = []
            for c in 0..<3 {
                let theirs = native[c].step(actions[c])
                XCTAssertEqual(results[c].observation, theirs.observation, "copy \(c), step \(step)")
                XCTAssertEqual(results[c].reward, theirs.reward, accuracy: 1e-9 * max(abs(theirs.reward), 1e-6),
                               "copy \(c), step \(step) (NumPy squares the torque in float32: an ulp of it apart)")
                XCTAssertEqual(results[c].truncated, theirs.truncated, "copy \(c), step \(step)")
                XCTAssertEqual(try bridged[c].readState(), native[c].state, "copy \(c), step \(step)")
                if results[c].isEpisodeOver { ended.append(c) } else { observations[c] = results[c].observation }
            }
            for c in ended { try bridged[c].beginReset(seed: nil) }
            for c in ended {
                observations[c] = try bridged[c].endReset()
                try startNativeEpisode(c)
                truncations += 1
            }
        }
        XCTAssertEqual(truncations, 3, "each copy was truncated once, at its 200th step")
        XCTAssertEqual(bridged.map(\.stepCount), [230, 230, 230])
    }

    func testTrainingStepsThreeBridgedCopiesWithEpisodesOfTheirOwn() throws {
        let directory = try temporaryDirectory("bridge-copies")
        let run = directory.appendingPathComponent("run").path
        let train = try OffpolicyExecutable.run(["train", "sac", "--env", "gym:Pendulum-v1", "--envs", "3", "--gradient-steps", "-1",
                                                 "--steps", "660", "--seed", "4", "--run-dir", run, "--eval-every", "330",
                                                 "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
        XCTAssertEqual(train.status, 0, train.standardOutput + train.standardError)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.updates), [330 - 99, 660 - 99],
                       "after the first loop step above 100 steps (102), one update per transition")
        let stored = try ReplayStore.open(at: run + "/replay").liveTransitions()
        XCTAssertEqual(stored.count, 660)
        let size = stored.observationSize
        func observation(_ row: Int) -> [Float] { Array(stored.observations[(row * size)..<((row + 1) * size)]) }
        func next(_ row: Int) -> [Float] { Array(stored.nextObservations[(row * size)..<((row + 1) * size)]) }
        // Rows c, c + 3, c + 6, ... are copy c's: its episodes run on unbroken (next observation of one step is the
        // observation of its next) except at its truncations, after 200 of its steps; its first episode's id is c,
        // the three episodes ending together at loop step 200 get 3, 4, 5 in copy order.
        for c in 0..<3 {
            var truncations: [Int] = []
            for k in 0..<219 {
                let row = c + 3 * k
                if stored.truncated[row] { truncations.append(k); continue }
                XCTAssertEqual(next(row), observation(row + 3), "copy \(c), its step \(k)")
            }
            XCTAssertEqual(truncations, [199], "copy \(c)")
            XCTAssertEqual(stored.episodeIDs[c], UInt64(c))
            XCTAssertEqual(stored.episodeIDs[c + 3 * 200], UInt64(3 + c))
            XCTAssertEqual(stored.stepIndices[c + 3 * 219], 19)
        }
        XCTAssertEqual(Set([observation(0), observation(1), observation(2)].map { $0.map(\.bitPattern) }).count, 3, "copy c is seeded 4 + c")
    }

    func testADyingCopyEndsTheRunNamingItAndTheRunResumes() throws {
        // Copy 1 (seeded 1 + 1 = 2) exits after 250 steps of its life: in loop step 251, after the checkpoint
        // at 400 steps. Copy 0 and the evaluation environment go on.
        let directory = try temporaryDirectory("bridge-copy-dies")
        let run = directory.appendingPathComponent("run").path
        let crashed = try OffpolicyExecutable.run(["train", "sac", "--env", "gym:" + BridgeFixtures.id("SeedExitingPendulum-v0"),
                                                   "--envs", "2", "--steps", "600", "--seed", "1", "--run-dir", run,
                                                   "--eval-every", "200", "--eval-episodes", "1", "--hidden", "16,16", "--batch", "32"])
        XCTAssertEqual(crashed.status, 1, crashed.standardOutput + crashed.standardError)
        XCTAssertTrue(crashed.standardError.contains("Error: environment copy 1 (of 2, counted from 0) failed, and the last checkpoint is kept: gym:offpolicy_bridge_fixtures:SeedExitingPendulum-v0: the Python process closed its output (exit status 4)"),
                      crashed.standardError)
        XCTAssertTrue(crashed.standardError.contains("fixture: the copy seeded 2 exits on purpose after 250 steps"), crashed.standardError)
        XCTAssertEqual(try ReplayStore.open(at: run + "/replay").transitionCount, 500, "the failed loop step appended nothing")

        let resumed = try OffpolicyExecutable.run(["train", "--resume", run])
        XCTAssertEqual(resumed.status, 0, resumed.standardOutput + resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("resuming \(run) at step 400 of 600"), resumed.standardOutput)
        XCTAssertTrue(resumed.standardError.contains("each environment copy of the resumed run starts a fresh episode"), resumed.standardError)
        XCTAssertEqual(try ProgressRow.read(from: URL(fileURLWithPath: run + "/progress.csv")).map(\.environmentSteps), [200, 400, 600])
        XCTAssertEqual(try ReplayStore.open(at: run + "/replay").transitionCount, 700)
    }
}
