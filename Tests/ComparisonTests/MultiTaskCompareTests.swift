import Comparison
import Foundation
import TestSupport
import XCTest

/// `offpolicy compare --env A,B`: every learner on every task with the same seeds, with tiny real runs.
final class MultiTaskCompareTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-multitask-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func arguments(out: URL, extra: [String] = []) -> [String] {
        ["compare", "--env", "Pendulum-v1,MountainCarContinuous-v0", "--algos", "sac,td3", "--seeds", "2", "--steps", "300",
         "--hidden", "16,16", "--eval-every", "100", "--eval-episodes", "1", "--jobs", "2", "--out", out.path,
         "--bootstrap-repetitions", "300"] + extra
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    func testEveryLearnerRunsOnEveryTaskAndTheStatisticsUseTheGivenReferences() throws {
        let out = directory.appendingPathComponent("cmp")
        // Pendulum's score is (R + 1600) / 1500; MountainCar's reference is a random policy's return
        // and the best return seen.
        let first = try OffpolicyExecutable.run(arguments(out: out, extra: ["--reference", "Pendulum-v1=-1600:-100"]))
        XCTAssertEqual(first.status, 0, first.standardError)
        let folders = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("runs").path).sorted()
        XCTAssertEqual(folders, ["MountainCarContinuous-v0_sac-seed0", "MountainCarContinuous-v0_sac-seed1",
                                 "MountainCarContinuous-v0_td3-seed0", "MountainCarContinuous-v0_td3-seed1",
                                 "Pendulum-v1_sac-seed0", "Pendulum-v1_sac-seed1", "Pendulum-v1_td3-seed0", "Pendulum-v1_td3-seed1"])
        // The same seeds on both tasks, and each run on its own task.
        let config = try text(out.appendingPathComponent("runs/MountainCarContinuous-v0_td3-seed1/stdout.log"))
        XCTAssertTrue(config.contains("--env MountainCarContinuous-v0 --seed 1"), config)
        XCTAssertTrue(first.standardError.contains("sac seed 0 on Pendulum-v1"), first.standardError)

        let curves = try CurvesFile.read(from: out.appendingPathComponent("curves.csv"))
        XCTAssertEqual(curves.count, 8)
        XCTAssertEqual(Set(curves.compactMap(\.task)), ["Pendulum-v1", "MountainCarContinuous-v0"])

