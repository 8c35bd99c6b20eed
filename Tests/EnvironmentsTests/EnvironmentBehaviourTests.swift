import XCTest
import Randomness
@testable import Environments

final class EnvironmentBehaviourTests: XCTestCase {
    func testRegistryBuildsTasksWithGymnasiumSpacesAndLimits() {
        XCTAssertEqual(EnvironmentID(rawValue: "Pendulum-v1"), .pendulum)
        XCTAssertEqual(EnvironmentID(rawValue: "MountainCarContinuous-v0"), .mountainCarContinuous)
        XCTAssertNil(EnvironmentID(rawValue: "pendulum"))
        let pendulum = EnvironmentID.pendulum.make()
        XCTAssertEqual(pendulum.observationSpace, BoxSpace(low: [-1, -1, -8], high: [1, 1, 8]))
        XCTAssertEqual(pendulum.actionSpace, BoxSpace(low: [-2], high: [2]))
        let car = EnvironmentID.mountainCarContinuous.make()
        XCTAssertEqual(car.observationSpace, BoxSpace(low: [-1.2, -0.07], high: [0.6, 0.07]))
        XCTAssertEqual(car.actionSpace, BoxSpace(low: [-1], high: [1]))
        XCTAssertEqual(EnvironmentID.pendulum.maxEpisodeSteps, 200)
        XCTAssertEqual(EnvironmentID.mountainCarContinuous.maxEpisodeSteps, 999)
    }

    func testTimeLimitTruncatesAtTheLimitAndNotBefore() {
        for id in EnvironmentID.allCases {
            var environment = id.make()
            _ = environment.reset(seed: 3)
            for step in 1...id.maxEpisodeSteps {
                let result = environment.step([0])
                XCTAssertFalse(result.terminated, "\(id) with zero action never reaches a terminal state")
                XCTAssertEqual(result.truncated, step == id.maxEpisodeSteps, "\(id) step \(step)")
            }
            _ = environment.reset()
            XCTAssertFalse(environment.step([0]).truncated, "reset restarts the count")
        }
    }

    func testResetDrawsInitialStatesFromGymnasiumRanges() {
        var pendulum = Pendulum()
        var car = MountainCarContinuous()
        for seed in 0..<200 as Range<UInt64> {
            let observation = pendulum.reset(seed: seed)
            XCTAssertTrue(abs(pendulum.state[0]) <= Double.pi && abs(pendulum.state[1]) <= 1)
            XCTAssertEqual(observation[0] * observation[0] + observation[1] * observation[1], 1, accuracy: 1e-6)
            _ = car.reset(seed: seed)
            XCTAssertTrue((-0.6...(-0.4)).contains(car.state[0]))
            XCTAssertEqual(car.state[1], 0)
        }
    }

    func testSameSeedSameEpisodeDifferentSeedDifferentStart() {
        var first = EnvironmentID.pendulum.make(), second = EnvironmentID.pendulum.make(seed: 99)
        XCTAssertEqual(first.reset(seed: 7), second.reset(seed: 7))
        XCTAssertEqual(first.reset(), second.reset(), "the stream continues identically without a seed")
        XCTAssertNotEqual(first.reset(seed: 7), first.reset(seed: 8))
    }

    func testSnapshotRestoresStateGeneratorAndElapsedSteps() {
        var environment = EnvironmentID.pendulum.make()
        _ = environment.reset(seed: 1)
        for _ in 0..<150 { _ = environment.step([0.5]) }
        let snapshot = environment.snapshot()
        XCTAssertEqual(snapshot.elapsedSteps, 150)
        var copy = EnvironmentID.pendulum.make(seed: 12345)
        copy.restore(snapshot)
        for _ in 0..<60 {
            let a = environment.step([-1]), b = copy.step([-1])
            XCTAssertEqual(a, b)
            if a.truncated { XCTAssertEqual(environment.reset(), copy.reset()) }
        }
        let encoded = try! JSONEncoder().encode(snapshot)
        XCTAssertEqual(try! JSONDecoder().decode(EnvironmentSnapshot.self, from: encoded), snapshot)
    }

    func testPendulumClipsTorqueAndSpeed() {
        var a = Pendulum(), b = Pendulum()
        a.state = [0.3, 0.2]; b.state = [0.3, 0.2]
        XCTAssertEqual(a.step([7]), b.step([2]), "torque is clipped to 2")
        a.state = [Double.pi / 2, 7.9]
        _ = a.step([2])
        XCTAssertEqual(a.state[1], 8, "angular speed is clipped to 8")
        XCTAssertEqual(Pendulum.normalizedAngle(3 * Double.pi), -Double.pi, accuracy: 1e-12)
        XCTAssertEqual(Pendulum.normalizedAngle(-0.5), -0.5, accuracy: 1e-15)
    }

    func testPendulumRewardAtRestUprightIsZero() {
        var pendulum = Pendulum()
        pendulum.state = [0, 0]
        let result = pendulum.step([0])
        XCTAssertEqual(result.reward, 0)
        XCTAssertEqual(result.observation, [1, 0, 0])
    }

    func testMountainCarStopsAtTheLeftWallAndPaysForUnclippedActions() {
        var car = MountainCarContinuous()
        car.state = [-1.19, -0.05]
        let result = car.step([-3])
        XCTAssertEqual(car.state, [Double(Float(-1.2)), 0], "position clipped, velocity zeroed at the wall")
        XCTAssertEqual(result.reward, -0.9, accuracy: 1e-12, "the cost uses the action as given")
        car.state = [0.449, 0.02]
        let goal = car.step([1])
        XCTAssertTrue(goal.terminated)
        XCTAssertEqual(goal.reward, 100 - 0.1, accuracy: 1e-12)
    }

    func testBoxSpaceClipsAndContains() {
        let space = BoxSpace(low: [-1, 0], high: [1, 2])
        XCTAssertEqual(space.clip([-3, 5]), [-1, 2])
        XCTAssertTrue(space.contains([0, 1]))
        XCTAssertFalse(space.contains([0, 3]))
        XCTAssertFalse(space.contains([0]))
        XCTAssertTrue(space.isBounded)
    }
}
