import Environments
import Foundation
import Learners
import RunFiles
import Transitions

/// What every training loop shares: the run directory and its lock, the recorder (progress.csv,
/// metrics.csv, the progress line), the checkpointer, the evaluation schedule, the counters and episode
/// bookkeeping of `RunState`, the random streams, and starting and resuming a run.
///
/// Outside the module it is read-only: config, directory, counters and notices.
/// A loop only collects and updates: it drives `run(callbacks:shouldStop:advance:)` with one unit of its work
/// (one loop step and its updates, one offline update, one rollout and its updates), steps all its
/// environment copies at once through `stepCopies(into:choosing:)`, and hands every update's metrics to
/// `record(_:)`. The core tells the run's `TrainingCallback`s of its events.
public final class RunCore {
    public let config: TrainingConfig
    public let directory: RunDirectory
    let learner: any Learner
    /// Where the collected transitions go.
    let sink: any TransitionSink
    /// The training environments, one per copy in `state.copies`.
    private var environments: [any Environment]
    /// The environment evaluated on (from a seed of its own), made by `makeEvaluationEnvironment` when the
    /// first evaluation is due (a bridged one has been starting meanwhile).
    private var evaluationEnvironment: (any Environment)?
    private let makeEvaluationEnvironment: () throws -> any Environment
    var state: RunState
    /// Messages worth telling the user (for example about data recorded after the last checkpoint).
    public private(set) var notices: [String] = []
    /// Added to the state's episode ids in the store: online episodes are numbered after the pre-filled ones.
    private let episodeIDOffset: UInt64
    private let schedule: EvaluationSchedule
    private let recorder: RunRecorder
    private let checkpointer: Checkpointer
    /// The run directory's lock, held while the core exists.
    private let lock: RunDirectoryLock
    /// The metric the progress line shows as the loss.
    private let lossShown: String
    private var lastEvaluation: Double?
    /// The step count and instant of the last progress row (or of the start of `run`), for steps_per_s.
    private var rowStartSteps = 0
    private var rowStart = ContinuousClock.now
    /// The step count at which a crossing of the evaluation interval was last looked for.
    private var checkedSteps = 0
    /// The callbacks of the current `run` call, and the reason the first of them gave to stop.
    private var callbacks: [any TrainingCallback] = []
    private var stopReason: String?

    /// Starts a new run of `config` in `directory` (which must not hold one, see `RunDirectory.claimForNewRun`):
    /// resets copy c of `environments` with seed + c, writes `config.json` and the headers of progress.csv and
    /// metrics.csv. Offline, `sink` (the store sampled from) must hold transitions. Nothing is written
    /// when a check fails. `evaluationEnvironment` is called once, when the first evaluation is due.
    init(starting config: TrainingConfig, in directory: RunDirectory, environments: [any Environment],
         evaluationEnvironment: @escaping () throws -> any Environment, learner: any Learner, sink: any TransitionSink,
         terminal: TerminalProgress) throws {
        try config.validate()
        try Self.checkCompatibility(of: environments, with: learner)
        lock = try directory.claimForNewRun()
        if config.mode == .offline, try sink.transitionCount == 0 {
            throw TrainingError.mismatch("offline training needs a filled store; the store holds no transitions")
        }
        var environments = environments
        state = RunState(seed: config.seed, copies: try Self.firstEpisodes(of: &environments, seed: config.seed))
        self.environments = environments
        try config.write(to: directory.config)
        try RunRecorder.create(in: directory, metricNames: learner.metricNames)
        recorder = try RunRecorder(directory: directory, config: config, metricNames: learner.metricNames, terminal: terminal)
        (self.config, self.directory, self.learner, self.sink, makeEvaluationEnvironment) = (config, directory, learner, sink, evaluationEnvironment)
        (episodeIDOffset, schedule, checkpointer, lossShown) = Self.parts(config, directory, learner)
    }

