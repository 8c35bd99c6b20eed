import Environments
import Foundation
import Learners
import Randomness
import ReplayStore

/// The one loop that owns stepping, warm-up, truncation handling, evaluation, logging and checkpoints.
///
/// Every environment step appends exactly one transition to the replay store, and every
/// gradient step learns from a batch sampled from that store; there is no other buffer.
///
/// - Warm-up: for the first `learningStarts` steps actions are uniform in the action box, with
///   behavior log-probability −Σ log(high − low). After that the learner's exploration policy acts.
/// - Updates: after each step that brings the count above `learningStarts`, `gradientStepsPerStep`
///   gradient steps (Stable-Baselines3's schedule).
/// - Episode ends: `terminated` and `truncated` are stored separately; a truncated transition keeps
///   the true final observation as its next observation.
/// - Evaluation every `evaluationInterval` steps (and after the last one) appends a row to
///   progress.csv; a checkpoint follows every `checkpointInterval` steps, at the end, and when a
///   stop is requested.
public final class TrainingLoop {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let learner: any Learner
    private let store: any TransitionStore
    private var environment: any Environment
    private var state: TrainingState
    private var stepBatch: TransitionBatch
    private var sampleBatch: TransitionBatch
    private let warmUpLogProbability: Float
    private var lastEvaluation: Double?
    /// Shows the progress line (when standard error is a terminal).
    public var terminal = TerminalProgress()
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    public private(set) var notices: [String] = []

    /// How a call to `run` ended.
    public enum Outcome: Equatable, Sendable {
        case finished
        /// A stop was requested; a checkpoint holds the state after `environmentSteps` steps.
        case interrupted(environmentSteps: Int)
    }

    /// Starts a new run in `directory` (which must not hold one): writes `config.json` and the
    /// progress header.
    public init(starting config: TrainingConfig, in directory: RunDirectory, learner: any Learner, store: any TransitionStore) throws {
        try config.validate()
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        environment = config.environment.make(seed: config.seed)
        let observation = environment.reset(seed: config.seed)
        state = TrainingState(seed: config.seed, observation: observation, environment: environment.snapshot())
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment, learner: learner)
        try Self.checkCompatibility(environment: environment, learner: learner)

