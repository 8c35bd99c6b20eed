import Environments
import Foundation
import Learners
import RunFiles
import Transitions

/// The training loop of the on-policy learners (REINFORCE, A2C, PPO), beside `TrainingLoop`; its
/// `RunCore` owns the run directory, the schedule of evaluations and checkpoints, the counters and the
/// episodes. This loop only collects rollouts and updates.
///
/// - Rollouts: `environmentCount` copies of the environment (`TrainingConfig.environmentCopies`, reset
///   with seed + c) step in lockstep (bridged copies at the same time, as in `TrainingLoop`),
///   `stepsPerEnvironment` steps each; before each lockstep the learner may redraw persistent
///   exploration noise (`prepareExploration`, gSDE). The policy's sample is stored and its log-density is the behavior log-probability; the action sent to the environment is clipped to the box.
///   The last rollout is shortened so that the run ends at `config.steps` (rounded up to a whole lockstep).
/// - Every transition goes into the run's store: a rollout is appended in one write transaction,
///   copy by copy, so each copy's steps of a rollout are consecutive in the store (runs of them are what
///   `sampleSequences` hands back to A2C's V-trace replay).
/// - Updates: one `update(onRollout:…)` per rollout, then `replayUpdatesPerRollout` replay updates on
///   sequences sampled from the store. After each, a non-finite metric or parameter stops the run
///   (`TrainingError.diverged`) before anything of it is saved.
/// - Evaluation whenever the environment steps cross a multiple of `evaluationInterval`: during the
///   rollout with the acting policy, or, when the crossing falls on a rollout's last lockstep, after
///   that rollout's update; and after the last update. It runs on an environment of its own.
/// - Checkpoints at rollout boundaries: when the steps cross a multiple of `checkpointInterval`, at the
///   end, and on a stop request (the rollout in progress is finished and learned from first).
public final class OnPolicyTrainingLoop {
    public let learner: any OnPolicyLearner
    /// The run directory, recorder, checkpoints, schedule, counters and episodes this loop runs on.
    public let core: RunCore
    /// Where the replay updates' sequences come from.
    private let sampler: any TransitionSampler
    private var replayBatch: TransitionBatch

    /// Starts a new run in `directory` (which must not hold one). `makeEnvironment` is called once per
    /// copy and once for evaluation (never copy one environment value: a bridged environment is a
    /// reference to a child process).
    public convenience init(starting config: TrainingConfig, in directory: RunDirectory, makeEnvironment: () throws -> any Environment,
                            learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        let (environments, evaluationEnvironment) = try Self.makeEnvironments(for: learner, with: makeEnvironment)
        try self.init(starting: config, in: directory, environments: environments, evaluationEnvironment: { evaluationEnvironment },
                      learner: learner, store: store, terminal: terminal)
    }

    /// Starts a new run in `directory` (which must not hold one) on `environments`, one per copy (the
    /// learner's `environmentCount`, which is `config.environmentCopies`), each a separate environment.
    /// `evaluationEnvironment` is called when the first evaluation is due.
    public init(starting config: TrainingConfig, in directory: RunDirectory, environments: [any Environment],
                evaluationEnvironment: @escaping () throws -> any Environment,
                learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        guard config.mode == .online else { throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: it learns online from its own rollouts, not from a dataset") }
        try Self.check(environments, learner)
        core = try RunCore(starting: config, in: directory, environments: environments, evaluationEnvironment: evaluationEnvironment,
                           learner: learner, sink: store, terminal: terminal)
        self.learner = learner
        sampler = store
        replayBatch = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, zeroedCount: 1)
    }

    /// Continues the run in `directory` from its checkpoint (taken at a rollout boundary).
    public convenience init(resuming directory: RunDirectory, config: TrainingConfig, makeEnvironment: () throws -> any Environment,
                            learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        let (environments, evaluationEnvironment) = try Self.makeEnvironments(for: learner, with: makeEnvironment)
        try self.init(resuming: directory, config: config, environments: environments, evaluationEnvironment: { evaluationEnvironment },
                      learner: learner, store: store, terminal: terminal)
    }