    /// Continues the run in `directory` from its checkpoint; `environments`, `learner` and `sink` must be
    /// built as for the run's start (from its `config.json`); the learner's state is loaded here. An
    /// environment that cannot restore a snapshot (a bridged Python one) starts a fresh episode under a new
    /// id instead, seeded from the run's seed, step count and copy; `notices` says so. Transitions the sink
    /// holds beyond the checkpoint's count are kept; `afterCheckpoint` says what that means for this loop.
    init(resuming directory: RunDirectory, config: TrainingConfig, environments: [any Environment],
         evaluationEnvironment: @escaping () throws -> any Environment, learner: any Learner, sink: any TransitionSink,
         terminal: TerminalProgress, afterCheckpoint: String) throws {
        try Self.checkCompatibility(of: environments, with: learner)
        lock = try RunDirectoryLock.acquire(directory)
        let checkpointer = Checkpointer(directory: directory)
        var environments = environments
        var notices: [String] = []
        var state: RunState
        if let (saved, learnerDirectory) = try checkpointer.latest() {
            guard saved.copies.count == environments.count else {
                throw TrainingError.corruptFile(RunDirectory.stateFile(in: directory.checkpoint).path,
                                                "holds \(saved.copies.count) environment copies, the learner steps \(environments.count)")
            }
            state = saved
            var cutSteps = 0
            var fresh: [Int] = []
            for c in environments.indices {
                if environments[c].restoresSnapshots {
                    environments[c].restore(saved.copies[c].environment)
                    continue
                }
                guard config.mode == .online else { continue }
                // The interrupted episode's stored steps end without an end flag; a new episode id keeps
                // sequences from running on into the fresh episode.
                cutSteps += state.copies[c].episodeLength
                if state.copies[c].episodeLength > 0 {
                    state.copies[c].episodeID = state.nextEpisodeID
                    state.nextEpisodeID += 1
                }
                state.copies[c].episodeReturn = 0
                state.copies[c].episodeLength = 0
                fresh.append(c)
            }
            let observations = try Self.reset(fresh, of: &environments) { config.seed &+ UInt64(state.environmentSteps) &+ UInt64($0) }
            for (c, observation) in zip(fresh, observations) { state.copies[c].observation = observation }
            if config.mode == .online, environments.contains(where: { !$0.restoresSnapshots }) {
                let fresh = environments.count == 1 ? "the resumed run starts a fresh episode" : "each environment copy of the resumed run starts a fresh episode"
                notices.append("a checkpoint cannot hold the state of \(config.environment) (a Python process, or an environment without snapshot() and restore(_:)): \(fresh)"
                               + (cutSteps > 0 ? " (the interrupted episode's \(cutSteps) stored steps stay in the store, without an end flag)" : ""))
            }
            try learner.loadCheckpoint(from: learnerDirectory)
        } else {
            // Stopped before its first checkpoint: nothing to continue from, so the run restarts at
            // step 0 with its config (progress and metrics rows are dropped); what the sink already
            // holds stays there and is reported below.
            state = RunState(seed: config.seed, copies: try Self.firstEpisodes(of: &environments, seed: config.seed))
            notices.append("the run was stopped before its first checkpoint; restarting it from step 0")
        }
        try? FileManager.default.removeItem(at: directory.checkpointInProgress)

        let storedNow = try sink.transitionCount
        if storedNow < state.storedTransitions {
            throw TrainingError.mismatch("the replay store at \(directory.replay.path) holds \(storedNow) transitions, fewer than the \(state.storedTransitions) the checkpoint was written with")
        }
        if config.mode == .online, storedNow > state.storedTransitions {
            notices.append("the replay store holds \(storedNow - state.storedTransitions) transition(s) collected after the last checkpoint (the run was stopped abruptly); they stay in the store, \(afterCheckpoint)")
        }
        let recorder = try RunRecorder(directory: directory, config: config, metricNames: learner.metricNames, terminal: terminal,
                                       resumingFrom: state)
        self.recorder = recorder
        if recorder.damagedLinesDropped > 0 {
            notices.append("\(recorder.damagedLinesDropped) damaged line(s) of progress.csv or metrics.csv, written after the last checkpoint, were dropped")
        }
        self.environments = environments
        self.state = state
        self.notices = notices
        self.checkpointer = checkpointer
        (self.config, self.directory, self.learner, self.sink, makeEvaluationEnvironment) = (config, directory, learner, sink, evaluationEnvironment)
        (episodeIDOffset, schedule, _, lossShown) = Self.parts(config, directory, learner)
    }

