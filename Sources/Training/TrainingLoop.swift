import Environments
import Foundation
import Learners
import RunFiles
import Transitions

/// The loop of the off-policy learners (SAC, TD3, DDPG) and the offline ones (BC, TD3+BC). It takes any
/// `Environment`, any `Learner` and any `TransitionStore`; its `RunCore` owns the run directory, the
/// schedule of evaluations and checkpoints, the counters and the episodes. This loop only collects and updates.
///
/// Online, every loop step acts once in each of the `environmentCopies` environment copies and appends
/// their transitions (copy 0 first) to the store in one append, as Stable-Baselines3 does with `n_envs`;
/// every gradient step learns from a batch sampled from that store; there is no other buffer.
/// - Copies: copy c starts with seed + c; each keeps its own episode (id, return, step index), and its
///   truncated transitions keep their true final observation. Bridged copies (`OverlappingEnvironment`)
///   step at the same time: each step request is sent as soon as its action is chosen, and the replies
///   are read after all of them went out.
/// - Warm-up: while the environment steps before a loop step are fewer than `learningStarts`, its actions are
///   uniform in the action box, with behavior log-probability −Σ log(high − low). After that the learner's
///   exploration policy acts.
/// - Updates: after each loop step that brings the count above `learningStarts`,
///   `gradientStepsPerLoopStep` gradient steps (Stable-Baselines3's schedule; `gradientStepsPerStep` −1
///   gives one per transition collected).
/// - The run ends after the loop step that reaches `config.steps` (so at a multiple of the copies above it
///   when it is not one).
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
    /// One loop step's transitions, each copy's, and all of them in copy order.
    private var segments: [TransitionBatch]
    private var stepBatch: TransitionBatch
    private var sampleBatch: TransitionBatch
    /// With prioritized replay: the store and learner as what prioritized replay needs, and the indices and
    /// weights of the last batch.
    private var prioritized: (sampler: any PrioritizedTransitionSampler, learner: any PrioritizedLearner)?
    private var prioritizedSample = PrioritizedSample()
    private let warmUpLogProbability: Float

    /// Starts a new run in `directory` (which must not hold one): writes `config.json` and the headers
    /// of progress.csv and metrics.csv. `environment` is the training environment, unseeded: the loop
    /// resets it with the config's seed. Evaluation runs on `evaluationEnvironment`, which must be a separate
    /// environment of the same task; without one, on a copy of `environment` (right for value types only:
    /// a bridged `GymEnvironment` needs a second one of its own). For several copies
    /// (`TrainingConfig.environmentCopies`), see `init(starting:in:environments:evaluationEnvironment:learner:store:terminal:)`.
    public convenience init(starting config: TrainingConfig, in directory: RunDirectory, environment: any Environment,
                            evaluationEnvironment: (any Environment)? = nil,
                            learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try self.init(starting: config, in: directory, environments: [environment], evaluationEnvironment: { evaluationEnvironment ?? environment },
                      learner: learner, store: store, terminal: terminal)
    }

    /// Starts a new run in `directory` (which must not hold one) on `environments`, one per copy
    /// (`config.environmentCopies` of them, each a separate environment, unseeded: copy c is reset with
    /// seed + c). `evaluationEnvironment` makes the environment evaluated on, a separate one of the same
    /// task; it is called when the first evaluation is due (a `GymLaunch`'s process starts meanwhile).
    public init(starting config: TrainingConfig, in directory: RunDirectory, environments: [any Environment],
                evaluationEnvironment: @escaping () throws -> any Environment,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.check(environments, learner, config)
        let prioritized = try Self.prioritized(config, learner, store)
        core = try RunCore(starting: config, in: directory, environments: environments,
                           evaluationEnvironment: evaluationEnvironment, learner: learner, sink: store, terminal: terminal)
        self.learner = learner
        sampler = store
        self.prioritized = prioritized
        (segments, stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environments[0])
    }

    /// Continues the run in `directory` from its checkpoint. `environment`, `learner` and `store` must be
    /// built as for the run's start (from its `config.json`); the learner's state is loaded here.
    /// An environment that cannot restore a snapshot (`restoresSnapshots` false: a bridged Python one)
    /// starts a fresh episode instead, seeded from the run's seed and step count; `notices` says so.
    public convenience init(resuming directory: RunDirectory, config: TrainingConfig, environment: any Environment,
                            evaluationEnvironment: (any Environment)? = nil,
                            learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try self.init(resuming: directory, config: config, environments: [environment],
                      evaluationEnvironment: { evaluationEnvironment ?? environment }, learner: learner, store: store, terminal: terminal)
    }

    /// Continues the run in `directory` from its checkpoint on `environments` (one per copy, as at its
    /// start); each copy that cannot restore a snapshot starts a fresh episode, seeded from the run's seed,
    /// step count and copy.
    public init(resuming directory: RunDirectory, config: TrainingConfig, environments: [any Environment],
                evaluationEnvironment: @escaping () throws -> any Environment,
                learner: any Learner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.check(environments, learner, config)
        let prioritized = try Self.prioritized(config, learner, store)
        core = try RunCore(resuming: directory, config: config, environments: environments,
                           evaluationEnvironment: evaluationEnvironment, learner: learner, sink: store, terminal: terminal,
                           afterCheckpoint: "so the resumed run samples from them too and is not bit-identical to an uninterrupted one")
        self.learner = learner
        sampler = store
        self.prioritized = prioritized
        (segments, stepBatch, sampleBatch, warmUpLogProbability) = Self.buffers(config: config, environment: environments[0])
    }

    private static func buffers(config: TrainingConfig, environment: any Environment) -> ([TransitionBatch], TransitionBatch, TransitionBatch, Float) {
        let observationSize = environment.observationSpace.dimension
        let space = environment.actionSpace
        let logVolume = zip(space.low, space.high).reduce(0.0) { $0 + log(Double($1.1) - Double($1.0)) }
        let copies = config.mode == .online ? config.environmentCopies : 1
        return ((0..<copies).map { _ in TransitionBatch(observationSize: observationSize, actionSize: space.dimension, reservingCapacity: 1) },
                TransitionBatch(observationSize: observationSize, actionSize: space.dimension, reservingCapacity: copies),
                TransitionBatch(observationSize: observationSize, actionSize: space.dimension, zeroedCount: config.learner.common.batchSize),
                Float(-logVolume))
    }

    /// With `config.prioritizedReplay`: the store must sample by priority and the learner weight its critic loss
    /// (`PrioritizedLearner`); a learner of n-step runs draws them by the priority of their first transitions.
    private static func prioritized(_ config: TrainingConfig, _ learner: any Learner, _ store: any TransitionStore) throws
        -> (sampler: any PrioritizedTransitionSampler, learner: any PrioritizedLearner)? {
        guard config.prioritizedReplay != nil else { return nil }
        guard let learner = learner as? any PrioritizedLearner else {
            throw TrainingError.invalidConfig("\(config.algorithm) has no TD critic to weight: prioritized replay is for sac, td3, ddpg and td3bc")
        }
        guard let sampler = store as? any PrioritizedTransitionSampler else {
            throw TrainingError.invalidConfig("the run's transition store cannot sample by priority")
        }
        return (sampler, learner)
    }

    /// An on-policy learner would learn from random batches here; warm-up actions need a bounded box; the
    /// copies must be the config's; a learner of sequences needs each episode's steps consecutive in the store.
    private static func check(_ environments: [any Environment], _ learner: any Learner, _ config: TrainingConfig) throws {
        guard !(learner is any OnPolicyLearner) else {
            throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: train it in an OnPolicyTrainingLoop")
        }
        let copies = config.mode == .online ? config.environmentCopies : 1
        guard environments.count == copies else {
            throw TrainingError.invalidConfig("the config asks for \(copies) environment cop\(copies == 1 ? "y" : "ies"), the loop was given \(environments.count)")
        }
        guard environments.allSatisfy({ $0.actionSpace.isBounded }) else {
            throw TrainingError.mismatch("the action space must be bounded for uniform warm-up actions")
        }
        if copies > 1, learner.sequenceLength > 1 {
            throw TrainingError.invalidConfig("\(config.algorithm) learns from sequences of \(learner.sequenceLength) consecutive steps of one episode, which \(copies) environment copies interleave in the store; use one copy (--envs 1) or one-step targets")
        }
    }

    /// Runs until `config.steps` steps are done, or until `shouldStop` returns true (checked after
    /// every loop step) or one of `callbacks` asks to stop, in which case a checkpoint is written first.
    @discardableResult
    public func run(callbacks: [any TrainingCallback], shouldStop: () -> Bool) throws -> RunOutcome {
        let config = core.config
        return try core.run(callbacks: callbacks, shouldStop: shouldStop) {
            switch config.mode {
            case .online:
                try collectOneLoopStep()
                if core.state.environmentSteps > config.learningStarts {
                    for _ in 0..<config.gradientStepsPerLoopStep { try updateOnce() }
                }
            case .offline:
                try updateOnce()
            }
        }
    }

    /// Acts in every copy (uniformly during warm-up, then with the learner's exploration policy, clipped to
    /// the box), steps the copies and appends their transitions to the sink, copy 0 first, in one append.
    private func collectOneLoopStep() throws {
        let warmUp = core.state.environmentSteps < core.config.learningStarts
        for c in segments.indices { segments[c].removeAll() }
        try core.stepCopies(into: &segments) { c in
            let space = core.actionSpace(ofCopy: c)
            if warmUp {
                let action = (0..<space.dimension).map { core.state.explorationGenerator.nextFloat(in: space.low[$0], space.high[$0]) }
                return .init(executed: action, stored: action, logProbability: warmUpLogProbability)
            }
            let chosen = learner.act(on: core.state.copies[c].observation, deterministic: false, using: &core.state.explorationGenerator)
            let action = space.contains(chosen.action) ? chosen.action : space.clip(chosen.action)
            return .init(executed: action, stored: action, logProbability: chosen.logProbability)
        }
        if segments.count == 1 {
            try core.sink.append(segments[0])
        } else {
            stepBatch.removeAll()
            for segment in segments { stepBatch.appendRows(of: segment, 0..<segment.count) }
            try core.sink.append(stepBatch)
        }
    }

    /// One gradient step on a sampled batch; stops the run if it diverged; records its metrics.
    private func updateOnce() throws {
        let batchSize = core.config.learner.common.batchSize, length = learner.sequenceLength
        if let prioritized, let replay = core.config.prioritizedReplay {
            // β annealed over the run's steps (environment steps online, updates offline): a function of the
            // counters, so a resumed run has the same β.
            let done = core.config.mode == .online ? core.state.environmentSteps : core.state.updates
            var settings = replay.settings(after: done, of: core.config.steps)
            settings.epsilon = replay.epsilon
            if length > 1 {
                // n-step targets: runs drawn by the priority of their first transitions, which take the new priorities.
                try prioritized.sampler.samplePrioritizedSequences(count: batchSize, length: length, windows: learner.sequenceWindows,
                                                                   settings: settings, using: &core.state.samplingGenerator,
                                                                   into: &sampleBatch, sample: &prioritizedSample)
            } else {
                try prioritized.sampler.samplePrioritized(batchSize: batchSize, settings: settings, using: &core.state.samplingGenerator,
                                                          into: &sampleBatch, sample: &prioritizedSample)
            }
            let (metrics, priorities) = prioritized.learner.update(on: sampleBatch, importanceWeights: prioritizedSample.weights,
                                                                  using: &core.state.updateGenerator)
            // A diverged update's |δ| may be NaN: let `record` stop the run before it reaches the store.
            try core.record(metrics)
            if priorities.allSatisfy(\.isFinite) {
                try prioritized.sampler.updatePriorities(indices: prioritizedSample.indices, priorities: priorities)
            }
            return
        }
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
