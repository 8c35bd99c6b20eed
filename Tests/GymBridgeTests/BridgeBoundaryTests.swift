import Environments
import Foundation
import GymBridge
import TestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// What crosses from Python into the bridge is checked there: sizes against the store's limits before
/// anything is allocated, observations and rewards for NaN and infinities, each named with its step.
final class BridgeBoundaryTests: XCTestCase {
    override func setUp() { BridgeFixtures.install() }

    private func setFixtureVariable(_ name: String, _ value: String) {
        setenv(name, value, 1)
        addTeardownBlock { unsetenv(name) }
    }

    func testAHugeAnnouncedObservationSizeIsRefusedInOneSentence() throws {
        let child = BridgeFixtures.directory.appendingPathComponent("huge_observation_child.py").path
        XCTAssertThrowsError(try GymEnvironment(id: "Huge-v0", python: child, callTimeout: 10)) { error in
            XCTAssertEqual(error as? GymBridgeError, .sizeTooLarge(id: "Huge-v0", space: "observation", size: 1_000_000_000_000,
                                                                    limit: GymEnvironment.sizeLimit))
            XCTAssertEqual("\(error)", "gym:Huge-v0 announces an observation space of 1000000000000 values; the bridge takes at most 1000000 (the replay store's limit)")
        }
    }

    func testANaNRewardIsNamedWithItsStep() throws {
        setFixtureVariable("OFFPOLICY_FIXTURE_NAN_AT", "3")
        let environment = try GymEnvironment(id: BridgeFixtures.id("NaNPendulum-v0"))
        _ = try environment.checkedReset(seed: 1)
        for _ in 0..<2 { _ = try environment.checkedStep([0]) }
        XCTAssertThrowsError(try environment.checkedStep([0])) { error in
            guard case .nonFinite(let id, let what, let value, let call)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(id, BridgeFixtures.id("NaNPendulum-v0"))
            XCTAssertEqual(what, "the reward")
            XCTAssertTrue(value.isNaN)
            XCTAssertTrue(call.hasPrefix("step (step 3 of its episode"), call)
        }
    }

    func testANaNObservationIsNamedWithItsStepAndValue() throws {
        setFixtureVariable("OFFPOLICY_FIXTURE_NAN_AT", "2")
        setFixtureVariable("OFFPOLICY_FIXTURE_NAN_IN", "observation")
        let environment = try GymEnvironment(id: BridgeFixtures.id("NaNPendulum-v0"))
        _ = try environment.checkedReset(seed: 1)
        _ = try environment.checkedStep([0])
        XCTAssertThrowsError(try environment.checkedStep([0])) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("observation value 1 of 3 nan from its step (step 2 of its episode"), message)
        }
    }

    /// `train` stops on the environment's NaN with a message naming the environment and the step, not a store column.
    func testTrainNamesTheEnvironmentAndStepOfANaN() throws {
        setFixtureVariable("OFFPOLICY_FIXTURE_NAN_AT", "40")
        let run = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-nan-train-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: run) }
        let train = try OffpolicyExecutable.run(["train", "sac", "--env", "gym:" + BridgeFixtures.id("NaNPendulum-v0"), "--steps", "100",
                                                 "--run-dir", run.path, "--eval-every", "100", "--eval-episodes", "1", "--hidden", "16,16"])
        XCTAssertEqual(train.status, 1, train.standardOutput + train.standardError)
        XCTAssertTrue(train.standardError.contains("gym:\(BridgeFixtures.id("NaNPendulum-v0")) returned the reward nan from its step (step 40 of its episode"),
                      train.standardError)
        XCTAssertFalse(train.standardError.contains("column"), train.standardError)
    }
}