    /// Resets copy c of `environments` with seed + c: the copies' first episodes, copy c's numbered c.
    private static func firstEpisodes(of environments: inout [any Environment], seed: UInt64) throws -> [RunState.Copy] {
        let observations = try reset(Array(environments.indices), of: &environments) { seed &+ UInt64($0) }
        return environments.indices.map { .init(observation: observations[$0], environment: environments[$0].snapshot(), episodeID: UInt64($0)) }
    }

    /// What both initializers derive from the config alone.
    private static func parts(_ config: TrainingConfig, _ directory: RunDirectory, _ learner: any Learner)
        -> (UInt64, EvaluationSchedule, Checkpointer, String) {
        (UInt64(config.prefill?.episodes ?? 0), EvaluationSchedule(config), Checkpointer(directory: directory),
         learner.metricNames.first { $0 == "critic_loss" || $0 == "value_loss" } ?? "critic_loss")
    }

    private static func checkCompatibility(of environments: [any Environment], with learner: any Learner) throws {
        for environment in environments {
            guard learner.observationSize == environment.observationSpace.dimension, learner.actionSize == environment.actionSpace.dimension else {
                throw TrainingError.mismatch("the learner takes \(learner.observationSize)-d observations and \(learner.actionSize)-d actions; the environment has \(environment.observationSpace.dimension) and \(environment.actionSpace.dimension)")
            }
        }
    }

    /// The count the run's length is measured in: environment steps online, updates offline.
    public var steps: Int { state.progress(in: config.mode) }
    public var environmentSteps: Int { state.environmentSteps }
    /// Finished training episodes.
    public var episodes: Int { state.episodes }
    /// Learner updates so far.
    public var updates: Int { state.updates }

    /// The action space of copy `c`.
    func actionSpace(ofCopy c: Int) -> BoxSpace { environments[c].actionSpace }

    /// The rows of `progress.csv` so far: the evaluations of this run, its part before a resume included.
    public func progressRows() throws -> [ProgressRow] {
        do { return try ProgressRow.read(from: directory.progress) } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
    }

    /// Writes the learner's acting policy (as `policy.safetensors` holds it) to `file`, atomically; for
    /// callbacks that keep a policy of their own (`KeepBestPolicy`).
    public func savePolicy(to file: URL) throws { try learner.savePolicy(to: file) }

