import Foundation

/// The comparison chart as a standalone SVG document: mean evaluation return against environment
/// steps, one line per algorithm with its 95% bootstrap band (`MeanCurve`), labelled axes with
/// ticks and grid lines, a legend to the right of the plot, and the threshold as a dashed line
/// (named in the legend).
///
/// Machine-readable hooks for tests and scripts: each mean line is a `polyline` with
/// `class="mean-curve"` and `data-algorithm`; each band a `polygon` with `class="band"`; the axes are
/// `g` elements with `class="x-axis"`/`"y-axis"` and `data-min`/`data-max` (the axis range in data
/// units); the threshold line has `class="threshold"` and `data-value` (in the vertical axis's units); the
/// vertical axis's name is the `text` with `class="axis-label"` inside the `y-axis` group.
public struct LearningCurveChart: Sendable {
    public var curves: [MeanCurve]
    public var threshold: Double?
    public var title: String
    /// The horizontal axis's name: "environment steps", or updates for offline runs (`LearningCurve.axisLabel(of:)`).
    public var xLabel: String
    /// The vertical axis's name: "evaluation return (mean over seeds)", or the normalised score.
    public var yLabel: String
    /// The threshold's entry in the legend; nil: "threshold" and its value.
    public var thresholdLegend: String?
    /// The horizontal value of curve step k is `xOrigin + k · xUnit`: 0 and 1 for steps; a performance
    /// profile's τ grid otherwise (then the ticks are plain numbers, not steps).
    public var xOrigin = 0.0
    public var xUnit = 1.0
    /// What a curve's `seeds` count, for the legend ("seed" and "seeds"; "run" and "runs" for rliable's figures).
    public var countNouns = (one: "seed", many: "seeds")
    /// The band's entry in the legend.
    public var bandLegend = "95% CI of the mean"

    public let width = 900.0
    public let height = 540.0
    /// The plot area, in SVG user units.
    public let plotLeft = 86.0, plotTop = 58.0, plotRight = 690.0, plotBottom = 470.0

