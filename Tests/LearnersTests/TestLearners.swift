import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Small learners for the tests, built through the registry's configs.
enum TestLearners {
    static func config<Config: LearnerConfig>(_ type: Config.Type, hidden: [Int], batch: Int, activation: Activation = .relu) -> Config {
        var config = Config()
        config.common.hiddenSizes = hidden
        config.common.batchSize = batch
        config.common.activation = activation
        return config
    }

    static func sac(observationSize: Int = 3, low: [Float], high: [Float], hidden: [Int] = [16, 16], batch: Int = 8,
                    activation: Activation = .relu, seed: UInt64, edit: (inout SACConfig) -> Void = { _ in }) throws -> SAC {
        var generator = SeededGenerator(seed: seed)
        var config = config(SACConfig.self, hidden: hidden, batch: batch, activation: activation)
        edit(&config)
        return try SAC(observationSize: observationSize, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    static func td3(observationSize: Int = 3, low: [Float], high: [Float], hidden: [Int] = [16, 16], batch: Int = 8,
                    activation: Activation = .relu, seed: UInt64, edit: (inout TD3Config) -> Void = { _ in }) throws -> TD3 {
        var generator = SeededGenerator(seed: seed)
        var config = config(TD3Config.self, hidden: hidden, batch: batch, activation: activation)
        edit(&config)
        return try TD3(observationSize: observationSize, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    /// DDPG is TD3 built from a `DDPGConfig`.
    static func ddpg(observationSize: Int = 3, low: [Float], high: [Float], hidden: [Int] = [16, 16], batch: Int = 8,
                     activation: Activation = .relu, seed: UInt64) throws -> TD3 {
        var generator = SeededGenerator(seed: seed)
        let config = config(DDPGConfig.self, hidden: hidden, batch: batch, activation: activation)
        return try config.makeLearner(observationSize: observationSize, actionLow: low, actionHigh: high, generator: &generator) as! TD3
    }

    /// TD3+BC (TD3 built from a `TD3BCConfig`) with observation statistics of a sample batch.
    static func td3bc(observationSize: Int = 3, low: [Float], high: [Float], hidden: [Int] = [24, 16], batch: Int = 16,
                      activation: Activation = .relu, seed: UInt64) throws -> TD3 {
        var generator = SeededGenerator(seed: seed)
        let sample = TestData.batch(rows: 64, observationSize: observationSize, low: low, high: high, seed: 77)
        let config = config(TD3BCConfig.self, hidden: hidden, batch: batch, activation: activation).fitted(to: sample)
        return try config.makeLearner(observationSize: observationSize, actionLow: low, actionHigh: high, generator: &generator) as! TD3
    }

    /// Any registered learner, by name.
    static func learner(_ name: String, observationSize: Int = 3, low: [Float], high: [Float], hidden: [Int] = [16, 16],
                        batch: Int = 8, seed: UInt64) throws -> any Learner {
        var configuration = LearnerConfiguration.defaults(for: name)!
        configuration.common.hiddenSizes = hidden
        configuration.common.batchSize = batch
        var generator = SeededGenerator(seed: seed)
        return try configuration.makeLearner(observationSize: observationSize, actionLow: low, actionHigh: high, generator: &generator)
    }
}
