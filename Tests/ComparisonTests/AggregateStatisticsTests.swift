@testable import Comparison
import Foundation
import Randomness
import XCTest

/// The rliable statistics on matrices small enough to work out by hand.
final class AggregateStatisticsTests: XCTestCase {
    /// Tasks A = [0, 0.4], B = [0.6, 1.4], C = [0.3, 0.5]: task means 0.2, 1.0, 0.4.
    private func smallMatrix() throws -> ScoreMatrix {
        try ScoreMatrix(tasks: ["A", "B", "C"], scores: [[0.0, 0.4], [0.6, 1.4], [0.3, 0.5]])
    }

    func testPointEstimatesWorkedByHand() throws {
        let scores = try smallMatrix()
        // Mean of task means (0.2 + 1.0 + 0.4) / 3; their median 0.4.
        XCTAssertEqual(AggregateMetric.mean.value(of: scores), 1.6 / 3, accuracy: 1e-15)
        XCTAssertEqual(AggregateMetric.median.value(of: scores), 0.4, accuracy: 1e-15)
        // Pooled and sorted: 0, 0.3, 0.4, 0.5, 0.6, 1.4; ⌊0.25 · 6⌋ = 1 cut at each end: mean of 0.3 ... 0.6.
        XCTAssertEqual(AggregateMetric.interquartileMean.value(of: scores), 0.45, accuracy: 1e-15)
        // min(score, 1): 0, 0.4, 0.6, 1, 0.3, 0.5, mean 2.8 / 6; the gap is 1 minus it.
        XCTAssertEqual(AggregateMetric.optimalityGap.value(of: scores), 1 - 2.8 / 6, accuracy: 1e-15)
    }

    func testTrimmedMeanTruncatesTheCutAsScipyDoes() {
        // 15 values: ⌊3.75⌋ = 3 go at each end, leaving 4 ... 12.
        XCTAssertEqual(AggregateMetric.trimmedMean((1...15).map(Double.init).shuffled(), proportion: 0.25), 8)
        // 7 values: ⌊1.75⌋ = 1, leaving 2, 3, 4, 5, 100 → 22.8.
        XCTAssertEqual(AggregateMetric.trimmedMean([1, 2, 3, 4, 5, 100, 1000], proportion: 0.25), 22.8, accuracy: 1e-12)
        // 3 values: nothing is cut.
        XCTAssertEqual(AggregateMetric.trimmedMean([1, 2, 9], proportion: 0.25), 4)
    }

    func testRunsByTasksLayoutIsRead() throws {
        let scores = try ScoreMatrix(runsByTasks: [[1, 10], [2, 20], [3, 30]])
        XCTAssertEqual(scores.scores, [[1, 2, 3], [10, 20, 30]])
        XCTAssertEqual(scores.taskMeans, [2, 20])
    }

    func testBadScoresAreRefusedWithASentence() {
        XCTAssertThrowsError(try ScoreMatrix(scores: [])) { XCTAssertEqual("\($0)", "invalid scores: a score matrix needs at least one task") }
        XCTAssertThrowsError(try ScoreMatrix(tasks: ["Pendulum-v1", "B"], scores: [[1], []])) {
            XCTAssertEqual("\($0)", "invalid scores: task B has no runs")
        }
        XCTAssertThrowsError(try ScoreMatrix(tasks: ["Pendulum-v1"], scores: [[1, .nan]])) {
            XCTAssertEqual("\($0)", "invalid scores: task Pendulum-v1 has a score that is not finite (nan)")
        }
        XCTAssertThrowsError(try ScoreMatrix(runsByTasks: [[1, 2], [3]]))
    }

    func testProbabilityOfImprovementCountsTiesAsHalves() throws {
        // Task 1: x = 1 beats 0 only (1 pair); x = 2 ties twice, beats 0 (2); x = 3 beats all (3): 6 of 9.
        XCTAssertEqual(ProbabilityOfImprovement.task([1, 2, 3], [2, 2, 0]), 6.0 / 9, accuracy: 1e-15)
        XCTAssertEqual(ProbabilityOfImprovement.task([0.5, 0.5], [0.5, 0.5]), 0.5)
        XCTAssertEqual(ProbabilityOfImprovement.task([2, 1], [1, 2]), 0.5)
        // Averaged over tasks: task 2 has x = 0 below y = 1.
        let x = try ScoreMatrix(scores: [[1, 2, 3], [0]])
        let y = try ScoreMatrix(scores: [[2, 2, 0], [1]])
        XCTAssertEqual(ProbabilityOfImprovement.value(x, y), (6.0 / 9 + 0) / 2, accuracy: 1e-15)
        XCTAssertEqual(ProbabilityOfImprovement.value(y, x), (3.0 / 9 + 1) / 2, accuracy: 1e-15)
    }