    /// Okabe and Ito's colour-blind-safe palette (without its yellow, too pale on white); beyond
    /// seven algorithms the colours repeat with dashed lines.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    public init(curves: [MeanCurve], threshold: Double?, title: String, xLabel: String = "environment steps",
                yLabel: String = "evaluation return (mean over seeds)", thresholdLegend: String? = nil) {
        self.curves = curves
        self.threshold = threshold
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.thresholdLegend = thresholdLegend
    }

    /// The horizontal axis: from 0 to the last step of any curve (for steps), else over the curves' values.
    public var xAxis: AxisScale {
        let last = xOrigin + Double(curves.compactMap(\.steps.last).max() ?? 1) * xUnit
        let first = isStepAxis ? 0 : xOrigin + Double(curves.compactMap(\.steps.first).min() ?? 0) * xUnit
        return AxisScale(covering: first, last)
    }

    var isStepAxis: Bool { xOrigin == 0 && xUnit == 1 }

    /// The vertical axis: every band and the threshold.
    public var yAxis: AxisScale {
        var values = curves.flatMap { $0.lower + $0.upper }
        if let threshold { values.append(threshold) }
        return AxisScale(covering: values.min() ?? 0, values.max() ?? 1)
    }

    func x(_ steps: Double, _ axis: AxisScale) -> Double {
        let steps = xOrigin + steps * xUnit
        return plotLeft + (steps - axis.minimum) / (axis.maximum - axis.minimum) * (plotRight - plotLeft)
    }

    func y(_ value: Double, _ axis: AxisScale) -> Double {
        plotBottom - (value - axis.minimum) / (axis.maximum - axis.minimum) * (plotBottom - plotTop)
    }

    public var svg: String {
        let (xAxis, yAxis) = (self.xAxis, self.yAxis)
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Self.f(width))" height="\(Self.f(height))" viewBox="0 0 \(Self.f(width)) \(Self.f(height))" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="13">
        <rect x="0" y="0" width="\(Self.f(width))" height="\(Self.f(height))" fill="#ffffff"/>
        <defs><clipPath id="plot-area"><rect x="\(Self.f(plotLeft))" y="\(Self.f(plotTop))" width="\(Self.f(plotRight - plotLeft))" height="\(Self.f(plotBottom - plotTop))"/></clipPath></defs>
        <text x="\(Self.f(plotLeft))" y="32" font-size="16" font-weight="bold" fill="#222222">\(Self.escape(title))</text>

        """
        // Grid lines and tick labels.
        out += "<g class=\"x-axis\" data-min=\"\(xAxis.minimum)\" data-max=\"\(xAxis.maximum)\">\n"
        for tick in xAxis.ticks {
            let px = Self.f(plotLeft + (tick - xAxis.minimum) / (xAxis.maximum - xAxis.minimum) * (plotRight - plotLeft))
            out += "<line x1=\"\(px)\" y1=\"\(Self.f(plotTop))\" x2=\"\(px)\" y2=\"\(Self.f(plotBottom))\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n"
            out += "<line x1=\"\(px)\" y1=\"\(Self.f(plotBottom))\" x2=\"\(px)\" y2=\"\(Self.f(plotBottom + 5))\" stroke=\"#444444\" stroke-width=\"1\"/>\n"
            out += "<text class=\"tick-label\" data-value=\"\(tick)\" x=\"\(px)\" y=\"\(Self.f(plotBottom + 21))\" text-anchor=\"middle\" fill=\"#333333\">\(Self.minusSigns(xAxis.label(tick, steps: isStepAxis)))</text>\n"
        }
        out += "<text x=\"\(Self.f((plotLeft + plotRight) / 2))\" y=\"\(Self.f(plotBottom + 48))\" text-anchor=\"middle\" fill=\"#222222\" class=\"axis-label\">\(Self.escape(xLabel))</text>\n</g>\n"
        out += "<g class=\"y-axis\" data-min=\"\(yAxis.minimum)\" data-max=\"\(yAxis.maximum)\">\n"
        for tick in yAxis.ticks {
            let py = Self.f(y(tick, yAxis))
            out += "<line x1=\"\(Self.f(plotLeft))\" y1=\"\(py)\" x2=\"\(Self.f(plotRight))\" y2=\"\(py)\" stroke=\"#e4e4e4\" stroke-width=\"1\"/>\n"
            out += "<line x1=\"\(Self.f(plotLeft - 5))\" y1=\"\(py)\" x2=\"\(Self.f(plotLeft))\" y2=\"\(py)\" stroke=\"#444444\" stroke-width=\"1\"/>\n"
            out += "<text class=\"tick-label\" data-value=\"\(tick)\" x=\"\(Self.f(plotLeft - 9))\" y=\"\(py)\" dy=\"0.35em\" text-anchor=\"end\" fill=\"#333333\">\(yAxis.label(tick, steps: false))</text>\n"
        }
        let middle = Self.f((plotTop + plotBottom) / 2)
        out += "<text x=\"22\" y=\"\(middle)\" transform=\"rotate(-90 22 \(middle))\" text-anchor=\"middle\" fill=\"#222222\" class=\"axis-label\">\(Self.escape(yLabel))</text>\n</g>\n"

        // Bands first, then the threshold, then the mean lines on top.
        out += "<g clip-path=\"url(#plot-area)\">\n"
        for (index, curve) in curves.enumerated() where curve.seeds > 1 && curve.steps.count > 1 {
            let upper = zip(curve.steps, curve.upper).map { "\(Self.f(x(Double($0), xAxis))),\(Self.f(y($1, yAxis)))" }
            let lower = zip(curve.steps, curve.lower).reversed().map { "\(Self.f(x(Double($0), xAxis))),\(Self.f(y($1, yAxis)))" }
            out += "<polygon class=\"band\" data-algorithm=\"\(Self.escape(curve.algorithm))\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(Self.color(index))\" fill-opacity=\"0.12\" stroke=\"\(Self.color(index))\" stroke-opacity=\"0.5\" stroke-width=\"0.8\"/>\n"
        }
        if let threshold {
            let py = Self.f(y(threshold, yAxis))
            out += "<line class=\"threshold\" data-value=\"\(threshold)\" x1=\"\(Self.f(plotLeft))\" y1=\"\(py)\" x2=\"\(Self.f(plotRight))\" y2=\"\(py)\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>\n"
        }
        for (index, curve) in curves.enumerated() {
            let points = zip(curve.steps, curve.mean).map { "\(Self.f(x(Double($0), xAxis))),\(Self.f(y($1, yAxis)))" }
            out += "<polyline class=\"mean-curve\" data-algorithm=\"\(Self.escape(curve.algorithm))\" points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(Self.color(index))\" stroke-width=\"2.2\" stroke-linejoin=\"round\"\(Self.dash(index))/>\n"
            if curve.steps.count == 1, let point = points.first {
                let xy = point.split(separator: ",")
                out += "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"3.5\" fill=\"\(Self.color(index))\"/>\n"
            }
        }
        out += "</g>\n"
        out += "<rect x=\"\(Self.f(plotLeft))\" y=\"\(Self.f(plotTop))\" width=\"\(Self.f(plotRight - plotLeft))\" height=\"\(Self.f(plotBottom - plotTop))\" fill=\"none\" stroke=\"#444444\" stroke-width=\"1\"/>\n"

        // The legend, right of the plot.
        let legendLeft = plotRight + 22
        out += "<g class=\"legend\">\n"
        for (index, curve) in curves.enumerated() {
            let rowY = plotTop + 12 + Double(index) * 24
            out += "<line x1=\"\(Self.f(legendLeft))\" y1=\"\(Self.f(rowY))\" x2=\"\(Self.f(legendLeft + 26))\" y2=\"\(Self.f(rowY))\" stroke=\"\(Self.color(index))\" stroke-width=\"3\"\(Self.dash(index))/>\n"
            let seeds = curve.seeds == 1 ? "1 \(countNouns.one)" : "\(curve.seeds) \(countNouns.many)"
            out += "<text x=\"\(Self.f(legendLeft + 34))\" y=\"\(Self.f(rowY))\" dy=\"0.35em\" fill=\"#222222\">\(Self.escape(curve.algorithm)) (\(seeds))</text>\n"
        }
        // The band and the threshold are explained below the algorithms (so no label covers the data).
        var rowY = plotTop + 12 + Double(curves.count) * 24 + 8
        if curves.contains(where: { $0.seeds > 1 }) {
            out += "<rect x=\"\(Self.f(legendLeft))\" y=\"\(Self.f(rowY - 7))\" width=\"26\" height=\"14\" fill=\"#777777\" fill-opacity=\"0.2\" stroke=\"#777777\" stroke-opacity=\"0.6\" stroke-width=\"0.8\"/>\n"
            out += "<text x=\"\(Self.f(legendLeft + 34))\" y=\"\(Self.f(rowY))\" dy=\"0.35em\" fill=\"#222222\">\(Self.escape(bandLegend))</text>\n"
            rowY += 24
        }
        if let threshold {
            let text = thresholdLegend ?? "threshold " + Self.minusSigns(ComparisonSummary.decimal(threshold))
            out += "<line x1=\"\(Self.f(legendLeft))\" y1=\"\(Self.f(rowY))\" x2=\"\(Self.f(legendLeft + 26))\" y2=\"\(Self.f(rowY))\" stroke=\"#555555\" stroke-width=\"1.5\" stroke-dasharray=\"7 5\"/>\n"
            out += "<text x=\"\(Self.f(legendLeft + 34))\" y=\"\(Self.f(rowY))\" dy=\"0.35em\" fill=\"#222222\">\(Self.escape(text))</text>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// `text` with typographic minus signs.
    static func minusSigns(_ text: String) -> String { text.replacingOccurrences(of: "-", with: "−") }

    static func color(_ index: Int) -> String { palette[index % palette.count] }

    static func dash(_ index: Int) -> String { index >= palette.count ? " stroke-dasharray=\"8 4\"" : "" }

    /// Coordinates with one decimal.
    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
