import Foundation

/// Interval estimates drawn as rliable's `plot_interval_estimates` and `plot_probability_of_improvement`
/// draw them: side-by-side panels, one row per item, each interval a translucent bar in the item's
/// colour with a dark tick at its point estimate, a horizontal axis per panel. A standalone SVG.
///
/// Machine-readable hooks: each panel is a `g` with `class="panel"` and `data-title`; each bar a `rect`
/// with `class="interval"`, `data-label`, `data-low`, `data-high`; each point estimate a `line` with
/// `class="estimate"` and `data-value`; each panel's axis a `g` with `class="x-axis"`, `data-min`, `data-max`.
public struct IntervalChart: Sendable {
    /// One bar: its label, its colour (an index into the palette) and its interval.
    public struct Row: Sendable {
        public var label: String
        public var colorIndex: Int
        public var interval: IntervalEstimate

        public init(label: String, colorIndex: Int, interval: IntervalEstimate) {
            self.label = label
            self.colorIndex = colorIndex
            self.interval = interval
        }
    }

    /// One panel: a title, its rows from top to bottom, and optionally a fixed axis range.
    public struct Panel: Sendable {
        public var title: String
        public var rows: [Row]
        public var range: ClosedRange<Double>?
        /// A vertical reference line (0.5 for the probability of improvement).
        public var reference: Double?

        public init(title: String, rows: [Row], range: ClosedRange<Double>? = nil, reference: Double? = nil) {
            self.title = title
            self.rows = rows
            self.range = range
            self.reference = reference
        }
    }

    public var title: String
    public var panels: [Panel]
    public var xLabel: String

    public init(title: String, panels: [Panel], xLabel: String) {
        self.title = title
        self.panels = panels
        self.xLabel = xLabel
    }

    /// rliable's aggregate-metrics figure: a panel per ``AggregateMetric`` (median, IQM, mean,
    /// optimality gap), a row per algorithm in its colour.
    public init(aggregates comparison: AggregateComparison) {
        let panels = AggregateMetric.allCases.map { metric in
            Panel(title: metric.title, rows: comparison.algorithms.enumerated().map { index, algorithm in
                Row(label: algorithm, colorIndex: index, interval: comparison.aggregates[algorithm]![metric]!)
            })
        }
        self.init(title: "Aggregate metrics over \(comparison.tasks.count) task\(comparison.tasks.count == 1 ? "" : "s"), 95% stratified-bootstrap CIs",
                  panels: panels, xLabel: "normalised score")
    }

    /// rliable's probability-of-improvement figure: a row per ordered pair "X > Y", in X's colour, on [0, 1].
    public init(improvements comparison: AggregateComparison) {
        let rows = comparison.improvements.map { pair in
            Row(label: "\(pair.algorithm) > \(pair.over)", colorIndex: comparison.algorithms.firstIndex(of: pair.algorithm) ?? 0,
                interval: pair.probability)
        }
        self.init(title: "Probability of improvement P(X > Y), 95% stratified-bootstrap CIs",
                  panels: [Panel(title: "P(X > Y)", rows: rows, range: 0...1, reference: 0.5)], xLabel: "probability")
    }

    static let rowHeight = 30.0
    static let labelWidth = 130.0
    static let panelWidth = 190.0
    static let gap = 26.0
    static let top = 78.0

    public var width: Double { max(20 + Self.labelWidth + Double(panels.count) * (Self.panelWidth + Self.gap), 40 + 9.5 * Double(title.count)) }
    public var height: Double { Self.top + Double(panels.map(\.rows.count).max() ?? 1) * Self.rowHeight + 70 }

    /// The axis of a panel: its fixed range, or every interval widened to round ticks.
    public func axis(of panel: Panel) -> AxisScale {
        if let range = panel.range { return AxisScale(covering: range.lowerBound, range.upperBound, targetTicks: 5) }
        let values = panel.rows.flatMap { [$0.interval.lower, $0.interval.upper, $0.interval.estimate] }
        return AxisScale(covering: values.min() ?? 0, values.max() ?? 1, targetTicks: 4)
    }