        let lines = try text(out.appendingPathComponent("summary.csv")).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",").map(String.init)
        XCTAssertEqual(lines[0], ComparisonSummary.csvHeader + ",task,reference," + AggregateComparison.csvColumns)
        XCTAssertEqual(lines.count, 1 + 4 + 2, "a row per task and learner, then one per learner over all tasks")
        func column(_ name: String, _ line: String) -> String {
            line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)[header.firstIndex(of: name)!]
        }
        let pendulum = lines.filter { column("task", $0) == "Pendulum-v1" }
        XCTAssertEqual(pendulum.map { column("algo", $0) }, ["sac", "td3"])
        XCTAssertTrue(pendulum.allSatisfy { column("reference", $0) == "given" })
        XCTAssertTrue(lines.filter { column("task", $0) == "MountainCarContinuous-v0" }.allSatisfy { column("reference", $0) == "random_and_best" })
        // Over Pendulum alone, the mean score is the mean over seeds of (final return + 1600) / 1500.
        for algorithm in ["sac", "td3"] {
            let finals = curves.filter { $0.algorithm == algorithm && $0.task == "Pendulum-v1" }.map { $0.points.last!.value }
            let row = pendulum.first { column("algo", $0) == algorithm }!
            XCTAssertEqual(Double(column("mean", row))!, finals.map { ($0 + 1600) / 1500 }.reduce(0, +) / 2, accuracy: 1e-12)
        }
        // Over all tasks: the mean of the two task means, and an interval around it.
        let all = lines.filter { column("task", $0) == "all" }
        XCTAssertEqual(all.map { column("algo", $0) }, ["sac", "td3"])
        for row in all {
            let algorithm = column("algo", row)
            let means = try ["Pendulum-v1", "MountainCarContinuous-v0"].map { task in
                try XCTUnwrap(Double(column("mean", lines.first { column("task", $0) == task && column("algo", $0) == algorithm }!)))
            }
            XCTAssertEqual(Double(column("mean", row))!, (means[0] + means[1]) / 2, accuracy: 1e-12)
            XCTAssertLessThanOrEqual(Double(column("iqm_ci_low", row))!, Double(column("iqm_ci_high", row))!)
            XCTAssertEqual(column("seeds", row), "4")
        }
        let improvement = try text(out.appendingPathComponent("improvement.csv")).split(separator: "\n")
        XCTAssertEqual(improvement.first, "algo,over,probability_of_improvement,ci_low,ci_high")
        XCTAssertEqual(improvement.dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }, ["sac,td3", "td3,sac"])
        // P(sac > td3) + P(td3 > sac) = 1: every pair is counted once either way, a tie half each way.
        let probabilities = improvement.dropFirst().map { Double($0.split(separator: ",")[2])! }
        XCTAssertEqual(probabilities[0] + probabilities[1], 1, accuracy: 1e-12)
        XCTAssertTrue(first.standardOutput.contains("Pendulum-v1: the given returns -1600 (score 0) and -100 (score 1)"), first.standardOutput)
        XCTAssertTrue(first.standardOutput.contains("MountainCarContinuous-v0: a uniformly random policy's mean return"), first.standardOutput)
        XCTAssertTrue(first.standardOutput.contains("IQM (95% CI)"), first.standardOutput)

        // rliable's figures: four panels of two bars each, whose estimates are the summary's "all" rows.
        let aggregates = try text(out.appendingPathComponent("aggregates.svg"))
        XCTAssertEqual(aggregates.components(separatedBy: "class=\"panel\"").count - 1, 4)
        XCTAssertEqual(aggregates.components(separatedBy: "class=\"interval\"").count - 1, 8)
        for row in all {
            let iqm = column("iqm", row)
            XCTAssertTrue(aggregates.contains("class=\"estimate\" data-value=\"\(iqm)\""), "the IQM \(iqm) of \(column("algo", row))")
        }
        let pair = try text(out.appendingPathComponent("improvement.svg"))
        XCTAssertEqual(pair.components(separatedBy: "class=\"interval\"").count - 1, 2)
        XCTAssertTrue(pair.contains("data-value=\"\(probabilities[0])\""), pair)
        for name in ["iqm-curves.svg", "profiles.svg", "curves-Pendulum-v1.svg", "curves-MountainCarContinuous-v0.svg"] {
            let svg = try text(out.appendingPathComponent(name))
            XCTAssertEqual(svg.components(separatedBy: "class=\"mean-curve\"").count - 1, 2, name)
        }
        // plot --figure recomputes each from curves.csv and references.json: the same file with the same settings.
        for (figure, file) in [("aggregates", "aggregates.svg"), ("iqm", "iqm-curves.svg"), ("profiles", "profiles.svg"), ("improvement", "improvement.svg")] {
            let drawn = directory.appendingPathComponent("\(figure).svg")
            let plot = try OffpolicyExecutable.run(["plot", out.path, "--figure", figure, "--out", drawn.path, "--bootstrap-repetitions", "300"])
            XCTAssertEqual(plot.status, 0, plot.standardError)
            XCTAssertEqual(try text(drawn), try text(out.appendingPathComponent(file)), figure)
        }
        let mixed = try OffpolicyExecutable.run(["plot", out.path, "--out", directory.appendingPathComponent("mixed.svg").path])
        XCTAssertEqual(mixed.status, 0, mixed.standardError)
        XCTAssertTrue(mixed.standardError.contains("compares 2 tasks (Pendulum-v1, MountainCarContinuous-v0); each learner's line averages their returns"),
                      mixed.standardError)
        let notCompare = try OffpolicyExecutable.run(["plot", out.appendingPathComponent("runs/Pendulum-v1_sac-seed0").path, "--figure", "iqm",
                                                      "--out", directory.appendingPathComponent("x.svg").path])
        XCTAssertEqual(notCompare.status, 64, notCompare.standardError)
        XCTAssertTrue(notCompare.standardError.contains("holds no references.json"), notCompare.standardError)

        // Again: nothing runs, and the outputs are the same (the random policy's return is seeded).
        let summaryBefore = try text(out.appendingPathComponent("summary.csv"))
        let second = try OffpolicyExecutable.run(arguments(out: out, extra: ["--reference", "Pendulum-v1=-1600:-100"]))
        XCTAssertEqual(second.status, 0, second.standardError)
        XCTAssertTrue(second.standardError.contains("compare: 8 finished"), second.standardError)
        XCTAssertEqual(try text(out.appendingPathComponent("summary.csv")), summaryBefore)
    }

    func testSettingsOfOneTaskAreRefusedWithSeveral() throws {
        let out = directory.appendingPathComponent("cmp")
        for (extra, message) in [
            (["--threshold", "-200"], "--threshold is a return of one environment"),
            (["--normalize", "-1600,-100"], "--normalize is for one environment"),
            (["--reference", "Hopper-v5=0:1"], "--reference names Hopper-v5, which is not one of --env"),
            (["--reference", "Pendulum-v1=-100:-1600"], "needs its minimum return (-100.0) below its maximum (-1600.0)"),
            (["--reference", "Pendulum-v1=fast"], "is not TASK=MIN:MAX"),
        ] {
            let result = try OffpolicyExecutable.run(arguments(out: out, extra: extra))
            XCTAssertEqual(result.status, 64, result.standardError)
            XCTAssertTrue(result.standardError.contains(message), "\(extra): \(result.standardError)")
        }
        let twice = try OffpolicyExecutable.run(["compare", "--env", "Pendulum-v1,Pendulum-v1", "--algos", "sac", "--steps", "10", "--out", out.path])
        XCTAssertEqual(twice.status, 64, twice.standardError)
        XCTAssertTrue(twice.standardError.contains("--env names an environment twice"), twice.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "nothing was started")
    }

    func testReferenceParsing() throws {
        let hopper = try TaskReference(parsing: "gym:Hopper-v5=-20.5:3234.3")
        XCTAssertEqual(hopper, try TaskReference(task: "gym:Hopper-v5", source: .given, minimum: -20.5, maximum: 3234.3))
        XCTAssertEqual(hopper.score(-20.5), 0)
        XCTAssertEqual(hopper.score(3234.3), 1)
        XCTAssertEqual(try TaskReference(parsing: "Pendulum-v1=-1600:-100").score(-850), 0.5)
        XCTAssertEqual(TaskReference.d4rl(task: "gym:Walker2d-v5")?.minimum, 1.629008)
        XCTAssertNil(TaskReference.d4rl(task: "Pendulum-v1"))
    }
}
