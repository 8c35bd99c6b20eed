import Foundation

/// A chart axis: a range widened to round numbers and its tick values, every tick a multiple of
/// 1, 2, 2.5 or 5 times a power of ten, about `targetTicks` of them.
public struct AxisScale: Equatable, Sendable {
    public var minimum: Double
    public var maximum: Double
    public var tickStep: Double
    public var ticks: [Double]

    /// An axis covering `low...high` (an empty or single-value range is widened around it).
    public init(covering low: Double, _ high: Double, targetTicks: Int = 6) {
        var (low, high) = (min(low, high), max(low, high))
        if high - low <= abs(high) * 1e-9 || high == low {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        let raw = (high - low) / Double(max(targetTicks - 1, 1))
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) } ?? 10 * magnitude
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        let count = Int(((last - first) / step).rounded())
        tickStep = step
        minimum = first
        maximum = last
        ticks = (0...count).map { first + Double($0) * step }
    }

    /// A tick's label: thousands as "k" on a step axis reaching 10,000 ("25k", "2.5k"); otherwise
    /// as many decimals as the tick step needs. Negative values take a true minus sign.
    public func label(_ value: Double, steps: Bool) -> String {
        let text: String
        if value == 0 {
            text = "0"
        } else if steps && maximum >= 10_000 {
            text = Self.trimmed(value / 1000, decimals: Self.decimals(for: tickStep / 1000)) + "k"
        } else {
            text = Self.trimmed(value, decimals: Self.decimals(for: tickStep))
        }
        return text.hasPrefix("-") ? "−" + text.dropFirst() : text
    }

    /// Decimals that show every multiple of `step` exactly (2.5 needs one).
    static func decimals(for step: Double) -> Int {
        for decimals in 0...10 {
            let scaled = step * pow(10, Double(decimals))
            if abs(scaled - scaled.rounded()) < 1e-6 * max(1, scaled) { return decimals }
        }
        return 10
    }

    static func trimmed(_ value: Double, decimals: Int) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text == "-0" || text.hasPrefix("-0.") && Double(text) == 0 ? String(text.dropFirst()) : text
    }
}
