import Comparison
import Foundation
import XCTest

/// rliable's interval figures: bars where their intervals are, on the axis the panel shows.
final class IntervalChartTests: XCTestCase {
    /// The attribute `name` of every element of class `cls` in `svg`, in order.
    private func attributes(_ name: String, of cls: String, in svg: String) -> [String] {
        svg.components(separatedBy: "class=\"\(cls)\"").dropFirst().map { element in
            let tail = element.components(separatedBy: "\(name)=\"")[1]
            return String(tail.prefix { $0 != "\"" })
        }
    }

    func testBarsSpanTheirIntervalsOnThePanelAxis() throws {
        let rows = [IntervalChart.Row(label: "sac", colorIndex: 0, interval: IntervalEstimate(estimate: 0.5, lower: 0.25, upper: 0.75)),
                    IntervalChart.Row(label: "ppo", colorIndex: 1, interval: IntervalEstimate(estimate: 0.2, lower: 0, upper: 0.4))]
        let chart = IntervalChart(title: "t", panels: [IntervalChart.Panel(title: "IQM", rows: rows, range: 0...1, reference: 0.5)], xLabel: "score")
        let svg = chart.svg
        XCTAssertEqual(attributes("data-label", of: "interval", in: svg), ["sac", "ppo"])
        XCTAssertEqual(attributes("data-value", of: "estimate", in: svg), ["0.5", "0.2"])
        // The panel spans 190 units from x = 150 over the axis 0 ... 1: 0.25 ... 0.75 is x 197.5, width 95.
        XCTAssertEqual(attributes("x", of: "interval", in: svg), ["197.5", "150.0"])
        XCTAssertEqual(attributes("width", of: "interval", in: svg), ["95.0", "76.0"])
        XCTAssertEqual(attributes("x1", of: "estimate", in: svg), ["245.0", "188.0"])
        XCTAssertEqual(attributes("data-value", of: "reference", in: svg), ["0.5"])
        XCTAssertEqual(attributes("data-min", of: "x-axis", in: svg), ["0.0"])
        XCTAssertEqual(attributes("data-max", of: "x-axis", in: svg), ["1.0"])
    }

    func testAggregateFigureHasAPanelPerMetricInRliablesOrder() throws {
        let a = try ScoreMatrix(tasks: ["A", "B"], scores: [[0.1, 0.5, 0.9], [0.2, 0.4, 0.6]])
        let curves = ["A", "B"].enumerated().flatMap { task, name in
            (0..<3).map { run in
                LearningCurve(algorithm: "sac", seed: UInt64(run), points: [CurvePoint(steps: 100, value: a.scores[task][run])], task: name)
            }
        }
        let references = try ["A", "B"].map { try TaskReference(task: $0, source: .given, minimum: 0, maximum: 1) }
        let comparison = try AggregateComparison(curves: curves, algorithms: ["sac"], tasks: ["A", "B"], references: references,
                                                 bootstrap: StratifiedBootstrap(repetitions: 200))
        XCTAssertEqual(comparison.scores["sac"], a)
        let svg = IntervalChart(aggregates: comparison).svg
        XCTAssertEqual(attributes("data-title", of: "panel", in: svg), ["Median", "IQM", "Mean", "Optimality gap"])
        // The pooled scores 0.1, 0.2, 0.4, 0.5, 0.6, 0.9 lose one at each end: IQM 0.425; the task means
        // 0.5 and 0.4 give the mean and the median 0.45; the gap is 1 − 0.45.
        let estimates = attributes("data-value", of: "estimate", in: svg).map { Double($0)! }
        for (value, expected) in zip(estimates, [0.45, 0.425, 0.45, 0.55]) { XCTAssertEqual(value, expected, accuracy: 1e-12) }
        XCTAssertTrue(comparison.improvements.isEmpty)
    }
}
