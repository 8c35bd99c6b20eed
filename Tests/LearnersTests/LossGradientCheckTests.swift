import TestSupport
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// Finite-difference checks of every learner loss w.r.t. the parameters it trains (relative error < 1e-3).
/// Small tanh networks keep the losses smooth (ReLU's kinks are checked in NeuralNetworkTests); the step
/// 3e-2 balances Float32 round-off (which dominates below ~1e-2) against truncation (above ~1e-1).
final class LossGradientCheckTests: XCTestCase {
    let low: [Float] = [-2, -1], high: [Float] = [2, 3]

    private func sac() throws -> SAC {
        try TestLearners.sac(low: low, high: high, hidden: [6, 5], batch: 6, activation: .tanh, seed: 1)
    }

    /// J_Q of critic k = ½ mean (Q_k(s, a) − y)² w.r.t. critic k, y held fixed.
    func testSACCriticLoss() throws {
        let learner = try sac()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 1)
        learner.stage(batch)
        var noise = SeededGenerator(seed: 2)
        learner.softBellmanTargets(batch, alpha: 0.3, using: &noise)
        for k in 0..<2 {
            let critic = learner.critics.critics[k]
            _ = learner.criticLossAndGradient(k, rows: 6)
            // Backward passes accumulate: take the analytic gradient before the loss is evaluated again.
            let analytic = critic.gradients.values
            let numerical = FiniteDifference.gradient(of: critic.parameters.base, count: critic.parameterCount, step: 3e-2) {
                learner.criticLossAndGradient(k, rows: 6)
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "SAC critic \(k + 1)")
        }
    }

    /// The loss, from a fixed noise stream: ã sampled, Q_k(s, ã) from both critics, J_π.
    private func sacActorLoss(_ learner: SAC, _ batch: TransitionBatch, noise: SeededGenerator) -> Double {
        var draw = noise
        let sample = learner.samplePolicyActions(batch, using: &draw)
        let q1 = learner.critics.critics[0].forward(learner.inputs.policy.base, rows: batch.count)
        let q2 = learner.critics.critics[1].forward(learner.inputs.policy.base, rows: batch.count)
        return learner.actorLossAndGradient(batch, sample: sample, firstValues: q1, secondValues: q2, alpha: 0.3).loss
    }

    /// J_π = mean (α log π(ã|s) − min_k Q_k(s, ã)) w.r.t. the actor, through the reparameterised
    /// tanh-Gaussian sample (ε fixed) and both critics.
    func testSACActorLoss() throws {
        let learner = try sac()
        let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: 3)
        learner.stage(batch)
        let noise = SeededGenerator(seed: 4)
        _ = sacActorLoss(learner, batch, noise: noise)
        let fromFirst = (0..<6).filter { learner.firstValueGradient.base[$0] != 0 }.count
        let fromSecond = (0..<6).filter { learner.secondValueGradient.base[$0] != 0 }.count
        XCTAssertTrue(fromFirst > 0 && fromSecond > 0, "both critics must take part (Q₁ min in \(fromFirst) rows, Q₂ in \(fromSecond))")
        let analytic = learner.actor.gradients.values
        let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
            self.sacActorLoss(learner, batch, noise: noise)
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

    /// Σ_k mean (Q_k(s, a) − y)² w.r.t. every critic, and −mean Q₁(s, μ(s)) w.r.t. the actor, for TD3
    /// (two critics, smoothed targets) and DDPG (TD3 with one critic, no smoothing).
    func testTD3AndDDPGLosses() throws {
        let learners: [(String, TD3, batchSeed: UInt64)] = [
            ("TD3", try TestLearners.td3(low: low, high: high, hidden: [6, 5], batch: 6, activation: .tanh, seed: 5), 6),
            ("DDPG", try TestLearners.ddpg(low: low, high: high, hidden: [6, 5], batch: 6, activation: .tanh, seed: 8), 9),
        ]
        for (name, learner, batchSeed) in learners {
            let batch = TestData.batch(rows: 6, observationSize: 3, low: low, high: high, seed: batchSeed)
            learner.stage(batch)
            var noise = SeededGenerator(seed: 7)
            learner.smoothedTargets(batch, using: &noise)
            for k in 0..<learner.critics.count {
                let critic = learner.critics.critics[k]
                _ = learner.criticLossAndGradient(k, rows: 6)
                let analytic = critic.gradients.values
                let numerical = FiniteDifference.gradient(of: critic.parameters.base, count: critic.parameterCount, step: 3e-2) {
                    learner.criticLossAndGradient(k, rows: 6)
                }
                FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "\(name) critic \(k + 1)")
            }
            _ = learner.actorLossAndGradient(batch)
            let analytic = learner.actor.gradients.values
            let numerical = FiniteDifference.gradient(of: learner.actor.parameters.base, count: learner.actor.parameterCount, step: 3e-2) {
                learner.actorLossAndGradient(batch).loss
            }
            FiniteDifference.assertMatch(analytic: analytic, numerical: numerical, "\(name) actor")
        }
    }
}