    func testPerformanceProfileCountsScoresStrictlyAbove() throws {
        let scores = try smallMatrix()
        // Above 0: five of six (0 is not above 0); above 0.5: 0.6 and 1.4; above 1.4: none.
        XCTAssertEqual(PerformanceProfile.fractions(of: scores, above: [-1, 0, 0.5, 1.4]), [1, 5.0 / 6, 2.0 / 6, 0])
        for (tau, expected) in zip(PerformanceProfile.thresholds(covering: [scores], count: 5), [0, 0.35, 0.7, 1.05, 1.4]) {
            XCTAssertEqual(tau, expected, accuracy: 1e-12)
        }
        let profile = PerformanceProfile(algorithm: "a", scores: scores, thresholds: [0, 0.5], bootstrap: StratifiedBootstrap(repetitions: 500))
        XCTAssertEqual(profile.fractions.map(\.estimate), [5.0 / 6, 2.0 / 6])
    }

    func testResamplingStaysWithinEachTask() throws {
        // Task A's runs all score 1: however its runs are drawn, its mean is 1. An unstratified
        // resample, which drew from the pooled runs, would mix task B's 0 and 2 into it.
        let scores = try ScoreMatrix(tasks: ["A", "B"], scores: [[1, 1, 1], [0, 2]])
        let taskA = StratifiedBootstrap(repetitions: 400, seed: 3).interval(of: { $0.taskMeans[0] }, scores: scores)
        XCTAssertEqual(taskA, IntervalEstimate(estimate: 1, lower: 1, upper: 1))
        // Task B's mean over two drawn runs is 0, 1 or 2 with chances 1/4, 1/2, 1/4; with 2,000
        // repetitions the 2.5% and 97.5% quantiles are 0 and 2, so the mean of task means lies in [0.5, 1.5].
        let mean = StratifiedBootstrap(seed: 5).interval(of: AggregateMetric.mean.value, scores: scores)
        XCTAssertEqual(mean, IntervalEstimate(estimate: 1, lower: 0.5, upper: 1.5))
        // The same seed gives the same interval; every resample keeps each task's run count.
        var generator = SeededGenerator(seed: 9)
        XCTAssertEqual(StratifiedBootstrap.resample(scores, using: &generator).scores.map(\.count), [3, 2])
        let again = StratifiedBootstrap(seed: 5).interval(of: AggregateMetric.mean.value, scores: scores)
        XCTAssertEqual(again, mean)
    }

    func testSingleRunsGiveThePointAndBCaFallsBackToPercentile() throws {
        let scores = try ScoreMatrix(scores: [[0.3], [0.7]])
        let interval = StratifiedBootstrap(repetitions: 100, method: .bca).interval(of: AggregateMetric.mean.value, scores: scores)
        XCTAssertEqual(interval, IntervalEstimate(estimate: 0.5, lower: 0.5, upper: 0.5, method: .percentile))
    }

    func testNormalQuantileAndDistribution() {
        // scipy.stats.norm.ppf and .cdf.
        XCTAssertEqual(NormalDistribution.quantile(0.975), 1.959963984540054, accuracy: 1e-14)
        XCTAssertEqual(NormalDistribution.quantile(0.01), -2.3263478740408408, accuracy: 1e-14)
        XCTAssertEqual(NormalDistribution.quantile(1e-10), -6.361340902404056, accuracy: 1e-12)
        XCTAssertEqual(NormalDistribution.quantile(0.5), 0, accuracy: 1e-15)
        XCTAssertEqual(NormalDistribution.cumulative(-1.3), 0.09680048458561036, accuracy: 1e-15)
    }

