import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The progress line of a long run: steps (updates for an offline run), steps/s, recent return, last evaluation, the learner's
/// critic loss and α (averaged since the last metrics row), and ETA,
/// redrawn in place on standard error about twice a second, and only when standard error is a terminal.
public final class TerminalProgress {
    private let isEnabled: Bool
    private var lastDraw: ContinuousClock.Instant?
    private var lastSteps = 0
    private var lastInstant = ContinuousClock.now
    private var rate = 0.0
    private var drew = false

    public init(enabled: Bool? = nil) {
        isEnabled = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    /// `unit` names what `steps` counts: "steps" (environment steps) or "updates" (an offline run).
    public func update(steps: Int, totalSteps: Int, recentReturn: Double, lastEvaluation: Double?,
                criticLoss: Double? = nil, alpha: Double? = nil, unit: String = "steps") {
        guard isEnabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(500), steps < totalSteps { return }
        let seconds = Self.seconds(now - lastInstant)
        if seconds > 0, steps > lastSteps {
            let instant = Double(steps - lastSteps) / seconds
            rate = rate == 0 ? instant : 0.7 * rate + 0.3 * instant
        }
        lastSteps = steps
        lastInstant = now
        lastDraw = now
        let line = Self.line(steps: steps, totalSteps: totalSteps, rate: rate, recentReturn: recentReturn,
                             lastEvaluation: lastEvaluation, criticLoss: criticLoss, alpha: alpha, unit: unit)
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        drew = true
    }

    /// The text of the progress line. An offline run (`unit` "updates") has no training episodes, so
    /// its line has no recent return.
    static func line(steps: Int, totalSteps: Int, rate: Double, recentReturn: Double, lastEvaluation: Double?,
                     criticLoss: Double?, alpha: Double?, unit: String = "steps") -> String {
        let percent = 100 * Double(steps) / Double(max(totalSteps, 1))
        var line = String(format: "%@ %d/%d (%.0f%%)  %.0f %@/s", unit, steps, totalSteps, percent, rate, unit)
        if unit == "steps" || !recentReturn.isNaN {
            line += "  recent return " + (recentReturn.isNaN ? "–" : String(format: "%.1f", recentReturn))
        }
        if let lastEvaluation { line += String(format: "  eval %.1f", lastEvaluation) }
        if let criticLoss { line += String(format: "  critic loss %.3g", criticLoss) }
        if let alpha { line += String(format: "  α %.3g", alpha) }
        if rate > 0 { line += "  ETA " + duration(Double(totalSteps - steps) / rate) }
        return line
    }

    /// Ends the line so later output starts on a fresh one.
    public func finish() {
        if isEnabled && drew { FileHandle.standardError.write(Data("\n".utf8)) }
        drew = false
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total >= 3600 { return "\(total / 3600)h\(String(format: "%02d", total % 3600 / 60))m" }
        if total >= 60 { return "\(total / 60)m\(String(format: "%02d", total % 60))s" }
        return "\(total)s"
    }
}