    public var svg: String {
        typealias C = LearningCurveChart
        let rows = panels.map(\.rows.count).max() ?? 0
        let bottom = Self.top + Double(rows) * Self.rowHeight
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(C.f(width))" height="\(C.f(height))" viewBox="0 0 \(C.f(width)) \(C.f(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">
        <rect x="0" y="0" width="\(C.f(width))" height="\(C.f(height))" fill="#ffffff"/>
        <text x="20" y="30" font-size="16" font-weight="bold" fill="#222222">\(C.escape(title))</text>

        """
        // Row labels, left of the first panel, in the rows' order (every panel lists the same rows).
        if let first = panels.first {
            for (index, row) in first.rows.enumerated() {
                let center = Self.top + (Double(index) + 0.5) * Self.rowHeight
                out += "<text x=\"\(C.f(14 + Self.labelWidth))\" y=\"\(C.f(center))\" dy=\"0.35em\" text-anchor=\"end\" fill=\"#222222\">\(C.escape(row.label))</text>\n"
            }
        }
        for (panelIndex, panel) in panels.enumerated() {
            let left = 20 + Self.labelWidth + Double(panelIndex) * (Self.panelWidth + Self.gap)
            let right = left + Self.panelWidth
            let axis = self.axis(of: panel)
            func x(_ value: Double) -> Double { left + (value - axis.minimum) / (axis.maximum - axis.minimum) * (right - left) }
            out += "<g class=\"panel\" data-title=\"\(C.escape(panel.title))\">\n"
            out += "<text x=\"\(C.f((left + right) / 2))\" y=\"\(C.f(Self.top - 14))\" text-anchor=\"middle\" font-weight=\"bold\" fill=\"#222222\">\(C.escape(panel.title))</text>\n"
            out += "<g class=\"x-axis\" data-min=\"\(axis.minimum)\" data-max=\"\(axis.maximum)\">\n"
            for tick in axis.ticks {
                let px = C.f(x(tick))
                out += "<line x1=\"\(px)\" y1=\"\(C.f(Self.top))\" x2=\"\(px)\" y2=\"\(C.f(bottom))\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n"
                out += "<line x1=\"\(px)\" y1=\"\(C.f(bottom))\" x2=\"\(px)\" y2=\"\(C.f(bottom + 5))\" stroke=\"#444444\" stroke-width=\"1\"/>\n"
                out += "<text class=\"tick-label\" data-value=\"\(tick)\" x=\"\(px)\" y=\"\(C.f(bottom + 20))\" text-anchor=\"middle\" fill=\"#333333\">\(C.minusSigns(axis.label(tick, steps: false)))</text>\n"
            }
            out += "<line x1=\"\(C.f(left))\" y1=\"\(C.f(bottom))\" x2=\"\(C.f(right))\" y2=\"\(C.f(bottom))\" stroke=\"#444444\" stroke-width=\"1\"/>\n</g>\n"
            if let reference = panel.reference {
                out += "<line class=\"reference\" data-value=\"\(reference)\" x1=\"\(C.f(x(reference)))\" y1=\"\(C.f(Self.top))\" x2=\"\(C.f(x(reference)))\" y2=\"\(C.f(bottom))\" stroke=\"#555555\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/>\n"
            }
            for (index, row) in panel.rows.enumerated() {
                let rowTop = Self.top + Double(index) * Self.rowHeight + 5
                let low = x(row.interval.lower), high = x(row.interval.upper), point = x(row.interval.estimate)
                out += "<rect class=\"interval\" data-label=\"\(C.escape(row.label))\" data-low=\"\(row.interval.lower)\" data-high=\"\(row.interval.upper)\" x=\"\(C.f(low))\" y=\"\(C.f(rowTop))\" width=\"\(C.f(max(high - low, 1.5)))\" height=\"\(C.f(Self.rowHeight - 10))\" fill=\"\(C.color(row.colorIndex))\" fill-opacity=\"0.55\"/>\n"
                out += "<line class=\"estimate\" data-value=\"\(row.interval.estimate)\" x1=\"\(C.f(point))\" y1=\"\(C.f(rowTop))\" x2=\"\(C.f(point))\" y2=\"\(C.f(rowTop + Self.rowHeight - 10))\" stroke=\"#111111\" stroke-width=\"2.2\"/>\n"
            }
            out += "</g>\n"
        }
        let center = 20 + Self.labelWidth + Double(panels.count) * (Self.panelWidth + Self.gap) / 2
        out += "<text x=\"\(C.f(center))\" y=\"\(C.f(bottom + 46))\" text-anchor=\"middle\" fill=\"#222222\" class=\"axis-label\">\(C.escape(xLabel))</text>\n"
        out += "</svg>\n"
        return out
    }
}
