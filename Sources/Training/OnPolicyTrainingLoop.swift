import Environments
import Foundation
import Learners
import Randomness
import Transitions

/// The training loop of the on-policy learners (REINFORCE, A2C, PPO), beside `TrainingLoop`, sharing its
/// run directory, recorder, checkpointer, evaluation and progress line.
///
/// - Rollouts: `environmentCount` copies of the environment (each made by the factory, reset with
///   seed + c) step in lockstep, `stepsPerEnvironment` steps each; before each lockstep the learner may
///   redraw persistent exploration noise (`prepareExploration`, gSDE). The policy's sample is stored and its
///   log-density is the behavior log-probability; the action sent to the environment is clipped to the box.
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
public final class OnPolicyTrainingLoop: TrainingSession {
    public let config: TrainingConfig
    public let directory: RunDirectory
    public let learner: any OnPolicyLearner
    private let store: any TransitionStore
    private var environments: [any Environment]
    private let evaluationEnvironment: any Environment
    private var state: OnPolicyTrainingState
    private let recorder: RunRecorder
    private let checkpointer: Checkpointer
    private let lock: RunDirectoryLock
    private var replayBatch: TransitionBatch
    private var lastEvaluation: Double?
    public private(set) var notices: [String] = []

    /// Starts a new run in `directory` (which must not hold one). `makeEnvironment` is called once per
    /// copy and once for evaluation (never copy one environment value: a bridged environment is a
    /// reference to a child process).
    public init(starting config: TrainingConfig, in directory: RunDirectory, makeEnvironment: () throws -> any Environment,
                learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        try config.validate()
        guard config.mode == .online else { throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: it learns online from its own rollouts, not from a dataset") }
        try FileManager.default.createDirectory(at: directory.root, withIntermediateDirectories: true)
        lock = try RunDirectoryLock.acquire(directory)
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        (environments, evaluationEnvironment) = try Self.makeEnvironments(for: learner, with: makeEnvironment)
        var copies: [OnPolicyTrainingState.Copy] = []
        for c in environments.indices {
            let observation = try environments[c].checkedReset(seed: config.seed &+ UInt64(c))
            copies.append(.init(observation: observation, environment: environments[c].snapshot(), episodeID: UInt64(c)))
        }
        state = OnPolicyTrainingState(seed: config.seed, copies: copies)
        replayBatch = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, zeroedCount: 1)
        checkpointer = Checkpointer(directory: directory)
        let fileManager = FileManager.default
        for existing in [directory.config, directory.progress, directory.metrics, directory.checkpoint]
        where fileManager.fileExists(atPath: existing.path) {
            throw TrainingError.runDirectoryNotEmpty(directory.root.path)
        }
        try TrainingLoop.write(config, to: directory.config)
        try RunRecorder.create(in: directory, metricNames: learner.metricNames)
        recorder = try RunRecorder(directory: directory, metricNames: learner.metricNames, terminal: terminal)
    }

