import Foundation
import RunFiles
import TensorBoardEvents

extension RunDirectory {
    /// Creates the directory if needed, takes its lock, and checks that it holds no run (no config,
    /// progress, metrics or checkpoint, no TensorBoard event file, nor any of `others`): the one check before a run starts here.
    /// Throws `TrainingError.runDirectoryNotEmpty` when it does, having changed nothing but the lock file.
    public func claimForNewRun(absent others: [URL] = []) throws -> RunDirectoryLock {
        let fileManager = FileManager.default
        try fileManager.createDirectory(at: root, withIntermediateDirectories: true)
        let lock = try RunDirectoryLock.acquire(self)
        for existing in [config, progress, metrics, checkpoint, checkpointPrevious] + others where fileManager.fileExists(atPath: existing.path) {
            throw TrainingError.runDirectoryNotEmpty(root.path)
        }
        if !EventFileWriter.eventFiles(in: tensorBoard).isEmpty { throw TrainingError.runDirectoryNotEmpty(root.path) }
        return lock
    }
}
