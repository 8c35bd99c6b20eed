import Foundation
import Randomness

/// Gymnasium's `Pendulum-v1`: swing a frictionless pendulum up and hold it upright.
///
/// State `theta thetadot` in float64 (theta 0 is upright); observation `cos θ, sin θ, θ̇` in float32;
/// action a torque in [−2, 2]. Reward −(normalize(θ)² + 0.1·θ̇² + 0.001·u²). No terminal state;
/// the registry wraps it in a 200-step `TimeLimit`.
///
/// Arithmetic follows Gymnasium 1.x under NumPy 2 promotion rules: the clipped torque `u` stays
/// float32, so `0.001·u²` and `3·u` are rounded to float32 before they meet float64 terms.
public struct Pendulum: Environment {
    public static let maxSpeed: Double = 8
    public static let maxTorque: Float = 2
    public static let timeStep: Double = 0.05
    public static let gravity: Double = 10
    public static let mass: Double = 1
    public static let length: Double = 1

    public let observationSpace = BoxSpace(low: [-1, -1, -Float(maxSpeed)], high: [1, 1, Float(maxSpeed)])
    public let actionSpace = BoxSpace(low: [-maxTorque], high: [maxTorque])

    public var state: [Double] = [0, 0]
    private var generator: SeededGenerator

    /// A pendulum whose initial states are drawn from a generator seeded with `seed`
    /// (re-seeded by `reset(seed:)`).
    public init(seed: UInt64 = 0) {
        generator = SeededGenerator(seed: seed)
    }

    public mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        // Gymnasium: theta ~ U(−π, π), thetadot ~ U(−1, 1).
        let theta = -Double.pi + 2 * Double.pi * generator.nextUnitDouble()
        let thetaDot = -1 + 2 * generator.nextUnitDouble()
        state = [theta, thetaDot]
        return observation
    }

    public mutating func step(_ action: [Float]) -> StepResult {
        precondition(action.count == 1, "Pendulum-v1 takes one action, got \(action.count)")
        let theta = state[0], thetaDot = state[1]
        let torque = Swift.min(Swift.max(action[0], -Self.maxTorque), Self.maxTorque)

        // NumPy squares the float32 torque with its own float32 power, which can land one ulp
        // away from the correctly rounded u·u used here: rewards then agree to about 2e-10 relative.
        let torqueCost = Double(Float(0.001) * (torque * torque))
        let cost = Self.normalizedAngle(theta) * Self.normalizedAngle(theta) + 0.1 * thetaDot * thetaDot + torqueCost

        let gravityTerm = 3 * Self.gravity / (2 * Self.length) * sin(theta)
        let torqueTerm = Double(Float(3 / (Self.mass * Self.length * Self.length)) * torque)
        var newThetaDot = thetaDot + (gravityTerm + torqueTerm) * Self.timeStep
        newThetaDot = Swift.min(Swift.max(newThetaDot, -Self.maxSpeed), Self.maxSpeed)
        let newTheta = theta + newThetaDot * Self.timeStep
        state = [newTheta, newThetaDot]
        return StepResult(observation: observation, reward: -cost, terminated: false, truncated: false)
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

    private var observation: [Float] {
        [Float(cos(state[0])), Float(sin(state[0])), Float(state[1])]
    }

    /// θ mapped into [−π, π) with a floored modulo, as `((x + π) mod 2π) − π` in NumPy.
    static func normalizedAngle(_ x: Double) -> Double {
        let period = 2 * Double.pi
        var remainder = fmod(x + Double.pi, period)
        if remainder != 0, remainder < 0 { remainder += period }
        return remainder - Double.pi
    }
}