    /// Continues the run in `directory` from its checkpoint (taken at a rollout boundary).
    public init(resuming directory: RunDirectory, config: TrainingConfig, makeEnvironment: () throws -> any Environment,
                learner: any OnPolicyLearner, store: any TransitionStore, terminal: TerminalProgress = TerminalProgress()) throws {
        lock = try RunDirectoryLock.acquire(directory)
        self.config = config
        self.directory = directory
        self.learner = learner
        self.store = store
        (environments, evaluationEnvironment) = try Self.makeEnvironments(for: learner, with: makeEnvironment)
        checkpointer = Checkpointer(directory: directory)
        if let (saved, learnerDirectory) = try checkpointer.latest(as: OnPolicyTrainingState.self) {
            guard saved.copies.count == environments.count else {
                throw TrainingError.corruptFile(RunDirectory.stateFile(in: directory.checkpoint).path,
                                                "holds \(saved.copies.count) environment copies, the learner steps \(environments.count)")
            }
            state = saved
            var cutSteps = 0
            for c in environments.indices {
                if environments[c].restoresSnapshots {
                    environments[c].restore(saved.copies[c].environment)
                    continue
                }
                // A bridged (Python) environment's state is not in the checkpoint: this copy starts a fresh
                // episode under a new id (the cut episode's stored steps end without an end flag).
                cutSteps += state.copies[c].episodeLength
                if state.copies[c].episodeLength > 0 {
                    state.copies[c].episodeID = state.nextEpisodeID
                    state.nextEpisodeID += 1
                }
                state.copies[c].episodeReturn = 0
                state.copies[c].episodeLength = 0
                state.copies[c].observation = try environments[c].checkedReset(
                    seed: config.seed &+ UInt64(state.environmentSteps) &+ UInt64(c))
            }
            if environments.contains(where: { !$0.restoresSnapshots }) {
                notices.append("\(config.environment) runs in a Python process whose state a checkpoint cannot hold: each environment copy of the resumed run starts a fresh episode"
                               + (cutSteps > 0 ? " (the interrupted episodes' \(cutSteps) stored steps stay in the store, without an end flag)" : ""))
            }
            try learner.loadCheckpoint(from: learnerDirectory)
        } else {
            var copies: [OnPolicyTrainingState.Copy] = []
            for c in environments.indices {
                let observation = try environments[c].checkedReset(seed: config.seed &+ UInt64(c))
                copies.append(.init(observation: observation, environment: environments[c].snapshot(), episodeID: UInt64(c)))
            }
            state = OnPolicyTrainingState(seed: config.seed, copies: copies)
            notices.append("the run was stopped before its first checkpoint; restarting it from step 0")
        }
        replayBatch = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, zeroedCount: 1)
        try? FileManager.default.removeItem(at: directory.checkpointInProgress)
        let storedNow = try store.transitionCount
        if storedNow < state.storedTransitions {
            throw TrainingError.mismatch("the replay store at \(directory.replay.path) holds \(storedNow) transitions, fewer than the \(state.storedTransitions) the checkpoint was written with")
        }
        if storedNow > state.storedTransitions {
            notices.append("the replay store holds \(storedNow - state.storedTransitions) transition(s) collected after the last checkpoint (the run was stopped abruptly); they stay in the store, and the resumed run collects its rollout again")
        }
        recorder = try RunRecorder(directory: directory, metricNames: learner.metricNames, terminal: terminal,
                                   keepingProgressRows: state.progressRows, metricsRows: state.metricsRows)
    }

    /// One environment per copy and one for evaluation, each made by `makeEnvironment` (never copied: a bridged
    /// environment is a process), checked against the learner's sizes.
    private static func makeEnvironments(for learner: any OnPolicyLearner, with makeEnvironment: () throws -> any Environment)
        throws -> ([any Environment], any Environment) {
        let copies = try (0..<learner.environmentCount).map { _ in try makeEnvironment() }
        let evaluation = try makeEnvironment()
        try checkCompatibility(environment: evaluation, learner: learner)
        return (copies, evaluation)
    }

    private static func checkCompatibility(environment: any Environment, learner: any Learner) throws {
        guard learner.observationSize == environment.observationSpace.dimension, learner.actionSize == environment.actionSpace.dimension else {
            throw TrainingError.mismatch("the learner takes \(learner.observationSize)-d observations and \(learner.actionSize)-d actions; the environment has \(environment.observationSpace.dimension) and \(environment.actionSpace.dimension)")
        }
    }

    public var environmentSteps: Int { state.environmentSteps }
    public var episodes: Int { state.episodes }
    public var updates: Int { state.updates }

    @discardableResult
    public func run(shouldStop: () -> Bool = { false }) throws -> TrainingLoop.Outcome {
        let start = ContinuousClock.now
        let elapsedBefore = state.elapsedSeconds
        var rowStart = ContinuousClock.now
        var rowStartSteps = state.environmentSteps
        defer { recorder.terminal.finish() }
        func evaluateNow() throws {
            let now = ContinuousClock.now
            let seconds = TerminalProgress.seconds(now - rowStart)
            try evaluate(stepsPerSecond: seconds > 0 ? Double(state.environmentSteps - rowStartSteps) / seconds : 0)
            rowStart = now
            rowStartSteps = state.environmentSteps
        }

        let copies = environments.count
        while state.environmentSteps < config.steps {
            let remaining = config.steps - state.environmentSteps
            let length = min(learner.stepsPerEnvironment, (remaining + copies - 1) / copies)
            var segments = environments.indices.map { _ in
                TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize, reservingCapacity: length)
            }
            var stopping = false
            var evaluateAfterUpdate = false
            let checkpointBoundaryBefore = state.environmentSteps / config.checkpointInterval
            for step in 0..<length {
                let before = state.environmentSteps
                learner.prepareExploration(step: step, using: &state.explorationGenerator)
                for c in 0..<copies { try collect(copy: c, into: &segments[c]) }
                if state.environmentSteps / config.evaluationInterval != before / config.evaluationInterval {
                    if step == length - 1 { evaluateAfterUpdate = true } else { try evaluateNow() }
                }
                if !stopping && shouldStop() { stopping = true }
                recorder.terminal.update(steps: state.environmentSteps, totalSteps: config.steps, recentReturn: state.recentReturnMean,
                                         lastEvaluation: lastEvaluation, criticLoss: state.metrics.average(of: "value_loss"))
            }
            var rollout = TransitionBatch(observationSize: learner.observationSize, actionSize: learner.actionSize,
                                          reservingCapacity: copies * length)
            for segment in segments { rollout.appendRows(of: segment, 0..<segment.count) }
            try store.append(rollout)

            let progressRemaining = 1 - Double(state.environmentSteps) / Double(config.steps)
            try record(learner.update(onRollout: rollout, segments: copies, progressRemaining: progressRemaining,
                                      using: &state.updateGenerator))
            for _ in 0..<learner.replayUpdatesPerRollout {
                try store.sampleSequences(count: learner.replaySequenceCount, length: learner.replaySequenceLength,
                                          using: &state.samplingGenerator, into: &replayBatch)
                try record(learner.replayUpdate(on: replayBatch, progressRemaining: progressRemaining, using: &state.updateGenerator))
            }
            state.rollouts += 1
            let finished = state.environmentSteps >= config.steps
            if evaluateAfterUpdate || (finished && state.environmentSteps != rowStartSteps) { try evaluateNow() }
            if state.environmentSteps / config.checkpointInterval != checkpointBoundaryBefore || finished || stopping {
                state.elapsedSeconds = elapsedBefore + TerminalProgress.seconds(ContinuousClock.now - start)
                try writeCheckpoint()
            }
            recorder.terminal.update(steps: state.environmentSteps, totalSteps: config.steps, recentReturn: state.recentReturnMean,
                                     lastEvaluation: lastEvaluation, criticLoss: state.metrics.average(of: "value_loss"))
            if stopping && !finished { return .interrupted(steps: state.environmentSteps) }
        }
        return .finished
    }

    /// One step of copy `c`: act, clip what the environment gets, keep the sample and its log-density.
    private func collect(copy c: Int, into segment: inout TransitionBatch) throws {
        let space = environments[c].actionSpace
        let observation = state.copies[c].observation
        let chosen = learner.explore(on: observation, copy: c, using: &state.explorationGenerator)
        let executed = space.contains(chosen.action) ? chosen.action : space.clip(chosen.action)
        let result = try environments[c].checkedStep(executed)
        segment.append(observation: observation, action: chosen.action, reward: Float(result.reward), nextObservation: result.observation,
                       terminated: result.terminated, truncated: result.truncated, behaviorLogProbability: chosen.logProbability,
                       episodeID: state.copies[c].episodeID, stepIndex: UInt32(state.copies[c].episodeLength), source: .online)
        state.environmentSteps += 1
        state.copies[c].episodeReturn += result.reward
        state.copies[c].episodeLength += 1
        if result.isEpisodeOver {
            state.recentReturns.append(state.copies[c].episodeReturn)
            if state.recentReturns.count > TrainingState.recentReturnWindow { state.recentReturns.removeFirst() }
            state.episodes += 1
            state.copies[c].episodeReturn = 0
            state.copies[c].episodeLength = 0
            state.copies[c].episodeID = state.nextEpisodeID
            state.nextEpisodeID += 1
            state.copies[c].observation = try environments[c].checkedReset()
        } else {
            state.copies[c].observation = result.observation
        }
    }

    /// Stops the run if the update diverged; records its metrics.
    private func record(_ metrics: UpdateMetrics) throws {
        state.updates += 1
        // Two inout properties of one stored `state` would overlap: go through locals (swapped, not copied).
        var accumulator = MetricsAccumulator(), rows = state.metricsRows
        swap(&accumulator, &state.metrics)
        defer { swap(&accumulator, &state.metrics); state.metricsRows = rows }
        try recorder.takeUpdate(metrics, of: learner, update: state.updates, environmentSteps: state.environmentSteps,
                                interval: config.metricsInterval, accumulator: &accumulator, rows: &rows)
    }

    private func evaluate(stepsPerSecond: Double) throws {
        lastEvaluation = try recorder.evaluate(learner, on: evaluationEnvironment, config: config, environmentSteps: state.environmentSteps,
                                               episodes: state.episodes, updates: state.updates, trainReturn: state.recentReturnMean,
                                               stepsPerSecond: stepsPerSecond)
        state.progressRows += 1
    }

    private func writeCheckpoint() throws {
        try store.sync()
        try recorder.synchronize()
        for c in environments.indices { state.copies[c].environment = environments[c].snapshot() }
        state.storedTransitions = try store.transitionCount
        try checkpointer.write(learner: learner, state: state)
    }
}
