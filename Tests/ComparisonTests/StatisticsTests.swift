import Comparison
import XCTest

/// The summary's statistics against values computed by hand.
final class StatisticsTests: XCTestCase {
    func testMedianOfOddAndEvenCountsAndUnreachedSeeds() {
        XCTAssertEqual(Statistics.median([3, 1, 2]), 2)
        XCTAssertEqual(Statistics.median([4, 1, 3, 2]), 2.5)
        // Two of four seeds never reached the threshold (infinity): the median seed did not either.
        XCTAssertEqual(Statistics.median([1000, .infinity, 3000, .infinity]), .infinity)
        // One of three did not: the median is the middle of 1000, 3000, ∞.
        XCTAssertEqual(Statistics.median([.infinity, 3000, 1000]), 3000)
        XCTAssertNil(Statistics.median([]))
    }

    func testQuantileInterpolatesBetweenOrderStatistics() {
        // Type 7 on [10, 20, 30, 40]: position p·3.
        XCTAssertEqual(Statistics.quantile(sorted: [10, 20, 30, 40], 0), 10)
        XCTAssertEqual(Statistics.quantile(sorted: [10, 20, 30, 40], 0.5), 25)
        XCTAssertEqual(Statistics.quantile(sorted: [10, 20, 30, 40], 0.25), 17.5, accuracy: 1e-12)
        XCTAssertEqual(Statistics.quantile(sorted: [10, 20, 30, 40], 1), 40)
    }

    func testAverageValueIsTheTrapezoidIntegralOverTheSpan() {
        // Points (1000, -1000), (2000, -600), (4000, -200):
        // area = 1000·(-1000 - 600)/2 + 2000·(-600 - 200)/2 = -800,000 - 800,000; span 3000.
        let curve = LearningCurve(algorithm: "sac", seed: 0, points: [
            CurvePoint(steps: 1000, value: -1000), CurvePoint(steps: 2000, value: -600), CurvePoint(steps: 4000, value: -200),
        ])
        XCTAssertEqual(curve.averageValue!, -1_600_000.0 / 3000, accuracy: 1e-9)
        XCTAssertEqual(curve.finalValue, -200)
        XCTAssertEqual(curve.firstStep(reaching: -600), 2000)
        XCTAssertEqual(curve.firstStep(reaching: -599), 4000)
        XCTAssertNil(curve.firstStep(reaching: 0))
        XCTAssertEqual(curve.value(at: 3000)!, -400, accuracy: 1e-12)
        XCTAssertEqual(curve.value(at: 1000), -1000)
        XCTAssertNil(curve.value(at: 999))
        XCTAssertNil(curve.value(at: 4001))
        XCTAssertEqual(LearningCurve(algorithm: "x", seed: 0, points: [CurvePoint(steps: 5, value: 7)]).averageValue, 7)
    }

    func testBootstrapIntervalContainsTheMeanAndIsReproducible() {
        let values: [Double] = [-150, -180, -220, -400, -160]
        let interval = BootstrapInterval(values: values, seed: 7)!
        XCTAssertEqual(interval.mean, -222, accuracy: 1e-12)
        XCTAssertLessThan(interval.lower, interval.mean)
        XCTAssertGreaterThan(interval.upper, interval.mean)
        // A resampled mean lies between the smallest and the largest value.
        XCTAssertGreaterThanOrEqual(interval.lower, -400)
        XCTAssertLessThanOrEqual(interval.upper, -150)
        XCTAssertEqual(BootstrapInterval(values: values, seed: 7), interval, "the same seed gives the same interval")
        // With few resamples the ends depend visibly on which were drawn: another seed draws others.
        XCTAssertNotEqual(BootstrapInterval(values: values, resamples: 20, seed: 8), BootstrapInterval(values: values, resamples: 20, seed: 7))
        // One value: the interval is the point.
        XCTAssertEqual(BootstrapInterval(values: [-3], seed: 0), BootstrapInterval(mean: -3, lower: -3, upper: -3))
        XCTAssertNil(BootstrapInterval(values: [], seed: 0))
    }

    func testBootstrapOfTwoValuesMatchesItsExactDistribution() {
        // Resampling two values {0, 10}: the mean is 0, 5 or 10 with probabilities 1/4, 1/2, 1/4, so the
        // 2.5% and 97.5% percentiles of many resamples are 0 and 10, and about half the means are 5.
        let interval = BootstrapInterval(values: [0, 10], resamples: 20_000, seed: 1)!
        XCTAssertEqual(interval.mean, 5)
        XCTAssertEqual(interval.lower, 0)
        XCTAssertEqual(interval.upper, 10)
    }
}
