import Environments
import Foundation
import GymBridge
import ReplayStore
import RunFiles
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A bridged environment whose step hangs (the fixture `SleepingPendulum` sleeps for an hour): the call times
/// out naming the environment, the call and the step; Ctrl-C and SIGTERM stop `train` with the checkpoint of
/// the last completed step; and no child outlives its parent, also after kill -9.
final class HungEnvironmentTests: XCTestCase {
    private let sleeping = "gym:" + BridgeFixtures.id("SleepingPendulum-v0")
    private static let small = ["--hidden", "16,16", "--batch", "32", "--lr", "1e-3"]

    override func setUp() { BridgeFixtures.install() }

    /// Sets a fixture's environment variable for the children this test starts.
    private func setFixtureVariable(_ name: String, _ value: String) {
        setenv(name, value, 1)
        addTeardownBlock { unsetenv(name) }
    }

    // The timeout covers the process's start too: 4 s leaves a loaded machine time to import Gymnasium.
    func testAHungStepTimesOutNamingTheEnvironmentTheCallAndTheStep() throws {
        setFixtureVariable("OFFPOLICY_FIXTURE_SLEEP_AT", "4")
        let environment = try GymEnvironment(id: BridgeFixtures.id("SleepingPendulum-v0"), callTimeout: 4)
        _ = try environment.checkedReset(seed: 1)
        for _ in 0..<3 { _ = try environment.checkedStep([0]) }
        let began = Date()
        XCTAssertThrowsError(try environment.checkedStep([0])) { error in
            guard case .timedOut(let id, let call, let seconds, let standardError)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, BridgeFixtures.id("SleepingPendulum-v0"))
            XCTAssertTrue(call.hasPrefix("step (step 4 of its episode"), call)
            XCTAssertEqual(seconds, 4)
            XCTAssertTrue(standardError.contains("fixture: sleeping in step 4"), standardError)
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("gym:\(BridgeFixtures.id("SleepingPendulum-v0")): its step (step 4 of its episode"), message)
            XCTAssertTrue(message.contains("within 4 s"), message)
            XCTAssertTrue(message.contains("--env-timeout"), message)
        }
        XCTAssertLessThan(Date().timeIntervalSince(began), 12)
        XCTAssertThrowsError(try environment.checkedStep([0]), "the killed child answers no further call")
    }

    func testAStopRequestAbandonsAHungCallAfterItsGrace() throws {
        setFixtureVariable("OFFPOLICY_FIXTURE_SLEEP_AT", "2")
        let environment = try GymEnvironment(id: BridgeFixtures.id("SleepingPendulum-v0"), callTimeout: 60)
        _ = try environment.checkedReset(seed: 1)
        _ = try environment.checkedStep([0])
        StopRequest.request(signal: SIGTERM)
        defer { StopRequest.clear() }
        let began = Date()
        XCTAssertThrowsError(try environment.checkedStep([0])) { error in
            XCTAssertEqual((error as? Interruption)?.signal, SIGTERM, "\(error)")
            XCTAssertTrue("\(error)".contains("step (step 2 of its episode"), "\(error)")
        }
        let waited = Date().timeIntervalSince(began)
        XCTAssertGreaterThanOrEqual(waited, StopRequest.grace - 0.1)
        XCTAssertLessThan(waited, 5)
    }

    /// SIGINT while the training environment's step 151 hangs: exit 130, the checkpoint of step 150, and the
    /// run resumes (the fixture sleeps only in the first process that reaches its step).
    func testCtrlCDuringAHungStepCheckpointsTheLastCompletedStepAndTheRunResumes() throws {
        let directory = try temporaryDirectory("hung-sigint")
        let run = directory.appendingPathComponent("run")
        let marker = directory.appendingPathComponent("sleeping.pid")
        let train = try RunningOffpolicy(["train", "sac", "--env", sleeping, "--steps", "300", "--seed", "1", "--run-dir", run.path,
                                          "--eval-every", "300", "--eval-episodes", "1", "--checkpoint-every", "100"] + Self.small,
                                         environment: ["OFFPOLICY_FIXTURE_SLEEP_AT": "151", "OFFPOLICY_FIXTURE_MARKER": marker.path], in: directory)
        defer { train.stop() }
        let python = try XCTUnwrap(RunningOffpolicy.waitForFile(marker, seconds: 120).flatMap { pid_t($0) }, train.standardError)
        train.send(SIGINT)
        XCTAssertEqual(train.waitForExit(seconds: 10), 130, train.standardOutput + train.standardError)
        XCTAssertTrue(train.standardOutput.contains("stopped at step 150; checkpoint written"), train.standardOutput)
        XCTAssertTrue(RunningOffpolicy.hasEnded(python, within: 2), "the hung Python child was killed")
        let state = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: RunDirectory.stateFile(in: RunDirectory(run).checkpoint))) as? [String: Any])
        XCTAssertEqual(state["environmentSteps"] as? Int, 150)
        XCTAssertEqual(try ReplayStore.open(at: run.path + "/replay").transitionCount, 150)

        let resumed = try RunningOffpolicy(["train", "--resume", run.path, "--env-timeout", "30"],
                                           environment: ["OFFPOLICY_FIXTURE_SLEEP_AT": "151", "OFFPOLICY_FIXTURE_MARKER": marker.path], in: directory)
        defer { resumed.stop() }
        XCTAssertEqual(resumed.waitForExit(seconds: 120), 0, resumed.standardOutput + resumed.standardError)
        XCTAssertTrue(resumed.standardOutput.contains("resuming \(run.path) at step 150 of 300"), resumed.standardOutput)
        XCTAssertEqual(try ProgressRow.read(from: run.appendingPathComponent("progress.csv")).map(\.environmentSteps), [300])
    }

    /// SIGTERM while evaluate's or collect's environment hangs: exit 143, promptly, and the child killed.
    func testSIGTERMStopsAHungEvaluateAndCollect() throws {
        let directory = try temporaryDirectory("hung-sigterm")
        let run = directory.appendingPathComponent("run")
        setFixtureVariable("OFFPOLICY_FIXTURE_SLEEP_AT", "1000000")  // training never reaches it
        let trained = try OffpolicyExecutable.run(["train", "sac", "--env", sleeping, "--steps", "20", "--learning-starts", "10",
                                                   "--run-dir", run.path, "--eval-every", "20", "--eval-episodes", "1"] + Self.small)
        XCTAssertEqual(trained.status, 0, trained.standardError)
        for (index, arguments) in [["evaluate", "--run-dir", run.path, "--episodes", "1"],
                                   ["collect", "--random", "--env", sleeping, "--steps", "50", "--out", directory.appendingPathComponent("out.hdf5").path]].enumerated() {
            let marker = directory.appendingPathComponent("sleeping-\(index).pid")
            let command = try RunningOffpolicy(arguments, environment: ["OFFPOLICY_FIXTURE_SLEEP_AT": "10", "OFFPOLICY_FIXTURE_MARKER": marker.path],
                                               in: directory)
            defer { command.stop() }
            let python = try XCTUnwrap(RunningOffpolicy.waitForFile(marker, seconds: 60).flatMap { pid_t($0) }, command.standardError)
            command.send(SIGTERM)
            XCTAssertEqual(command.waitForExit(seconds: 10), 143, arguments[0] + ": " + command.standardError)
            XCTAssertTrue(command.standardError.contains("stopped by SIGTERM"), command.standardError)
            XCTAssertTrue(RunningOffpolicy.hasEnded(python, within: 2))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out.hdf5").path), "a stopped collect writes nothing")
    }

    /// kill -9 of `train` while its step hangs: the Python child goes with it.
    func testKillingTrainTakesItsPythonChildAlong() throws {
        let directory = try temporaryDirectory("hung-kill")
        let marker = directory.appendingPathComponent("sleeping.pid")
        let train = try RunningOffpolicy(["train", "sac", "--env", sleeping, "--steps", "100", "--run-dir", directory.appendingPathComponent("run").path,
                                          "--eval-every", "100", "--eval-episodes", "1"] + Self.small,
                                         environment: ["OFFPOLICY_FIXTURE_SLEEP_AT": "5", "OFFPOLICY_FIXTURE_MARKER": marker.path], in: directory)
        defer { train.stop() }
        let python = try XCTUnwrap(RunningOffpolicy.waitForFile(marker, seconds: 60).flatMap { pid_t($0) }, train.standardError)
        train.send(SIGKILL)
        XCTAssertNotNil(train.waitForExit(seconds: 5))
        XCTAssertTrue(RunningOffpolicy.hasEnded(python, within: 2), "the Python child (pid \(python)) outlived kill -9 of its parent")
    }

    /// An `offpolicy` started with OFFPOLICY_PARENT_PID (as compare starts its runs) dies with that parent after
    /// kill -9, and so does its own Python child; one whose parent is not the named one exits at once.
    func testAnOffpolicyChildDiesWithItsParent() throws {
        let directory = try temporaryDirectory("parent-kill")
        let marker = directory.appendingPathComponent("sleeping.pid")
        let childPID = directory.appendingPathComponent("child.pid")
        let offpolicy = try OffpolicyExecutable.url().path
        let arguments = ["train", "sac", "--env", sleeping, "--steps", "100", "--run-dir", directory.appendingPathComponent("run").path,
                         "--eval-every", "100", "--eval-episodes", "1"] + Self.small
        let script = "OFFPOLICY_PARENT_PID=$$ '\(offpolicy)' " + arguments.map { "'\($0)'" }.joined(separator: " ")
            + " & echo $! > '\(childPID.path)'; wait"
        let parent = try RunningOffpolicy(["-c", script], environment: ["OFFPOLICY_FIXTURE_SLEEP_AT": "5", "OFFPOLICY_FIXTURE_MARKER": marker.path],
                                          executable: URL(fileURLWithPath: "/bin/sh"), in: directory)
        defer { parent.stop() }
        let python = try XCTUnwrap(RunningOffpolicy.waitForFile(marker, seconds: 60).flatMap { pid_t($0) })
        let train = try XCTUnwrap(RunningOffpolicy.waitForFile(childPID, seconds: 5).flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        parent.send(SIGKILL)
        XCTAssertNotNil(parent.waitForExit(seconds: 5))
        XCTAssertTrue(RunningOffpolicy.hasEnded(train, within: 2), "the offpolicy child outlived kill -9 of its parent")
        XCTAssertTrue(RunningOffpolicy.hasEnded(python, within: 2), "its Python child outlived it")

        let orphan = try RunningOffpolicy(["env", "list"], environment: [ParentLifetime.variable: "999999"], in: directory)
        XCTAssertEqual(orphan.waitForExit(seconds: 30), 1)
        XCTAssertTrue(orphan.standardError.contains("(pid 999999) has ended"), orphan.standardError)
    }
}