    func testBCaLevelsWorkedThrough() {
        // Bootstrap values 0 ... 999 and an estimate of 299.5: 30% lie below, so b = Φ⁻¹(0.3). With
        // a = 0.1 the levels are Φ(b + (b + z)/(1 − a(b + z))) for z = Φ⁻¹(0.025), Φ⁻¹(0.975):
        // 0.005962072458094589 and 0.8752964900243022 (worked with scipy.stats.norm), and the interval
        // is those quantiles of the values, at positions level · 999.
        let bootstrap = StratifiedBootstrap(method: .bca)
        let values = (0..<1000).map(Double.init).shuffled()
        let interval = bootstrap.read(values, estimate: 299.5, acceleration: 0.1)
        XCTAssertEqual(interval.method, .bca)
        XCTAssertEqual(interval.lower, 0.005962072458094589 * 999, accuracy: 1e-9)
        XCTAssertEqual(interval.upper, 0.8752964900243022 * 999, accuracy: 1e-9)
        // With no bias (half below) and no acceleration, BCa is the percentile interval.
        let plain = bootstrap.read(values, estimate: 499.5, acceleration: 0)
        XCTAssertEqual(plain.lower, 0.025 * 999, accuracy: 1e-9)
        XCTAssertEqual(plain.upper, 0.975 * 999, accuracy: 1e-9)
        // Every value above the estimate: no bias correction exists, so the percentile interval.
        XCTAssertEqual(bootstrap.read(values, estimate: -1, acceleration: 0.1).method, .percentile)
    }

    func testJackknifeAccelerationWorkedByHand() throws {
        // One task, runs 0, 0, 3: the mean leaving out each run is 1.5, 1.5, 0. Their mean is 1, so
        // u = −0.5, −0.5, 1; Σu³ = 0.75, Σu² = 1.5, a = 0.75 / (6 · 1.5^{3/2}).
        let scores = try ScoreMatrix(scores: [[0, 0, 3]])
        let accelerations = StratifiedBootstrap.accelerations(of: { [AggregateMetric.mean.value(of: $0)] }, scores: scores, count: 1)
        XCTAssertEqual(accelerations?[0] ?? .nan, 0.75 / (6 * pow(1.5, 1.5)), accuracy: 1e-15)
    }

    func testIQMCurveInterpolatesRunsOnTheSharedGrid() throws {
        // Task A: a run evaluated at 0 and 100 (0 → 1) and one at 0, 50, 100 (all 0.5); task B: one run
        // at 0 and 200 (2 → 4), which covers the range 0 ... 100 the others share. The grid is the
        // union of evaluation steps within 0 ... 100: 0, 50, 100.
        let a1 = LearningCurve(algorithm: "x", seed: 0, points: [CurvePoint(steps: 0, value: 0), CurvePoint(steps: 100, value: 1)])
        let a2 = LearningCurve(algorithm: "x", seed: 1, points: [0, 50, 100].map { CurvePoint(steps: $0, value: 0.5) })
        let b = LearningCurve(algorithm: "x", seed: 0, points: [CurvePoint(steps: 0, value: 2), CurvePoint(steps: 200, value: 4)])
        // Scores: task A as is, task B halved.
        let curve = try XCTUnwrap(IQMCurve(algorithm: "x", curves: [[a1, a2], [b]], score: { $0 == 0 ? $1 : $1 / 2 },
                                           bootstrap: StratifiedBootstrap(repetitions: 50)))
        XCTAssertEqual(curve.steps, [0, 50, 100])
        // Three scores per step, nothing trimmed (⌊0.75⌋ = 0): at 50, a1 is 0.5, a2 0.5, b (2.5)/2 = 1.25.
        XCTAssertEqual(curve.values[0].estimate, (0 + 0.5 + 1) / 3, accuracy: 1e-15)
        XCTAssertEqual(curve.values[1].estimate, (0.5 + 0.5 + 1.25) / 3, accuracy: 1e-15)
        XCTAssertEqual(curve.values[2].estimate, (1 + 0.5 + 1.5) / 3, accuracy: 1e-15)
        // No shared range: nil.
        let late = LearningCurve(algorithm: "x", seed: 2, points: [CurvePoint(steps: 300, value: 1)])
        XCTAssertNil(IQMCurve(algorithm: "x", curves: [[a1], [late]], score: { $1 }, bootstrap: StratifiedBootstrap(repetitions: 10)))
    }
}
