import Environments
import GymBridge
import RunFiles
import TrainingRuns
import XCTest

/// Every way a bridged environment can fail to start or to continue gives an error that says what happened,
/// with Python's own words where it had any.
final class BridgeErrorTests: XCTestCase {
    override func setUp() { BridgeFixtures.install() }

    private func startError(_ id: String, python: String? = nil, file: StaticString = #filePath, line: UInt = #line) -> GymBridgeError? {
        do {
            _ = try GymEnvironment(id: id, python: python)
            XCTFail("gym:\(id) started", file: file, line: line)
        } catch let error as GymBridgeError {
            return error
        } catch {
            XCTFail("not a GymBridgeError: \(error)", file: file, line: line)
        }
        return nil
    }

    func testAnUnknownIDIsRefusedWithGymnasiumsReason() throws {
        let error = try XCTUnwrap(startError("NoSuchTask-v9"))
        guard case .unknownEnvironment(let id, let message) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(id, "NoSuchTask-v9")
        XCTAssertTrue(message.contains("NoSuchTask"), message)
        XCTAssertTrue(error.description.contains("gym:HalfCheetah-v5"), "the message shows what an id looks like")
    }

    func testADiscreteActionSpaceIsRefusedNamingTheSpace() throws {
        let error = try XCTUnwrap(startError("CartPole-v1"))
        guard case .unsupportedSpace(_, let description) = error else { return XCTFail("\(error)") }
        XCTAssertTrue(description.contains("action space Discrete(2)"), description)
    }

    func testAnActionBoxWithoutBoundsIsRefused() throws {
        let error = try XCTUnwrap(startError(BridgeFixtures.id("UnboundedAction-v0")))
        guard case .unsupportedSpace(_, let description) = error else { return XCTFail("\(error)") }
        XCTAssertTrue(description.contains("infinite bounds"), description)
    }

    func testAMissingPackageNamesTheModuleAndHowToInstallIt() throws {
        let error = try XCTUnwrap(startError(BridgeFixtures.id("NeedsMissingExtra-v0")))
        guard case .missingModule(_, let module, let install, _) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(module, "offpolicy_fixture_missing_extra")
        XCTAssertTrue(install.contains("pip install offpolicy_fixture_missing_extra"), install)
        // A module prefix that does not import is the same kind of error.
        let prefixed = try XCTUnwrap(startError("offpolicy_no_such_module:Task-v0"))
        guard case .missingModule(_, let missing, _, _) = prefixed else { return XCTFail("\(prefixed)") }
        XCTAssertEqual(missing, "offpolicy_no_such_module")
    }

    func testTheInstallCommandsOfGymnasiumsExtras() {
        XCTAssertEqual(GymBridgeError.installCommand(forModule: "mujoco"), "pip install \"gymnasium[mujoco]==1.4.0\"")
        XCTAssertTrue(GymBridgeError.installCommand(forModule: "Box2D").hasPrefix("pip install \"gymnasium[box2d]==1.4.0\""))
        XCTAssertEqual(GymBridgeError.installCommand(forModule: "gymnasium"), "pip install \"gymnasium==1.4.0\"")
    }

    func testAMissingPythonSaysHowToGetOne() throws {
        let error = try XCTUnwrap(startError("Pendulum-v1", python: "/nonexistent/python3"))
        guard case .pythonNotFound(let python) = error else { return XCTFail("\(error)") }
        XCTAssertEqual(python, "/nonexistent/python3")
        XCTAssertTrue(error.description.contains("pip install \"gymnasium[mujoco,box2d]==1.4.0\""), error.description)
        XCTAssertTrue(error.description.contains("OFFPOLICY_PYTHON"))
    }

    func testAChildThatExitsMidEpisodeStopsWithItsLastWords() throws {
        let environment = try GymEnvironment(id: BridgeFixtures.id("ExitingPendulum-v0"))
        _ = try environment.checkedReset(seed: 1)
        var steps = 0
        do {
            while true {
                let result = try environment.checkedStep([0.5])
                XCTAssertFalse(result.isEpisodeOver && steps < 199)
                steps += 1
                if result.isEpisodeOver { _ = try environment.checkedReset() }
                XCTAssertLessThanOrEqual(steps, 250, "the fixture exits after 250 steps")
            }
        } catch let error as GymBridgeError {
            XCTAssertEqual(steps, 250)
            guard case .childFailed(_, let reason, let standardError) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("exit status 3"), reason)
            XCTAssertTrue(standardError.contains("fixture: exiting mid-episode on purpose after 250 steps"), standardError)
            XCTAssertTrue(error.description.contains("fixture: exiting mid-episode"), "the message quotes Python's standard error")
        }
        // The bridge stays failed: the next request is an error too, not a hang or a crash.
        XCTAssertThrowsError(try environment.checkedReset(seed: 1))
    }

    func testGarbageOnThePipeIsAProtocolError() throws {
        let environment = try GymEnvironment(id: BridgeFixtures.id("GarbagePendulum-v0"))
        _ = try environment.checkedReset(seed: 1)
        for _ in 0..<4 { _ = try environment.checkedStep([0]) }
        XCTAssertThrowsError(try environment.checkedStep([0])) { error in
            guard case .childFailed(_, let reason, _)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("0x23"), "the stray byte '#' is named: \(reason)")
        }
    }

    func testAnExceptionInStepCarriesPythonsTraceback() throws {
        // env.unwrapped.state of a task that has none: Python raises, the bridge reports, and it still works after.
        let environment = try GymEnvironment(id: BridgeFixtures.id("UnboundedAction-v0".replacingOccurrences(of: "UnboundedAction", with: "Float64Pendulum")))
        XCTAssertThrowsError(try environment.readState()) { error in
            guard case .environmentRaised(_, let request, let message)? = error as? GymBridgeError else { return XCTFail("\(error)") }
            XCTAssertEqual(request, "reading env.unwrapped.state")
            XCTAssertTrue(message.contains("Traceback"), message)
        }
        XCTAssertEqual(try environment.checkedReset(seed: 1).count, 3)
    }

    func testEnvironmentNamesParse() {
        XCTAssertEqual(EnvironmentName("Pendulum-v1"), .builtIn(.pendulum))
        XCTAssertEqual(EnvironmentName("gym:HalfCheetah-v5"), .gym("HalfCheetah-v5"))
        XCTAssertEqual(EnvironmentName("gym:my_module:Task-v0"), .gym("my_module:Task-v0"))
        XCTAssertEqual(EnvironmentName("gym:HalfCheetah-v5")?.description, "gym:HalfCheetah-v5")
        XCTAssertNil(EnvironmentName("gym:"))
        XCTAssertNil(EnvironmentName("HalfCheetah-v5"), "Gymnasium ids need the gym: prefix")
        XCTAssertThrowsError(try TrainingRun.makeEnvironment(named: "HalfCheetah-v5")) { error in
            XCTAssertTrue("\(error)".contains("gym:ID"), "\(error)")
        }
    }
}
