import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// The settings that change what an update does: fixed α, the target update interval, TD3's policy
/// delay, DDPG as a TD3 configuration, and the registry and config files.
final class ConfigurationTests: XCTestCase {
    private let low: [Float] = [-2], high: [Float] = [2]

    private func batch(_ seed: UInt64) -> TransitionBatch {
        TestData.batch(rows: 8, observationSize: 3, low: low, high: high, seed: seed)
    }

    func testFixedAlphaStaysAndIsNotOptimised() throws {
        let sac = try TestLearners.sac(low: low, high: high, seed: 1) { $0.entropyCoefficient = .fixed(0.2) }
        var generator = SeededGenerator(seed: 2)
        for i in 0..<5 {
            let metrics = sac.update(on: batch(UInt64(i)), using: &generator)
            XCTAssertEqual(metrics["alpha"]!, Double(Float(exp(log(Float(0.2))))), "α is the fixed value")
            XCTAssertNil(metrics["alpha_loss"], "no temperature loss when α is fixed")
        }
        XCTAssertEqual(sac.alpha, exp(log(Float(0.2))))
        XCTAssertFalse(sac.metricNames.contains("alpha_loss"))
        XCTAssertFalse(sac.checkpointItems.contains { if case .optimizer(_, "optimizer.log_alpha") = $0 { return true } else { return false } })

        let learned = try TestLearners.sac(low: low, high: high, seed: 1)
        _ = learned.update(on: batch(0), using: &generator)
        XCTAssertNotEqual(learned.alpha, 1, "a learned α moves after one update")
    }

    func testTargetUpdateIntervalAboveOne() throws {
        let sac = try TestLearners.sac(low: low, high: high, seed: 3) { $0.targetUpdateInterval = 3 }
        var generator = SeededGenerator(seed: 4)
        var previous = sac.critics.targets.map(\.parameters.values)
        for update in 1...6 {
            _ = sac.update(on: batch(UInt64(update)), using: &generator)
            let now = sac.critics.targets.map(\.parameters.values)
            if update % 3 == 0 {
                XCTAssertNotEqual(now, previous, "targets move on update \(update)")
                for k in 0..<2 {  // θ̄ ← τθ + (1 − τ)θ̄ with the critic's new parameters
                    let critic = sac.critics.critics[k].parameters.values
                    for i in [0, 7, critic.count - 1] {
                        XCTAssertEqual(now[k][i], previous[k][i] * (1 - 0.005) + 0.005 * critic[i], accuracy: 1e-6)
                    }
                }
            } else {
                XCTAssertEqual(now, previous, "targets stay on update \(update)")
            }
            previous = now
        }
    }

    func testTD3PolicyDelay() throws {
        let td3 = try TestLearners.td3(low: low, high: high, seed: 5) { $0.policyDelay = 3 }
        var generator = SeededGenerator(seed: 6)
        var actor = td3.actor.parameters.values, actorTarget = td3.actorTarget.parameters.values
        var criticTargets = td3.critics.targets.map(\.parameters.values)
        for update in 1...6 {
            let critic = td3.critics.critics[0].parameters.values
            let metrics = td3.update(on: batch(UInt64(update)), using: &generator)
            XCTAssertNotEqual(td3.critics.critics[0].parameters.values, critic, "the critics step on every update")
            let delayed = update % 3 == 0
            XCTAssertEqual(metrics["actor_loss"] != nil, delayed, "actor loss reported on delayed updates only (update \(update))")
            XCTAssertEqual(td3.actor.parameters.values != actor, delayed, "the actor steps every third update (update \(update))")
            XCTAssertEqual(td3.actorTarget.parameters.values != actorTarget, delayed, "the actor target moves with it")
            XCTAssertEqual(td3.critics.targets.map(\.parameters.values) != criticTargets, delayed, "the critic targets move with it")
            actor = td3.actor.parameters.values
            actorTarget = td3.actorTarget.parameters.values
            criticTargets = td3.critics.targets.map(\.parameters.values)
        }
    }

