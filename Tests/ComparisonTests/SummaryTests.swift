import Comparison
import XCTest

final class SummaryTests: XCTestCase {
    private let onPolicy: (String) -> Bool = { $0 == "ppo" }

    func testRowsAgainstHandComputedValues() throws {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy)
        XCTAssertEqual(summary.rows.map(\.algorithm), ["sac", "td3", "ppo"])
        let (sac, td3, ppo) = (summary.rows[0], summary.rows[1], summary.rows[2])

        XCTAssertEqual(sac.seeds, 2)
        XCTAssertEqual(sac.seedsReached, 2)
        XCTAssertEqual(sac.medianStepsToThreshold, 2500)  // median of 2000 and 3000
        XCTAssertEqual(sac.finalReturn.mean, -150)
        // AUC: seed 0: (1000·(-900-190) + 1000·(-190-150) + 5000·(-150-140))/2 / 7000
        //      seed 1: (1000·(-1000-400) + 1000·(-400-180) + 5000·(-180-160))/2 / 7000
        let area0: Double = 1000 * -1090 + 1000 * -340 + 5000 * -290
        let area1: Double = 1000 * -1400 + 1000 * -580 + 5000 * -340
        let auc0 = area0 / 2 / 7000
        let auc1 = area1 / 2 / 7000
        XCTAssertEqual(sac.areaUnderCurve, (auc0 + auc1) / 2, accuracy: 1e-9)

        // td3: one seed at 4000 (exactly −200 counts), one never: the median of 4000 and ∞ is ∞.
        XCTAssertEqual(td3.seedsReached, 1)
        XCTAssertEqual(td3.medianStepsToThreshold, .infinity)
        XCTAssertNil(td3.fewerStepsFactor)

        XCTAssertTrue(ppo.isOnPolicy)
        XCTAssertEqual(ppo.medianStepsToThreshold, 7168)
        XCTAssertEqual(summary.reference, "ppo")
        XCTAssertEqual(sac.fewerStepsFactor?.value ?? 0, 7168.0 / 2500, accuracy: 1e-12)
        XCTAssertEqual(sac.fewerStepsFactor?.isLowerBound, false)
        XCTAssertEqual(sac.fewerStepsFactor?.text, "2.87")
        XCTAssertNil(ppo.fewerStepsFactor)

