import Foundation
import XCTest
@testable import Learners

/// Issue 15, section 2: one rule in every estimator. An unknown behavior log-probability (NaN) gives
/// ρ = 0: the trace is cut there and the importance weight is zero. (Swift's `min(c, .nan)` is c, so
/// before this rule a NaN gave the full trace and the largest weight.) Every value is worked out by hand.
final class UnknownBehaviorTests: XCTestCase {
    func testImportanceRatio() {
        XCTAssertEqual(ImportanceRatio.ratio(logTarget: 0.5, logBehavior: .nan), 0)
        XCTAssertEqual(ImportanceRatio.ratio(logTarget: .nan, logBehavior: 0.5), 0)
        XCTAssertEqual(ImportanceRatio.ratio(logTarget: log(3), logBehavior: 0), 3, accuracy: 1e-12)
        XCTAssertEqual(ImportanceRatio.knownLog(.nan), -.infinity)
    }

    /// c = λ min(1, ρ): log ρ = NaN, 0, log 2, −log 2 with λ = 0.9 give 0, 0.9, 0.9, 0.45; per-decision IS
    /// c = min(10, ρ): NaN, log 3, log 20 give 0, 3, 10.
    func testTraceCoefficients() {
        let retrace = Retrace.traceCoefficients(logRatios: [.nan, 0, log(2), -log(2)], lambda: 0.9)
        for (c, e) in zip(retrace, [0.0, 0.9, 0.9, 0.45]) { XCTAssertEqual(c, e, accuracy: 1e-12) }
        let viaCorrection = OffPolicyCorrection.retrace(lambda: 0.9).traceCoefficients(logRatios: [.nan, 0])!
        XCTAssertEqual(viaCorrection, [0, 0.9])
        let importance = OffPolicyCorrection.importanceSampling(clip: 10).traceCoefficients(logRatios: [.nan, log(3), log(20)])!
        for (c, e) in zip(importance, [0.0, 3, 10]) { XCTAssertEqual(c, e, accuracy: 1e-12) }
    }

    /// One window of K = 3, γ = 0.9, r = (1, 2, 3), V(s₁…s₃) = (10, 20, 30), Q̄(s₁, a₁) = 11, Q̄(s₂, a₂) = 21,
    /// μ(a₁|s₁) unknown:
    /// - Retrace (λ = 1), log ρ₂ = 0: G₂ = 3 + 0.9·30 = 30; G₁ = 2 + 0.9·(20 + 1·(30 − 21)) = 28.1;
    ///   c₁ = 0 cuts: G₀ = 1 + 0.9·10 = 10 (a full trace would give 1 + 0.9·(10 + 28.1 − 11) = 25.39).
    /// - IS (clip 10), ρ₂ = 2: G₁ = 2 + 0.9·(20 + 2·9) = 36.2; G₀ = 10 again.
    /// - A NaN trace coefficient handed to `Retrace.targets` directly reads as 0 too.
    func testRetraceAndImportanceSamplingTargetsCutAtAnUnknownBehavior() {
        let rewards = [1.0, 2, 3], discounts = [0.9, 0.9, 0.9], nextValues = [10.0, 20, 30], nextActionValues = [11.0, 21]
        let retrace = OffPolicyCorrection.retrace(lambda: 1).targets(rewards: rewards, discounts: discounts, nextValues: nextValues,
                                                                    nextActionValues: nextActionValues, nextLogRatios: [.nan, 0])
        for (g, e) in zip(retrace, [10.0, 28.1, 30]) { XCTAssertEqual(g, e, accuracy: 1e-9) }
        let importance = OffPolicyCorrection.importanceSampling(clip: 10).targets(
            rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: nextActionValues, nextLogRatios: [.nan, log(2)])
        for (g, e) in zip(importance, [10.0, 36.2, 30]) { XCTAssertEqual(g, e, accuracy: 1e-9) }
        let direct = Retrace.targets(rewards: rewards, discounts: discounts, nextValues: nextValues, nextActionValues: nextActionValues,
                                     traceCoefficients: [.nan, 1])
        for (g, e) in zip(direct, [10.0, 28.1, 30]) { XCTAssertEqual(g, e, accuracy: 1e-9) }
    }

