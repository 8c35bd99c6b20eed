import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a long run shows on standard error while it runs, in one of three styles:
/// - on a terminal, a progress line redrawn in place about twice a second: steps (updates for an
///   offline run), steps/s, the recent training return and how many episodes it averages, the last
///   evaluation, the learner's critic (or value) loss and α as means of the updates since the last
///   metrics row (saying how many), and the ETA;
/// - otherwise (a log file, a batch job) one self-explaining line per evaluation and per metrics row
///   (see `RunLogLine`), so a log shows the run as it goes;
/// - or nothing (`train --quiet`).
public final class TerminalProgress {
    public enum Style: Sendable {
        /// The progress line, redrawn in place (for a terminal).
        case progressLine
        /// A line per evaluation and per metrics row (for a log).
        case logLines
        /// Nothing.
        case silent
    }

    public let style: Style
    private let write: (String) -> Void
    private var lastDraw: ContinuousClock.Instant?
    private var lastSteps = 0
    private var lastInstant = ContinuousClock.now
    private var rate = 0.0
    private var drew = false

    /// `enabled` nil: the progress line when standard error is a terminal, log lines otherwise;
    /// true: the progress line; false: nothing.
    public convenience init(enabled: Bool? = nil) {
        switch enabled {
        case nil: self.init(style: isatty(STDERR_FILENO) == 1 ? .progressLine : .logLines)
        case true?: self.init(style: .progressLine)
        case false?: self.init(style: .silent)
        }
    }

    /// `write` receives the text (log lines end with a line break); it defaults to standard error
    /// (`StandardError.write`, which a closed reader cannot make fail).
    public init(style: Style, write: ((String) -> Void)? = nil) {
        self.style = style
        self.write = write ?? StandardError.write
    }

    /// Redraws the progress line (at most twice a second, and always at the last step).
    /// `unit` names what `steps` counts: "steps" (environment steps) or "updates" (an offline run).
    /// `recentEpisodes` is how many training episodes `recentReturn` averages (nil: not said);
    /// `criticLoss` and `alpha` are means of the last `averagedUpdates` updates, the loss shown under `lossName`.
    public func update(steps: Int, totalSteps: Int, recentReturn: Double, lastEvaluation: Double?,
                       criticLoss: Double? = nil, alpha: Double? = nil, unit: String = "steps",
                       recentEpisodes: Int? = nil, lossName: String = "critic loss", averagedUpdates: Int? = nil) {
        guard style == .progressLine else { return }
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
        let line = Self.line(steps: steps, totalSteps: totalSteps, rate: rate, recentReturn: recentReturn, recentEpisodes: recentEpisodes,
                             lastEvaluation: lastEvaluation, criticLoss: criticLoss, alpha: alpha, lossName: lossName,
                             averagedUpdates: averagedUpdates, unit: unit)
        write("\r\u{1B}[K" + Self.fitted(line, columns: Self.terminalColumns()))
        drew = true
    }

    /// Writes one line of a run's log (`RunLogLine`), in the log-lines style only.
    func log(_ line: String) {
        if style == .logLines { write(line + "\n") }
    }

    /// Writes `text` as a line of its own starting "warning: ", in every style (`--quiet` hides progress,
    /// not warnings); a progress line on the screen is cleared first and drawn again at the next update.
    func warn(_ text: String) {
        if style == .progressLine && drew {
            write("\r\u{1B}[K")
            (drew, lastDraw) = (false, nil)
        }
        write("warning: " + text + "\n")
    }

    /// The text of the progress line. An offline run (`unit` "updates") has no training episodes, so
    /// its line has no recent return.
    static func line(steps: Int, totalSteps: Int, rate: Double, recentReturn: Double, recentEpisodes: Int? = nil,
                     lastEvaluation: Double?, criticLoss: Double?, alpha: Double?, lossName: String = "critic loss",
                     averagedUpdates: Int? = nil, unit: String = "steps") -> String {
        var line = RunLogLine.position(steps, of: totalSteps, unit: unit) + String(format: "  %.0f %@/s", rate, unit)
        if unit == "steps" || !recentReturn.isNaN {
            line += "  recent return " + (recentReturn.isNaN ? "–" : String(format: "%.1f", recentReturn))
            if let recentEpisodes, recentEpisodes > 0, !recentReturn.isNaN { line += " (last \(RunLogLine.episodes(recentEpisodes)))" }
        }
        if let lastEvaluation { line += String(format: "  eval %.1f", lastEvaluation) }
        if let criticLoss { line += "  \(lossName) " + String(format: "%.3g", criticLoss) }
        if let alpha { line += (criticLoss == nil ? "  α " : ", α ") + String(format: "%.3g", alpha) }
        if let averagedUpdates, criticLoss != nil || alpha != nil {
            let both = criticLoss != nil && alpha != nil
            line += " (\(both ? "means" : "mean") of the last \(averagedUpdates == 1 ? "update" : "\(averagedUpdates) updates"))"
        }
        if rate > 0 { line += "  ETA " + duration(Double(totalSteps - steps) / rate) }
        return line
    }

    /// `line` cut to `columns` characters (a longer one would wrap, and the next redraw could not
    /// replace it); nil columns (unknown) leaves it whole.
    static func fitted(_ line: String, columns: Int?) -> String {
        guard let columns, columns > 1, line.count >= columns else { return line }
        return String(line.prefix(columns - 2)) + "…"
    }

    /// The width of the terminal on standard error; nil when it is not known.
    private static func terminalColumns() -> Int? {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }

    /// Ends the line so later output starts on a fresh one.
    public func finish() {
        if style == .progressLine && drew { write("\n") }
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
