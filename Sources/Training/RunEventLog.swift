import Foundation
import RunFiles
import TensorBoardEvents

/// The TensorBoard side of a run's records: every value a progress.csv or metrics.csv row holds, as a
/// scalar of a readable tag at the row's step, in a new event file of `DIR/tensorboard` per session.
///
/// | tag | value |
/// |---|---|
/// | `train/return` | `train_return` (left out while it is nan: no training episode has ended) |
/// | `eval/return_mean`, `eval/return_std` | `eval_return_mean`, `eval_return_std` |
/// | `time/steps_per_s` | `steps_per_s`, to one decimal as the file holds it |
/// | `learner/NAME` | each metric of metrics.csv (`learner/critic_loss`, `learner/alpha`, ...), left out where the row has none |
///
/// The step is the run's row order (`TrainingConfig.rowStep`): environment steps online, updates offline
/// and for a run that trained offline before going online. Values are stored as 32-bit floats, as
/// TensorBoard's `simple_value` is.
///
/// Writing events never stops a run: the first failure is shown once as a warning (`warn`), and the
/// session writes no more events; progress.csv and metrics.csv go on as before.
final class RunEventLog {
    static let trainReturnTag = "train/return"
    static let evaluationMeanTag = "eval/return_mean"
    static let evaluationStdTag = "eval/return_std"
    static let stepsPerSecondTag = "time/steps_per_s"
    static func metricTag(_ name: String) -> String { "learner/" + name }

    private let writer: EventFileWriter
    private let config: TrainingConfig
    private let metricNames: [String]

    /// Starts the session's event file. Resuming (`checkpointStep` given), first cuts the earlier files
    /// after the checkpoint's step, as progress.csv and metrics.csv are cut to its rows, so that no step of
    /// a tag is written twice; when they cannot be cut, this session writes none (with a warning).
    init?(directory: RunDirectory, config: TrainingConfig, metricNames: [String], checkpointStep: Int?, warn: @escaping (String) -> Void) {
        guard config.writesTensorBoardEvents else { return nil }
        if let checkpointStep {
            do {
                try EventFileWriter.trimEvents(after: Int64(checkpointStep), in: directory.tensorBoard)
            } catch {
                warn("TensorBoard events of this session are not written: \(error) (it holds events after the checkpoint, which this session would write again)")
                return nil
            }
        }
        writer = EventFileWriter(directory: directory.tensorBoard, warn: warn)
        self.config = config
        self.metricNames = metricNames
    }

    /// The scalars of a progress.csv row.
    func record(_ row: ProgressRow) {
        var scalars: [Event.Scalar] = []
        if !row.trainReturn.isNaN { scalars.append(.init(tag: Self.trainReturnTag, value: Float(row.trainReturn))) }
        scalars += [
            .init(tag: Self.evaluationMeanTag, value: Float(row.evaluationReturnMean)),
            .init(tag: Self.evaluationStdTag, value: Float(row.evaluationReturnStd)),
            .init(tag: Self.stepsPerSecondTag, value: Float(row.recordedStepsPerSecond)),
        ]
        writer.write(step: Int64(config.rowStep(environmentSteps: row.environmentSteps, updates: row.updates)), scalars: scalars)
    }

    /// The scalars of a metrics.csv row: each metric's average (one `metricNames` has none is left out).
    func recordMetrics(environmentSteps: Int, updates: Int, averages: [Double?]) {
        let scalars = zip(metricNames, averages).compactMap { name, average in
            average.map { Event.Scalar(tag: Self.metricTag(name), value: Float($0)) }
        }
        writer.write(step: Int64(config.rowStep(environmentSteps: environmentSteps, updates: updates)), scalars: scalars)
    }

    /// Makes the events durable (at checkpoints).
    func synchronize() { writer.synchronize() }
}
