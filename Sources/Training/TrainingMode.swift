/// How a run gets its data.
public enum TrainingMode: String, Codable, Sendable {
    /// Step the environment, append every transition to the store, update from batches sampled from it.
    case online
    /// Update from batches sampled from an already filled store (a logged dataset, a finished run's
    /// store); the environment is used for evaluation only.
    case offline
}

extension TrainingMode {
    /// What a run's length counts, as its progress lines say it: "steps" online, "updates" offline.
    var unit: String { self == .online ? "steps" : "updates" }

    /// The count a run's length is measured in, of these counters.
    func progress(environmentSteps: Int, updates: Int) -> Int { self == .online ? environmentSteps : updates }
}

extension TrainingConfig {
    /// The count a run's rows are ordered by, and the step of its TensorBoard events: environment steps
    /// online; updates offline, and for a run that trained offline before going online (`onlineStart`: its
    /// offline rows all have env_steps 0, and it updates after every step since).
    func rowStep(environmentSteps: Int, updates: Int) -> Int {
        mode == .online && onlineStart == nil ? environmentSteps : updates
    }
}