    /// Runs `advance` (one unit of the loop's work) until `config.steps` steps are done, or until
    /// `shouldStop` returns true (asked after every unit) or a callback asks to stop, in which case a
    /// checkpoint is written first. `callbacks` hear of the start, of every unit, evaluation and checkpoint.
    /// After every unit: an evaluation when the steps crossed a multiple of the evaluation interval since
    /// `evaluateIfDue()` last looked (and at the end), a checkpoint when they crossed one of the checkpoint
    /// interval during the unit (and at the end, and on a stop), then the progress line.
    ///
    /// An `Interruption` (an environment call abandoned on a stop request) also stops the run with a
    /// checkpoint, never one of a half-done unit:
    /// - thrown by `advance`: the unit is dropped, and the checkpoint holds the state from before it (its
    ///   transitions were never handed to the sink). This needs environments whose state a checkpoint does
    ///   not hold anyway (`restoresSnapshots` false, as a bridged one); with others the `Interruption` is
    ///   rethrown and the previous checkpoint stays.
    /// - thrown by an evaluation after a complete unit: the checkpoint holds the unit, and the evaluation is
    ///   marked pending; the resumed run evaluates first.
    func run(callbacks: [any TrainingCallback], shouldStop: () -> Bool, advance: () throws -> Void) throws -> RunOutcome {
        let start = ContinuousClock.now
        let elapsedBefore = state.elapsedSeconds
        rowStart = start
        rowStartSteps = steps
        checkedSteps = steps
        (self.callbacks, stopReason) = (callbacks, nil)
        defer { recorder.terminal.finish(); self.callbacks = [] }
        for callback in callbacks { try callback.runWillStart(self) }
        func checkpoint() throws {
            state.elapsedSeconds = elapsedBefore + TerminalProgress.seconds(ContinuousClock.now - start)
            try writeCheckpoint()
        }
        // A unit can be dropped only when no environment's state must match the checkpoint's.
        let rewinds = environments.allSatisfy { !$0.restoresSnapshots }
        if state.evaluationPending {
            do {
                try evaluate()
                state.evaluationPending = false
                try checkpoint()
            } catch is Interruption {
                return .interrupted(steps: steps)  // the checkpoint on disk is this state already
            }
            if let stopReason, steps < config.steps { return .stopped(steps: steps, reason: stopReason) }
        }
        while steps < config.steps {
            let unitStart = steps
            let before = rewinds ? state : nil
            do {
                try advance()
            } catch let interruption as Interruption {
                guard let before else { throw interruption }
                state = before
                try checkpoint()
                return .interrupted(steps: steps)
            }
            let finished = steps >= config.steps
            // A scheduled checkpoint and the end close the metrics row, also when an evaluation is cut short below.
            if finished || schedule.checkpoints(from: unitStart, to: steps) { try closeMetricsRow() }
            do {
                try evaluateIfDue()
                if finished && steps != rowStartSteps { try evaluate() }
            } catch is Interruption {
                state.evaluationPending = true
                try checkpoint()
                return .interrupted(steps: steps)
            }
            try ask { try $0.afterIteration(self) }
            var stopping = !finished && (shouldStop() || stopReason != nil)
            if schedule.checkpoints(from: unitStart, to: steps) || finished || stopping {
                try checkpoint()
                stopping = !finished && (stopping || stopReason != nil)
            }
            showProgress()
            if stopping { return stopReason.map { .stopped(steps: steps, reason: $0) } ?? .interrupted(steps: steps) }
        }
        return .finished
    }

    /// Asks every callback (all of them, in order); the first that says stop gives the reason.
    private func ask(_ question: (any TrainingCallback) throws -> CallbackDecision) throws {
        for callback in callbacks {
            if case .stop(let reason) = try question(callback), stopReason == nil { stopReason = reason }
        }
    }

    /// Evaluates now if the steps crossed a multiple of the evaluation interval since the last look.
    /// A loop whose unit spans several such looks (the on-policy rollout) calls it after each but the last.
    func evaluateIfDue() throws {
        defer { checkedSteps = steps }
        if schedule.evaluates(from: checkedSteps, to: steps) { try evaluate() }
    }

    /// Redraws the progress line (at most twice a second).
    func showProgress() {
        recorder.terminal.update(steps: steps, totalSteps: config.steps, recentReturn: state.recentReturnMean,
                                 lastEvaluation: lastEvaluation, criticLoss: state.metrics.average(of: lossShown),
                                 alpha: state.metrics.average(of: "alpha"), unit: config.mode.unit, recentEpisodes: state.recentReturns.count,
                                 lossName: lossShown.replacingOccurrences(of: "_", with: " "), averagedUpdates: state.metrics.count(of: lossShown))
    }