        // The 95% interval of two final returns resampled lies between them and contains the mean.
        XCTAssertLessThanOrEqual(sac.finalReturn.lower, -150)
        XCTAssertGreaterThanOrEqual(sac.finalReturn.lower, -160)
        XCTAssertGreaterThanOrEqual(sac.finalReturn.upper, -150)
        XCTAssertLessThanOrEqual(sac.finalReturn.upper, -140)
        XCTAssertEqual(ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy),
                       summary, "the same bootstrap seed gives the same table")
    }

    func testCSVAndTable() throws {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy)
        let lines = summary.csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4)
        XCTAssertEqual(lines[0], ComparisonSummary.csvHeader)
        let sac = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Array(sac[0...6]), ["sac", "off", "2", "2", "-200", "2500", "-150.0"])
        XCTAssertEqual(sac[10], "2.87")
        let td3 = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(td3[5], "", "the median seed did not reach the threshold")
        XCTAssertEqual(td3[10], "")
        XCTAssertTrue(lines[3].hasPrefix("ppo,on,2,2,-200,7168,"))

        let table = summary.table
        XCTAssertTrue(table.contains("× fewer steps than ppo"), table)
        XCTAssertTrue(table.contains("not reached"), table)
        XCTAssertTrue(table.contains("Median env steps to reach -200, in times fewer than ppo, the fastest on-policy learner (median 7,168 steps): sac 2.87×, td3 – (its median seed did not reach it)."), table)
        // Every row of the table lines up under its header.
        let tableLines = table.split(separator: "\n").prefix(4)
        let column = tableLines.first!.range(of: "seeds")!.lowerBound.utf16Offset(in: tableLines.first!)
        for line in tableLines.dropFirst() {
            XCTAssertEqual(line[line.index(line.startIndex, offsetBy: column)], "2", String(line))
        }
    }

    func testFactorIsALowerBoundWhenNoOnPolicyLearnerReachedTheThreshold() {
        let curves = CurveFixtures.mixed.filter { $0.algorithm == "sac" } + [
            CurveFixtures.curve("a2c", seed: 0, [(5000, -900), (10000, -700)]),
            CurveFixtures.curve("a2c", seed: 1, [(5000, -800), (10000, -600)]),
        ]
        let summary = ComparisonSummary(curves: curves, threshold: -200, isOnPolicy: { $0 == "a2c" })
        XCTAssertEqual(summary.reference, "a2c")
        // a2c did not reach it within 10,000 steps: sac's factor is more than 10000 / 2500.
        XCTAssertEqual(summary.rows[0].fewerStepsFactor, .init(value: 4, isLowerBound: true))
        XCTAssertTrue(summary.csv.contains(",>4.00,"), summary.csv)
        XCTAssertTrue(summary.table.contains("× fewer steps than on-policy"), summary.table)
        XCTAssertTrue(summary.table.contains(">4.00"), summary.table)
    }

    func testTwoRunsGetAFootnoteThatTheIntervalIsTheirRange() {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy)
        // With two runs the bootstrap's 95% interval is exactly [min, max] of the runs.
        for row in summary.rows {
            let finals = CurveFixtures.mixed.filter { $0.algorithm == row.algorithm }.compactMap { $0.points.last?.value }
            XCTAssertEqual(row.finalReturn.lower, finals.min()!, row.algorithm)
            XCTAssertEqual(row.finalReturn.upper, finals.max()!, row.algorithm)
        }
        XCTAssertTrue(summary.table.contains("with 2 runs (sac, td3, ppo) the 95% bootstrap interval is the range of the runs, [min, max]"), summary.table)
        let one = ComparisonSummary(curves: Array(CurveFixtures.mixed.prefix(1)), threshold: -200, isOnPolicy: onPolicy)
        XCTAssertTrue(one.table.contains("with 1 run (sac) the 95% interval is that run's value alone"), one.table)
    }

    func testFourRunsNeedNoFootnote() {
        let curves = (0..<4).map { seed in
            LearningCurve(algorithm: "sac", seed: UInt64(seed), points: [CurvePoint(steps: 100, value: -300 + Double(seed) * 10)])
        }
        let summary = ComparisonSummary(curves: curves, threshold: -200, isOnPolicy: onPolicy)
        XCTAssertNil(summary.intervalNote)
        XCTAssertFalse(summary.table.contains("range of the runs"), summary.table)
    }

    func testNoOnPolicyLearnerMeansNoFactor() {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed.filter { $0.algorithm != "ppo" }, threshold: -200, isOnPolicy: onPolicy)
        XCTAssertNil(summary.reference)
        XCTAssertNil(summary.factorStatement)
        XCTAssertFalse(summary.table.contains("fewer steps"))
    }

    func testOnlyOnPolicyLearnersMeansNoFactorColumn() {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed.filter { $0.algorithm == "ppo" }, threshold: -200, isOnPolicy: onPolicy)
        XCTAssertEqual(summary.reference, "ppo")
        XCTAssertNil(summary.factorStatement)
        XCTAssertFalse(summary.table.contains("fewer steps"), summary.table)
    }

    func testCurvesFileRoundTrips() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-curves-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("curves.csv")
        try CurvesFile.write(CurveFixtures.mixed, to: file)
        XCTAssertEqual(try CurvesFile.read(from: file), CurveFixtures.mixed)
        let text = try String(contentsOf: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("algo,seed,env_steps,eval_return\nsac,0,1000,-900.0\n"), text)
    }

    func testWithoutAThresholdItsColumnsAreEmptyAndTheAUCHasAnInterval() throws {
        let summary = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: nil, isOnPolicy: onPolicy)
        XCTAssertNil(summary.reference, "no threshold, no factors")
        XCTAssertNil(summary.factorStatement)
        let sac = summary.rows[0]
        XCTAssertEqual(sac.seedsReached, 0)
        XCTAssertEqual(sac.medianStepsToThreshold, .infinity)
        XCTAssertNil(sac.fewerStepsFactor)
        // The AUC's interval: the two seeds' averages (see testRowsAgainstHandComputedValues) resampled.
        let area0: Double = 1000 * -1090 + 1000 * -340 + 5000 * -290
        let area1: Double = 1000 * -1400 + 1000 * -580 + 5000 * -340
        let auc0 = area0 / 2 / 7000
        let auc1 = area1 / 2 / 7000
        XCTAssertEqual(sac.areaUnderCurveInterval.mean, sac.areaUnderCurve)
        XCTAssertEqual(sac.areaUnderCurve, (auc0 + auc1) / 2, accuracy: 1e-9)
        XCTAssertTrue(auc1 <= sac.areaUnderCurveInterval.lower && sac.areaUnderCurveInterval.upper <= auc0,
                      "\(sac.areaUnderCurveInterval)")
        let fields = summary.csv.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(Array(fields[0...5]), ["sac", "off", "2", "", "", ""])
        XCTAssertEqual(Double(fields[11]), sac.areaUnderCurveInterval.lower)
        XCTAssertEqual(Double(fields[12]), sac.areaUnderCurveInterval.upper)
        XCTAssertFalse(summary.table.contains("reached"), summary.table)
        XCTAssertTrue(summary.table.hasPrefix("algo  policy  seeds  final return (95% CI)"), summary.table)
    }

    /// With the returns −1000 and 0 as references a return R scores R/10 + 100, so every statistic can
    /// be worked out by hand; the threshold (−200) stays a return.
    func testNormalisedScoresAgainstHandComputedValues() throws {
        let given = try ScoreReference(parsing: "-1000,0").normalization(environment: nil) { _ in 0 }
        let plain = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy)
        let summary = ComparisonSummary(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], threshold: -200, isOnPolicy: onPolicy,
                                        normalization: given)
        XCTAssertEqual(summary.normalization, given)
        XCTAssertNil(plain.rows[0].finalScore)
        XCTAssertNil(plain.rows[0].areaUnderCurveScore)
        for (row, returns) in zip(summary.rows, plain.rows) {
            // The threshold is compared with the returns, and the return columns are unchanged.
            XCTAssertEqual(row.seedsReached, returns.seedsReached, row.algorithm)
            XCTAssertEqual(row.medianStepsToThreshold, returns.medianStepsToThreshold, row.algorithm)
            XCTAssertEqual(row.fewerStepsFactor, returns.fewerStepsFactor, row.algorithm)
            XCTAssertEqual(row.finalReturn, returns.finalReturn, row.algorithm)
            XCTAssertEqual(row.areaUnderCurveInterval, returns.areaUnderCurveInterval, row.algorithm)
            // Each interval, computed from the seeds' scores, is the returns' interval mapped.
            let final = try XCTUnwrap(row.finalScore), area = try XCTUnwrap(row.areaUnderCurveScore)
            for (score, raw) in [(final, returns.finalReturn), (area, returns.areaUnderCurveInterval)] {
                XCTAssertEqual(score.mean, raw.mean / 10 + 100, accuracy: 1e-9, row.algorithm)
                XCTAssertEqual(score.lower, raw.lower / 10 + 100, accuracy: 1e-9, row.algorithm)
                XCTAssertEqual(score.upper, raw.upper / 10 + 100, accuracy: 1e-9, row.algorithm)
            }
        }
        // sac: final returns −140 and −160 score 86 and 84; two runs' interval is their range.
        let sac = summary.rows[0]
        XCTAssertEqual(sac.finalScore, BootstrapInterval(mean: 85, lower: 84, upper: 86))
        // AUC of seed 0: (1000·(−1090) + 1000·(−340) + 5000·(−290)) / 2 / 7000 = −205.714…, score 79.428…;
        // seed 1: (1000·(−1400) + 1000·(−580) + 5000·(−340)) / 2 / 7000 = −262.857…, score 73.714…
        let area0: Double = 1000 * -1090 + 1000 * -340 + 5000 * -290
        let area1: Double = 1000 * -1400 + 1000 * -580 + 5000 * -340
        let auc0 = 100 + area0 / 2 / 7000 / 10, auc1 = 100 + area1 / 2 / 7000 / 10
        XCTAssertEqual(sac.areaUnderCurveScore?.mean ?? 0, (auc0 + auc1) / 2, accuracy: 1e-9)
        XCTAssertEqual(sac.areaUnderCurveScore?.lower ?? 0, auc1, accuracy: 1e-9)
        XCTAssertEqual(sac.areaUnderCurveScore?.upper ?? 0, auc0, accuracy: 1e-9)

        let lines = summary.csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], ComparisonSummary.csvHeader + "," + ComparisonSummary.scoreCSVColumns)
        XCTAssertEqual(plain.csv.split(separator: "\n").first.map(String.init), ComparisonSummary.csvHeader, "no score columns without a reference")
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(fields.count, 20)
        XCTAssertEqual(Array(fields[0...6]), ["sac", "off", "2", "2", "-200", "2500", "-150.0"])
        XCTAssertEqual(Array(fields[13...16]), ["returns -1000 and 0", "85.0", "84.0", "86.0"])
        XCTAssertEqual(Double(fields[17])!, (auc0 + auc1) / 2, accuracy: 1e-9)

        let table = summary.table
        XCTAssertTrue(table.hasPrefix("algo  policy  seeds  reached -200  median steps to -200  final score (95% CI)  AUC (mean score, 95% CI)"), table)
        XCTAssertTrue(table.contains("85.0 [84.0, 86.0]"), table)
        XCTAssertTrue(table.contains("\nScores are 100·(return − random)/(expert − random), with reference: the given returns (random -1000, expert 0); the threshold is a return.\n"), table)
        XCTAssertFalse(plain.table.contains("Scores are"), plain.table)
    }
}
