import Environments
import Learners
import Randomness

/// Which learner a run trains, with its full configuration (written into `config.json`).
public enum LearnerConfiguration: Codable, Equatable, Sendable {
    case sac(config: SACConfig)

    /// The learner's defaults (Stable-Baselines3 2.x), or an error naming what is not built yet.
    public static func defaults(for algorithm: Algorithm) throws -> LearnerConfiguration {
        switch algorithm {
        case .sac: return .sac(config: SACConfig())
        case .td3, .ddpg:
            throw TrainingError.invalidConfig("\(algorithm.rawValue) is not available in this build yet (the learner has not landed in the Learners module)")
        }
    }

    public var algorithm: Algorithm {
        switch self {
        case .sac: return .sac
        }
    }

    /// Transitions per gradient step.
    public var batchSize: Int {
        get { switch self { case .sac(let c): return c.batchSize } }
        set { switch self { case .sac(var c): c.batchSize = newValue; self = .sac(config: c) } }
    }

    public var hiddenSizes: [Int] {
        get { switch self { case .sac(let c): return c.hiddenSizes } }
        set { switch self { case .sac(var c): c.hiddenSizes = newValue; self = .sac(config: c) } }
    }

    public var learningRate: Double {
        get { switch self { case .sac(let c): return c.learningRate } }
        set { switch self { case .sac(var c): c.learningRate = newValue; self = .sac(config: c) } }
    }

    /// Steps of uniformly random actions before the policy acts and updates begin.
    public var learningStarts: Int {
        get { switch self { case .sac(let c): return c.learningStarts } }
        set { switch self { case .sac(var c): c.learningStarts = newValue; self = .sac(config: c) } }
    }

    public var gradientStepsPerStep: Int {
        switch self { case .sac(let c): return c.gradientStepsPerStep }
    }

    public var replayCapacity: Int {
        switch self { case .sac(let c): return c.replayCapacity }
    }

    /// A freshly initialised learner for `environment`'s spaces.
    public func makeLearner(for environment: EnvironmentID, seed: UInt64) throws -> any Learner {
        let probe = environment.make()
        var generator = SeededGenerator(seed: seed, stream: 4)
        switch self {
        case .sac(let config):
            return try SAC(observationSize: probe.observationSpace.dimension, actionLow: probe.actionSpace.low,
                           actionHigh: probe.actionSpace.high, config: config, generator: &generator)
        }
    }
}
