import Environments
import Learners
import Randomness

/// Which learner a run trains, with its full configuration (written into `config.json`).
/// The settings the training loop itself reads (batch size, learning starts, gradient steps per
/// environment step, replay capacity) are fields of each learner's documented config.
public enum LearnerConfiguration: Codable, Equatable, Sendable {
    case sac(config: SACConfig)
    case td3(config: TD3Config)
    case ddpg(config: DDPGConfig)

    /// The learner's defaults (Stable-Baselines3 2.x, documented in its config).
    public static func defaults(for algorithm: Algorithm) -> LearnerConfiguration {
        switch algorithm {
        case .sac: return .sac(config: SACConfig())
        case .td3: return .td3(config: TD3Config())
        case .ddpg: return .ddpg(config: DDPGConfig())
        }
    }

    public var algorithm: Algorithm {
        switch self {
        case .sac: return .sac
        case .td3: return .td3
        case .ddpg: return .ddpg
        }
    }

    /// Reads a setting every learner config has.
    private func read<T>(_ sac: KeyPath<SACConfig, T>, _ td3: KeyPath<TD3Config, T>, _ ddpg: KeyPath<DDPGConfig, T>) -> T {
        switch self {
        case .sac(let c): return c[keyPath: sac]
        case .td3(let c): return c[keyPath: td3]
        case .ddpg(let c): return c[keyPath: ddpg]
        }
    }

    /// Writes a setting every learner config has.
    private mutating func write<T>(_ value: T, _ sac: WritableKeyPath<SACConfig, T>, _ td3: WritableKeyPath<TD3Config, T>,
                                   _ ddpg: WritableKeyPath<DDPGConfig, T>) {
        switch self {
        case .sac(var c): c[keyPath: sac] = value; self = .sac(config: c)
        case .td3(var c): c[keyPath: td3] = value; self = .td3(config: c)
        case .ddpg(var c): c[keyPath: ddpg] = value; self = .ddpg(config: c)
        }
    }

    /// Transitions per gradient step.
    public var batchSize: Int {
        get { read(\.batchSize, \.batchSize, \.batchSize) }
        set { write(newValue, \.batchSize, \.batchSize, \.batchSize) }
    }

    /// Hidden layer widths of every network.
    public var hiddenSizes: [Int] {
        get { read(\.hiddenSizes, \.hiddenSizes, \.hiddenSizes) }
        set { write(newValue, \.hiddenSizes, \.hiddenSizes, \.hiddenSizes) }
    }

    /// Adam step size of every network.
    public var learningRate: Double {
        get { read(\.learningRate, \.learningRate, \.learningRate) }
        set { write(newValue, \.learningRate, \.learningRate, \.learningRate) }
    }

    /// Steps of uniformly random actions before the policy acts and updates begin.
    public var learningStarts: Int {
        get { read(\.learningStarts, \.learningStarts, \.learningStarts) }
        set { write(newValue, \.learningStarts, \.learningStarts, \.learningStarts) }
    }

    /// Gradient steps per environment step once learning has started.
    public var gradientStepsPerStep: Int {
        get { read(\.gradientStepsPerStep, \.gradientStepsPerStep, \.gradientStepsPerStep) }
        set { write(newValue, \.gradientStepsPerStep, \.gradientStepsPerStep, \.gradientStepsPerStep) }
    }

    /// Live transitions the replay store keeps.
    public var replayCapacity: Int {
        get { read(\.replayCapacity, \.replayCapacity, \.replayCapacity) }
        set { write(newValue, \.replayCapacity, \.replayCapacity, \.replayCapacity) }
    }

    /// A freshly initialised learner for `environment`'s spaces; its weights depend on `seed` only.
    public func makeLearner(for environment: EnvironmentID, seed: UInt64) throws -> any Learner {
        let probe = environment.make()
        let observationSize = probe.observationSpace.dimension
        let low = probe.actionSpace.low, high = probe.actionSpace.high
        var generator = SeededGenerator(seed: seed, stream: 4)
        switch self {
        case .sac(let config):
            return try SAC(observationSize: observationSize, actionLow: low, actionHigh: high, config: config, generator: &generator)
        case .td3(let config):
            return try TD3(observationSize: observationSize, actionLow: low, actionHigh: high, config: config, generator: &generator)
        case .ddpg(let config):
            return try DDPG(observationSize: observationSize, actionLow: low, actionHigh: high, config: config, generator: &generator)
        }
    }
}
