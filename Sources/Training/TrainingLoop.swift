import Environments
import Foundation
import Learners
import NeuralNetwork
import Randomness
import Transitions

/// The one loop that owns stepping, warm-up, truncation handling, updates, evaluation, logging and
/// checkpoints. It takes any `Environment`, any `Learner` and any `TransitionStore`.
///
/// Online, every environment step appends exactly one transition to the store, and every gradient
/// step learns from a batch sampled from that store; there is no other buffer.
/// - Warm-up: for the first `learningStarts` steps actions are uniform in the action box, with
///   behavior log-probability −Σ log(high − low). After that the learner's exploration policy acts.
/// - Updates: after each step that brings the count above `learningStarts`, `gradientStepsPerStep`
///   gradient steps (Stable-Baselines3's schedule).
/// - Episode ends: `terminated` and `truncated` are stored separately; a truncated transition keeps
///   the true final observation as its next observation.
///
/// Offline, each step is one gradient step on a batch sampled from the (already filled) store; the
/// environment is only evaluated on.
///
/// Evaluation every `evaluationInterval` steps (and after the last one) appends a row to
/// progress.csv (`RunRecorder`); a checkpoint (`Checkpointer`) follows every `checkpointInterval`
/// steps, at the end, and when a stop is requested. After every update a non-finite metric or
/// parameter stops the run with `TrainingError.diverged`, before anything of it is saved.
public final class TrainingLoop {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let learner: any Learner
    private let store: any TransitionStore
    private var environment: any Environment
    /// The environment evaluated on (from a seed of its own): the one given for it, else a copy of the
    /// training environment (which is a separate environment only for a value type).
    private let evaluationEnvironment: any Environment
    private var state: TrainingState
    private let recorder: RunRecorder
    private let checkpointer: Checkpointer
    /// The run directory's lock, held while the loop exists.
    private let lock: RunDirectoryLock
    private var stepBatch: TransitionBatch
    private var sampleBatch: TransitionBatch
    private let warmUpLogProbability: Float
    private var lastEvaluation: Double?
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    public private(set) var notices: [String] = []

    /// How a call to `run` ended.
    public enum Outcome: Equatable, Sendable {
        case finished
        /// A stop was requested; a checkpoint holds the state after `steps` steps.
        case interrupted(steps: Int)
    }

    /// Starts a new run in `directory` (which must not hold one): writes `config.json` and the headers
    /// of progress.csv and metrics.csv. `environment` is the training environment, unseeded: the loop
    /// resets it with the config's seed. Evaluation runs on `evaluationEnvironment`, which must be a separate
    /// environment of the same task; without one, on a copy of `environment` (right for value types only:
    /// a bridged `GymEnvironment` needs a second one of its own).
    public init(starting config: TrainingConfig, in directory: RunDirectory, environment: any Environment,
                evaluationEnvironment: (any Environment)? = nil,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try config.validate()
        try Self.checkCompatibility(environment: environment, learner: learner)
        try FileManager.default.createDirectory(at: directory.root, withIntermediateDirectories: true)
        lock = try RunDirectoryLock.acquire(directory)
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        self.evaluationEnvironment = evaluationEnvironment ?? environment
        self.environment = environment
        let observation = try self.environment.checkedReset(seed: config.seed)
        state = TrainingState(seed: config.seed, observation: observation, environment: self.environment.snapshot())
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment)
        checkpointer = Checkpointer(directory: directory)

