import Randomness
import Transitions

/// An algorithm's configuration: `Codable` hyperparameters that know their algorithm's name and
/// build its learner. Registering the type in `Algorithms.all` makes the algorithm available to
/// `offpolicy train`, `bench update`, `config.json` and checkpoints.
public protocol LearnerConfig: Codable, Equatable, Sendable {
    /// The name on the command line and in files ("sac").
    static var algorithmName: String { get }
    /// One line for `--help`.
    static var summary: String { get }
    /// The algorithm's defaults.
    init()
    /// Whether the learner learns from rollouts of its own policy (an `OnPolicyLearner`: REINFORCE, A2C,
    /// PPO), trained by the on-policy loop, rather than from batches sampled from the store. Default false.
    static var isOnPolicy: Bool { get }
    var common: CommonHyperparameters { get set }
    /// The algorithm's own command-line options beyond the common ones (`--hidden`, `--batch`, `--lr`,
    /// `--gamma`), in the order they are applied and listed. Default: none.
    static var options: [LearnerOption<Self>] { get }
    /// `options`, type-erased for the registry. Default: from `options`.
    static var declaredOptions: [AnyLearnerOption] { get }
    /// Whether the algorithm learns only from a logged dataset (`--dataset`), never from its own
    /// interaction (BC, TD3+BC). Default false.
    static var requiresDataset: Bool { get }
    /// Whether the algorithm is made to learn from a logged dataset first and may go on online (IQL, CQL):
    /// a run names its data, `--dataset`, `--env` or both. Default false.
    static var isOfflineFirst: Bool { get }
    /// Whether `common.batchSize` is used (false where a rollout is one batch: A2C, REINFORCE), so
    /// `--batch` is refused where it would change nothing. Default true.
    static var usesBatchSize: Bool { get }
    /// This config with the algorithm's own options applied, then validated (see `LearnerConfig+Options.swift`).
    func applying(arguments: [String]) throws -> any LearnerConfig
    /// Throws `LearnerError.invalidConfiguration` naming the first setting out of range.
    func validate() throws
    /// This config adapted to the data an offline run will learn from (for example TD3+BC's
    /// observation statistics); by default the config itself.
    func fitted(to data: TransitionBatch) -> Self
    /// A freshly initialised learner for these spaces; its weights depend on `generator` only.
    func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                     generator: inout SeededGenerator) throws -> any Learner
}

extension LearnerConfig {
    public static var isOnPolicy: Bool { false }
    public static var isOfflineFirst: Bool { false }

    public func fitted(to data: TransitionBatch) -> Self { self }

    /// Whether `other` is a config of the same type with the same values.
    func isEqual(to other: any LearnerConfig) -> Bool {
        (other as? Self) == self
    }
}
