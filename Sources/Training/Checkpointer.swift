import Foundation
import Learners
import RunFiles
import Transitions

/// Writes and finds a run's checkpoint: `checkpoint/learner/` (the learner's own files) and
/// `checkpoint/state.json` (the loop's `RunState`). A new checkpoint is assembled in
/// `checkpoint.new/` and replaces the old one only when complete.
struct Checkpointer {
    let directory: RunDirectory

    /// Makes the store durable, then writes the learner, the loop state and the policy, replacing the
    /// previous checkpoint only once the new one is complete. A learner with non-finite parameters
    /// refuses to be written, and the previous checkpoint stays.
    func write(learner: any Learner, state: RunState) throws {
        do {
            try assemble(learner: learner, state: state)
        } catch let error as TrainingError {
            throw error
        } catch {
            // A full disk or a refused permission: one sentence naming the checkpoint, never Foundation's raw error.
            throw TrainingError.unwritable(directory.checkpointInProgress.path, FileProblem.reason(error))
        }
    }

    /// `write`'s steps; any error is passed on as it is.
    private func assemble(learner: any Learner, state: RunState) throws {
        let fileManager = FileManager.default
        let fresh = directory.checkpointInProgress  // a leftover of a process killed while writing is replaced
        try? fileManager.removeItem(at: fresh)
        let learnerDirectory = RunDirectory.learnerDirectory(in: fresh)
        try fileManager.createDirectory(at: learnerDirectory, withIntermediateDirectories: true)
        try learner.saveCheckpoint(to: learnerDirectory)
        try JSONFile.write(state, to: RunDirectory.stateFile(in: fresh))
        try learner.savePolicy(to: directory.policy)

        let previous = directory.checkpointPrevious
        try? fileManager.removeItem(at: previous)
        if fileManager.fileExists(atPath: directory.checkpoint.path) {
            try fileManager.moveItem(at: directory.checkpoint, to: previous)
        }
        try fileManager.moveItem(at: fresh, to: directory.checkpoint)
        try? fileManager.removeItem(at: previous)
    }

    /// The latest complete checkpoint: `checkpoint/`, or `checkpoint.old/` when a run was stopped
    /// while swapping them; nil when the run never wrote one.
    func latest() throws -> (state: RunState, learnerDirectory: URL)? {
        let fileManager = FileManager.default
        var checkpoint = directory.checkpoint
        if !fileManager.fileExists(atPath: checkpoint.path), fileManager.fileExists(atPath: directory.checkpointPrevious.path) {
            checkpoint = directory.checkpointPrevious
        }
        let stateFile = RunDirectory.stateFile(in: checkpoint)
        guard fileManager.fileExists(atPath: stateFile.path) else { return nil }
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: stateFile) else { throw TrainingError.missingFile(stateFile.path) }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
        let state: RunState
        do {
            state = try JSONDecoder().decode(RunState.self, from: data)
        } catch {
            throw TrainingError.corruptFile(stateFile.path, FileProblem.reason(error))
        }
        let counts = [("environmentSteps", state.environmentSteps), ("episodes", state.episodes), ("updates", state.updates),
                      ("rollouts", state.rollouts), ("progressRows", state.progressRows), ("metricsRows", state.metricsRows),
                      ("storedTransitions", state.storedTransitions)]
        for (name, value) in counts where !(0...TrainingConfig.countLimit).contains(value) {
            throw TrainingError.corruptFile(stateFile.path, "'\(name)' is \(value), outside 0...\(TrainingConfig.countLimit)")
        }
        return (state, RunDirectory.learnerDirectory(in: checkpoint))
    }
}