    /// What a loop does in one copy at one loop step: the action sent to the environment, the action stored
    /// (the policy's sample, before clipping, for the on-policy loop), and its behavior log-probability.
    struct CopyAction {
        var executed: [Float]
        var stored: [Float]
        var logProbability: Float
    }

    /// One loop step: steps every copy once and appends copy c's transition to `segments[c]`, keeping each
    /// copy's episode books (its return and length, and at its end the recent returns, a reset and the next
    /// episode id, given to the copies whose episodes ended in copy order).
    ///
    /// `choose(c)` gives copy c's action; it is asked for the copies in order, and a copy whose calls overlap
    /// (`OverlappingEnvironment`, a bridged one) begins its step before the next copy's action is chosen, so
    /// Python steps while this process works. Every step is ended before any result is used, and the copies
    /// whose episodes ended are reset the same way. The results equal stepping the copies one by one.
    /// With several copies, a copy's failure (other than an `Interruption`) is thrown as
    /// `TrainingError.environmentCopyFailed`, naming the copy.
    func stepCopies(into segments: inout [TransitionBatch], choosing choose: (Int) throws -> CopyAction) throws {
        let count = environments.count
        var actions: [CopyAction] = []
        actions.reserveCapacity(count)
        var results = [StepResult?](repeating: nil, count: count)
        for c in 0..<count {
            let action = try choose(c)
            actions.append(action)
            try Self.onCopy(c, of: count) {
                if let overlapping = environments[c] as? any OverlappingEnvironment {
                    try overlapping.beginStep(action.executed)
                } else {
                    results[c] = try environments[c].checkedStep(action.executed)
                }
            }
        }
        for c in 0..<count where results[c] == nil {
            results[c] = try Self.onCopy(c, of: count) { try (environments[c] as! any OverlappingEnvironment).endStep() }
        }
        var ended: [Int] = []
        for c in 0..<count {
            let result = results[c]!
            try requireFinite(result, copy: c)
            segments[c].append(observation: state.copies[c].observation, action: actions[c].stored, reward: Float(result.reward),
                               nextObservation: result.observation, terminated: result.terminated, truncated: result.truncated,
                               behaviorLogProbability: actions[c].logProbability, episodeID: state.copies[c].episodeID &+ episodeIDOffset,
                               stepIndex: UInt32(state.copies[c].episodeLength), source: .online)
            state.environmentSteps += 1
            state.copies[c].episodeReturn += result.reward
            state.copies[c].episodeLength += 1
            if result.isEpisodeOver {
                state.recordEpisode(return: state.copies[c].episodeReturn)
                state.copies[c].episodeReturn = 0
                state.copies[c].episodeLength = 0
                state.copies[c].episodeID = state.nextEpisodeID
                state.nextEpisodeID += 1
                ended.append(c)
            } else {
                state.copies[c].observation = result.observation
            }
        }
        let observations = try Self.reset(ended, of: &environments) { _ in nil }
        for (c, observation) in zip(ended, observations) { state.copies[c].observation = observation }
    }

    /// Resets the copies `copies` of `environments` (each with `seed(c)`), the overlapping ones at once;
    /// their first observations, in the order of `copies`.
    private static func reset(_ copies: [Int], of environments: inout [any Environment], seed: (Int) -> UInt64?) throws -> [[Float]] {
        let count = environments.count
        var observations = [[Float]?](repeating: nil, count: copies.count)
        for (k, c) in copies.enumerated() {
            try onCopy(c, of: count) {
                if let overlapping = environments[c] as? any OverlappingEnvironment {
                    try overlapping.beginReset(seed: seed(c))
                } else {
                    observations[k] = try environments[c].checkedReset(seed: seed(c))
                }
            }
        }
        for (k, c) in copies.enumerated() where observations[k] == nil {
            observations[k] = try onCopy(c, of: count) { try (environments[c] as! any OverlappingEnvironment).endReset() }
        }
        return observations.map { $0! }
    }

