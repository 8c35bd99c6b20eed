import Foundation
import NeuralNetwork
import RunFiles

/// Resuming's check of `progress.csv` and `metrics.csv` against the checkpoint: the file keeps the
/// rows the checkpoint counted, and only if they agree with its counters; rows written after it (an
/// abrupt stop between a row and the next checkpoint) are dropped, damaged ones included.
///
/// A counted row must parse, must not run ahead of the checkpoint's environment steps, updates or
/// episodes, and must come after the row before it. A complete row beyond the counted ones must lie
/// beyond the checkpoint: one that does not means a row was added or changed by hand, and the file is
/// refused, naming its line, rather than the wrong row kept in place of the real one.
struct RecordedRows {
    /// The counters a row carries (`episodes` is nil for metrics rows, which do not record it).
    struct Counters {
        var environmentSteps: Int
        var updates: Int
        var episodes: Int?
    }

    let file: URL
    let header: String
    /// What a row is called in messages: "progress row", "metrics row".
    let rowName: String
    /// A row's counters; nil when the line is not such a row.
    let parse: (String) -> Counters?
    /// The counter rows are ordered by: environment steps online, updates offline (progress rows), or
    /// updates (metrics rows).
    let order: (Counters) -> Int
    /// When set, counted row i (from 1) must carry exactly `i × metricsInterval` updates.
    var updatesPerRow: Int?

    /// Keeps the header and the first `rows` rows of the file (creating it with the header when it is
    /// missing and `rows` is 0), having checked them against `checkpoint`. Returns how many damaged
    /// lines beyond them were dropped.
    func keep(_ rows: Int, checkpoint: Counters) throws -> Int {
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: file) else {
                guard rows == 0 else { throw TrainingError.corruptFile(file.path, "it is missing; the checkpoint expects \(rows) rows") }
                try write(Data((header + "\n").utf8))
                return 0
            }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
        // Lines as bytes: a byte that is not UTF-8 beyond the counted rows is dropped with its line.
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(data: Data($0), encoding: .utf8) }
            .enumerated().filter { $0.element.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? true }
            .map { (line: $0.offset + 1, text: $0.element?.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))) }
        guard let first = lines.first, first.line == 1, first.text == header else {
            throw TrainingError.corruptFile(file.path, "the header (line 1) is not '\(header)'")
        }
        let body = lines.dropFirst()
        guard body.count >= rows else {
            throw TrainingError.corruptFile(file.path, "it holds \(body.count) rows, the checkpoint expects \(rows)")
        }
        var kept: [String] = [header]
        var previous: Counters?
        for (index, entry) in body.prefix(rows).enumerated() {
            guard let text = entry.text else {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) holds bytes that are not UTF-8 text")
            }
            guard let counters = parse(text) else {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) is not a \(rowName) ('\(Self.excerpt(text))'), and the checkpoint counts it among its \(rows) rows")
            }
            if let problem = disagreement(counters, checkpoint: checkpoint, previous: previous, number: index + 1) {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) \(problem)")
            }
            previous = counters
            kept.append(text)
        }
        var damaged = 0
        for entry in body.dropFirst(rows) {
            guard let text = entry.text, let counters = parse(text) else {
                damaged += 1
                continue
            }
            guard order(counters) > order(checkpoint) else {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) is at \(order(counters)) but comes after the \(rows) rows the checkpoint (at \(order(checkpoint))) counts; a row was added or removed by hand")
            }
        }
        if kept.count != lines.count || data.last != UInt8(ascii: "\n") {
            try write(Data((kept.joined(separator: "\n") + "\n").utf8))
        }
        return damaged
    }

    /// Why counted row number `number` cannot be one the run wrote before its checkpoint; nil when it can.
    private func disagreement(_ row: Counters, checkpoint: Counters, previous: Counters?, number: Int) -> String? {
        if row.environmentSteps < 0 || row.updates < 0 || (row.episodes ?? 0) < 0 { return "holds a negative count" }
        if row.environmentSteps > checkpoint.environmentSteps {
            return "is at environment step \(row.environmentSteps), beyond the checkpoint's \(checkpoint.environmentSteps)"
        }
        if row.updates > checkpoint.updates { return "is at update \(row.updates), beyond the checkpoint's \(checkpoint.updates)" }
        if let episodes = row.episodes, let limit = checkpoint.episodes, episodes > limit {
            return "counts \(episodes) episodes, more than the checkpoint's \(limit)"
        }
        if let updatesPerRow, row.updates != number * updatesPerRow {
            return "is at update \(row.updates); row \(number) is written at update \(number * updatesPerRow)"
        }
        if let previous {
            if order(row) <= order(previous) || row.environmentSteps < previous.environmentSteps || row.updates < previous.updates
                || (row.episodes ?? 0) < (previous.episodes ?? 0) {
                return "does not come after the row before it"
            }
        }
        return nil
    }

    private func write(_ data: Data) throws {
        do { try AtomicFile.write(data, to: file) } catch {
            throw TrainingError.unwritable(file.path, FileProblem.reason(error))
        }
    }

    /// The start of a damaged line, for a message.
    static func excerpt(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(60)) + "…"
    }
}
