import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The status of a comparison while it runs, one line per run (steps done, last evaluation, ETA)
/// under a line of totals. On a terminal the lines are redrawn in place about once a second;
/// otherwise a run's line is printed when it starts, after each new evaluation and when it ends.
public final class StatusBoard {
    public let runs: [PlannedRun]
    public private(set) var states: [RunState]
    public private(set) var progress: [RunProgress]
    private let isTerminal: Bool
    private let write: (String) -> Void
    private var drawnLines = 0
    private var lastDraw: Date?
    private let started = Date()

    /// `terminal` defaults to whether standard error is one; `write` defaults to standard error.
    public init(runs: [PlannedRun], states: [RunState], terminal: Bool? = nil, write: ((String) -> Void)? = nil) {
        self.runs = runs
        self.states = states
        progress = runs.map { RunProgress.read($0.folder) }
        isTerminal = terminal ?? (isatty(STDERR_FILENO) == 1)
        self.write = write ?? StandardError.write
    }

    /// Records a new state of run `index` and shows it (with its progress read anew).
    public func set(_ index: Int, _ state: RunState) {
        states[index] = state
        let current = RunProgress.read(runs[index].folder)
        if current.steps != progress[index].steps { progress[index] = RunProgress(steps: current.steps, lastEvaluation: current.lastEvaluation, seenAt: Date(), offline: current.offline) }
        if !isTerminal { write(line(index) + "\n") }
        redraw(force: true)
    }

    /// Shows the board as it starts: on a terminal every line; otherwise the totals and each run
    /// already finished by an earlier invocation.
    public func start() {
        if !isTerminal {
            write(totalsLine() + "\n")
            for index in runs.indices where states[index] == .finishedEarlier { write(line(index) + "\n") }
        }
        redraw(force: true)
    }

    /// Reads the progress of every running run and shows what changed.
    public func refresh(now: Date = Date()) {
        for index in runs.indices {
            guard case .running = states[index] else { continue }
            var current = RunProgress.read(runs[index].folder)
            if current.steps != progress[index].steps {
                current.seenAt = now
                progress[index] = current
                if !isTerminal { write(line(index, now: now) + "\n") }
            }
        }
        redraw(force: false, now: now)
    }

    /// Ends the in-place drawing so that later output starts below it.
    public func finish() {
        redraw(force: true)
        drawnLines = 0
    }

    private func redraw(force: Bool, now: Date = Date()) {
        guard isTerminal else { return }
        if !force, let lastDraw, now.timeIntervalSince(lastDraw) < 1 { return }
        lastDraw = now
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        var shown = Array(runs.indices)
        // Lines scrolled off the top could not be redrawn: on a short terminal only the running and
        // failed runs get a line (the totals count the others).
        if shown.count + 1 > Self.terminalRows() - 1 {
            shown = shown.filter { index in
                switch states[index] {
                case .running, .failed: return true
                default: return false
                }
            }
        }
        var lines = [totalsLine(now: now)] + shown.map { line($0, now: now) }
        // Clear what a longer drawing left below.
        while lines.count < drawnLines { lines.append("") }
        for line in lines { text += "\r\u{1B}[K" + line + "\n" }
        write(text)
        drawnLines = lines.count
    }

    /// "3 finished, 2 running, 6 queued, 1 failed; 4:12 elapsed".
    public func totalsLine(now: Date = Date()) -> String {
        var counts: [String: Int] = [:]
        for state in states {
            switch state {
            case .queued: counts["queued", default: 0] += 1
            case .running: counts["running", default: 0] += 1
            case .finished, .finishedEarlier: counts["finished", default: 0] += 1
            case .failed: counts["failed", default: 0] += 1
            case .stopped: counts["stopped", default: 0] += 1
            }
        }
        let parts = ["finished", "running", "queued", "failed", "stopped"].compactMap { key in counts[key].map { "\($0) \(key)" } }
        return "compare: " + parts.joined(separator: ", ") + "; " + Self.duration(now.timeIntervalSince(started)) + " elapsed"
    }

    /// The status line of run `index`.
    public func line(_ index: Int, now: Date = Date()) -> String {
        let run = runs[index]
        let width = runs.map(\.name.count).max() ?? 0
        var text = run.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
        let progress = self.progress[index]
        let stepsText = "\(progress.steps)/\(run.steps) \(progress.unit) (\(Int((100 * Double(progress.steps) / Double(max(run.steps, 1))).rounded(.down)))%)"
        let evaluation = progress.lastEvaluation.map { String(format: "  eval %.1f", $0) } ?? ""
        switch states[index] {
        case .queued(let resume):
            text += resume ? "queued (resumes at \(progress.steps))" : "queued"
        case .finishedEarlier:
            text += "finished earlier  " + stepsText + evaluation
        case .running(let since, let stepsAtStart):
            text += "running  " + stepsText + evaluation
            if let seenAt = progress.seenAt, progress.steps > stepsAtStart {
                let rate = Double(progress.steps - stepsAtStart) / max(seenAt.timeIntervalSince(since), 1e-3)
                let remaining = Double(run.steps - progress.steps) / rate - now.timeIntervalSince(seenAt)
                text += "  ETA " + Self.duration(max(remaining, 0))
            } else {
                text += "  ETA –"
            }
        case .finished(let seconds):
            text += "finished  " + stepsText + evaluation + "  in " + Self.duration(seconds)
        case .failed(let reason):
            text += "FAILED (\(reason))  " + stepsText + evaluation + "  see " + run.standardErrorLog.path
        case .stopped:
            text += "stopped  " + stepsText + evaluation
        }
        return text
    }

    /// The terminal's height in rows (24 when it cannot be asked).
    static func terminalRows() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return 24 }
        return Int(size.ws_row)
    }

    /// "1:02:03" or "4:05".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, (total % 3600) / 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }
}
