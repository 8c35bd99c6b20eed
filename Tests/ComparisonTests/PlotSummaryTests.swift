import Comparison
import Foundation
import TestSupport
import XCTest

/// `offpolicy plot --summary`: compare's per-learner table over any run directories, here three written
/// by hand (two of another toolkit's learner, "sb3-sac", one of ours), with values worked out by hand.
final class PlotSummaryTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-plot-summary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // sb3-sac seed 1: final 20; AUC (1000·(10+30)/2 + 1000·(30+20)/2) / 2000 = 22.5.
        try writeRun("sb3-sac-1", algorithm: "sb3-sac", seed: 1, rows: [(1000, 10), (2000, 30), (3000, 20)])
        // sb3-sac seed 2: final 60; AUC (1000·(0+40)/2 + 1000·(40+60)/2) / 2000 = 35.
        try writeRun("sb3-sac-2", algorithm: "sb3-sac", seed: 2, rows: [(1000, 0), (2000, 40), (3000, 60)])
        // sac seed 1: the evaluation at 2000 has no finite mean and is left out, as is the unfinished last
        // line; final 300, AUC 2000·(100+300)/2 / 2000 = 200.
        try writeRun("sac-1", algorithm: "sac", seed: 1, rows: [(1000, 100), (2000, .nan), (3000, 300)], unfinishedLine: "4000,3,3900,")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeRun(_ name: String, algorithm: String, seed: Int, rows: [(Int, Double)], unfinishedLine: String = "") throws {
        let run = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let config = #"{"environment": "gym:HalfCheetah-v5", "steps": 3000, "seed": \#(seed), "learner": {"algorithm": "\#(algorithm)"}}"#
        try Data(config.utf8).write(to: run.appendingPathComponent("config.json"))
        var progress = "env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s\n"
        for (index, (steps, value)) in rows.enumerated() {
            progress += "\(steps),\(index),\(steps - 100),nan,\(value.isNaN ? "nan" : "\(value)"),0.0,100.0\n"
        }
        try Data((progress + unfinishedLine).utf8).write(to: run.appendingPathComponent("progress.csv"))
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func rows(of file: String) throws -> [String: [String: String]] {
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, ComparisonSummary.csvHeader)
        let names = ComparisonSummary.csvHeader.split(separator: ",").map(String.init)
        var result: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(fields.count, names.count, line)
            result[fields[0]] = Dictionary(uniqueKeysWithValues: zip(names, fields))
        }
        return result
    }

    func testSummaryOfRunDirectoriesAgainstHandComputedValues() throws {
        let out = path("summary.csv")
        let result = try OffpolicyExecutable.run(["plot", path("sb3-sac-1"), path("sac-1"), path("sb3-sac-2"),
                                                  "--summary", out, "--no-threshold"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let table = try rows(of: out)
        XCTAssertEqual(Set(table.keys), ["sb3-sac", "sac"])
        let sb3 = try XCTUnwrap(table["sb3-sac"]), sac = try XCTUnwrap(table["sac"])
        XCTAssertEqual(sb3["seeds"], "2")
        XCTAssertEqual(Double(sb3["final_return_mean"]!), 40)  // (20 + 60) / 2
        XCTAssertEqual(Double(sb3["auc"]!)!, (22.5 + 35) / 2, accuracy: 1e-12)
        // Two values resampled: each interval lies between them and holds the mean.
        let (finalLow, finalHigh) = (Double(sb3["final_return_ci_low"]!)!, Double(sb3["final_return_ci_high"]!)!)
        XCTAssertTrue(20 <= finalLow && finalLow <= 40 && 40 <= finalHigh && finalHigh <= 60, "\(finalLow) \(finalHigh)")
        let (aucLow, aucHigh) = (Double(sb3["auc_ci_low"]!)!, Double(sb3["auc_ci_high"]!)!)
        XCTAssertTrue(22.5 <= aucLow && aucLow <= 28.75 && 28.75 <= aucHigh && aucHigh <= 35, "\(aucLow) \(aucHigh)")
        // Without a threshold its columns are empty.
        XCTAssertEqual([sb3["threshold"], sb3["seeds_reached"], sb3["median_steps_to_threshold"]], ["", "", ""])
        XCTAssertEqual(sac["seeds"], "1")
        XCTAssertEqual(Double(sac["final_return_mean"]!), 300)
        XCTAssertEqual(Double(sac["auc"]!), 200)
        XCTAssertEqual([sac["final_return_ci_low"], sac["final_return_ci_high"]].map { Double($0!) }, [300, 300])
        XCTAssertEqual([sac["auc_ci_low"], sac["auc_ci_high"]].map { Double($0!) }, [200, 200])
        // The table is printed, without the threshold's columns.
        XCTAssertTrue(result.standardOutput.contains("AUC (mean return, 95% CI)"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("300.0 [300.0, 300.0]"), result.standardOutput)
        XCTAssertFalse(result.standardOutput.contains("reached"), result.standardOutput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("curves.svg")), "no --out, no chart")
    }

    func testSummaryWithAThresholdAndAChart() throws {
        let out = path("summary.csv"), chart = path("chart.svg")
        let result = try OffpolicyExecutable.run(["plot", path("sb3-sac-1"), path("sb3-sac-2"), path("sac-1"),
                                                  "--summary", out, "--out", chart, "--threshold", "25"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let table = try rows(of: out)
        // sb3-sac reaches 25 at 2000 in both seeds; sac at 1000.
        XCTAssertEqual(table["sb3-sac"]?["threshold"], "25")
        XCTAssertEqual(table["sb3-sac"]?["seeds_reached"], "2")
        XCTAssertEqual(table["sb3-sac"]?["median_steps_to_threshold"], "2000")
        XCTAssertEqual(table["sac"]?["median_steps_to_threshold"], "1000")
        XCTAssertTrue(FileManager.default.fileExists(atPath: chart))
        XCTAssertTrue(result.standardOutput.contains("median steps to 25"), result.standardOutput)
    }

    /// `--normalize d4rl` on the HalfCheetah runs: a return R scores 100 · (R + 280.178953) / 12415.178953
    /// (D4RL's references); the threshold (25) stays a return and the chart draws it at its score.
    func testNormalisedSummaryAndChartOfHalfCheetahRuns() throws {
        let out = path("summary.csv"), chart = path("chart.svg")
        let result = try OffpolicyExecutable.run(["plot", path("sb3-sac-1"), path("sb3-sac-2"), path("sac-1"),
                                                  "--summary", out, "--out", chart, "--threshold", "25", "--normalize", "d4rl"])
        XCTAssertEqual(result.status, 0, result.standardError)
        func score(_ value: Double) -> Double { 100 * (value + 280.178953) / (12135 + 280.178953) }
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, ComparisonSummary.csvHeader + "," + ComparisonSummary.scoreCSVColumns)
        let names = lines[0].split(separator: ",").map(String.init)
        var table: [String: [String: String]] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            XCTAssertEqual(fields.count, names.count, line)
            table[fields[0]] = Dictionary(uniqueKeysWithValues: zip(names, fields))
        }
        let sb3 = try XCTUnwrap(table["sb3-sac"]), sac = try XCTUnwrap(table["sac"])
        XCTAssertEqual(sb3["score_reference"], "D4RL halfcheetah")
        // The returns' columns and the threshold's stay returns.
        XCTAssertEqual(Double(sb3["final_return_mean"]!), 40)
        XCTAssertEqual(sb3["median_steps_to_threshold"], "2000")
        // sb3-sac: final returns 20 and 60, AUCs 22.5 and 35; two runs' interval is their range.
        let expected: [(String, Double)] = [("final_score_mean", score(40)), ("final_score_ci_low", score(20)), ("final_score_ci_high", score(60)),
                                            ("auc_score", score(28.75)), ("auc_score_ci_low", score(22.5)), ("auc_score_ci_high", score(35))]
        for (column, value) in expected { XCTAssertEqual(Double(sb3[column]!)!, value, accuracy: 1e-9, column) }
        // sac: one run, final 300 and AUC 200.
        XCTAssertEqual(Double(sac["final_score_mean"]!)!, score(300), accuracy: 1e-9)
        XCTAssertEqual(Double(sac["auc_score_ci_high"]!)!, score(200), accuracy: 1e-9)
        XCTAssertTrue(result.standardOutput.contains("final score (95% CI)"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains(String(format: "%.1f [%.1f, %.1f]", score(300), score(300), score(300))), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("with reference: D4RL's halfcheetah returns (random -280.18, expert 12135); the threshold is a return."),
                      result.standardOutput)
        let svg = try String(contentsOfFile: chart, encoding: .utf8)
        XCTAssertTrue(svg.contains(">normalised score (D4RL halfcheetah)</text>"), svg)
        XCTAssertTrue(svg.contains("class=\"threshold\" data-value=\"\(score(25))\""), svg)
        XCTAssertTrue(svg.contains(">threshold \(String(format: "%.1f", score(25))) (return 25)</text>"), svg)
    }

    func testSummaryRefusesAnExistingFileAndPathsInsideRuns() throws {
        // An existing file is never replaced.
        let existing = path("mine.csv")
        try Data("keep me\n".utf8).write(to: URL(fileURLWithPath: existing))
        let refused = try OffpolicyExecutable.run(["plot", path("sac-1"), "--summary", existing])
        XCTAssertEqual(refused.status, 64, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("exists"), refused.standardError)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "keep me\n")

        // Not inside one of the paths summarised, nor inside another run directory.
        let inside = try OffpolicyExecutable.run(["plot", path("sac-1"), "--summary", path("sac-1/summary.csv")])
        XCTAssertEqual(inside.status, 64, inside.standardError)
        XCTAssertTrue(inside.standardError.contains("one of the paths summarised"), inside.standardError)
        let inRun = try OffpolicyExecutable.run(["plot", path("sac-1"), "--summary", path("sb3-sac-1/summary.csv")])
        XCTAssertEqual(inRun.status, 64, inRun.standardError)
        XCTAssertTrue(inRun.standardError.contains("inside the run directory"), inRun.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("sb3-sac-1/summary.csv")))

        // One of --out and --summary.
        let neither = try OffpolicyExecutable.run(["plot", path("sac-1")])
        XCTAssertEqual(neither.status, 64, neither.standardError)
        XCTAssertTrue(neither.standardError.contains("give --out, --summary or both"), neither.standardError)
    }

    func testHelpDescribesTheSummary() throws {
        let help = try OffpolicyExecutable.run(["plot", "--help"])
        XCTAssertEqual(help.status, 0, help.standardError)
        XCTAssertTrue(help.standardOutput.contains("--summary <summary>"), help.standardOutput)
        XCTAssertTrue(help.standardOutput.contains("final return (mean over runs of the last"), help.standardOutput)
    }
}
