import Foundation
import RunFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the planned runs of a comparison as child processes of the `offpolicy` executable, `jobs`
/// at a time, each in its own folder.
///
/// - A child's standard output and standard error go straight to `stdout.log` and `stderr.log` in
///   its folder (appended to by every attempt): no pipe, so a child can never block on a full one.
///   Progress is read from the run's progress.csv.
/// - A run that ends with a non-zero status or a signal is marked failed; the others go on.
/// - Resuming: a run finished by an earlier invocation (recorded exit status 0 and progress.csv at
///   the planned steps) is not run again; an unfinished run whose folder holds a run continues with
///   `train --resume` (from its last checkpoint), any other starts afresh after the remains of a
///   start that never wrote its config are cleared.
/// - When `shouldStop` turns true, every child is sent `stopSignal()` (the trainer writes a
///   checkpoint and exits) and no further run starts.
public final class RunScheduler {
    public let executable: URL
    public let runs: [PlannedRun]
    public let jobs: Int
    public let board: StatusBoard

    /// Reads each run's record: a folder started with other settings, or holding a run that
    /// `compare` did not start, is an error (nothing has been run yet).
    public init(executable: URL, runs: [PlannedRun], jobs: Int, terminal: Bool? = nil, write: ((String) -> Void)? = nil) throws {
        precondition(jobs >= 1, "at least one job")
        self.executable = executable
        self.runs = runs
        self.jobs = jobs
        board = StatusBoard(runs: runs, states: try runs.map(Self.initialState), terminal: terminal, write: write)
    }

    static func initialState(_ run: PlannedRun) throws -> RunState {
        let holdsRun = FileManager.default.fileExists(atPath: RunFolder(run.folder).configFile.path)
        guard let record = try RunRecord.read(run) else {
            if holdsRun {
                throw ComparisonError.settingsChanged(run: run.folder.path, recorded: "a run not started by compare",
                                                      requested: run.settings.joined(separator: " "))
            }
            return .queued(resume: false)
        }
        guard record.settings == run.settings else {
            throw ComparisonError.settingsChanged(run: run.folder.path, recorded: record.settings.joined(separator: " "),
                                                  requested: run.settings.joined(separator: " "))
        }
        let progress = RunProgress.read(run.folder)
        if record.exitStatus == 0 && progress.steps >= run.steps { return .finishedEarlier }
        return .queued(resume: holdsRun)
    }

    private struct Child {
        let index: Int
        let process: Process
    }

    /// Runs every queued run and returns their final states (in `runs` order).
    public func run(shouldStop: () -> Bool, stopSignal: () -> Int32 = { SIGINT }) -> [RunState] {
        var queue = runs.indices.filter { if case .queued = board.states[$0] { return true } else { return false } }
        var running: [Child] = []
        var stopping = false
        board.start()
        while true {
            if !stopping && shouldStop() {
                stopping = true
                let signal = stopSignal()
                for child in running where child.process.isRunning { kill(child.process.processIdentifier, signal) }
            }
            while !stopping && running.count < jobs && !queue.isEmpty {
                let index = queue.removeFirst()
                if let child = start(index) { running.append(child) }
            }
            running.removeAll { child in
                guard !child.process.isRunning else { return false }
                finish(child)
                return true
            }
            board.refresh()
            if running.isEmpty && (queue.isEmpty || stopping) { break }
            usleep(200_000)
        }
        board.finish()
        return board.states
    }

    /// Launches run `index`; on a failure to launch marks it failed and returns nil.
    private func start(_ index: Int) -> Child? {
        let run = runs[index]
        let fileManager = FileManager.default
        do {
            try fileManager.createDirectory(at: run.folder, withIntermediateDirectories: true)
            guard let resume = try Self.prepare(run) else {
                board.set(index, .finishedEarlier)
                return nil
            }
            let arguments = resume ? run.resumeArguments : run.startArguments
            let output = try Self.appending(to: run.standardOutputLog)
            let errors = try Self.appending(to: run.standardErrorLog)
            defer {
                try? output.close()
                try? errors.close()
            }
            output.write(Data("=== \(ISO8601DateFormatter().string(from: Date())) offpolicy \(arguments.joined(separator: " "))\n".utf8))
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            process.environment = ParentLifetime.childEnvironment()  // the run dies with compare, also after kill -9
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            board.set(index, .running(since: Date(), stepsAtStart: resume ? board.progress[index].steps : 0))
            return Child(index: index, process: process)
        } catch {
            let reason = FileProblem.reason(error)
            try? Data("compare could not start the run: \(reason)\n".utf8).append(to: run.standardErrorLog)
            board.set(index, .failed(reason: "not started: \(reason)"))
            return nil
        }
    }