    func testDDPGIsTD3WithOneCriticNoDelayNoSmoothing() throws {
        let ddpg = try TestLearners.ddpg(low: low, high: high, seed: 7)
        XCTAssertEqual(ddpg.critics.count, 1)
        XCTAssertEqual(ddpg.config.policyDelay, 1)
        XCTAssertEqual(ddpg.config.targetPolicyNoise, 0)
        XCTAssertEqual(ddpg.algorithmName, "ddpg")
        var generator = SeededGenerator(seed: 8)
        let before = generator
        let metrics = ddpg.update(on: batch(1), using: &generator)
        XCTAssertNotNil(metrics["actor_loss"], "the actor steps on every update")
        XCTAssertEqual(generator, before, "DDPG's update draws no noise")
    }

    func testRegistryAndConfigFileRoundTrip() throws {
        XCTAssertEqual(Algorithms.names, ["sac", "td3", "ddpg", "bc", "td3bc", "iql", "cql", "ppo", "a2c", "reinforce"])
        XCTAssertEqual(Algorithms.all.filter { $0.isOnPolicy }.map { $0.algorithmName }, ["ppo", "a2c", "reinforce"])
        for name in Algorithms.names {
            var configuration = try XCTUnwrap(LearnerConfiguration.defaults(for: name))
            configuration.common.hiddenSizes = [7, 5]
            let json = try JSONEncoder().encode(configuration)
            let decoded = try JSONDecoder().decode(LearnerConfiguration.self, from: json)
            XCTAssertEqual(decoded, configuration, name)
            XCTAssertEqual(decoded.algorithm, name)
            XCTAssertNotEqual(decoded, LearnerConfiguration.defaults(for: name), name)
        }
        XCTAssertNil(LearnerConfiguration.defaults(for: "trpo"))
        let unknown = Data(#"{"algorithm": "trpo", "config": {}}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(LearnerConfiguration.self, from: unknown)) { error in
            XCTAssertTrue("\(error)".contains("unknown algorithm 'trpo'"), "\(error)")
        }
        // PPO's defaults are RL Zoo's Pendulum-v1 settings (with gSDE, sde_sample_freq 4) on SB3's PPO.
        let ppo = PPOConfig()
        XCTAssertEqual(ppo.onPolicy.environmentCount, 4)
        XCTAssertEqual(ppo.onPolicy.stepsPerEnvironment, 1024)
        XCTAssertEqual(ppo.common.discount, 0.9)
        XCTAssertEqual(ppo.onPolicy.gaeLambda, 0.95)
        XCTAssertEqual(ppo.epochs, 10)
        XCTAssertEqual(ppo.common.learningRate, 1e-3)
        XCTAssertEqual(ppo.clipRange, 0.2)
        XCTAssertEqual(ppo.common.batchSize, 64)
        XCTAssertEqual(ppo.onPolicy.entropyCoefficient, 0)
        XCTAssertEqual(ppo.onPolicy.valueCoefficient, 0.5)
        XCTAssertEqual(ppo.onPolicy.maxGradientNorm, 0.5)
        XCTAssertEqual(ppo.common.hiddenSizes, [64, 64])
        XCTAssertEqual(ppo.common.activation, .tanh)
        XCTAssertEqual(ppo.onPolicy.logStdInit, 0)
        XCTAssertEqual(ppo.onPolicy.adamEpsilon, 1e-5)
        XCTAssertNil(ppo.valueClipRange)
        XCTAssertTrue(ppo.useSDE)
        XCTAssertEqual(ppo.sdeSampleFrequency, 4)
        XCTAssertEqual(SACConfig().common.hiddenSizes, [256, 256])
        XCTAssertEqual(TD3Config().common.learningRate, 1e-3)
        XCTAssertEqual(DDPGConfig().common.hiddenSizes, [400, 300])
    }

    func testBadSettingsAreRefusedNamingTheSetting() {
        var config = SACConfig()
        config.common.hiddenSizes = [Int.max]
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("hidden sizes"), "\($0)") }
        config = SACConfig()
        config.common.batchSize = 100_000_000_000
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("batch size"), "\($0)") }
        config = SACConfig()
        config.common.discount = 1.5
        XCTAssertThrowsError(try config.validate()) { XCTAssertTrue("\($0)".contains("discount"), "\($0)") }
        var td3 = TD3Config()
        td3.policyDelay = 0
        XCTAssertThrowsError(try td3.validate()) { XCTAssertEqual("\($0)", "invalid learner configuration: --policy-delay must lie in 1...1000, got 0") }
        td3 = TD3Config()
        td3.explorationNoise = .nan
        XCTAssertThrowsError(try td3.validate()) { XCTAssertTrue("\($0)".contains("--exploration-noise"), "\($0)") }
    }
}
