/// What a Minari export says about the environment: its Gymnasium id and spaces. Without it the
/// dataset has no `env_spec` and unbounded spaces of the store's sizes.
public struct MinariEnvironment: Sendable {
    public var id: String
    /// Gymnasium's entry point (`module:Class`), when known.
    public var entryPoint: String?
    public var maxEpisodeSteps: Int?
    /// nil: an unbounded box of the dataset's size.
    public var observationSpace: MinariBox?
    /// nil: an unbounded box of the dataset's size.
    public var actionSpace: MinariBox?

    public init(id: String, entryPoint: String? = nil, maxEpisodeSteps: Int? = nil, observationSpace: MinariBox? = nil, actionSpace: MinariBox? = nil) {
        self.id = id
        self.entryPoint = entryPoint
        self.maxEpisodeSteps = maxEpisodeSteps
        self.observationSpace = observationSpace
        self.actionSpace = actionSpace
    }

    /// Gymnasium's `EnvSpec.to_json()` layout, which Minari stores as the string `env_spec`.
    var specJSON: String {
        func quoted(_ text: String?) -> String {
            guard let text else { return "null" }
            return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return #"{"id": "# + quoted(id) + #", "entry_point": "# + quoted(entryPoint)
            + #", "reward_threshold": null, "nondeterministic": false, "max_episode_steps": "# + (maxEpisodeSteps.map(String.init) ?? "null")
            + #", "order_enforce": true, "disable_env_checker": false, "kwargs": {}, "additional_wrappers": [], "vector_entry_point": null}"#
    }
}