        let fileManager = FileManager.default
        for existing in [directory.config, directory.progress, directory.metrics, directory.checkpoint]
        where fileManager.fileExists(atPath: existing.path) {
            throw TrainingError.runDirectoryNotEmpty(directory.root.path)
        }
        try Self.write(config, to: directory.config)
        try RunRecorder.create(in: directory, metricNames: learner.metricNames)
        recorder = try RunRecorder(directory: directory, metricNames: learner.metricNames, terminal: terminal)
        if config.mode == .offline, try store.transitionCount == 0 {
            throw TrainingError.mismatch("offline training needs a filled store; the store holds no transitions")
        }
    }

    /// Continues the run in `directory` from its checkpoint. `environment`, `learner` and `store` must be
    /// built as for the run's start (from its `config.json`); the learner's state is loaded here.
    /// An environment that cannot restore a snapshot (`restoresSnapshots` false: a bridged Python one)
    /// starts a fresh episode instead, seeded from the run's seed and step count; `notices` says so.
    public init(resuming directory: RunDirectory, config: TrainingConfig, environment: any Environment,
                evaluationEnvironment: (any Environment)? = nil,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.checkCompatibility(environment: environment, learner: learner)
        lock = try RunDirectoryLock.acquire(directory)
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        self.evaluationEnvironment = evaluationEnvironment ?? environment
        checkpointer = Checkpointer(directory: directory)
        self.environment = environment
        if let (saved, learnerDirectory) = try checkpointer.latest() {
            var state = saved
            if environment.restoresSnapshots {
                self.environment.restore(state.environment)
            } else if config.mode == .online {
                let cut = state.episodeLength
                if cut > 0 {
                    // The interrupted episode's stored steps end without an end flag; a new episode id keeps
                    // sequences from running on into the fresh episode.
                    state.episodes += 1
                    state.episodeReturn = 0
                    state.episodeLength = 0
                }
                state.observation = try self.environment.checkedReset(seed: config.seed &+ UInt64(state.environmentSteps))
                notices.append("\(config.environment) runs in a Python process whose state a checkpoint cannot hold: the resumed run starts a fresh episode"
                               + (cut > 0 ? " (the interrupted episode's \(cut) stored steps stay in the store, without an end flag)" : ""))
            }
            self.state = state
            try learner.loadCheckpoint(from: learnerDirectory)
        } else {
            // Stopped before its first checkpoint: nothing to continue from, so the run restarts at
            // step 0 with its config (progress and metrics rows are dropped); what its store already
            // holds stays there and is reported below.
            let observation = try self.environment.checkedReset(seed: config.seed)
            state = TrainingState(seed: config.seed, observation: observation, environment: self.environment.snapshot())
            notices.append("the run was stopped before its first checkpoint; restarting it from step 0")
        }
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment)
        try? FileManager.default.removeItem(at: directory.checkpointInProgress)

        let storedNow = try store.transitionCount
        if storedNow < state.storedTransitions {
            throw TrainingError.mismatch("the replay store at \(directory.replay.path) holds \(storedNow) transitions, fewer than the \(state.storedTransitions) the checkpoint was written with")
        }
        if config.mode == .online, storedNow > state.storedTransitions {
            notices.append("the replay store holds \(storedNow - state.storedTransitions) transition(s) collected after the last checkpoint (the run was stopped abruptly); they stay in the store, so the resumed run samples from them too and is not bit-identical to an uninterrupted one")
        }
        recorder = try RunRecorder(directory: directory, metricNames: learner.metricNames, terminal: terminal,
                                   keepingProgressRows: state.progressRows, metricsRows: state.metricsRows)
    }

    private static func buffers(config: TrainingConfig, environment: any Environment) -> (TransitionBatch, TransitionBatch, Float) {
        let observationSize = environment.observationSpace.dimension
        let space = environment.actionSpace
        let logVolume = zip(space.low, space.high).reduce(0.0) { $0 + log(Double($1.1) - Double($1.0)) }
        return (TransitionBatch(observationSize: observationSize, actionSize: space.dimension, reservingCapacity: 1),
                TransitionBatch(observationSize: observationSize, actionSize: space.dimension, zeroedCount: config.learner.common.batchSize),
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
    /// The count the run's length is measured in: environment steps online, updates offline.
    public var steps: Int { state.progress(in: config.mode) }

    /// Runs until `config.steps` steps are done, or until `shouldStop` returns true (checked after
    /// every step), in which case a checkpoint is written first.
    @discardableResult
    public func run(shouldStop: () -> Bool = { false }) throws -> Outcome {
        let start = ContinuousClock.now
        let elapsedBefore = state.elapsedSeconds
        var rowStart = ContinuousClock.now
        var rowStartSteps = steps
        defer { recorder.terminal.finish() }

        while steps < config.steps {
            switch config.mode {
            case .online:
                try collectOneStep()
                if state.environmentSteps > config.learningStarts {
                    for _ in 0..<config.gradientStepsPerStep { try updateOnce() }
                }
            case .offline:
                try updateOnce()
            }
            let steps = self.steps
            if steps % config.evaluationInterval == 0 || steps == config.steps {
                let now = ContinuousClock.now
                let seconds = TerminalProgress.seconds(now - rowStart)
                try evaluate(stepsPerSecond: seconds > 0 ? Double(steps - rowStartSteps) / seconds : 0)
                rowStart = now
                rowStartSteps = steps
            }
            let stopping = steps < config.steps && shouldStop()
            if steps % config.checkpointInterval == 0 || steps == config.steps || stopping {
                state.elapsedSeconds = elapsedBefore + TerminalProgress.seconds(ContinuousClock.now - start)
                try writeCheckpoint()
            }
            recorder.terminal.update(steps: steps, totalSteps: config.steps, recentReturn: state.recentReturnMean,
                                     lastEvaluation: lastEvaluation, criticLoss: state.metrics.average(of: "critic_loss"),
                                     alpha: state.metrics.average(of: "alpha"))
            if stopping { return .interrupted(steps: steps) }
        }
        return .finished
    }

    /// Acts, steps the environment, appends the transition to the store, handles the episode end.
    private func collectOneStep() throws {
        let space = environment.actionSpace
        var action: [Float]
        var logProbability: Float
        if state.environmentSteps < config.learningStarts {
            action = (0..<space.dimension).map { state.explorationGenerator.nextFloat(in: space.low[$0], space.high[$0]) }
            logProbability = warmUpLogProbability
        } else {
            let chosen = learner.act(on: state.observation, deterministic: false, using: &state.explorationGenerator)
            action = chosen.action
            logProbability = chosen.logProbability
            if !space.contains(action) { action = space.clip(action) }
        }
        let result = try environment.checkedStep(action)

        stepBatch.removeAll()
        stepBatch.append(observation: state.observation, action: action, reward: Float(result.reward),
                         nextObservation: result.observation, terminated: result.terminated, truncated: result.truncated,
                         behaviorLogProbability: logProbability, episodeID: UInt64(state.episodes + (config.prefill?.episodes ?? 0)),
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
            state.observation = try environment.checkedReset()
        } else {
            state.observation = result.observation
        }
    }

    /// One gradient step on a sampled batch; stops the run if it diverged; records its metrics.
    private func updateOnce() throws {
        let batchSize = config.learner.common.batchSize, length = learner.sequenceLength
        if length > 1 {
            try store.sampleSequences(count: batchSize, length: length, using: &state.samplingGenerator, into: &sampleBatch)
        } else if let prefill = config.prefill, let ratio = prefill.ratio {
            try store.sample(batchSize: batchSize, demonstrations: 0..<prefill.transitions,
                             demonstrationCount: Int((ratio * Double(batchSize)).rounded()), using: &state.samplingGenerator,
                             into: &sampleBatch)
        } else {
            try store.sample(batchSize: batchSize, using: &state.samplingGenerator, into: &sampleBatch)
        }
        let metrics = learner.update(on: sampleBatch, using: &state.updateGenerator)
        state.updates += 1
        // Two inout properties of one stored `state` would overlap: go through locals (swapped, not copied).
        var accumulator = MetricsAccumulator(), rows = state.metricsRows
        swap(&accumulator, &state.metrics)
        defer { swap(&accumulator, &state.metrics); state.metricsRows = rows }
        try recorder.takeUpdate(metrics, of: learner, update: state.updates, environmentSteps: state.environmentSteps,
                                interval: config.metricsInterval, accumulator: &accumulator, rows: &rows)
    }

    /// Deterministic evaluation on the evaluation environment, then a progress row.
    private func evaluate(stepsPerSecond: Double) throws {
        lastEvaluation = try recorder.evaluate(learner, on: evaluationEnvironment, config: config, environmentSteps: state.environmentSteps,
                                               episodes: state.episodes, updates: state.updates, trainReturn: state.recentReturnMean,
                                               stepsPerSecond: stepsPerSecond)
        state.progressRows += 1
    }

    /// Makes the store and the metrics durable, then writes the checkpoint.
    private func writeCheckpoint() throws {
        try store.sync()
        try recorder.synchronize()
        state.environment = environment.snapshot()
        state.storedTransitions = try store.transitionCount
        try checkpointer.write(learner: learner, state: state)
    }

    static func write<T: Encodable>(_ value: T, to file: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(value), to: file)
    }
}
