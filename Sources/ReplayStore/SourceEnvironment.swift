/// The environment a dataset's or a store's transitions came from, as far as it is known: what a
/// Minari export needs to name it (`env_spec`) and to describe its spaces.
public struct SourceEnvironment: Codable, Equatable, Sendable {
    /// The Gymnasium id, as Gymnasium's registry has it (`HalfCheetah-v5`, never the bridge's `gym:` prefix);
    /// nil when the data names no environment (a Minari dataset without `env_spec`).
    public var id: String?
    /// Gymnasium's entry point of the id (`module:Class`, `gymnasium.spec(id).entry_point`), when known.
    public var entryPoint: String?
    /// The `TimeLimit` Gymnasium's registry gives the id (`max_episode_steps`), when it has one.
    public var maxEpisodeSteps: Int?
    public var observationSpace: BoxBounds
    public var actionSpace: BoxBounds

    public init(id: String?, entryPoint: String? = nil, maxEpisodeSteps: Int? = nil,
                observationSpace: BoxBounds, actionSpace: BoxBounds) {
        self.id = id
        self.entryPoint = entryPoint
        self.maxEpisodeSteps = maxEpisodeSteps
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
    }

    /// Why this record does not describe data of `observationSize` and `actionSize` values (a space that is not
    /// a box, or of another size, or an episode limit below 1); nil when it does.
    public func problem(observationSize: Int, actionSize: Int) -> String? {
        for (name, space, size) in [("observation", observationSpace, observationSize), ("action", actionSpace, actionSize)] {
            if let problem = space.problem { return "its \(name) space is malformed: \(problem)" }
            if space.size != size { return "its \(name) space has \(space.size) values, the data \(size)" }
        }
        if let maxEpisodeSteps, maxEpisodeSteps < 1 { return "its episode limit \(maxEpisodeSteps) is below 1" }
        return nil
    }
}
