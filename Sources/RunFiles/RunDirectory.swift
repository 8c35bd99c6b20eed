import Foundation

/// The files of one training run:
///
/// ```
/// DIR/config.json          the resolved TrainingConfig
/// DIR/progress.csv         one row per evaluation (see ProgressRow)
/// DIR/metrics.csv          the learner's update metrics, averaged every `metricsInterval` updates
/// DIR/policy.safetensors   the acting policy, loadable from PyTorch
/// DIR/tensorboard/         TensorBoard event files of progress.csv's and metrics.csv's values
/// DIR/replay/              the replay store every training batch is sampled from
/// DIR/checkpoint/          everything needed to resume: learner/ and state.json
/// DIR/run.lock             locked by the process training here (its pid inside)
/// ```
public struct RunDirectory: Sendable {
    public let root: URL

    public init(_ root: URL) { self.root = root }

    public var config: URL { root.appendingPathComponent("config.json") }
    public var progress: URL { root.appendingPathComponent("progress.csv") }
    /// Held (flock) by the process training in this directory; holds its process id.
    public var lock: URL { root.appendingPathComponent("run.lock") }
    public var metrics: URL { root.appendingPathComponent("metrics.csv") }
    public var policy: URL { root.appendingPathComponent("policy.safetensors") }
    public var replay: URL { root.appendingPathComponent("replay") }
    /// TensorBoard's event files (`events.out.tfevents.…`), one per session of the run.
    public var tensorBoard: URL { root.appendingPathComponent("tensorboard") }
    public var checkpoint: URL { root.appendingPathComponent("checkpoint") }
    /// Where a checkpoint is assembled before it replaces `checkpoint`.
    package var checkpointInProgress: URL { root.appendingPathComponent("checkpoint.new") }
    /// The previous checkpoint while the new one is moved into place.
    package var checkpointPrevious: URL { root.appendingPathComponent("checkpoint.old") }

    package static func learnerDirectory(in checkpoint: URL) -> URL { checkpoint.appendingPathComponent("learner") }
    package static func stateFile(in checkpoint: URL) -> URL { checkpoint.appendingPathComponent("state.json") }
}