    /// Records how a child ended and updates its state.
    private func finish(_ child: Child) {
        let run = runs[child.index]
        let process = child.process
        var record = RunRecord(settings: run.settings, steps: run.steps, exitStatus: nil, signal: nil)
        let state: RunState
        let seconds: Double
        if case .running(let since, _) = board.states[child.index] { seconds = Date().timeIntervalSince(since) } else { seconds = 0 }
        switch process.terminationReason {
        case .exit:
            record.exitStatus = process.terminationStatus
            switch process.terminationStatus {
            case 0:
                let progress = RunProgress.read(run.folder)
                let steps = progress.steps
                state = steps >= run.steps ? .finished(seconds: seconds)
                    : .failed(reason: "exit status 0 but progress.csv ends at \(progress.offline ? "update" : "step") \(steps) of \(run.steps)")
            case 130, 143: state = .stopped
            default: state = .failed(reason: "exit status \(process.terminationStatus)")
            }
        case .uncaughtSignal:
            record.signal = process.terminationStatus
            state = .failed(reason: "signal \(process.terminationStatus) (\(String(cString: strsignal(process.terminationStatus))))")
        @unknown default:
            state = .failed(reason: "ended for an unknown reason")
        }
        try? record.write(run)
        board.set(child.index, state)
    }

    /// Decides, under the run folder's lock (`run.lock`, released before the child takes it), how the
    /// run starts: nil when an earlier invocation finished it, true when its folder holds a run to
    /// resume, false for a fresh start, for which the remains of a start that never wrote config.json
    /// are cleared. The folder is looked at again here, not trusted from when the queue was planned;
    /// a folder whose run is in use by another process is refused (`RunFileError.inUse`), and one
    /// holding a run that `compare` did not start is never cleared.
    static func prepare(_ run: PlannedRun) throws -> Bool? {
        let lock = try RunDirectoryLock.acquire(RunDirectory(run.folder))
        return try withExtendedLifetime(lock) { () throws -> Bool? in
            let resume: Bool
            switch try initialState(run) {
            case .finishedEarlier: return nil
            case .queued(let resuming): resume = resuming
            default: resume = true
            }
            if !resume {
                guard !FileManager.default.fileExists(atPath: RunFolder(run.folder).configFile.path) else {
                    throw ComparisonError.settingsChanged(run: run.folder.path, recorded: "a run not started by compare",
                                                          requested: run.settings.joined(separator: " "))
                }
                try clearRemains(of: run)
            }
            try RunRecord(settings: run.settings, steps: run.steps, exitStatus: nil, signal: nil).write(run)
            return resume
        }
    }

    /// Train's files left by a start that never wrote config.json (killed while creating them), so
    /// a fresh start is not refused. Only called by `prepare`, with the run's lock held, for folders
    /// without config.json.
    static func clearRemains(of run: PlannedRun) throws {
        let names = ["replay", "checkpoint", "checkpoint.new", "checkpoint.old", "progress.csv", "metrics.csv", "policy.safetensors"]
        for name in names {
            let url = run.folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { try FileManager.default.removeItem(at: url) }
        }
    }

    static func appending(to file: URL) throws -> FileHandle {
        if !FileManager.default.fileExists(atPath: file.path) {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw ComparisonError.unreadable(file.path, "cannot be created")
            }
        }
        let handle = try FileHandle(forWritingTo: file)
        try handle.seekToEnd()
        return handle
    }

    /// The last `count` non-empty lines of a run's stderr.log.
    public static func lastErrorLines(of run: PlannedRun, count: Int = 5) -> [String] {
        guard let data = FileManager.default.contents(atPath: run.standardErrorLog.path) else { return [] }
        // A progress line redrawn with carriage returns counts as its last drawing.
        let lines = String(decoding: data.suffix(1 << 16), as: UTF8.self).split(separator: "\n")
            .map { String($0.split(separator: "\r").last ?? "") }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return Array(lines.suffix(count))
    }
}
