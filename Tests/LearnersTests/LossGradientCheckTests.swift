import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners

/// Finite-difference checks of every learner loss w.r.t. the parameters it trains (relative error < 1e-3).
/// Small tanh networks keep the losses smooth (ReLU's kinks are checked in NeuralNetworkTests); the step
/// 3e-2 balances Float32 round-off (which dominates below ~1e-2) against truncation (above ~1e-1).
final class LossGradientCheckTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    private func sac() throws -> SAC {
        var generator = SeededGenerator(seed: 1)
        var config = SACConfig()
        config.hiddenSizes = [6, 5]
        config.activation = .tanh
        config.batchSize = 6
        return try SAC(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    /// J_Q = ½ Σ_k mean (Q_k(s, a) − y)² w.r.t. both critics, y held fixed.
    func testSACCriticLoss() throws {
        let learner = try sac()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 1)
        learner.stage(batch)
        var noise = SeededGenerator(seed: 2)
        learner.computeTargets(batch, alpha: 0.3, using: &noise)
        _ = learner.criticLossAndGradients(rows: 6)
        // Backward passes accumulate: take both analytic gradients before the loss is evaluated again.
        let analyticGradients = learner.critics.map { $0.gradients.values }
        for k in 0..<2 {
            let analytic = analyticGradients[k]
            let numerical = FiniteDifference.gradient(of: learner.critics[k].parameters.base, count: learner.critics[k].parameterCount, step: 3e-2) {
                learner.criticLossAndGradients(rows: 6)
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "SAC critic \(k + 1)")
        }
    }

    /// J_π = mean (α log π(ã|s) − min_k Q_k(s, ã)) w.r.t. the actor, through the reparameterised
    /// tanh-Gaussian sample (ε fixed) and both critics.
    func testSACActorLoss() throws {
        let learner = try sac()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 3)
        learner.stage(batch)
        let noise = SeededGenerator(seed: 4)
        var draw = noise
        _ = learner.actorLossAndGradients(batch, alpha: 0.3, using: &draw)
        let fromFirst = (0..<6).filter { learner.valueGradient.base[$0] != 0 }.count
        let fromSecond = (0..<6).filter { learner.secondValueGradient.base[$0] != 0 }.count
        XCTAssertTrue(fromFirst > 0 && fromSecond > 0, "both critics must take part (Q₁ min in \(fromFirst) rows, Q₂ in \(fromSecond))")
        let analytic = learner.actor.gradients.values
        let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            var draw = noise
            return learner.actorLossAndGradients(batch, alpha: 0.3, using: &draw).loss
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "SAC actor")
    }

    /// J(α) = −log α · (mean log π + H̄) w.r.t. log α.
    func testSACTemperatureLoss() throws {
        let learner = try sac()
        _ = learner.temperatureLossAndGradient(meanLogProbability: 0.7)
        let analytic = [learner.logAlphaGradient.base[0]]
        let numerical = FiniteDifference.gradient(of: learner.logAlpha.base, count: 1, step: 3e-2) {
            Double(learner.temperatureLossAndGradient(meanLogProbability: 0.7))
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "SAC temperature")
        XCTAssertEqual(analytic[0], -(0.7 + learner.targetEntropy), accuracy: 1e-6)
        XCTAssertEqual(learner.targetEntropy, -2, "H̄ defaults to −dim(A)")
    }

    private func td3() throws -> TD3 {
        var generator = SeededGenerator(seed: 5)
        var config = TD3Config()
        config.hiddenSizes = [6, 5]
        config.activation = .tanh
        config.batchSize = 6
        return try TD3(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
    }

    /// Σ_k mean (Q_k(s, a) − y)² w.r.t. both critics, and −mean Q₁(s, μ(s)) w.r.t. the actor.
    func testTD3Losses() throws {
        let learner = try td3()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 6)
        learner.stage(batch)
        var noise = SeededGenerator(seed: 7)
        learner.computeTargets(batch, using: &noise)
        _ = learner.criticLossAndGradients(rows: 6)
        // Backward passes accumulate: take both analytic gradients before the loss is evaluated again.
        let analyticGradients = learner.critics.map { $0.gradients.values }
        for k in 0..<2 {
            let analytic = analyticGradients[k]
            let numerical = FiniteDifference.gradient(of: learner.critics[k].parameters.base, count: learner.critics[k].parameterCount, step: 3e-2) {
                learner.criticLossAndGradients(rows: 6)
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "TD3 critic \(k + 1)")
        }
        _ = learner.actorLossAndGradients(batch)
        let analytic = learner.actor.gradients.values
        let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            learner.actorLossAndGradients(batch)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "TD3 actor")
    }

    /// mean (Q(s, a) − y)² w.r.t. the critic, and −mean Q(s, μ(s)) w.r.t. the actor.
    func testDDPGLosses() throws {
        var generator = SeededGenerator(seed: 8)
        var config = DDPGConfig()
        config.hiddenSizes = [6, 5]
        config.activation = .tanh
        config.batchSize = 6
        let learner = try DDPG(observationSize: 3, actionLow: low, actionHigh: high, config: config, generator: &generator)
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 9)
        learner.stage(batch)
        learner.computeTargets(batch)
        _ = learner.criticLossAndGradients(rows: 6)
        var analytic = learner.critic.gradients.values
        var numerical = FiniteDifference.gradient(of: learner.critic.parameters.base, count: learner.critic.parameterCount, step: 3e-2) {
            learner.criticLossAndGradients(rows: 6)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "DDPG critic")
        _ = learner.actorLossAndGradients(batch)
        analytic = learner.actor.gradients.values
        numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            learner.actorLossAndGradients(batch)
        }
        FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "DDPG actor")
    }
}
