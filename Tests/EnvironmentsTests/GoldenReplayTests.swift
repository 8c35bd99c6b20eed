import XCTest
@testable import Environments

/// Every step of the Gymnasium recordings, replayed through our environments.
final class GoldenReplayTests: XCTestCase {
    private func replay(_ name: String, _ id: EnvironmentID, expectedSteps: Int, file: StaticString = #filePath, line: UInt = #line) throws -> TrajectoryCheck {
        let trajectory = try Trajectory(contentsOf: try GoldenFiles.url(name))
        let check = try TrajectoryCheck(replaying: trajectory, through: id.make())
        print("\(name): steps \(check.stepCount), episodes \(check.episodeCount), obs \(check.observation), reward \(check.reward), state \(check.state), flag mismatches \(check.flagMismatches.count)")
        XCTAssertEqual(check.stepCount, expectedSteps, file: file, line: line)
        XCTAssertLessThanOrEqual(check.observation.value, 1e-5, "observation: \(check.observation)", file: file, line: line)
        XCTAssertLessThanOrEqual(check.reward.value, 1e-5, "reward: \(check.reward)", file: file, line: line)
        XCTAssertLessThanOrEqual(check.state.value, 1e-5, "state: \(check.state)", file: file, line: line)
        XCTAssertEqual(check.flagMismatches.map(\.description), [], file: file, line: line)
        XCTAssertTrue(check.passes(), file: file, line: line)
        return check
    }

    func testPendulumMatchesGymnasium() throws {
        let check = try replay("pendulum-golden.csv", .pendulum, expectedSteps: 1000)
        XCTAssertEqual(check.episodeCount, 5)
    }

    func testMountainCarRandomActionsMatchGymnasium() throws {
        // 999 steps up to the time limit, then the first step of the next episode.
        let check = try replay("mountaincar-golden.csv", .mountainCarContinuous, expectedSteps: 1000)
        XCTAssertEqual(check.episodeCount, 2)
    }

    func testMountainCarReachingTheGoalMatchesGymnasium() throws {
        let check = try replay("mountaincar-goal-golden.csv", .mountainCarContinuous, expectedSteps: try Trajectory(contentsOf: GoldenFiles.url("mountaincar-goal-golden.csv")).steps.count)
        XCTAssertEqual(check.episodeCount, 3)
    }

    /// The golden files contain the end flags we must reproduce; make sure they are exercised.
    func testGoldenFilesExerciseBothEndFlags() throws {
        let pendulum = try Trajectory(contentsOf: try GoldenFiles.url("pendulum-golden.csv"))
        XCTAssertEqual(pendulum.steps.filter(\.truncated).count, 5)
        let goal = try Trajectory(contentsOf: try GoldenFiles.url("mountaincar-goal-golden.csv"))
        XCTAssertEqual(goal.steps.filter(\.terminated).count, 3)
        let random = try Trajectory(contentsOf: try GoldenFiles.url("mountaincar-golden.csv"))
        XCTAssertEqual(random.steps.firstIndex(where: \.truncated), 998)
        XCTAssertTrue(pendulum.steps.contains { abs($0.action[0]) > 2 }, "clipping is exercised")
    }

    /// A replay must notice a perturbed reference: the check can fail.
    func testPerturbedReferenceIsDetected() throws {
        var trajectory = try Trajectory(contentsOf: try GoldenFiles.url("pendulum-golden.csv"))
        trajectory.steps[37].nextObservation[2] *= 1.0001
        trajectory.steps[120].reward += 0.01
        trajectory.steps[199].truncated = false
        let check = try TrajectoryCheck(replaying: trajectory, through: EnvironmentID.pendulum.make())
        XCTAssertFalse(check.passes())
        XCTAssertEqual(check.observation.row, 37)
        XCTAssertGreaterThan(check.observation.value, 5e-5)
        XCTAssertEqual(check.reward.row, 120)
        XCTAssertEqual(check.flagMismatches.map(\.row), [199])
    }
}
