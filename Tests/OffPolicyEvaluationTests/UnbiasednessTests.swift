import Foundation
import OffPolicyEvaluation
import Randomness
import XCTest

/// A two-step problem with a known answer: at each step the behavior policy μ picks action 0 with
/// probability 0.3 and action 1 with 0.7, the target π picks them with 0.9 and 0.1; action 0 pays 1, action 1
/// pays 0. With γ = 0.9 the true value is 0.9 + 0.9 · 0.9 = 1.71.
final class UnbiasednessTests: XCTestCase {
    let behavior = 0.3, target = 0.9, discount = 0.9

    private func episode(steps: Int, using generator: inout SeededGenerator) -> LoggedEpisode {
        var rewards: [Double] = [], logRatios: [Double] = []
        for _ in 0..<steps {
            let first = generator.nextUnitDouble() < behavior
            rewards.append(first ? 1 : 0)
            logRatios.append(first ? log(target / behavior) : log((1 - target) / (1 - behavior)))
        }
        return LoggedEpisode(rewards: rewards, logRatios: logRatios, end: .truncated)
    }

    /// Mean and standard error of `estimator` over `datasets` datasets of `episodes` episodes each.
    private func meanAndStandardError(_ estimator: Estimator, steps: Int, datasets: Int, episodes: Int, seed: UInt64) -> (Double, Double) {
        var generator = SeededGenerator(seed: seed)
        let sample = Array(0..<episodes)
        let values = (0..<datasets).map { _ in
            let data = WeightedEpisodes((0..<episodes).map { _ in episode(steps: steps, using: &generator) }, discount: discount)
            return OffPolicyEstimate.value(estimator, episodes: data, sample: sample)
        }
        let mean = values.reduce(0, +) / Double(datasets)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(datasets - 1)
        return (mean, (variance / Double(datasets)).squareRoot())
    }

    func testImportanceSamplingAndPerDecisionAreUnbiased() {
        let truth = target + discount * target
        for estimator in [Estimator.importanceSampling, .perDecisionImportanceSampling] {
            let (mean, error) = meanAndStandardError(estimator, steps: 2, datasets: 2000, episodes: 50, seed: 1)
            XCTAssertLessThan(abs(mean - truth), 2 * error, "\(estimator.rawValue): mean \(mean) ± \(error), truth \(truth)")
            XCTAssertLessThan(error, 0.02, "enough datasets that 2 standard errors are a sharp test")
        }
    }

    /// E[WIS] of one step with n episodes, enumerated: k of them took action 0 (Binomial(n, 0.3)), and
    /// WIS = 3k / (3k + (n − k)/7), or 0 when k = 0 (every weight 1/7, every reward 0).
    private func exactWeightedMean(episodes n: Int) -> Double {
        var total = 0.0
        for k in 0...n {
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            let logLikelihood: Double = Double(k) * log(behavior) + Double(n - k) * log(1 - behavior)
            let probability = exp(logChoose + logLikelihood)
            let heavy = target / behavior, light = (1 - target) / (1 - behavior)
            total += probability * (k == 0 ? 0 : heavy * Double(k) / (heavy * Double(k) + light * Double(n - k)))
        }
        return total
    }

    /// WIS is biased, by a known amount that shrinks as the data grow: with 5 episodes E[WIS] = 0.7493 (bias
    /// −0.151), with 200 it is 0.8987 (bias −0.0013); the simulated means agree with the enumeration.
    func testWeightedImportanceSamplingBiasShrinks() {
        let truth = target
        let small = exactWeightedMean(episodes: 5), large = exactWeightedMean(episodes: 200)
        XCTAssertEqual(small, 0.74932, accuracy: 1e-5)
        XCTAssertEqual(large, 0.89869, accuracy: 1e-5)
        let (smallMean, smallError) = meanAndStandardError(.weightedImportanceSampling, steps: 1, datasets: 4000, episodes: 5, seed: 2)
        let (largeMean, largeError) = meanAndStandardError(.weightedImportanceSampling, steps: 1, datasets: 1000, episodes: 200, seed: 3)
        XCTAssertLessThan(abs(smallMean - small), 2.5 * smallError, "n = 5: simulated \(smallMean) ± \(smallError), enumerated \(small)")
        XCTAssertLessThan(abs(largeMean - large), 2.5 * largeError, "n = 200: simulated \(largeMean) ± \(largeError), enumerated \(large)")
        XCTAssertGreaterThan(abs(smallMean - truth), 10 * abs(largeMean - truth) , "the bias at n = 5 dwarfs the one at n = 200")
        XCTAssertGreaterThan(truth - smallMean, 0.1)
    }
}
