import Environments
import Foundation
import Learners
import ReplayStore

/// Builds the pieces of a run from its directory: the real replay store at `DIR/replay` and the
/// learner described by the config, wired into a `TrainingLoop`.
public enum TrainingRun {
    /// How the training loop opens its store: one transition per step, durable at each checkpoint
    /// (`sync()`); every committed step also survives `kill -9` of the process.
    public static let storeOptions = StoreOptions(durability: .processCrashSafe)

    /// A new run of `config` in `directory`.
    public static func start(_ config: TrainingConfig, in directory: URL) throws -> TrainingLoop {
        try config.validate()
        let run = RunDirectory(directory)
        let fileManager = FileManager.default
        for existing in [run.config, run.progress, run.checkpoint, run.replay] where fileManager.fileExists(atPath: existing.path) {
            throw TrainingError.runDirectoryNotEmpty(directory.path)
        }
        try fileManager.createDirectory(at: directory, withIntermediateDirectories: true)
        let probe = config.environment.make()
        let schema = StoreSchema(observationSize: probe.observationSpace.dimension, actionSize: probe.actionSpace.dimension,
                                 capacity: config.learner.replayCapacity)
        let store = try ReplayStore.create(at: run.replay.path, schema: schema, options: storeOptions)
        let learner = try config.learner.makeLearner(for: config.environment, seed: config.seed)
        return try TrainingLoop(starting: config, in: run, learner: learner, store: store)
    }

    /// The resolved config a run wrote.
    public static func config(in directory: URL) throws -> TrainingConfig {
        let file = RunDirectory(directory).config
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw TrainingError.missingFile("\(file.path) (is \(directory.path) a run directory?)")
        }
        do {
            return try JSONDecoder().decode(TrainingConfig.self, from: Data(contentsOf: file))
        } catch {
            throw TrainingError.corruptFile(file.path, "\(error)")
        }
    }

    /// Continues the run in `directory`; `steps`, when given, replaces the total step count.
    public static func resume(in directory: URL, steps: Int? = nil) throws -> TrainingLoop {
        var config = try config(in: directory)
        if let steps {
            config.steps = steps
            try config.validate()
        }
        let run = RunDirectory(directory)
        let probe = config.environment.make()
        let schema = StoreSchema(observationSize: probe.observationSpace.dimension, actionSize: probe.actionSpace.dimension,
                                 capacity: config.learner.replayCapacity)
        let store = try ReplayStore.open(at: run.replay.path, expecting: schema, options: storeOptions)
        let learner = try config.learner.makeLearner(for: config.environment, seed: config.seed)
        let loop = try TrainingLoop(resuming: run, config: config, learner: learner, store: store)
        if steps != nil { try TrainingLoop.write(config, to: run.config) }
        return loop
    }

    /// The learner of the run in `directory`, restored from its latest checkpoint.
    public static func trainedLearner(in directory: URL) throws -> (TrainingConfig, any Learner) {
        let config = try config(in: directory)
        let learner = try config.learner.makeLearner(for: config.environment, seed: config.seed)
        let checkpoint = RunDirectory.learnerDirectory(in: RunDirectory(directory).checkpoint)
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            throw TrainingError.missingFile("\(checkpoint.path) (the run has not written a checkpoint yet)")
        }
        try learner.loadCheckpoint(from: checkpoint)
        return (config, learner)
    }
}
