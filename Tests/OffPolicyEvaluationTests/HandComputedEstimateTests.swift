import Foundation
import OffPolicyEvaluation
import XCTest

/// Each estimator on three episodes small enough to compute by hand (γ = 0.5):
///
///     episode   rewards     ρ_t            w_t (cumulative)   G = Σ γ^t r_t   W      end
///     A         1, 4        2, 0.5         2, 1               3              1      truncated
///     B         3           1              1                  3              1      terminated
///     C         0, 2, 4     0.5, 2, 3      0.5, 1, 3          2              3      truncated
///
/// Fitted values (Q̂ at the logged action; V̂): A Q̂ 1, 2 and V̂ 2, 3; B Q̂ 2, V̂ 1; C Q̂ 1, 1, 2 and V̂ 0, 2, 1.
final class HandComputedEstimateTests: XCTestCase {
    let episodes = [
        LoggedEpisode(rewards: [1, 4], logRatios: [log(2), log(0.5)], end: .truncated),
        LoggedEpisode(rewards: [3], logRatios: [0], end: .terminated),
        LoggedEpisode(rewards: [0, 2, 4], logRatios: [log(0.5), log(2), log(3)], end: .truncated),
    ]
    let fitted = [
        FittedValues(actionValues: [1, 2], stateValues: [2, 3]),
        FittedValues(actionValues: [2], stateValues: [1]),
        FittedValues(actionValues: [1, 1, 2], stateValues: [0, 2, 1]),
    ]

    private func estimate(_ estimator: Estimator, clip: Double? = nil) -> Double {
        OffPolicyEstimate.value(estimator, episodes: WeightedEpisodes(episodes, discount: 0.5, clip: clip), fitted: fitted, sample: [0, 1, 2])
    }

    func testImportanceSampling() {
        // (1·3 + 1·3 + 3·2) / 3
        XCTAssertEqual(estimate(.importanceSampling), 4, accuracy: 1e-12)
    }

    func testWeightedImportanceSampling() {
        // 12 / (1 + 1 + 3)
        XCTAssertEqual(estimate(.weightedImportanceSampling), 2.4, accuracy: 1e-12)
    }

    func testPerDecisionImportanceSampling() {
        // A: 2·1 + ½·1·4 = 4; B: 3; C: 0 + ½·1·2 + ¼·3·4 = 4.
        XCTAssertEqual(estimate(.perDecisionImportanceSampling), 11.0 / 3, accuracy: 1e-12)
    }

    func testWeightedPerDecisionPadsFinishedEpisodes() {
        // t = 0: (2·1 + 1·3 + ½·0) / 3.5; t = 1: ½ (1·4 + 1·2) / (1 + 1 [B carried on] + 1);
        // t = 2: ¼ (3·4) / (1 [A] + 1 [B] + 3).
        XCTAssertEqual(estimate(.weightedPerDecisionImportanceSampling), 5 / 3.5 + 1 + 0.6, accuracy: 1e-12)
    }

    func testFittedQEvaluationIsTheMeanStartValue() {
        XCTAssertEqual(estimate(.fittedQEvaluation), 1, accuracy: 1e-12)
    }

    func testDoublyRobust() {
        // A: [2·0 + 1·2] + ½[1·2 + 2·3] = 6; B: 1·1 + 1·1 = 2; C: [½·(−1) + 0] + ½[1·1 + ½·2] + ¼[3·2 + 1·1] = 2.25.
        XCTAssertEqual(estimate(.doublyRobust), 10.25 / 3, accuracy: 1e-12)
    }

    func testWeightedDoublyRobust() {
        // ŵ₋₁ = ⅓; ŵ₀ = (4, 2, 1)/7; ŵ₁ = ⅓ each (B carried on); ŵ₂ = (1, 1, 3)/5.
        // t = 0: 0 + ⅔ + 2/7 + ⅓ − 1/7 + 0 = 8/7; t = 1: ½ (⅓·2 + 4/7·3 + ⅓·1 + 1/7·2) = 1.5; t = 2: ¼ (⅗·2 + ⅓·1).
        XCTAssertEqual(estimate(.weightedDoublyRobust), 8.0 / 7 + 1.5 + 0.25 * (1.2 + 1.0 / 3), accuracy: 1e-12)
    }

