import Environments
import Learners
import Randomness
import Training
import XCTest

/// Off-policy evaluation's Monte-Carlo truth: `Evaluation.run` with a discount and with π's sampled actions,
/// against the same episodes stepped by hand.
final class DiscountedEvaluationTests: XCTestCase {
    private func untrainedSAC() throws -> any Learner {
        var generator = SeededGenerator(seed: 5, stream: 4)
        let config = SmallRuns.sac(steps: 100, seed: 5, hidden: [8, 8], batch: 16, evaluationInterval: 100, evaluationEpisodes: 1)
        return try config.learner.config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
    }

    /// Σ_t γ^t r_t of `episodes` Pendulum episodes stepped here, acting as `Evaluation.run` documents.
    private func handReturns(_ learner: any Learner, episodes: Int, seed: UInt64, discount: Double, deterministic: Bool) -> [Double] {
        var pendulum = EnvironmentID.pendulum.make()
        var generator = SeededGenerator(seed: seed, stream: 7)
        var observation = pendulum.reset(seed: seed)
        var returns: [Double] = []
        for _ in 0..<episodes {
            var total = 0.0, weight = 1.0, steps = 0
            while true {
                let result = pendulum.step(learner.act(on: observation, deterministic: deterministic, using: &generator).action)
                total += weight * result.reward
                weight *= discount
                steps += 1
                observation = result.observation
                if result.terminated || result.truncated { break }
            }
            XCTAssertEqual(steps, 200, "Pendulum's time limit ends each episode")
            returns.append(total)
            observation = pendulum.reset(seed: nil)
        }
        return returns
    }

    func testTheDiscountedReturnWeighsStepTByGammaToTheT() throws {
        let learner = try untrainedSAC()
        let evaluated = try Evaluation.run(learner, on: EnvironmentID.pendulum.make(), episodes: 3, seed: 11, discount: 0.9)
        let hand = handReturns(learner, episodes: 3, seed: 11, discount: 0.9, deterministic: true)
        for (ours, expected) in zip(evaluated.returns, hand) { XCTAssertEqual(ours, expected, accuracy: 1e-9 * abs(expected)) }
        // Pendulum's rewards lie in [−16.27, 0]: γ = 0.9 bounds the return by 16.27 / (1 − 0.9).
        let plain = try Evaluation.run(learner, on: EnvironmentID.pendulum.make(), episodes: 3, seed: 11)
        for (discounted, undiscounted) in zip(evaluated.returns, plain.returns) {
            XCTAssertGreaterThanOrEqual(discounted, -162.8)
            XCTAssertGreaterThan(discounted, undiscounted, "the discount shrinks a sum of negative rewards")
        }
    }

    func testStochasticEvaluationSamplesPiWithTheSeedsGenerator() throws {
        let learner = try untrainedSAC()
        let sampled = try Evaluation.run(learner, on: EnvironmentID.pendulum.make(), episodes: 2, seed: 4, discount: 0.99, deterministic: false)
        let hand = handReturns(learner, episodes: 2, seed: 4, discount: 0.99, deterministic: false)
        for (ours, expected) in zip(sampled.returns, hand) { XCTAssertEqual(ours, expected, accuracy: 1e-9 * abs(expected)) }
        let deterministic = try Evaluation.run(learner, on: EnvironmentID.pendulum.make(), episodes: 2, seed: 4, discount: 0.99)
        XCTAssertNotEqual(sampled.returns, deterministic.returns, "sampled actions differ from the mean action")
    }

    func testTheStandardErrorUsesTheSampleVariance() {
        // Returns 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3, standard error √(14/3 / 4).
        let result = EvaluationResult(returns: [1, 2, 3, 6])
        XCTAssertEqual(result.standardError, (14.0 / 12.0).squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(EvaluationResult(returns: [1]).standardError.isNaN)
    }
}