        let fileManager = FileManager.default
        try fileManager.createDirectory(at: directory.root, withIntermediateDirectories: true)
        for existing in [directory.config, directory.progress, directory.checkpoint] where fileManager.fileExists(atPath: existing.path) {
            throw TrainingError.runDirectoryNotEmpty(directory.root.path)
        }
        try Self.write(config, to: directory.config)
        try Data((ProgressRow.header + "\n").utf8).write(to: directory.progress)
    }

    /// Continues the run in `directory` from its checkpoint. `learner` and `store` must be built
    /// from the run's `config.json`; the learner's state is loaded here.
    public init(resuming directory: RunDirectory, config: TrainingConfig, learner: any Learner, store: any TransitionStore) throws {
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        let fileManager = FileManager.default
        var checkpoint = directory.checkpoint
        if !fileManager.fileExists(atPath: checkpoint.path), fileManager.fileExists(atPath: directory.checkpointPrevious.path) {
            checkpoint = directory.checkpointPrevious  // interrupted while swapping checkpoints
        }
        let stateFile = RunDirectory.stateFile(in: checkpoint)
        guard fileManager.fileExists(atPath: stateFile.path) else {
            throw TrainingError.missingFile("\(stateFile.path) (the run has no checkpoint to resume from)")
        }
        do {
            state = try JSONDecoder().decode(TrainingState.self, from: Data(contentsOf: stateFile))
        } catch {
            throw TrainingError.corruptFile(stateFile.path, "\(error)")
        }
        environment = config.environment.make(seed: config.seed)
        environment.restore(state.environment)
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment, learner: learner)
        try Self.checkCompatibility(environment: environment, learner: learner)
        try learner.loadCheckpoint(from: RunDirectory.learnerDirectory(in: checkpoint))

        let storedNow = try store.transitionCount
        if storedNow < state.storedTransitions {
            throw TrainingError.mismatch("the replay store at \(directory.replay.path) holds \(storedNow) transitions, fewer than the \(state.storedTransitions) the checkpoint was written with")
        }
        if storedNow > state.storedTransitions {
            notices.append("the replay store holds \(storedNow - state.storedTransitions) transition(s) collected after the last checkpoint (the run was stopped abruptly); they stay in the store, so the resumed run samples from them too and is not bit-identical to an uninterrupted one")
        }
        try Self.truncateProgress(directory.progress, toRows: state.progressRows)
    }

    private static func buffers(config: TrainingConfig, environment: any Environment, learner: any Learner) -> (TransitionBatch, TransitionBatch, Float) {
        let observationSize = environment.observationSpace.dimension
        let actionSize = environment.actionSpace.dimension
        let space = environment.actionSpace
        let logVolume = zip(space.low, space.high).reduce(0.0) { $0 + log(Double($1.1) - Double($1.0)) }
        return (TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: 1),
                TransitionBatch(observationSize: observationSize, actionSize: actionSize, zeroedCount: config.learner.batchSize),
                Float(-logVolume))
    }

    private static func checkCompatibility(environment: any Environment, learner: any Learner) throws {
        guard learner.observationSize == environment.observationSpace.dimension, learner.actionSize == environment.actionSpace.dimension else {
            throw TrainingError.mismatch("the learner takes \(learner.observationSize)-d observations and \(learner.actionSize)-d actions; the environment has \(environment.observationSpace.dimension) and \(environment.actionSpace.dimension)")
        }
        guard environment.actionSpace.isBounded else {
            throw TrainingError.mismatch("the action space must be bounded for uniform warm-up actions")
        }
    }

    public var environmentSteps: Int { state.environmentSteps }
    public var episodes: Int { state.episodes }
    public var updates: Int { state.updates }

    /// Runs until `config.steps` environment steps are done, or until `shouldStop` returns true
    /// (checked after every step), in which case a checkpoint is written first.
    @discardableResult
    public func run(shouldStop: () -> Bool = { false }) throws -> Outcome {
        let progress = try FileHandle(forWritingTo: directory.progress)
        defer { try? progress.close() }
        try progress.seekToEnd()
        let start = ContinuousClock.now
        let elapsedBefore = state.elapsedSeconds
        var rowStart = ContinuousClock.now
        var rowStartSteps = state.environmentSteps
        defer { terminal.finish() }

        while state.environmentSteps < config.steps {
            try collectOneStep()
            if state.environmentSteps > config.learner.learningStarts {
                for _ in 0..<config.learner.gradientStepsPerStep { try updateOnce() }
            }
            let steps = state.environmentSteps
            if steps % config.evaluationInterval == 0 || steps == config.steps {
                let evaluation = Evaluation.run(learner, on: config.environment, episodes: config.evaluationEpisodes,
                                                seed: Evaluation.environmentSeed(forRunSeed: config.seed))
                let now = ContinuousClock.now
                let seconds = TerminalProgress.seconds(now - rowStart)
                let row = ProgressRow(
                    environmentSteps: steps, episodes: state.episodes, updates: state.updates,
                    trainReturn: state.recentReturnMean, evaluationReturnMean: evaluation.mean,
                    evaluationReturnStd: evaluation.standardDeviation,
                    stepsPerSecond: seconds > 0 ? Double(steps - rowStartSteps) / seconds : 0)
                try progress.write(contentsOf: Data((row.csvLine + "\n").utf8))
                try progress.synchronize()
                state.progressRows += 1
                lastEvaluation = evaluation.mean
                rowStart = now
                rowStartSteps = steps
            }
            let stopping = steps < config.steps && shouldStop()
            if steps % config.checkpointInterval == 0 || steps == config.steps || stopping {
                state.elapsedSeconds = elapsedBefore + TerminalProgress.seconds(ContinuousClock.now - start)
                try writeCheckpoint()
            }
            terminal.update(steps: steps, totalSteps: config.steps, recentReturn: state.recentReturnMean, lastEvaluation: lastEvaluation)
            if stopping { return .interrupted(environmentSteps: steps) }
        }
        return .finished
    }

    /// Acts, steps the environment, appends the transition to the store, handles the episode end.
    private func collectOneStep() throws {
        let space = environment.actionSpace
        var action: [Float]
        var logProbability: Float
        if state.environmentSteps < config.learner.learningStarts {
            action = (0..<space.dimension).map { state.explorationGenerator.nextFloat(in: space.low[$0], space.high[$0]) }
            logProbability = warmUpLogProbability
        } else {
            let chosen = learner.act(on: state.observation, deterministic: false, using: &state.explorationGenerator)
            action = chosen.action
            logProbability = chosen.logProbability
            if !space.contains(action) { action = space.clip(action) }
        }
        let result = environment.step(action)

        stepBatch.removeAll()
        stepBatch.append(observation: state.observation, action: action, reward: Float(result.reward),
                         nextObservation: result.observation, terminated: result.terminated, truncated: result.truncated,
                         behaviorLogProbability: logProbability, episodeID: UInt64(state.episodes),
                         stepIndex: UInt32(state.episodeLength), source: .online)
        try store.append(stepBatch)

        state.environmentSteps += 1
        state.episodeReturn += result.reward
        state.episodeLength += 1
        if result.isEpisodeOver {
            state.recentReturns.append(state.episodeReturn)
            if state.recentReturns.count > TrainingState.recentReturnWindow { state.recentReturns.removeFirst() }
            state.episodes += 1
            state.episodeReturn = 0
            state.episodeLength = 0
            state.observation = environment.reset()
        } else {
            state.observation = result.observation
        }
    }

    private func updateOnce() throws {
        try store.sample(batchSize: config.learner.batchSize, using: &state.samplingGenerator, into: &sampleBatch)
        _ = learner.update(on: sampleBatch, using: &state.updateGenerator)
        state.updates += 1
    }

    /// Makes the store durable, then writes the learner, the loop state and the policy, replacing
    /// the previous checkpoint only once the new one is complete.
    private func writeCheckpoint() throws {
        try store.sync()
        state.environment = environment.snapshot()
        state.storedTransitions = try store.transitionCount
        let fileManager = FileManager.default
        let fresh = directory.checkpointInProgress
        try? fileManager.removeItem(at: fresh)
        let learnerDirectory = RunDirectory.learnerDirectory(in: fresh)
        try fileManager.createDirectory(at: learnerDirectory, withIntermediateDirectories: true)
        try learner.saveCheckpoint(to: learnerDirectory)
        try Self.write(state, to: RunDirectory.stateFile(in: fresh))
        try learner.savePolicy(to: directory.policy)

        let previous = directory.checkpointPrevious
        try? fileManager.removeItem(at: previous)
        if fileManager.fileExists(atPath: directory.checkpoint.path) {
            try fileManager.moveItem(at: directory.checkpoint, to: previous)
        }
        try fileManager.moveItem(at: fresh, to: directory.checkpoint)
        try? fileManager.removeItem(at: previous)
    }

    static func write<T: Encodable>(_ value: T, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(value).write(to: file, options: .atomic)
    }

    /// Drops progress rows written after the checkpoint being resumed from.
    private static func truncateProgress(_ file: URL, toRows rows: Int) throws {
        guard FileManager.default.fileExists(atPath: file.path) else {
            try Data((ProgressRow.header + "\n").utf8).write(to: file)
            return
        }
        let lines = try String(contentsOf: file, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        guard lines.first == ProgressRow.header else { throw TrainingError.corruptFile(file.path, "unexpected header") }
        guard lines.count - 1 >= rows else {
            throw TrainingError.corruptFile(file.path, "holds \(lines.count - 1) rows, the checkpoint expects \(rows)")
        }
        let kept = lines.prefix(rows + 1).joined(separator: "\n") + "\n"
        try Data(kept.utf8).write(to: file, options: .atomic)
    }
}
