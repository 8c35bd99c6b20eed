/// Where a run that trained offline went on online (`offpolicy train --online-steps`): progress.csv and
/// metrics.csv rows with `updates` up to `updates` and `env_steps` 0 are its offline part, those after it
/// collected from the environment. The dataset was copied into the run's own store as pinned demonstrations
/// (`TrainingConfig.prefill`), and every online batch mixes them with fresh transitions at `prefill.ratio`.
public struct OnlineStart: Codable, Equatable, Sendable {
    /// The learner updates of the offline part.
    public var updates: Int
    /// The dataset store the offline part sampled from.
    public var dataset: String

    public init(updates: Int, dataset: String) {
        self.updates = updates
        self.dataset = dataset
    }
}
