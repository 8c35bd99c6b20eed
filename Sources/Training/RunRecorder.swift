import Foundation
import NeuralNetwork
import RunFiles

/// Writes what a run reports: a row of `progress.csv` after every evaluation, a row of `metrics.csv`
/// (the learner's update metrics, averaged) every `metricsInterval` updates, and the terminal's progress line.
final class RunRecorder {
    let metricNames: [String]
    private let progress: FileHandle
    private let metrics: FileHandle
    let terminal: TerminalProgress
    private let progressPath: String
    private let metricsPath: String

    /// The header of `metrics.csv` for a learner reporting `metricNames`.
    static func metricsHeader(_ metricNames: [String]) -> String {
        (["env_steps", "updates"] + metricNames).joined(separator: ",")
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
    init(directory: RunDirectory, metricNames: [String], terminal: TerminalProgress,
         resumingFrom checkpoint: RunState? = nil, mode: TrainingMode = .online, metricsInterval: Int = 1) throws {
        self.metricNames = metricNames
        self.terminal = terminal
        progressPath = directory.progress.path
        metricsPath = directory.metrics.path
        if let state = checkpoint {
            let counters = RecordedRows.Counters(environmentSteps: state.environmentSteps, updates: state.updates, episodes: state.episodes)
            let progressRows = RecordedRows(
                file: directory.progress, header: ProgressRow.header, rowName: "progress row",
                parse: { ProgressRow(csvLine: $0).map { .init(environmentSteps: $0.environmentSteps, updates: $0.updates, episodes: $0.episodes) } },
                order: { mode == .online ? $0.environmentSteps : $0.updates })
            let metricsRows = RecordedRows(
                file: directory.metrics, header: Self.metricsHeader(metricNames), rowName: "metrics row",
                parse: { Self.metricsCounters($0, columns: metricNames.count + 2) }, order: { $0.updates },
                updatesPerRow: metricsInterval)
            damagedLinesDropped = try progressRows.keep(state.progressRows, checkpoint: counters)
                + metricsRows.keep(state.metricsRows, checkpoint: RecordedRows.Counters(environmentSteps: state.environmentSteps, updates: state.updates))
        }
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

    /// The counters of a metrics.csv line of `columns` fields (env_steps, updates, then each metric's
    /// average or nothing); nil when it is not such a line.
    static func metricsCounters(_ line: String, columns: Int) -> RecordedRows.Counters? {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        guard fields.count == columns, let steps = Int(fields[0]), let updates = Int(fields[1]),
              fields.dropFirst(2).allSatisfy({ $0.isEmpty || Double($0) != nil }) else { return nil }
        return .init(environmentSteps: steps, updates: updates)
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
    }

    /// One `metrics.csv` row: env_steps, updates, then each metric's average (empty when not reported).
    func recordMetrics(environmentSteps: Int, updates: Int, averages: [Double?]) throws {
        let fields = ["\(environmentSteps)", "\(updates)"] + averages.map { $0.map { "\($0)" } ?? "" }
        do { try metrics.write(contentsOf: Data((fields.joined(separator: ",") + "\n").utf8)) } catch {
            throw TrainingError.unwritable(metricsPath, FileProblem.reason(error))
        }
    }

    /// Makes the metrics rows durable (at checkpoints; progress rows are synchronised as written).
    func synchronize() throws {
        do { try metrics.synchronize() } catch { throw TrainingError.unwritable(metricsPath, FileProblem.reason(error)) }
    }
}
