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
///
/// A file still in an earlier format (`formerFormat`: metrics.csv before its `updates_in_row` column) is
/// read through its conversion and written back in the current format.
struct RecordedRows {
    /// The counters a row carries (`episodes` is nil for metrics rows, which do not record it;
    /// `updatesInRow`, the updates a metrics row averages, is nil for progress rows).
    struct Counters {
        var environmentSteps: Int
        var updates: Int
        var episodes: Int?
        var updatesInRow: Int?
    }

    /// An earlier header of the file, and how a row of that format reads in the current one given the
    /// counters of the row before it (nil: not such a row, left as it is).
    struct FormerFormat {
        let header: String
        let convert: (_ row: String, _ previous: Counters?) -> (row: String, counters: Counters)?
    }

    /// What `keep` found: the damaged lines dropped beyond the counted rows, and the last counted row.
    struct Kept {
        var damagedLinesDropped: Int
        var lastRow: Counters?
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
    /// Metrics rows: the most updates a row averages. A counted row's `updatesInRow` must lie in
    /// 1...`updatesPerRow` and equal its updates less those of the row before.
    var updatesPerRow: Int?
    var formerFormat: FormerFormat?

    /// Keeps the header and the first `rows` rows of the file (creating it with the header when it is
    /// missing and `rows` is 0), having checked them against `checkpoint`.
    func keep(_ rows: Int, checkpoint: Counters) throws -> Kept {
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: file) else {
                guard rows == 0 else { throw TrainingError.corruptFile(file.path, "it is missing; the checkpoint expects \(rows) rows") }
                try write(Data((header + "\n").utf8))
                return Kept(damagedLinesDropped: 0, lastRow: nil)
            }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
        // Lines as bytes: a byte that is not UTF-8 beyond the counted rows is dropped with its line.
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { String(data: Data($0), encoding: .utf8) }
            .enumerated().filter { $0.element.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? true }
            .map { (line: $0.offset + 1, text: $0.element?.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))) }
        let upgraded = lines.first.map { $0.line == 1 && $0.text == formerFormat?.header } ?? false
        if upgraded, let formerFormat {
            var previous: Counters?
            lines = lines.map { entry in
                if entry.line == 1 { return (entry.line, header) }
                guard let text = entry.text, let converted = formerFormat.convert(text, previous) else { return entry }
                previous = converted.counters
                return (entry.line, converted.row)
            }
        }
        guard let first = lines.first, first.line == 1, first.text == header else {
            throw TrainingError.corruptFile(file.path, "the header (line 1) is not '\(header)'")
        }
        let body = lines.dropFirst()
        guard body.count >= rows else {
            throw TrainingError.corruptFile(file.path, "it holds \(body.count) rows, the checkpoint expects \(rows)")
        }
        var kept: [String] = [header]
        var previous: Counters?
        for entry in body.prefix(rows) {
            guard let text = entry.text else {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) holds bytes that are not UTF-8 text")
            }
            guard let counters = parse(text) else {
                throw TrainingError.corruptFile(file.path, "line \(entry.line) is not a \(rowName) ('\(Self.excerpt(text))'), and the checkpoint counts it among its \(rows) rows")
            }
            if let problem = disagreement(counters, checkpoint: checkpoint, previous: previous) {
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
        if upgraded || kept.count != lines.count || data.last != UInt8(ascii: "\n") {
            try write(Data((kept.joined(separator: "\n") + "\n").utf8))
        }
        return Kept(damagedLinesDropped: damaged, lastRow: previous)
    }

    /// Why a counted row cannot be one the run wrote before its checkpoint; nil when it can.
    private func disagreement(_ row: Counters, checkpoint: Counters, previous: Counters?) -> String? {
        if row.environmentSteps < 0 || row.updates < 0 || (row.episodes ?? 0) < 0 { return "holds a negative count" }
        if row.environmentSteps > checkpoint.environmentSteps {
            return "is at environment step \(row.environmentSteps), beyond the checkpoint's \(checkpoint.environmentSteps)"
        }
        if row.updates > checkpoint.updates { return "is at update \(row.updates), beyond the checkpoint's \(checkpoint.updates)" }
        if let episodes = row.episodes, let limit = checkpoint.episodes, episodes > limit {
            return "counts \(episodes) episodes, more than the checkpoint's \(limit)"
        }
        if let updatesPerRow {
            let before = previous?.updates ?? 0
            guard let inRow = row.updatesInRow, (1...updatesPerRow).contains(inRow) else {
                return "averages \(row.updatesInRow.map(String.init) ?? "an unknown number of") updates; a metrics row averages 1 to \(updatesPerRow)"
            }
            if row.updates - inRow != before {
                return "is at update \(row.updates) and averages \(inRow) updates, but the row before it ends at update \(before)"
            }
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
