import Environments
import Foundation
import Learners
import RunFiles
import Transitions

/// The loop of the off-policy learners (SAC, TD3, DDPG) and the offline ones (BC, TD3+BC). It takes any
/// `Environment`, any `Learner` and any `TransitionStore`; its `RunCore` owns the run directory, the
/// schedule of evaluations and checkpoints, the counters and the episodes. This loop only collects and updates.
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
/// progress.csv; a checkpoint follows every `checkpointInterval` steps, at the end, and when a stop is
/// requested. After every update a non-finite metric or parameter stops the run with
/// `TrainingError.diverged`, before anything of it is saved.
public final class TrainingLoop {
    public let learner: any Learner
    /// The run directory, recorder, checkpoints, schedule, counters and episodes this loop runs on.
    public let core: RunCore
    /// Where the batches come from.
    private let sampler: any TransitionSampler
    private var stepBatch: TransitionBatch
    private var sampleBatch: TransitionBatch
    private let warmUpLogProbability: Float

    /// Starts a new run in `directory` (which must not hold one): writes `config.json` and the headers
    /// of progress.csv and metrics.csv. `environment` is the training environment, unseeded: the loop
    /// resets it with the config's seed. Evaluation runs on `evaluationEnvironment`, which must be a separate
    /// environment of the same task; without one, on a copy of `environment` (right for value types only:
    /// a bridged `GymEnvironment` needs a second one of its own).
    public init(starting config: TrainingConfig, in directory: RunDirectory, environment: any Environment,
                evaluationEnvironment: (any Environment)? = nil,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.check(environment, learner, config)
        core = try RunCore(starting: config, in: directory, environments: [environment],
                           evaluationEnvironment: evaluationEnvironment ?? environment, learner: learner, sink: store, terminal: terminal)
        self.learner = learner
        sampler = store
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment)
    }

    /// Continues the run in `directory` from its checkpoint. `environment`, `learner` and `store` must be
    /// built as for the run's start (from its `config.json`); the learner's state is loaded here.
    /// An environment that cannot restore a snapshot (`restoresSnapshots` false: a bridged Python one)
    /// starts a fresh episode instead, seeded from the run's seed and step count; `notices` says so.
    public init(resuming directory: RunDirectory, config: TrainingConfig, environment: any Environment,
                evaluationEnvironment: (any Environment)? = nil,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.check(environment, learner, config)
        core = try RunCore(resuming: directory, config: config, environments: [environment],
                           evaluationEnvironment: evaluationEnvironment ?? environment, learner: learner, sink: store, terminal: terminal,
                           afterCheckpoint: "so the resumed run samples from them too and is not bit-identical to an uninterrupted one")
        self.learner = learner
        sampler = store
        (stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environment)
    }

    private static func buffers(config: TrainingConfig, environment: any Environment) -> (TransitionBatch, TransitionBatch, Float) {
        let observationSize = environment.observationSpace.dimension
        let space = environment.actionSpace
        let logVolume = zip(space.low, space.high).reduce(0.0) { $0 + log(Double($1.1) - Double($1.0)) }
        return (TransitionBatch(observationSize: observationSize, actionSize: space.dimension, reservingCapacity: 1),
                TransitionBatch(observationSize: observationSize, actionSize: space.dimension, zeroedCount: config.learner.common.batchSize),
                Float(-logVolume))
    }

    /// An on-policy learner would learn from random batches here; warm-up actions need a bounded box.
    private static func check(_ environment: any Environment, _ learner: any Learner, _ config: TrainingConfig) throws {
        guard !(learner is any OnPolicyLearner) else {
            throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: train it in an OnPolicyTrainingLoop")
        }
        guard environment.actionSpace.isBounded else {
            throw TrainingError.mismatch("the action space must be bounded for uniform warm-up actions")
        }
    }

    /// Runs until `config.steps` steps are done, or until `shouldStop` returns true (checked after
    /// every step) or one of `callbacks` asks to stop, in which case a checkpoint is written first.
    @discardableResult
    public func run(callbacks: [any TrainingCallback], shouldStop: () -> Bool) throws -> RunOutcome {
        let config = core.config
        return try core.run(callbacks: callbacks, shouldStop: shouldStop) {
            switch config.mode {
            case .online:
                try collectOneStep()
                if core.state.environmentSteps > config.learningStarts {
                    for _ in 0..<config.gradientStepsPerStep { try updateOnce() }
                }
            case .offline:
                try updateOnce()
            }
        }
    }

    /// Acts (uniformly during warm-up, then with the learner's exploration policy, clipped to the box),
    /// steps the environment and appends the transition to the sink.
    private func collectOneStep() throws {
        let space = core.actionSpace(ofCopy: 0)
        var action: [Float]
        var logProbability: Float
        if core.state.environmentSteps < core.config.learningStarts {
            action = (0..<space.dimension).map { core.state.explorationGenerator.nextFloat(in: space.low[$0], space.high[$0]) }
            logProbability = warmUpLogProbability
        } else {
            let chosen = learner.act(on: core.state.copies[0].observation, deterministic: false, using: &core.state.explorationGenerator)
            action = chosen.action
            logProbability = chosen.logProbability
            if !space.contains(action) { action = space.clip(action) }
        }
        stepBatch.removeAll()
        try core.step(copy: 0, executing: action, storing: action, logProbability: logProbability, into: &stepBatch)
        try core.sink.append(stepBatch)
    }

    /// One gradient step on a sampled batch; stops the run if it diverged; records its metrics.
    private func updateOnce() throws {
        let batchSize = core.config.learner.common.batchSize, length = learner.sequenceLength
        if length > 1 {
            try sampler.sampleSequences(count: batchSize, length: length, windows: learner.sequenceWindows,
                                        using: &core.state.samplingGenerator, into: &sampleBatch)
        } else if let prefill = core.config.prefill, let ratio = prefill.ratio {
            try sampler.sample(batchSize: batchSize, demonstrations: 0..<prefill.transitions,
                               demonstrationCount: Int((ratio * Double(batchSize)).rounded()), using: &core.state.samplingGenerator,
                               into: &sampleBatch)
        } else {
            try sampler.sample(batchSize: batchSize, using: &core.state.samplingGenerator, into: &sampleBatch)
        }
        try core.record(learner.update(on: sampleBatch, using: &core.state.updateGenerator))
    }
}
