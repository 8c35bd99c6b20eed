/// What one environment step returns, with Gymnasium's two end flags kept apart.
public struct StepResult: Equatable, Sendable {
    /// The observation after the step (float32, as Gymnasium returns it). When the episode was
    /// truncated this is still the true final observation.
    public var observation: [Float]
    /// The reward, computed in float64 as Gymnasium does.
    public var reward: Double
    /// The episode reached a terminal state of the task: do not bootstrap from `observation`.
    public var terminated: Bool
    /// The episode was cut by a time limit: the state is not terminal.
    public var truncated: Bool

    public init(observation: [Float], reward: Double, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// Either flag: the episode is over and the next step must start with `reset`.
    public var isEpisodeOver: Bool { terminated || truncated }
}
