import Foundation
import Randomness

/// Gymnasium's `MountainCarContinuous-v0`: drive an underpowered car up the right hill.
///
/// State `position velocity`; observation the same in float32; action a force in [−1, 1].
/// Reward +100 on reaching position ≥ 0.45 with velocity ≥ 0 (terminated; compared in float32 once
/// the state is float32, so position float32(0.45) counts), minus 0.1·a² every
/// step, where `a` is the action as given (not clipped). The registry adds a 999-step `TimeLimit`.
///
/// Arithmetic follows Gymnasium 1.x under NumPy 2 promotion rules: after the first step the state
/// is float32, and so is every update computed from it; the first step after `reset` starts from a
/// float64 state.
public struct MountainCarContinuous: Environment {
    public static let minAction: Float = -1
    public static let maxAction: Float = 1
    public static let minPosition: Double = -1.2
    public static let maxPosition: Double = 0.6
    public static let maxSpeed: Double = 0.07
    public static let goalPosition: Double = 0.45
    public static let goalVelocity: Double = 0
    public static let power: Double = 0.0015

    public let observationSpace = BoxSpace(
        low: [Float(minPosition), -Float(maxSpeed)], high: [Float(maxPosition), Float(maxSpeed)])
    public let actionSpace = BoxSpace(low: [minAction], high: [maxAction])

    public var state: [Double] = [0, 0] {
        didSet { stateIsSinglePrecision = state.allSatisfy { Double(Float($0)) == $0 } }
    }
    /// Whether Gymnasium would hold the state as a float32 array (true after any step).
    private var stateIsSinglePrecision = true
    private var generator: SeededGenerator

    public init(seed: UInt64 = 0) {
        generator = SeededGenerator(seed: seed)
    }

    public mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        // Gymnasium: position ~ U(−0.6, −0.4), velocity 0, held in float64 until the first step.
        state = [-0.6 + 0.2 * generator.nextUnitDouble(), 0]
        stateIsSinglePrecision = false
        return observation
    }

    public mutating func step(_ action: [Float]) -> StepResult {
        precondition(action.count == 1, "MountainCarContinuous-v0 takes one action, got \(action.count)")
        // Gymnasium clips with Python's min/max: an action inside the range stays float32, a
        // clipped one becomes the Python float −1.0 or 1.0 (float64 in what follows).
        let isClipped = action[0] < Self.minAction || action[0] > Self.maxAction
        var position: Double
        var velocity: Double
        if stateIsSinglePrecision {
            // float32 state: every operation rounds to float32.
            let p = Float(state[0])
            let slope = 0.0025 * cos(Double(Float(3) * p))
            let push: Float = isClipped
                ? Float(Double(action[0] < 0 ? Self.minAction : Self.maxAction) * Self.power - slope)
                : action[0] * Float(Self.power) - Float(slope)
            var v = Float(state[1]) + push
            v = Swift.min(Swift.max(v, -Float(Self.maxSpeed)), Float(Self.maxSpeed))
            position = Double(p + v)
            velocity = Double(v)
        } else {
            // float64 state (first step after reset): the push meets float64 terms.
            let slope = 0.0025 * cos(3 * state[0])
            let push: Double = isClipped
                ? Double(action[0] < 0 ? Self.minAction : Self.maxAction) * Self.power - slope
                : Double(action[0] * Float(Self.power) - Float(slope))
            velocity = Swift.min(Swift.max(state[1] + push, -Self.maxSpeed), Self.maxSpeed)
            position = state[0] + velocity
        }
        position = Swift.min(Swift.max(position, Self.minPosition), Self.maxPosition)
        if position == Self.minPosition && velocity < 0 { velocity = 0 }

        // Gymnasium tests `position >= goal_position and velocity >= goal_velocity` with the Python
        // floats 0.45 and 0. After the first step the position is a NumPy float32, and NumPy 2
        // (NEP 50) converts the Python float to float32 for the comparison, so a position of
        // float32(0.45) = 0.449999988 has reached the goal. The first step compares in float64.
        // (A position clipped to 0.6 is a Python float; it passes either way.)
        let terminated = stateIsSinglePrecision
            ? Float(position) >= Float(Self.goalPosition) && Float(velocity) >= Float(Self.goalVelocity)
            : position >= Self.goalPosition && velocity >= Self.goalVelocity
        var reward = terminated ? 100.0 : 0.0
        reward -= Double(action[0]) * Double(action[0]) * 0.1
        state = [Double(Float(position)), Double(Float(velocity))]
        return StepResult(observation: observation, reward: reward, terminated: terminated, truncated: false)
    }

    /// True: the snapshot holds the whole state and the generator.
    public var restoresSnapshots: Bool { true }

    public func snapshot() -> EnvironmentSnapshot {
        EnvironmentSnapshot(state: state, generator: generator)
    }

    public mutating func restore(_ snapshot: EnvironmentSnapshot) {
        state = snapshot.state
        generator = snapshot.generator
    }

    private var observation: [Float] { [Float(state[0]), Float(state[1])] }
}
