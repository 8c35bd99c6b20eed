import Randomness

/// The complete state of an environment (and of any wrapper around it), for checkpoints.
public struct EnvironmentSnapshot: Codable, Equatable, Sendable {
    /// The task's internal state in float64.
    public var state: [Double]
    /// The generator that draws initial states.
    public var generator: SeededGenerator
    /// Steps taken in the current episode, kept by `TimeLimit`; nil for an unwrapped task.
    public var elapsedSteps: Int?

    public init(state: [Double], generator: SeededGenerator, elapsedSteps: Int? = nil) {
        self.state = state
        self.generator = generator
        self.elapsedSteps = elapsedSteps
    }

    /// The snapshot of an environment whose state a checkpoint does not hold (`restoresSnapshots` false):
    /// no state values, a generator seeded with 0.
    public static let empty = EnvironmentSnapshot(state: [], generator: SeededGenerator(seed: 0))
}
