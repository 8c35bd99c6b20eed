import Foundation
import XCTest
import Randomness
@testable import Learners

/// The ACER policy-gradient estimator, proven on a one-step continuous bandit with a known answer.
///
/// Behavior μ = N(0, 1), target π_θ = N(θ, 0.5²) with θ = 1, reward r(a) = −(a − 2)². Then
/// J(θ) = E_π r = −((θ − 2)² + 0.25), ∂J/∂θ = −2(θ − 2) = 2, V = J(θ) = −1.25 (exact, so Q^ret = Q = r),
/// ∇_θ log π(a) = (a − θ)/0.25. ρ(a) = π(a)/μ(a) peaks at about 3.9, so truncation at c = 1 bites.
/// Each estimator is averaged over N = 50,000 independent logged actions (and, for the correction,
/// one a' ~ π each); a standard error is the sample standard deviation / √N.
final class TruncatedImportanceSamplingTests: XCTestCase {
    let theta = 1.0, targetDeviation = 0.5, behaviorMean = 0.0, behaviorDeviation = 1.0, best = 2.0
    let samples = 50_000

    var analyticGradient: Double { -2 * (theta - best) }
    var value: Double { -((theta - best) * (theta - best) + targetDeviation * targetDeviation) }

    func logNormal(_ x: Double, _ mean: Double, _ deviation: Double) -> Double {
        let z = (x - mean) / deviation
        return -0.5 * z * z - log(deviation) - 0.5 * log(2 * Double.pi)
    }
    func ratio(_ a: Double) -> Double { exp(logNormal(a, theta, targetDeviation) - logNormal(a, behaviorMean, behaviorDeviation)) }
    func reward(_ a: Double) -> Double { -(a - best) * (a - best) }
    func score(_ a: Double) -> [Double] { [(a - theta) / (targetDeviation * targetDeviation)] }

    struct Estimate: CustomStringConvertible {
        var mean: Double, variance: Double, standardError: Double
        var description: String { String(format: "mean %.4f, variance %.3f, s.e. %.4f", mean, variance, standardError) }
    }

    /// The mean, variance and standard error of `estimator` over `samples` draws (a ~ μ, a' ~ π).
    func estimate(seed: UInt64, _ estimator: (_ logged: Double, _ sampled: Double) -> Double) -> Estimate {
        var generator = SeededGenerator(seed: seed)
        var sum = 0.0, sumOfSquares = 0.0
        for _ in 0..<samples {
            let logged = behaviorMean + behaviorDeviation * generator.nextGaussian()
            let sampled = theta + targetDeviation * generator.nextGaussian()
            let g = estimator(logged, sampled)
            sum += g; sumOfSquares += g * g
        }
        let n = Double(samples), mean = sum / n
        let variance = (sumOfSquares - n * mean * mean) / (n - 1)
        return Estimate(mean: mean, variance: variance, standardError: (variance / n).squareRoot())
    }

    func truncatedWithCorrection(clip: Double, seed: UInt64) -> Estimate {
        estimate(seed: seed) { a, b in
            let weights = TruncatedImportanceSampling.weights(ratio: ratio(a), returnEstimate: reward(a), value: value,
                                                              sampledRatio: ratio(b), sampledActionValue: reward(b), clip: clip)
            return TruncatedImportanceSampling.gradient(weights, loggedScore: score(a), sampledScore: score(b))[0]
        }
    }

    func testTruncationWithBiasCorrectionIsUnbiasedAndPlainTruncationIsNot() {
        XCTAssertEqual(analyticGradient, 2)
        var report: [String] = []
        for (clip, seed) in [(1.0, UInt64(1)), (0.5, 2), (10, 3)] {
            let corrected = truncatedWithCorrection(clip: clip, seed: seed)
            let deviations = (corrected.mean - analyticGradient) / corrected.standardError
            report.append("truncated + correction, c = \(clip): \(corrected), \(String(format: "%+.2f", deviations)) s.e. from 2")
            XCTAssertLessThan(abs(deviations), 4, "c = \(clip): \(corrected)")
        }
        let truncated = estimate(seed: 4) { a, _ in
            TruncatedImportanceSampling.truncatedOnly(ratio: ratio(a), returnEstimate: reward(a), value: value, clip: 1, loggedScore: score(a))[0]
        }
        let bias = (truncated.mean - analyticGradient) / truncated.standardError
        report.append("truncated only, c = 1: \(truncated), \(String(format: "%+.1f", bias)) s.e. from 2")
        XCTAssertGreaterThan(abs(bias), 6, "plain truncation at c = 1 must be measurably biased: \(truncated)")

        let full = estimate(seed: 5) { a, _ in
            TruncatedImportanceSampling.fullImportanceSampling(ratio: ratio(a), returnEstimate: reward(a), value: value, loggedScore: score(a))[0]
        }
        let fullDeviations = (full.mean - analyticGradient) / full.standardError
        report.append("full IS: \(full), \(String(format: "%+.2f", fullDeviations)) s.e. from 2")
        XCTAssertLessThan(abs(fullDeviations), 4, "full IS is unbiased: \(full)")
        let corrected = truncatedWithCorrection(clip: 1, seed: 1)
        report.append(String(format: "variance of full IS / truncated + correction (c = 1): %.2f", full.variance / corrected.variance))
        XCTAssertGreaterThan(full.variance, 1.5 * corrected.variance, "full IS has the larger variance")
        print("ACER bandit (N = \(samples), analytic ∂J/∂θ = 2):\n  " + report.joined(separator: "\n  "))
    }

    func testWeightsByHand() {
        // ρ_t = 3 > c = 2: logged weight 2·(5 − 1) = 8; ρ(a') = 4: correction 1 − 2/4 = 0.5, times (3 − 1) = 1.
        let weights = TruncatedImportanceSampling.weights(ratio: 3, returnEstimate: 5, value: 1, sampledRatio: 4, sampledActionValue: 3, clip: 2)
        XCTAssertEqual(weights, .init(logged: 8, sampled: 1))
        XCTAssertEqual(TruncatedImportanceSampling.gradient(weights, loggedScore: [1, -1], sampledScore: [2, 0.5]), [10, -7.5])
        XCTAssertEqual(TruncatedImportanceSampling.correctionFactor(sampledRatio: 0.5, clip: 1), 0)
        XCTAssertEqual(TruncatedImportanceSampling.correctionFactor(sampledRatio: 0, clip: 1), 0)
        XCTAssertEqual(TruncatedImportanceSampling.correctionFactor(sampledRatio: .infinity, clip: 1), 1)
    }
}
