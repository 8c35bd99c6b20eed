import Comparison
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest

/// The SVG chart, parsed as XML: one line per algorithm, axes covering the data, points where the
/// axes put them.
final class ChartTests: XCTestCase {
    /// The elements of an SVG document with their attributes, in document order.
    final class Elements: NSObject, XMLParserDelegate {
        var all: [(name: String, attributes: [String: String])] = []
        var texts: [String] = []
        private var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            all.append((name, attributes))
            text = ""
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text" { texts.append(text) }
            text = ""
        }

        func named(_ name: String, class className: String) -> [[String: String]] {
            all.filter { $0.name == name && $0.attributes["class"] == className }.map(\.attributes)
        }
    }

    func parse(_ svg: String) throws -> Elements {
        let parser = XMLParser(data: Data(svg.utf8))
        let elements = Elements()
        parser.delegate = elements
        XCTAssertTrue(parser.parse(), "the SVG is well-formed XML: \(String(describing: parser.parserError))")
        return elements
    }

    func points(_ attribute: String?) -> [(x: Double, y: Double)] {
        (attribute ?? "").split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0)! }
            return (xy[0], xy[1])
        }
    }

    func testOneLinePerAlgorithmAndAxesCoveringTheData() throws {
        let chart = try LearningCurveChart(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], environment: "Pendulum-v1", threshold: -200)
        let svg = try parse(chart.svg)

        let lines = svg.named("polyline", class: "mean-curve")
        XCTAssertEqual(lines.map { $0["data-algorithm"] }, ["sac", "td3", "ppo"])
        XCTAssertEqual(svg.named("polygon", class: "band").count, 3, "every algorithm has two seeds, so a band")
        XCTAssertEqual(Set(lines.map { $0["stroke"] }).count, 3, "a colour each")

        // The step axis runs from 0 to 10,000 (8,192 rounded up to the 2,000 tick step); the return axis
        // covers the lowest band end (−1,300) to the highest (−140): (−140 + 1300) / 5 = 232 per interval,
        // rounded up to a tick step of 250, so −1,500 to 0.
        let xAxis = try XCTUnwrap(svg.named("g", class: "x-axis").first)
        XCTAssertEqual(Double(xAxis["data-min"]!), 0)
        XCTAssertEqual(Double(xAxis["data-max"]!), 10_000)
        let yAxis = try XCTUnwrap(svg.named("g", class: "y-axis").first)
        XCTAssertEqual(Double(yAxis["data-min"]!), -1500)
        XCTAssertEqual(Double(yAxis["data-max"]!), 0)
        let tickValues = svg.all.filter { $0.attributes["class"] == "tick-label" }.compactMap { Double($0.attributes["data-value"]!) }
        XCTAssertEqual(Array(tickValues.prefix(6)), [0, 2000, 4000, 6000, 8000, 10000])
        XCTAssertEqual(Array(tickValues.dropFirst(6)), stride(from: -1500.0, through: 0, by: 250).map { $0 })
        XCTAssertTrue(svg.texts.contains("10k"), "step ticks in thousands: \(svg.texts)")
        XCTAssertTrue(svg.texts.contains("−1250") && svg.texts.contains("0") && !svg.texts.contains("0k"), "negative returns with a minus sign: \(svg.texts)")
        XCTAssertTrue(svg.texts.contains("environment steps"))
        XCTAssertTrue(svg.texts.contains("evaluation return (mean over seeds)"))
        XCTAssertTrue(svg.texts.contains("sac (2 seeds)"))
        XCTAssertTrue(svg.texts.contains("threshold −200"))

        // Every point lies in the plot area, and the first point of sac (1000 steps, mean −950) sits where
        // the axes put it.
        let (left, right, top, bottom) = (chart.plotLeft, chart.plotRight, chart.plotTop, chart.plotBottom)
        for line in lines {
            for point in points(line["points"]) {
                XCTAssertTrue((left...right).contains(point.x) && (top...bottom).contains(point.y), "\(point) outside the plot")
            }
        }
        let first = points(lines[0]["points"])[0]
        XCTAssertEqual(first.x, left + 1000.0 / 10_000 * (right - left), accuracy: 0.06)
        XCTAssertEqual(first.y, bottom - (-950.0 + 1500) / 1500 * (bottom - top), accuracy: 0.06)
        let threshold = try XCTUnwrap(svg.all.first { $0.attributes["class"] == "threshold" }?.attributes)
        XCTAssertEqual(Double(threshold["y1"]!)!, bottom - 1300.0 / 1500 * (bottom - top), accuracy: 0.06)
    }

    func testChartOfOneRunAndWithoutThreshold() throws {
        let chart = try LearningCurveChart(curves: [CurveFixtures.mixed[0]], environment: nil, threshold: nil)
        let svg = try parse(chart.svg)
        XCTAssertEqual(svg.named("polyline", class: "mean-curve").count, 1)
        XCTAssertTrue(svg.named("polygon", class: "band").isEmpty, "one seed has no band")
        XCTAssertNil(svg.all.first { $0.attributes["class"] == "threshold" })
        XCTAssertThrowsError(try LearningCurveChart(curves: [], environment: nil, threshold: nil))
    }

    func testTitleAndNamesAreEscaped() throws {
        let curve = CurveFixtures.curve("a<b>&\"c\"", seed: 0, [(1, 1), (2, 2)])
        let svg = try parse(try LearningCurveChart(curves: [curve], environment: "Env<&>", threshold: 1.5).svg)
        XCTAssertEqual(svg.named("polyline", class: "mean-curve").first?["data-algorithm"], "a<b>&\"c\"")
        XCTAssertTrue(svg.texts.contains { $0.hasPrefix("Env<&>: ") })
    }

    func testAxisScaleTicks() {
        let steps = AxisScale(covering: 0, 50_000)
        XCTAssertEqual(steps.ticks, [0, 10_000, 20_000, 30_000, 40_000, 50_000])
        XCTAssertEqual(steps.label(20_000, steps: true), "20k")
        let small = AxisScale(covering: 0, 600)
        XCTAssertEqual(small.ticks, [0, 200, 400, 600])
        XCTAssertEqual(small.label(400, steps: true), "400")
        let returns = AxisScale(covering: -1623, -130)
        XCTAssertEqual(returns.minimum, -2000)  // (1623 − 130) / 5 ≈ 299 per interval: ticks of 500
        XCTAssertEqual(returns.maximum, 0)
        XCTAssertEqual(returns.label(-400, steps: false), "−400")
        let quarter = AxisScale(covering: 0, 12.5, targetTicks: 6)
        XCTAssertEqual(quarter.tickStep, 2.5)
        XCTAssertEqual(quarter.label(7.5, steps: false), "7.5")
        XCTAssertEqual(AxisScale(covering: 5, 5).ticks.count > 1, true, "a single value is widened")
    }

    /// With the returns −1000 and 0 as references a return R scores R/10 + 100: the lines, bands and
    /// threshold are drawn in scores and the axis says so.
    func testNormalisedChartDrawsScores() throws {
        let given = try ScoreReference(parsing: "-1000,0").normalization(environment: nil) { _ in 0 }
        let chart = try LearningCurveChart(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], environment: "Pendulum-v1",
                                           threshold: -200, normalization: given)
        let plain = try LearningCurveChart(curves: CurveFixtures.mixed, order: ["sac", "td3", "ppo"], environment: "Pendulum-v1", threshold: -200)
        for (scored, returns) in zip(chart.curves, plain.curves) {
            XCTAssertEqual(scored.steps, returns.steps)
            for (score, value) in zip(scored.mean + scored.lower + scored.upper, returns.mean + returns.lower + returns.upper) {
                XCTAssertEqual(score, value / 10 + 100, accuracy: 1e-9, scored.algorithm)
            }
        }
        XCTAssertEqual(chart.threshold, 80)
        let svg = try parse(chart.svg)
        XCTAssertTrue(svg.texts.contains("Pendulum-v1: mean normalised score, 95% bootstrap band"), "\(svg.texts)")
        XCTAssertTrue(svg.texts.contains("normalised score (returns -1000 and 0)"), "\(svg.texts)")
        XCTAssertFalse(svg.texts.contains("evaluation return (mean over seeds)"))
        XCTAssertTrue(svg.texts.contains("threshold 80.0 (return −200)"), "\(svg.texts)")
        let line = try XCTUnwrap(svg.all.first { $0.attributes["class"] == "threshold" }?.attributes)
        XCTAssertEqual(line["data-value"], "80.0")
        // sac's first mean, −950, scores 5 and sits where the score axis puts it.
        let yAxis = try XCTUnwrap(svg.named("g", class: "y-axis").first)
        let (low, high) = (Double(yAxis["data-min"]!)!, Double(yAxis["data-max"]!)!)
        let first = points(svg.named("polyline", class: "mean-curve")[0]["points"])[0]
        XCTAssertEqual(first.y, chart.plotBottom - (5 - low) / (high - low) * (chart.plotBottom - chart.plotTop), accuracy: 0.06)
    }
}
