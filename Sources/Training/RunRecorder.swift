import Foundation
import NeuralNetwork
import RunFiles

/// Writes what a run reports: a row of `progress.csv` after every evaluation; a row of `metrics.csv`
/// (the learner's update metrics, averaged) every `metricsInterval` updates and at every scheduled
/// checkpoint and the end; the same values as TensorBoard events (`RunEventLog`, unless the config turns
/// them off); and, through `terminal`, the progress line or one line per row.
final class RunRecorder {
    let metricNames: [String]
    /// The run's length and unit and its metrics interval.
    let config: TrainingConfig
    /// The updates up to the last metrics.csv row (0 before the first); the next row covers those after.
    private(set) var lastRowUpdates = 0
    private let progress: FileHandle
    private let metrics: FileHandle
    let terminal: TerminalProgress
    private let progressPath: String
    private let metricsPath: String
    /// The rows' values as TensorBoard events; nil when the run writes none.
    private let events: RunEventLog?

    /// The header of `metrics.csv` for a learner reporting `metricNames`.
    static func metricsHeader(_ metricNames: [String]) -> String {
        (["env_steps", "updates", "updates_in_row"] + metricNames).joined(separator: ",")
    }

    /// metrics.csv as written before its `updates_in_row` column; a resumed run converts it.
    static func formerMetricsFormat(_ metricNames: [String]) -> RecordedRows.FormerFormat {
        RecordedRows.FormerFormat(header: (["env_steps", "updates"] + metricNames).joined(separator: ",")) { row, previous in
            guard var counters = metricsCounters(row, metricCount: metricNames.count, withCount: false) else { return nil }
            counters.updatesInRow = counters.updates - (previous?.updates ?? 0)
            var fields = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            fields.insert("\(counters.updatesInRow!)", at: 2)
            return (fields.joined(separator: ","), counters)
        }
    }

    /// Starts both files of a new run (headers only).
    static func create(in directory: RunDirectory, metricNames: [String]) throws {
        for (file, header) in [(directory.progress, ProgressRow.header), (directory.metrics, metricsHeader(metricNames))] {
            do { try Data((header + "\n").utf8).write(to: file) } catch {
                throw TrainingError.unwritable(file.path, FileProblem.reason(error))
            }
        }
    }

    /// Lines dropped from progress.csv and metrics.csv on resume because they were damaged (all of
    /// them written after the checkpoint).
    private(set) var damagedLinesDropped = 0

    /// Opens both files for appending. Resuming (`checkpoint` given), first keeps only the rows that
    /// checkpoint counted, checked against its counters (`RecordedRows`); rows written after it go.
    init(directory: RunDirectory, config: TrainingConfig, metricNames: [String], terminal: TerminalProgress,
         resumingFrom checkpoint: RunState? = nil) throws {
        self.metricNames = metricNames
        self.config = config
        self.terminal = terminal
        progressPath = directory.progress.path
        metricsPath = directory.metrics.path
        if let state = checkpoint {
            let counters = RecordedRows.Counters(environmentSteps: state.environmentSteps, updates: state.updates, episodes: state.episodes)
            let progressRows = RecordedRows(
                file: directory.progress, header: ProgressRow.header, rowName: "progress row",
                parse: { ProgressRow(csvLine: $0).map { .init(environmentSteps: $0.environmentSteps, updates: $0.updates, episodes: $0.episodes) } },
                order: { config.rowStep(environmentSteps: $0.environmentSteps, updates: $0.updates) })
            let metricsRows = RecordedRows(
                file: directory.metrics, header: Self.metricsHeader(metricNames), rowName: "metrics row",
                parse: { Self.metricsCounters($0, metricCount: metricNames.count) }, order: { $0.updates },
                updatesPerRow: config.metricsInterval, formerFormat: Self.formerMetricsFormat(metricNames))
            let keptMetrics = try metricsRows.keep(state.metricsRows, checkpoint: .init(environmentSteps: state.environmentSteps, updates: state.updates))
            damagedLinesDropped = try progressRows.keep(state.progressRows, checkpoint: counters).damagedLinesDropped + keptMetrics.damagedLinesDropped
            lastRowUpdates = keptMetrics.lastRow?.updates ?? 0
        }
        events = RunEventLog(directory: directory, config: config, metricNames: metricNames,
                             checkpointStep: checkpoint.map { config.rowStep(environmentSteps: $0.environmentSteps, updates: $0.updates) },
                             warn: { [terminal] in terminal.warn($0) })
        do {
            progress = try FileHandle(forWritingTo: directory.progress)
            try progress.seekToEnd()
        } catch {
            throw TrainingError.unwritable(directory.progress.path, FileProblem.reason(error))
        }
        do {
            metrics = try FileHandle(forWritingTo: directory.metrics)
            try metrics.seekToEnd()
        } catch {
            throw TrainingError.unwritable(directory.metrics.path, FileProblem.reason(error))
        }
    }

    /// The counters of a metrics.csv line (env_steps, updates, updates_in_row unless `withCount` is false
    /// (the former format), then each of `metricCount` metrics' average or nothing); nil when it is not such a line.
    static func metricsCounters(_ line: String, metricCount: Int, withCount: Bool = true) -> RecordedRows.Counters? {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        let counts = withCount ? 3 : 2
        guard fields.count == counts + metricCount, let steps = Int(fields[0]), let updates = Int(fields[1]),
              fields.dropFirst(counts).allSatisfy({ $0.isEmpty || Double($0) != nil }) else { return nil }
        guard withCount else { return .init(environmentSteps: steps, updates: updates) }
        guard let inRow = Int(fields[2]) else { return nil }
        return .init(environmentSteps: steps, updates: updates, updatesInRow: inRow)
    }

    deinit {
        try? progress.close()
        try? metrics.close()
    }

    func record(_ row: ProgressRow) throws {
        do {
            try progress.write(contentsOf: Data((row.csvLine + "\n").utf8))
            try progress.synchronize()
        } catch {
            throw TrainingError.unwritable(progressPath, FileProblem.reason(error))
        }
        events?.record(row)
    }

    /// One `metrics.csv` row covering the updates after `lastRowUpdates` up to `updates`: env_steps,
    /// updates, updates_in_row, then each metric's average (empty when not reported); then its log line.
    func recordMetrics(environmentSteps: Int, updates: Int, averages: [Double?]) throws {
        let inRow = updates - lastRowUpdates
        let fields = ["\(environmentSteps)", "\(updates)", "\(inRow)"] + averages.map { $0.map { "\($0)" } ?? "" }
        do { try metrics.write(contentsOf: Data((fields.joined(separator: ",") + "\n").utf8)) } catch {
            throw TrainingError.unwritable(metricsPath, FileProblem.reason(error))
        }
        lastRowUpdates = updates
        events?.recordMetrics(environmentSteps: environmentSteps, updates: updates, averages: averages)
        terminal.log(RunLogLine.metrics(progress: config.mode.progress(environmentSteps: environmentSteps, updates: updates), of: config.steps, unit: config.mode.unit,
                                        updates: updates, updatesInRow: inRow, averages: Array(zip(metricNames, averages))))
    }

    /// Makes the metrics rows and the events durable (at checkpoints; progress rows are synchronised as written).
    func synchronize() throws {
        do { try metrics.synchronize() } catch { throw TrainingError.unwritable(metricsPath, FileProblem.reason(error)) }
        events?.synchronize()
    }
}