    /// `body`, a call on copy `c` of `count`: with several copies its failure names the copy (an
    /// `Interruption` passes as it is: the loop stops with a checkpoint).
    private static func onCopy<T>(_ c: Int, of count: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error where count > 1 && !(error is Interruption) {
            throw TrainingError.environmentCopyFailed(copy: c, copies: count, reason: "\(error)")
        }
    }

    /// Throws `TrainingError.nonFiniteEnvironment` when a step of copy `c` returned a NaN or infinite reward or
    /// observation value (before it reaches the store, whose own check could only name its column).
    private func requireFinite(_ result: StepResult, copy c: Int) throws {
        let step = state.environmentSteps + 1
        let copy = environments.count > 1 ? " (copy \(c))" : ""
        if !result.reward.isFinite {
            throw TrainingError.nonFiniteEnvironment(environment: config.environment + copy, step: step, what: "reward", value: result.reward)
        }
        if let index = result.observation.firstIndex(where: { !$0.isFinite }) {
            throw TrainingError.nonFiniteEnvironment(environment: config.environment + copy, step: step,
                                                     what: "observation value \(index)", value: Double(result.observation[index]))
        }
    }

    /// Counts an update; stops the run if it diverged; records its metrics.
    func record(_ metrics: UpdateMetrics) throws {
        state.updates += 1
        try withMetricsSums { accumulator, rows in
            try recorder.takeUpdate(metrics, of: learner, update: state.updates, environmentSteps: state.environmentSteps,
                                    accumulator: &accumulator, rows: &rows)
        }
    }

    /// Writes the metrics of the updates since the last metrics.csv row as a row.
    private func closeMetricsRow() throws {
        try withMetricsSums { accumulator, rows in
            try recorder.closeMetricsRow(update: state.updates, environmentSteps: state.environmentSteps, accumulator: &accumulator, rows: &rows)
        }
    }

    /// `body` on the state's metric sums and metrics row count. Two inout properties of one stored `state`
    /// would overlap: they go through locals (swapped, not copied).
    private func withMetricsSums(_ body: (inout MetricsAccumulator, inout Int) throws -> Void) throws {
        var accumulator = MetricsAccumulator(), rows = state.metricsRows
        swap(&accumulator, &state.metrics)
        defer { swap(&accumulator, &state.metrics); state.metricsRows = rows }
        try body(&accumulator, &rows)
    }

    /// Deterministic evaluation on the evaluation environment, then a progress row.
    private func evaluate() throws {
        let now = ContinuousClock.now
        let seconds = TerminalProgress.seconds(now - rowStart)
        let steps = self.steps
        let row = try recorder.evaluate(learner, on: try evaluationTarget(), environmentSteps: state.environmentSteps,
                                        episodes: state.episodes, updates: state.updates, trainReturn: state.recentReturnMean,
                                        recentEpisodes: state.recentReturns.count,
                                        stepsPerSecond: seconds > 0 ? Double(steps - rowStartSteps) / seconds : 0)
        lastEvaluation = row.evaluationReturnMean
        state.progressRows += 1
        rowStart = now
        rowStartSteps = steps
        try ask { try $0.afterEvaluation(row, of: self) }
    }

    /// The evaluation environment, made (and checked against the learner) at the first evaluation.
    private func evaluationTarget() throws -> any Environment {
        if let evaluationEnvironment { return evaluationEnvironment }
        let made = try makeEvaluationEnvironment()
        try Self.checkCompatibility(of: [made], with: learner)
        evaluationEnvironment = made
        return made
    }

    /// Makes the sink and the metrics durable, then writes the checkpoint.
    private func writeCheckpoint() throws {
        try sink.sync()
        try recorder.synchronize()
        for c in environments.indices { state.copies[c].environment = environments[c].snapshot() }
        state.storedTransitions = try sink.transitionCount
        try checkpointer.write(learner: learner, state: state)
        try ask { try $0.afterCheckpoint(self) }
    }
}
