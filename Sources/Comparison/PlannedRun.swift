import Foundation

/// One algorithm × seed of a comparison: an `offpolicy train` run in its own folder.
public struct PlannedRun: Equatable, Sendable {
    public var algorithm: String
    public var seed: UInt64
    /// `DIR/runs/ALGO-seedS`.
    public var folder: URL
    /// Every `train` argument except `--steps` and `--run-dir`: the learner, `--env`, `--seed`,
    /// the evaluation settings and any extra ones. A folder started with other settings is not reused.
    public var settings: [String]
    public var steps: Int
    /// `train --threads` of every start and resume; nil leaves train's default. Not a setting: a run's
    /// results do not depend on it, so a run may be resumed with another count.
    public var threads: Int?
    /// The task (environment id) of a comparison over several tasks; nil in a comparison of one.
    public var task: String?

    public init(algorithm: String, seed: UInt64, folder: URL, settings: [String], steps: Int, threads: Int? = nil, task: String? = nil) {
        self.task = task
        self.algorithm = algorithm
        self.seed = seed
        self.folder = folder
        self.settings = settings
        self.steps = steps
        self.threads = threads
    }

    /// "sac seed 0", or "sac seed 0 on Pendulum-v1" with a task.
    public var name: String { "\(algorithm) seed \(seed)" + (task.map { " on \($0)" } ?? "") }

    /// The arguments of a new run.
    public var startArguments: [String] { ["train"] + settings + ["--steps", "\(steps)", "--run-dir", folder.path] + threadArguments }

    /// The arguments that continue the run in `folder` from its last checkpoint, to `steps` in total.
    public var resumeArguments: [String] { ["train", "--resume", folder.path, "--steps", "\(steps)"] + threadArguments }

    private var threadArguments: [String] { threads.map { ["--threads", "\($0)"] } ?? [] }

    /// What `compare` records about the run (`compare-run.json`).
    var recordFile: URL { folder.appendingPathComponent("compare-run.json") }
    /// The child's standard output and standard error, appended to by every attempt.
    public var standardOutputLog: URL { folder.appendingPathComponent("stdout.log") }
    public var standardErrorLog: URL { folder.appendingPathComponent("stderr.log") }
}