    func testClippedRatios() {
        // C = 1.5: A's ρ become 1.5, 0.5 (W = 0.75); C's 0.5, 1.5, 1.5 (W = 1.125). IS = (0.75·3 + 3 + 1.125·2) / 3.
        XCTAssertEqual(estimate(.importanceSampling, clip: 1.5), 2.5, accuracy: 1e-12)
        let weighted = WeightedEpisodes(episodes, discount: 0.5, clip: 1.5)
        XCTAssertEqual(weighted.clipped, [true, false, true])
        XCTAssertEqual(weighted.clippedShare, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(WeightedEpisodes(episodes, discount: 0.5).clippedShare, 0)
    }

    func testEffectiveSampleSizes() {
        let weighted = WeightedEpisodes(episodes, discount: 0.5)
        // Trajectory weights 1, 1, 3: 25 / 11. Per decision: t = 0 (2, 1, ½) 12.25 / 5.25, t = 1 (1, 1, 1) 3, t = 2 (1, 1, 3) 25 / 11.
        XCTAssertEqual(OffPolicyEstimate.effectiveSampleSize(.importanceSampling, episodes: weighted)!, 25.0 / 11, accuracy: 1e-12)
        XCTAssertEqual(OffPolicyEstimate.effectiveSampleSize(.perDecisionImportanceSampling, episodes: weighted)!, 25.0 / 11, accuracy: 1e-12)
        XCTAssertEqual(OffPolicyEstimate.effectiveSampleSize(logWeights: [log(2), 0, log(0.5)]), 12.25 / 5.25, accuracy: 1e-12)
        XCTAssertNil(OffPolicyEstimate.effectiveSampleSize(.fittedQEvaluation, episodes: weighted))
    }

    func testZeroWeightsAndUndefinedWeightedEstimates() {
        let zero = [LoggedEpisode(rewards: [5], logRatios: [-.infinity], end: .terminated),
                    LoggedEpisode(rewards: [1], logRatios: [0], end: .terminated)]
        let weighted = WeightedEpisodes(zero, discount: 0.9)
        XCTAssertEqual(weighted.zeroShare, 0.5)
        XCTAssertEqual(OffPolicyEstimate.value(.weightedImportanceSampling, episodes: weighted, sample: [0, 1]), 1)
        XCTAssertEqual(OffPolicyEstimate.value(.importanceSampling, episodes: weighted, sample: [0, 1]), 0.5)
        XCTAssertTrue(OffPolicyEstimate.value(.weightedImportanceSampling, episodes: weighted, sample: [0, 0]).isNaN,
                      "every weight zero: the self-normalised estimate is undefined")
        XCTAssertEqual(OffPolicyEstimate.effectiveSampleSize(.importanceSampling, episodes: WeightedEpisodes([zero[0]], discount: 0.9)), 0)
    }

    /// Weights far beyond a Double's range still give finite self-normalised estimates.
    func testWeightedEstimatesNormaliseInLogSpace() {
        let huge = [LoggedEpisode(rewards: [2], logRatios: [1000], end: .terminated),
                    LoggedEpisode(rewards: [4], logRatios: [1000 + log(3)], end: .terminated)]
        let weighted = WeightedEpisodes(huge, discount: 0.9)
        XCTAssertEqual(OffPolicyEstimate.value(.weightedImportanceSampling, episodes: weighted, sample: [0, 1]), (2 + 3 * 4) / 4.0, accuracy: 1e-12)
        XCTAssertEqual(OffPolicyEstimate.value(.weightedPerDecisionImportanceSampling, episodes: weighted, sample: [0, 1]), 3.5, accuracy: 1e-12)
    }

    /// Resamples of the bootstrap are seeded: the same seed gives the same interval, and a resample of one
    /// repeated episode gives that episode's value.
    func testBootstrapIsSeededAndResamplesEpisodes() throws {
        let weighted = WeightedEpisodes(episodes, discount: 0.5)
        func interval(_ seed: UInt64) -> (lower: Double, upper: Double)? {
            EpisodeBootstrap.interval(episodes: 3, resamples: 400, seed: seed) {
                OffPolicyEstimate.value(.importanceSampling, episodes: weighted, sample: $0)
            }
        }
        let first = try XCTUnwrap(interval(7)), again = try XCTUnwrap(interval(7))
        XCTAssertEqual(first.lower, again.lower)
        XCTAssertEqual(first.upper, again.upper)
        // Episode contributions are 3, 3 and 6: the 2.5% quantile is 3 (all from A and B), the 97.5% one at most 6.
        XCTAssertEqual(first.lower, 3)
        XCTAssertGreaterThan(first.upper, 4)
        XCTAssertLessThanOrEqual(first.upper, 6 + 1e-12)
    }
}
