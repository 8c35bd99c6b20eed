import Randomness
import Transitions

/// Which learner a run trains, with its full configuration: any registered `LearnerConfig`.
/// Encoded as `{"algorithm": "sac", "config": {...}}` (in `config.json` and checkpoints) and decoded
/// through the registry.
public struct LearnerConfiguration: Codable, Equatable, Sendable {
    public var config: any LearnerConfig

    public init(_ config: any LearnerConfig) { self.config = config }

    /// The defaults of the algorithm registered under `name`; nil for an unknown name.
    public static func defaults(for name: String) -> LearnerConfiguration? {
        Algorithms.configType(named: name).map { LearnerConfiguration($0.init()) }
    }

    public var algorithm: String { type(of: config).algorithmName }

    /// Whether the learner is on-policy (`LearnerConfig.isOnPolicy`).
    public var isOnPolicy: Bool { type(of: config).isOnPolicy }

    /// The hyperparameters every learner has.
    public var common: CommonHyperparameters {
        get { config.common }
        set { config.common = newValue }
    }

    public func validate() throws { try config.validate() }

    /// This configuration with the algorithm's own options applied (`LearnerConfig.applying(arguments:)`).
    public func applying(arguments: [String]) throws -> LearnerConfiguration {
        LearnerConfiguration(try config.applying(arguments: arguments))
    }

    /// Updates between rows of `metrics.csv` unless the user says otherwise: 1000; for an on-policy
    /// learner the updates of about 4096 environment steps (PPO: every rollout; A2C: 204 rollouts and
    /// their replay updates; REINFORCE: 5 rollouts).
    public var defaultMetricsInterval: Int {
        guard let config = config as? any OnPolicyLearnerConfig else { return 1000 }
        let rollout = config.onPolicy.environmentCount * config.onPolicy.stepsPerEnvironment
        return max(1, 4096 / rollout) * (1 + config.replayUpdatesPerRollout)
    }

    /// The config adapted to an offline run's data (`LearnerConfig.fitted(to:)`).
    public func fitted(to data: TransitionBatch) -> LearnerConfiguration {
        LearnerConfiguration(config.fitted(to: data))
    }

    public func makeLearner(observationSize: Int, actionLow: [Float], actionHigh: [Float],
                            generator: inout SeededGenerator) throws -> any Learner {
        try config.makeLearner(observationSize: observationSize, actionLow: actionLow, actionHigh: actionHigh, generator: &generator)
    }

    private enum CodingKeys: String, CodingKey { case algorithm, config }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .algorithm)
        guard let type = Algorithms.configType(named: name) else {
            throw DecodingError.dataCorruptedError(forKey: .algorithm, in: container,
                                                   debugDescription: "unknown algorithm '\(name)' (known: \(Algorithms.names.joined(separator: ", ")))")
        }
        config = try Self.decode(type, from: container)
    }

    private static func decode<Config: LearnerConfig>(_ type: Config.Type, from container: KeyedDecodingContainer<CodingKeys>) throws -> Config {
        try container.decode(Config.self, forKey: .config)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encode(config, forKey: .config)
    }

    public static func == (lhs: LearnerConfiguration, rhs: LearnerConfiguration) -> Bool {
        lhs.config.isEqual(to: rhs.config)
    }
}
