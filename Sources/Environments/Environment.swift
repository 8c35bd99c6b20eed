import Randomness

/// A task with Gymnasium's semantics: `reset(seed:)` starts an episode and returns its first
/// observation, `step(_:)` applies an action and reports the reward and the two end flags.
///
/// Environments are value types; copying one copies its whole state. `snapshot()` and
/// `restore(_:)` turn that state into a `Codable` value for checkpoints.
public protocol Environment {
    /// Bounds of the observations (float32).
    var observationSpace: BoxSpace { get }
    /// Bounds of the actions. `step` clips actions into it as Gymnasium's task does.
    var actionSpace: BoxSpace { get }

    /// The internal state in float64, as Gymnasium holds it in `env.unwrapped.state`
    /// (Pendulum: `theta thetadot`; MountainCar: `position velocity`). Setting it is for tests
    /// and reference replays: the next `step` continues from it.
    var state: [Double] { get set }

    /// Starts an episode. With a seed, the environment's generator is re-seeded first (as in
    /// Gymnasium); without one it continues its stream.
    mutating func reset(seed: UInt64?) -> [Float]

    /// Applies `action` (clipped to `actionSpace` by the task where Gymnasium clips).
    mutating func step(_ action: [Float]) -> StepResult

    /// Everything needed to continue this environment exactly where it is.
    func snapshot() -> EnvironmentSnapshot

    /// Returns to a state captured by `snapshot()`.
    mutating func restore(_ snapshot: EnvironmentSnapshot)
}

extension Environment {
    /// Starts an episode, continuing the environment's random stream.
    public mutating func reset() -> [Float] { reset(seed: nil) }
}
