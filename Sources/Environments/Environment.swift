import Randomness

/// A task with Gymnasium's semantics: `reset(seed:)` starts an episode and returns its first
/// observation, `step(_:)` applies an action and reports the reward and the two end flags.
///
/// An environment of your own needs only its two spaces, `reset(seed:)` and `step(_:)`; everything else has
/// a default. Without `snapshot()` and `restore(_:)` a checkpoint cannot hold the environment's state:
/// `restoresSnapshots` is then false, as for a bridged Gymnasium environment, and a resumed run starts a
/// fresh episode (seeded from the run's seed and step count) instead of continuing the interrupted one.
/// Implement both, and return true from `restoresSnapshots`, for resumes that continue bit for bit.
///
/// The built-in environments are value types; copying one copies its whole state. `snapshot()` and
/// `restore(_:)` turn that state into a `Codable` value for checkpoints. A bridged Gymnasium
/// environment (`GymEnvironment`) is a reference to a process instead: make a second one rather than
/// copying it, and expect `restoresSnapshots` to be false.
public protocol Environment {
    /// Bounds of the observations (float32).
    var observationSpace: BoxSpace { get }
    /// Bounds of the actions. `step` clips actions into it as Gymnasium's task does.
    var actionSpace: BoxSpace { get }

    /// The internal state in float64, as Gymnasium holds it in `env.unwrapped.state`
    /// (Pendulum: `theta thetadot`; MountainCar: `position velocity`). Setting it is for tests
    /// and reference replays: the next `step` continues from it. The default holds no values, and
    /// setting it to anything but `[]` stops the program (there is nowhere to put them).
    var state: [Double] { get set }

    /// Starts an episode. With a seed, the environment's generator is re-seeded first (as in
    /// Gymnasium); without one it continues its stream.
    mutating func reset(seed: UInt64?) -> [Float]

    /// Applies `action` (clipped to `actionSpace` by the task where Gymnasium clips).
    mutating func step(_ action: [Float]) -> StepResult

    /// Everything needed to continue this environment exactly where it is. The default is an empty
    /// snapshot (`EnvironmentSnapshot.empty`).
    func snapshot() -> EnvironmentSnapshot

    /// Returns to a state captured by `snapshot()`. The default does nothing.
    mutating func restore(_ snapshot: EnvironmentSnapshot)

    /// `reset(seed:)` for an environment that can fail (one run by another process, as the Gymnasium
    /// bridge's): the failure is thrown, where `reset` would stop the program. Loops call this one.
    mutating func checkedReset(seed: UInt64?) throws -> [Float]

    /// `step(_:)` for an environment that can fail: the failure is thrown. Loops call this one.
    mutating func checkedStep(_ action: [Float]) throws -> StepResult

    /// Whether `restore(snapshot())` continues exactly where the environment was. False for an environment
    /// whose state lives elsewhere (a Python process) or that does not implement `snapshot()` and
    /// `restore(_:)` (the default): a resumed run then starts a fresh episode.
    var restoresSnapshots: Bool { get }
}

extension Environment {
    /// Starts an episode, continuing the environment's random stream.
    public mutating func reset() -> [Float] { reset(seed: nil) }

    /// `checkedReset(seed: nil)`.
    public mutating func checkedReset() throws -> [Float] { try checkedReset(seed: nil) }

    public mutating func checkedReset(seed: UInt64?) throws -> [Float] { reset(seed: seed) }
    public mutating func checkedStep(_ action: [Float]) throws -> StepResult { step(action) }

    /// False: the default `snapshot()` and `restore(_:)` hold nothing.
    public var restoresSnapshots: Bool { false }

    /// An empty snapshot: this environment's state is not captured.
    public func snapshot() -> EnvironmentSnapshot { .empty }

    /// Does nothing: the default snapshot holds nothing to return to.
    public mutating func restore(_ snapshot: EnvironmentSnapshot) {}

    /// No values: an environment without a float64 state of its own need not expose one.
    public var state: [Double] {
        get { [] }
        set { precondition(newValue.isEmpty, "\(Self.self) keeps no float64 state to set (it does not implement `state`)") }
    }
}