    /// Continues the run in `directory` from its checkpoint on `environments`, one per copy as at its start.
    public init(resuming directory: RunDirectory, config: TrainingConfig, environments: [any Environment],
                evaluationEnvironment: @escaping () throws -> any Environment,
                learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try Self.check(environments, learner)
        core = try RunCore(resuming: directory, config: config, environments: environments, evaluationEnvironment: evaluationEnvironment,
                           learner: learner, sink: store, terminal: terminal, afterCheckpoint: "and the resumed run collects its rollout again")
        self.learner = learner
        sampler = store
        replayBatch = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, zeroedCount: 1)
    }

    /// The learner acts in exactly its `environmentCount` copies.
    private static func check(_ environments: [any Environment], _ learner: any OnPolicyLearner) throws {
        guard environments.count == learner.environmentCount else {
            throw TrainingError.invalidConfig("the learner steps \(learner.environmentCount) environment copies, the loop was given \(environments.count)")
        }
    }

    /// One environment per copy and one for evaluation, each made by `makeEnvironment` (never copied: a bridged
    /// environment is a process).
    private static func makeEnvironments(for learner: any OnPolicyLearner, with makeEnvironment: () throws -> any Environment)
        throws -> ([any Environment], any Environment) {
        let copies = try (0..<learner.environmentCount).map { _ in try makeEnvironment() }
        return (copies, try makeEnvironment())
    }

    /// Runs until `config.steps` environment steps are done, or until `shouldStop` returns true (checked
    /// after every rollout's updates) or one of `callbacks` asks to stop, in which case a checkpoint is
    /// written first.
    @discardableResult
    public func run(callbacks: [any TrainingCallback], shouldStop: () -> Bool) throws -> RunOutcome {
        try core.run(callbacks: callbacks, shouldStop: shouldStop) { try learnFromOneRollout() }
    }

    /// Collects one rollout (all copies in lockstep), appends it to the sink, and learns from it and from
    /// the replay sequences.
    private func learnFromOneRollout() throws {
        let copies = learner.environmentCount
        let remaining = core.config.steps - core.state.environmentSteps
        let length = min(learner.stepsPerEnvironment, (remaining + copies - 1) / copies)
        var segments = (0..<copies).map { _ in
            TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, reservingCapacity: length)
        }
        for step in 0..<length {
            learner.prepareExploration(step: step, using: &core.state.explorationGenerator)
            try core.stepCopies(into: &segments) { c in
                let space = core.actionSpace(ofCopy: c)
                let chosen = learner.explore(on: core.state.copies[c].observation, copy: c, using: &core.state.explorationGenerator)
                return .init(executed: space.contains(chosen.action) ? chosen.action : space.clip(chosen.action),
                             stored: chosen.action, logProbability: chosen.logProbability)
            }
            // A crossing on the last lockstep is evaluated after the rollout's update.
            if step < length - 1 { try core.evaluateIfDue() }
            core.showProgress()
        }
        var rollout = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize,
                                      reservingCapacity: copies * length)
        for segment in segments { rollout.appendRows(of: segment, 0..<segment.count) }
        try core.sink.append(rollout)

        let progressRemaining = 1 - Double(core.state.environmentSteps) / Double(core.config.steps)
        try core.record(learner.update(onRollout: rollout, segments: copies, progressRemaining: progressRemaining,
                                       using: &core.state.updateGenerator))
        for _ in 0..<learner.replayUpdatesPerRollout {
            try sampler.sampleSequences(count: learner.replaySequenceCount, length: learner.replaySequenceLength,
                                        windows: .wholeRuns, using: &core.state.samplingGenerator, into: &replayBatch)
            try core.record(learner.replayUpdate(on: replayBatch, progressRemaining: progressRemaining, using: &core.state.updateGenerator))
        }
        core.state.rollouts += 1
    }
}