    /// V-trace, K = 2, V(x₀, x₁) = (1, 2), V(x₁, x₂) = (2, 5), r = (1, 1), d = 0.5, λ = ρ̄ = c̄ = 1.
    /// - μ unknown at step 0: δ₁ = 1 + 0.5·5 − 2 = 1.5, v₁ = 3.5; ρ₀ = 0: δ₀ = 0, c₀ = 0, v₀ = V(x₀) = 1;
    ///   q₀ = 1 + 0.5·3.5 = 2.75 but A₀ = 0·(2.75 − 1) = 0; q₁ = 1 + 0.5·5 = 3.5, A₁ = 1.5.
    /// - μ unknown at step 1: δ₁ = 0, v₁ = 2; δ₀ = 1 + 0.5·2 − 1 = 1, v₀ = 2 (the cut trace adds nothing);
    ///   q₀ = 1 + 0.5·2 = 2, A₀ = 1; A₁ = 0.
    func testVTraceCutsAtAnUnknownBehavior() {
        let first = VTrace.targets(values: [1, 2], nextValues: [2, 5], rewards: [1, 1], discounts: [0.5, 0.5], ratios: [.nan, 1])
        XCTAssertEqual(first.values, [1, 3.5])
        XCTAssertEqual(first.actionValueEstimates, [2.75, 3.5])
        XCTAssertEqual(first.policyGradientAdvantages, [0, 1.5])
        let second = VTrace.targets(values: [1, 2], nextValues: [2, 5], rewards: [1, 1], discounts: [0.5, 0.5], ratios: [1, .nan])
        XCTAssertEqual(second.values, [2, 2])
        XCTAssertEqual(second.actionValueEstimates, [2, 3.5])
        XCTAssertEqual(second.policyGradientAdvantages, [1, 0])
    }

    /// ACER's truncated IS, c = 2, Q^ret = 5, V = 2, ρ(ã) = 4, Q(s, ã) = 3: an unknown ρ_t gives the logged
    /// term weight 0 (not min(2, NaN)·3 = 6), the correction term is unchanged: (1 − 2/4)·(3 − 2) = 0.5.
    /// Plain truncation and full IS drop the row too; an unknown ρ(ã) gives no correction.
    func testTruncatedImportanceSamplingGivesAnUnknownBehaviorNoWeight() {
        let weights = TruncatedImportanceSampling.weights(ratio: .nan, returnEstimate: 5, value: 2, sampledRatio: 4,
                                                          sampledActionValue: 3, clip: 2)
        XCTAssertEqual(weights, TruncatedImportanceSampling.Weights(logged: 0, sampled: 0.5))
        XCTAssertEqual(TruncatedImportanceSampling.truncatedOnly(ratio: .nan, returnEstimate: 5, value: 2, clip: 2, loggedScore: [1, -2]), [0, 0])
        XCTAssertEqual(TruncatedImportanceSampling.fullImportanceSampling(ratio: .nan, returnEstimate: 5, value: 2, loggedScore: [1, -2]), [0, 0])
        XCTAssertEqual(TruncatedImportanceSampling.correctionFactor(sampledRatio: .nan, clip: 2), 0)
        // Known ratios for contrast: min(2, 3)·3 = 6 and 0.5·3 = 1.5.
        XCTAssertEqual(TruncatedImportanceSampling.weights(ratio: 3, returnEstimate: 5, value: 2, sampledRatio: 4,
                                                           sampledActionValue: 3, clip: 2).logged, 6)
        XCTAssertEqual(TruncatedImportanceSampling.weights(ratio: 0.5, returnEstimate: 5, value: 2, sampledRatio: 4,
                                                           sampledActionValue: 3, clip: 2).logged, 1.5)
    }
}
