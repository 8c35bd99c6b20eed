import Comparison
import Foundation
import TestSupport
import XCTest

/// Offline runs (`train bc --dataset ...`) take no environment step: `plot` and `compare` measure them
/// by updates, and a chart mixing online and offline runs says which axis it uses. Through the CLI.
final class OfflineAxisTests: XCTestCase {
    private var directory: URL!

    /// The D4RL fixture of DatasetsTests (20,000 Pendulum transitions), shared rather than copied.
    private let dataset = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DatasetsTests/Fixtures/pendulum-medium.hdf5").path

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("offpolicy-offline-axis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    /// The x coordinates of the chart's mean line for `algorithm`, mapped back to data units.
    private func xValues(in svg: String, algorithm: String) throws -> [Double] {
        let axis = try XCTUnwrap(svg.range(of: #"class="x-axis" data-min="([^"]*)" data-max="([^"]*)""#, options: .regularExpression))
        let parts = svg[axis].split(separator: "\"")
        let (minimum, maximum) = (try XCTUnwrap(Double(parts[3])), try XCTUnwrap(Double(parts[5])))
        let line = try XCTUnwrap(svg.components(separatedBy: "\n").first { $0.contains("class=\"mean-curve\" data-algorithm=\"\(algorithm)\"") })
        let points = try XCTUnwrap(line.components(separatedBy: "points=\"").last?.components(separatedBy: "\"").first)
        return points.split(separator: " ").map { pair in
            let x = Double(pair.split(separator: ",")[0])!
            return minimum + (x - 86) / (690 - 86) * (maximum - minimum)
        }
    }

    private func trainOffline(_ run: URL) throws -> OffpolicyExecutable.Output {
        try OffpolicyExecutable.run(["train", "bc", "--dataset", dataset, "--steps", "300", "--hidden", "16,16", "--batch", "32",
                                     "--eval-every", "100", "--eval-episodes", "1", "--run-dir", run.path])
    }

    func testPlotOfAnOfflineRunDrawsItsUpdates() throws {
        let run = directory.appendingPathComponent("bc")
        let train = try trainOffline(run)
        XCTAssertEqual(train.status, 0, train.standardError)
        XCTAssertTrue(train.standardOutput.contains("for 300 updates offline"), train.standardOutput)
        XCTAssertFalse(train.standardOutput.contains("300 steps"), train.standardOutput)
        let last = try XCTUnwrap(text(run.appendingPathComponent("progress.csv")).split(separator: "\n").last).split(separator: ",")
        let summary = try XCTUnwrap(train.standardOutput.split(separator: "\n").last.map(String.init))
        XCTAssertTrue(summary.hasPrefix("finished 300 updates offline from "), summary)
        XCTAssertTrue(summary.hasSuffix("; last evaluation " + String(format: "%.2f ± %.2f", Double(last[4])!, Double(last[5])!) + " over 1 episode"),
                      summary)
        // progress.csv keeps env_steps 0: the run took no environment step.
        let rows = try text(run.appendingPathComponent("progress.csv")).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.map { $0.split(separator: ",")[0] }, ["0", "0", "0"])

        let chart = directory.appendingPathComponent("bc.svg")
        let plot = try OffpolicyExecutable.run(["plot", run.path, "--out", chart.path])
        XCTAssertEqual(plot.status, 0, plot.standardError)
        XCTAssertTrue(plot.standardOutput.contains("steps are learner updates"), plot.standardOutput)
        let svg = try text(chart)
        XCTAssertTrue(svg.contains(">updates</text>"), "the x-axis is labelled updates")
        XCTAssertEqual(try xValues(in: svg, algorithm: "bc").map { $0.rounded() }, [100, 200, 300])

        // A mixed plot (an online run beside the offline one) says its axis, on the chart and in a line.
        let online = directory.appendingPathComponent("sac")
        try FileManager.default.createDirectory(at: online, withIntermediateDirectories: true)
        try Data(#"{"environment": "Pendulum-v1", "steps": 300, "seed": 0, "mode": "online", "learner": {"algorithm": "sac"}}"#.utf8)
            .write(to: online.appendingPathComponent("config.json"))
        try Data("env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std,steps_per_s\n150,0,50,nan,-1200.0,0.0,100.0\n300,1,200,nan,-900.0,0.0,100.0\n".utf8)
            .write(to: online.appendingPathComponent("progress.csv"))
        let mixedChart = directory.appendingPathComponent("mixed.svg")
        let mixed = try OffpolicyExecutable.run(["plot", run.path, online.path, "--out", mixedChart.path])
        XCTAssertEqual(mixed.status, 0, mixed.standardError)
        XCTAssertTrue(mixed.standardOutput.contains("mix online and offline training: steps are environment steps for online runs and learner updates for the 1 offline run"),
                      mixed.standardOutput)
        let mixedSVG = try text(mixedChart)
        XCTAssertTrue(mixedSVG.contains(">environment steps (offline runs: updates)</text>"), mixedSVG)
        XCTAssertEqual(try xValues(in: mixedSVG, algorithm: "bc").map { $0.rounded() }, [100, 200, 300])
        XCTAssertEqual(try xValues(in: mixedSVG, algorithm: "sac").map { $0.rounded() }, [150, 300])
    }

    func testCompareOfAnOfflineLearnerFinishesAndWritesItsUpdates() throws {
        let out = directory.appendingPathComponent("cmp")
        let result = try OffpolicyExecutable.run(["compare", "--algos", "bc", "--seeds", "1", "--steps", "300", "--hidden", "16,16",
                                                  "--eval-every", "100", "--eval-episodes", "1", "--jobs", "1", "--out", out.path,
                                                  "--train-args", "bc: --dataset \(dataset) --batch 32"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertFalse(result.standardError.contains("FAILED"), result.standardError)
        XCTAssertTrue(result.standardError.contains("finished  300/300 updates (100%)"), result.standardError)
        XCTAssertTrue(result.standardOutput.contains("steps are learner updates"), result.standardOutput)
        let curvesText = try text(out.appendingPathComponent("curves.csv"))
        XCTAssertTrue(curvesText.hasPrefix(CurvesFile.offlineHeader + "\n"), curvesText)
        let curves = try CurvesFile.read(from: out.appendingPathComponent("curves.csv"))
        XCTAssertEqual(curves.count, 1)
        XCTAssertEqual(curves[0].points.map(\.steps), [100, 200, 300])
        XCTAssertTrue(curves[0].offline)
        let svg = try text(out.appendingPathComponent("curves.svg"))
        XCTAssertTrue(svg.contains(">updates</text>"), svg)

        // Run again: the finished offline run counts as finished (by its updates), not run again.
        let again = try OffpolicyExecutable.run(["compare", "--algos", "bc", "--seeds", "1", "--steps", "300", "--hidden", "16,16",
                                                 "--eval-every", "100", "--eval-episodes", "1", "--jobs", "1", "--out", out.path,
                                                 "--train-args", "bc: --dataset \(dataset) --batch 32"])
        XCTAssertEqual(again.status, 0, again.standardError)
        XCTAssertTrue(again.standardError.contains("compare: 1 finished"), again.standardError)
    }

    func testCurvesFileKeepsEachRunsAxis() throws {
        let file = directory.appendingPathComponent("curves.csv")
        let curves = [LearningCurve(algorithm: "bc", seed: 0, points: [CurvePoint(steps: 100, value: -900)], offline: true),
                      LearningCurve(algorithm: "sac", seed: 0, points: [CurvePoint(steps: 100, value: -800)])]
        try CurvesFile.write(curves, to: file)
        XCTAssertEqual(try CurvesFile.read(from: file), curves)
        try CurvesFile.write([curves[1]], to: file)
        XCTAssertTrue(try text(file).hasPrefix(CurvesFile.header + "\n"), "all-online files keep the old header")
        XCTAssertEqual(try CurvesFile.read(from: file), [curves[1]])
    }
}
