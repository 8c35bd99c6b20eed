import Foundation
import NeuralNetwork

/// A learner whose checkpoint is its declared `checkpointItems` plus `learner.json` (`Checkpoint`):
/// saving and loading are written once, in this protocol's extension, from that one list.
protocol CheckpointedLearner: Learner {
    /// Every network, target network, optimiser and extra vector to save, each under its tensor names.
    var checkpointItems: [CheckpointItem] { get }
    /// The config as the user gave it: its algorithm names the checkpoint (`DDPGConfig` for a DDPG
    /// built as a `TD3`).
    var sourceConfig: any LearnerConfig { get }
    var actionScale: ActionScale { get }
    /// Gradient steps so far; saved and restored.
    var updateCount: Int { get set }
}

extension CheckpointedLearner {
    public func saveCheckpoint(to directory: URL) throws {
        try Checkpoint.write(checkpointItems, config: sourceConfig, observationSize: observationSize, actionScale: actionScale,
                             updateCount: updateCount, to: directory)
    }

    public func loadCheckpoint(from directory: URL) throws {
        updateCount = try Checkpoint.read(checkpointItems, config: sourceConfig, observationSize: observationSize,
                                          actionScale: actionScale, from: directory)
    }
}
