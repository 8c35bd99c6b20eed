import Environments
import GymBridge
import Randomness
import XCTest

/// The bridged Gymnasium Pendulum-v1 and MountainCarContinuous-v0 against the native Swift ones: from the
/// same state, the same actions give the same observations, rewards, states and end flags, step by step,
/// across episode ends (the native tasks' initial states come from our generator, not NumPy's, so each
/// episode starts the native one from the state the bridged one reset to).
final class SameTrajectoryTests: XCTestCase {
    private struct Largest { var observation = 0.0, reward = 0.0, state = 0.0 }

    /// Steps both with `policy` for `steps` steps; returns the largest deviations and counts end flags.
    private func compare(_ id: EnvironmentID, steps: Int, seed: UInt64,
                         policy: (_ observation: [Float], _ generator: inout SeededGenerator) -> [Float]) throws -> (Largest, terminations: Int, truncations: Int) {
        let bridged = try GymEnvironment(id: id.rawValue)
        var native = id.make()
        XCTAssertEqual(bridged.observationSpace, native.observationSpace)
        XCTAssertEqual(bridged.actionSpace, native.actionSpace)
        XCTAssertEqual(bridged.maxEpisodeSteps, id.maxEpisodeSteps)
        XCTAssertEqual(bridged.registeredID, id.rawValue)
        XCTAssertEqual(bridged.entryPoint, id.entryPoint, "the built-in task's entry point is Gymnasium's registry's")
        XCTAssertEqual(bridged.observationShape, [native.observationSpace.dimension])
        XCTAssertEqual(bridged.actionShape, [native.actionSpace.dimension])
        var generator = SeededGenerator(seed: seed)
        var largest = Largest(), terminations = 0, truncations = 0
        var observation = try bridged.checkedReset(seed: seed)
        func startNativeEpisode() throws {
            _ = native.reset(seed: nil)  // restarts the native TimeLimit's count
            native.state = try bridged.readState()
        }
        try startNativeEpisode()
        for step in 0..<steps {
            let action = policy(observation, &generator)
            let ours = try bridged.checkedStep(action), theirs = native.step(action)
            for (a, b) in zip(ours.observation, theirs.observation) { largest.observation = max(largest.observation, Double(abs(a - b))) }
            largest.reward = max(largest.reward, abs(ours.reward - theirs.reward) / max(abs(theirs.reward), 1e-6))
            for (a, b) in zip(try bridged.readState(), native.state) { largest.state = max(largest.state, abs(a - b) / max(abs(b), 1e-6)) }
            XCTAssertEqual(ours.terminated, theirs.terminated, "terminated at step \(step)")
            XCTAssertEqual(ours.truncated, theirs.truncated, "truncated at step \(step)")
            if ours.terminated { terminations += 1 }
            if ours.truncated { truncations += 1 }
            if ours.isEpisodeOver {
                observation = try bridged.checkedReset()
                try startNativeEpisode()
            } else {
                observation = ours.observation
            }
        }
        return (largest, terminations, truncations)
    }

    func testPendulumMatchesTheNativeOneStepForStep() throws {
        // 450 steps: two truncations at the 200-step limit; torques beyond ±2 exercise the clipping.
        let (largest, terminations, truncations) = try compare(.pendulum, steps: 450, seed: 5) { _, generator in
            [generator.nextFloat(in: -3, 3)]
        }
        XCTAssertEqual(terminations, 0)
        XCTAssertEqual(truncations, 2)
        print("Pendulum: largest deviations \(largest)")
        XCTAssertEqual(largest.observation, 0, "float32 observations, exactly")
        XCTAssertLessThanOrEqual(largest.reward, 1e-12, "float64 rewards, relative (NumPy's float32 power can differ by an ulp)")
        XCTAssertEqual(largest.state, 0, "float64 states, exactly")
    }

    func testMountainCarContinuousMatchesTheNativeOneStepForStep() throws {
        // For 400 steps, push along the velocity (with noise): the goal is reached (terminated) within about
        // 100 steps, and again; then random actions, which do not get there in 999 steps (truncated).
        var calls = 0
        let (largest, terminations, truncations) = try compare(.mountainCarContinuous, steps: 2_000, seed: 9) { observation, generator in
            calls += 1
            let push: Float = observation[1] >= 0 ? 1 : -1
            return [calls > 400 ? generator.nextFloat(in: -1.5, 1.5) : push * generator.nextFloat(in: 0.6, 1.2)]
        }
        XCTAssertGreaterThanOrEqual(terminations, 1, "the goal was reached")
        XCTAssertGreaterThanOrEqual(truncations, 1, "a 999-step episode was truncated")
        print("MountainCarContinuous: \(terminations) terminated, \(truncations) truncated; largest deviations \(largest)")
        XCTAssertEqual(largest.observation, 0, "float32 observations, exactly")
        XCTAssertLessThanOrEqual(largest.reward, 1e-12, "float64 rewards, relative")
        XCTAssertEqual(largest.state, 0, "states, exactly")
    }

    func testTheSeedReachesGymnasiumsReset() throws {
        let first = try GymEnvironment(id: "Pendulum-v1"), second = try GymEnvironment(id: "Pendulum-v1")
        XCTAssertEqual(try first.checkedReset(seed: 7), try second.checkedReset(seed: 7))
        XCTAssertEqual(try first.checkedReset(), try second.checkedReset(), "the stream continues identically without a seed")
        XCTAssertNotEqual(try first.checkedReset(seed: 7), try first.checkedReset(seed: 8))
        // NumPy draws the initial state: theta uniform in [-π, π], thetadot in [-1, 1].
        let state = try first.readState()
        XCTAssertEqual(state.count, 2)
        XCTAssertTrue(abs(state[0]) <= .pi && abs(state[1]) <= 1)
    }

    func testFloat64SpacesArriveAsFloat32() throws {
        BridgeFixtures.install()
        let bridged = try GymEnvironment(id: BridgeFixtures.id("Float64Pendulum-v0"))
        let reference = try GymEnvironment(id: "Pendulum-v1")
        XCTAssertEqual(bridged.observationSpace, reference.observationSpace)
        XCTAssertEqual(bridged.actionSpace, reference.actionSpace)
        XCTAssertEqual(bridged.registeredID, "Float64Pendulum-v0", "the registry's id, without the module to import")
        XCTAssertNil(bridged.entryPoint, "registered with a class, not a module:Class string")
        XCTAssertEqual(bridged.observationShape, [3])
        XCTAssertEqual(try bridged.checkedReset(seed: 2), try reference.checkedReset(seed: 2))
        for action: Float in [0.5, -1.25, 2] {
            XCTAssertEqual(try bridged.checkedStep([action]).observation, try reference.checkedStep([action]).observation)
        }
    }
}
