import Environments
import Foundation
@testable import Learners
import NeuralNetwork
import Randomness
import ReplayStore
import RunFiles
@testable import Training
import TrainingRuns
import Transitions
import XCTest

/// A one-step task: observe x ∈ [−1, 1], act a ∈ [−2, 2], reward −(a − x)², the episode terminates.
/// The best policy is a = x (return 0); the initial policy's mean action is near 0 (return about −1/3).
struct FollowTheTarget: Environment {
    var target: Float = 0
    var generator = SeededGenerator(seed: 0)
    var observationSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-2], high: [2]) }
    var state: [Double] {
        get { [Double(target)] }
        set { target = Float(newValue[0]) }
    }

    mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { generator = SeededGenerator(seed: seed) }
        target = generator.nextFloat(in: -1, 1)
        return [target]
    }

    mutating func step(_ action: [Float]) -> StepResult {
        let error = Double(action[0] - target)
        return StepResult(observation: [target], reward: -error * error, terminated: true, truncated: false)
    }

    var restoresSnapshots: Bool { true }
    func snapshot() -> EnvironmentSnapshot { EnvironmentSnapshot(state: state, generator: generator) }
    mutating func restore(_ snapshot: EnvironmentSnapshot) {
        state = snapshot.state
        generator = snapshot.generator
    }
}

final class OnPolicyTrainingTests: XCTestCase {
    private func run(_ learnerConfig: any LearnerConfig, steps: Int, evaluationInterval: Int, in directory: URL,
                     seed: UInt64 = 3) throws -> (OnPolicyTrainingLoop, ReplayStore) {
        let config = TrainingConfig(environment: "FollowTheTarget", steps: steps, seed: seed, learner: LearnerConfiguration(learnerConfig),
                                    evaluationInterval: evaluationInterval, evaluationEpisodes: 50, learningStarts: 0)
        var generator = SeededGenerator(seed: seed, stream: 4)
        let learner = try XCTUnwrap(learnerConfig.makeLearner(observationSize: 1, actionLow: [-2], actionHigh: [2], generator: &generator)
                                    as? any OnPolicyLearner)
        let store = try ReplayStore.create(at: directory.appendingPathComponent("replay").path,
                                           schema: StoreSchema(observationSize: 1, actionSize: 1, capacity: 100_000))
        let loop = try OnPolicyTrainingLoop(starting: config, in: RunDirectory(directory), makeEnvironment: { FollowTheTarget() },
                                            learner: learner, store: store, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try loop.run(), .finished)
        return (loop, store)
    }

    /// A short learning smoke test of each learner (about a second each in a debug build): the
    /// deterministic policy's evaluation return rises from about −1/3 to near 0.
    func testEachLearnerLearnsToFollowTheTarget() throws {
        var ppo = PPOConfig()
        ppo.common.hiddenSizes = [16, 16]
        ppo.common.learningRate = 3e-3
        ppo.common.batchSize = 32
        ppo.onPolicy.environmentCount = 2
        ppo.onPolicy.stepsPerEnvironment = 64
        var a2c = A2CConfig()
        a2c.common.hiddenSizes = [16, 16]
        a2c.common.learningRate = 3e-3
        a2c.onPolicy.stepsPerEnvironment = 8
        var reinforce = REINFORCEConfig()
        reinforce.common.hiddenSizes = [16, 16]
        reinforce.common.learningRate = 3e-3
        reinforce.onPolicy.stepsPerEnvironment = 8
        for (name, config, steps) in [("ppo", ppo as any LearnerConfig, 3072), ("a2c", a2c, 3072), ("reinforce", reinforce, 3072)] {
            let directory = try TemporaryDirectory("onpolicy-learns-\(name)")
            defer { directory.remove() }
            let (loop, store) = try run(config, steps: steps, evaluationInterval: 512, in: directory.url)
            let rows = try ProgressRow.read(from: loop.directory.progress)
            XCTAssertEqual(rows.map(\.environmentSteps), [512, 1024, 1536, 2048, 2560, 3072], name)
            // The untrained policy (the seed alone determines it), evaluated as the loop evaluates.
            var generator = SeededGenerator(seed: 3, stream: 4)
            let untrained = try config.makeLearner(observationSize: 1, actionLow: [-2], actionHigh: [2], generator: &generator)
            let first = try Evaluation.run(untrained, on: FollowTheTarget(), episodes: 50, seed: Evaluation.environmentSeed(forRunSeed: 3)).mean
            let last = rows.last!.evaluationReturnMean
            XCTAssertLessThan(first, -0.2, "\(name): the untrained policy's evaluation \(first)")
            XCTAssertGreaterThan(last, -0.03, "\(name): the last evaluation \(last) (first \(first))")
            XCTAssertEqual(store.transitionCount, steps, "\(name): every step is stored")
        }
    }

    /// Every step goes into the store, a rollout copy by copy: each copy's steps of a rollout are consecutive,
    /// one episode with consecutive step indices, copy c's first episode has id c; the stored behavior
    /// log-probability is the acting policy's density of the stored (unclipped) action; the store hands
    /// back runs of a rollout's length.
    func testRolloutsAreStoredCopyByCopyWithTheirBehaviorLogProbabilities() throws {
        let directory = try TemporaryDirectory("onpolicy-store")
        defer { directory.remove() }
        var ppo = PPOConfig()
        ppo.onPolicy.environmentCount = 3
        ppo.onPolicy.stepsPerEnvironment = 16
        let config = TrainingConfig(environment: "Pendulum-v1", steps: 96, seed: 4, learner: LearnerConfiguration(ppo),
                                    evaluationInterval: 48, evaluationEpisodes: 1, learningStarts: 0)
        let loop = try TrainingRun.startSession(config, in: directory.url, terminal: TerminalProgress(enabled: false))
        XCTAssertTrue(loop is OnPolicyTrainingLoop)
        XCTAssertEqual(try loop.run(shouldStop: { false }), .finished)
        let store = try ReplayStore.open(at: directory.appending("replay").path, options: StoreOptions(access: .readOnly))
        let stored = try store.liveTransitions()
        XCTAssertEqual(stored.count, 96)
        for block in 0..<6 {  // two rollouts of three copies
            let copy = block % 3, rollout = block / 3
            let rows = (block * 16)..<((block + 1) * 16)
            XCTAssertEqual(Set(rows.map { stored.episodeIDs[$0] }), [UInt64(copy)], "block \(block): one episode, copy \(copy)'s first")
            XCTAssertEqual(rows.map { Int(stored.stepIndices[$0]) }, Array((rollout * 16)..<((rollout + 1) * 16)), "block \(block)")
        }
        XCTAssertTrue(stored.behaviorLogProbabilities.allSatisfy(\.isFinite))
        // The first rollout was acted by the initial policy, which the seed alone determines.
        let environment = try TrainingRun.makeEnvironment(named: "Pendulum-v1")
        let initial = try XCTUnwrap(TrainingRun.makeLearner(config, for: environment) as? PPO)
        let firstRollout = stored.rows(0..<48)
        let input = firstRollout.observations.withUnsafeBufferPointer { initial.networks.input($0.baseAddress!, rows: 48) }
        let densities = initial.networks.logProbabilities(ofInput: input, actions: firstRollout.actions, rows: 48)
        for r in 0..<48 { XCTAssertEqual(Double(firstRollout.behaviorLogProbabilities[r]), densities[r], accuracy: 1e-4) }
        var generator = SeededGenerator(seed: 1)
        let sequences = try store.sampleSequences(count: 4, length: 16, using: &generator)
        XCTAssertEqual(sequences.count, 64)
    }

    /// Stopped mid-rollout, the loop finishes the rollout and its update, writes a checkpoint and stops;
    /// resumed, it ends exactly where the uninterrupted run ends (progress, metrics, policy file).
    func testInterruptedAndResumedRunMatchesTheUninterruptedOne() throws {
        let directory = try TemporaryDirectory("onpolicy-resume")
        defer { directory.remove() }
        var a2c = A2CConfig()
        a2c.onPolicy.environmentCount = 2
        a2c.onPolicy.stepsPerEnvironment = 8
        a2c.replayRatio = 2
        let config = TrainingConfig(environment: "Pendulum-v1", steps: 400, seed: 6, learner: LearnerConfiguration(a2c),
                                    evaluationInterval: 100, evaluationEpisodes: 1, learningStarts: 0, metricsInterval: 7)
        let whole = directory.appending("whole"), split = directory.appending("split")
        _ = try TrainingRun.startSession(config, in: whole, terminal: TerminalProgress(enabled: false)).run(shouldStop: { false })
        let first = try TrainingRun.startSession(config, in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= 150 }), .interrupted(steps: 160), "the rollout in progress is finished")
        let resumed = try TrainingRun.resumeSession(in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(resumed.environmentSteps, 160)
        XCTAssertEqual(resumed.notices, [])
        XCTAssertEqual(try resumed.run(shouldStop: { false }), .finished)
        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: split), try SmallRuns.progressWithoutTiming(in: whole))
        XCTAssertEqual(try String(contentsOf: split.appendingPathComponent("metrics.csv"), encoding: .utf8),
                       try String(contentsOf: whole.appendingPathComponent("metrics.csv"), encoding: .utf8))
        XCTAssertEqual(try Data(contentsOf: split.appendingPathComponent("policy.safetensors")),
                       try Data(contentsOf: whole.appendingPathComponent("policy.safetensors")))
    }

    /// The same with PPO's gSDE (noise matrices every 3 steps, rollouts of 16 steps per copy): the resumed run
    /// ends exactly where the uninterrupted one does, and the checkpoint holds the log σ matrix and the noise.
    func testInterruptedAndResumedPPOWithSDEMatchesTheUninterruptedOne() throws {
        let directory = try TemporaryDirectory("onpolicy-resume-sde")
        defer { directory.remove() }
        var ppo = PPOConfig()
        ppo.common.hiddenSizes = [16, 16]
        ppo.common.batchSize = 16
        ppo.epochs = 2
        ppo.onPolicy.environmentCount = 2
        ppo.onPolicy.stepsPerEnvironment = 16
        ppo.sdeSampleFrequency = 3
        XCTAssertTrue(ppo.useSDE)
        let config = TrainingConfig(environment: "Pendulum-v1", steps: 320, seed: 5, learner: LearnerConfiguration(ppo),
                                    evaluationInterval: 64, evaluationEpisodes: 1, learningStarts: 0, metricsInterval: 1)
        let whole = directory.appending("whole"), split = directory.appending("split")
        _ = try TrainingRun.startSession(config, in: whole, terminal: TerminalProgress(enabled: false)).run(shouldStop: { false })
        let first = try TrainingRun.startSession(config, in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= 100 }), .interrupted(steps: 128), "the rollout in progress is finished")
        let tensors = try Safetensors.read(from: split.appendingPathComponent("checkpoint/learner/learner.safetensors")).tensors
        XCTAssertEqual(tensors["log_std"]?.values.count, 16, "the k × n log σ matrix")
        XCTAssertEqual(tensors["sde.exploration_matrices"]?.values.count, 2 * 16, "a noise matrix per copy")
        let resumed = try TrainingRun.resumeSession(in: split, terminal: TerminalProgress(enabled: false))
        XCTAssertEqual(resumed.environmentSteps, 128)
        XCTAssertEqual(try resumed.run(shouldStop: { false }), .finished)
        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: split), try SmallRuns.progressWithoutTiming(in: whole))
        XCTAssertEqual(try String(contentsOf: split.appendingPathComponent("metrics.csv"), encoding: .utf8),
                       try String(contentsOf: whole.appendingPathComponent("metrics.csv"), encoding: .utf8))
        XCTAssertEqual(try Data(contentsOf: split.appendingPathComponent("policy.safetensors")),
                       try Data(contentsOf: whole.appendingPathComponent("policy.safetensors")))
        let policy = try Safetensors.read(from: whole.appendingPathComponent("policy.safetensors"))
        XCTAssertEqual(policy.tensors["log_std"]?.shape, [16, 1])
    }

    /// The off-policy loop refuses an on-policy learner (it would otherwise learn from random batches).
    func testTheOffPolicyLoopRefusesOnPolicyLearners() throws {
        let directory = try TemporaryDirectory("onpolicy-refused")
        defer { directory.remove() }
        let config = TrainingConfig(environment: "Pendulum-v1", steps: 10, seed: 1, learner: LearnerConfiguration(PPOConfig()))
        var generator = SeededGenerator(seed: 1)
        let learner = try PPOConfig().makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
        let store = try ReplayStore.create(at: directory.appending("replay").path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 100))
        XCTAssertThrowsError(try TrainingLoop(starting: config, in: RunDirectory(directory.appending("run")), environment: Pendulum(),
                                              learner: learner, store: store)) { error in
            XCTAssertEqual(error as? TrainingError, .invalidConfig("ppo is on-policy: train it in an OnPolicyTrainingLoop"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appending("run").path))
    }
}

/// PPO whose third rollout update reports a non-finite loss (a user's learner can diverge so).
final class DivergingPPO: OnPolicyLearner {
    let inner: PPO
    private var updates = 0
    init(_ inner: PPO) { self.inner = inner }
    var observationSize: Int { inner.observationSize }
    var actionSize: Int { inner.actionSize }
    var metricNames: [String] { inner.metricNames }
    var environmentCount: Int { inner.environmentCount }
    var stepsPerEnvironment: Int { inner.stepsPerEnvironment }
    var parametersAreFinite: Bool { inner.parametersAreFinite }
    func update(on batch: TransitionBatch, using generator: inout SeededGenerator) -> UpdateMetrics { inner.update(on: batch, using: &generator) }
    func update(onRollout rollout: TransitionBatch, segments: Int, progressRemaining: Double, using generator: inout SeededGenerator) -> UpdateMetrics {
        updates += 1
        var metrics = inner.update(onRollout: rollout, segments: segments, progressRemaining: progressRemaining, using: &generator)
        if updates == 3 { metrics["value_loss"] = .infinity }
        return metrics
    }
    func act(on observation: [Float], deterministic: Bool, using generator: inout SeededGenerator) -> ChosenAction {
        inner.act(on: observation, deterministic: deterministic, using: &generator)
    }
    func prepareExploration(step: Int, using generator: inout SeededGenerator) { inner.prepareExploration(step: step, using: &generator) }
    func explore(on observation: [Float], copy: Int, using generator: inout SeededGenerator) -> ChosenAction {
        inner.explore(on: observation, copy: copy, using: &generator)
    }
    func saveCheckpoint(to directory: URL) throws { try inner.saveCheckpoint(to: directory) }
    func loadCheckpoint(from directory: URL) throws { try inner.loadCheckpoint(from: directory) }
    func savePolicy(to file: URL) throws { try inner.savePolicy(to: file) }
}

final class OnPolicyDivergenceTests: XCTestCase {
    /// A non-finite metric stops the run at that update, before it is checkpointed; the last good checkpoint stays.
    func testDivergenceStopsTheRunAndKeepsTheLastGoodCheckpoint() throws {
        let directory = try TemporaryDirectory("onpolicy-diverged")
        defer { directory.remove() }
        var ppo = PPOConfig()
        ppo.onPolicy.environmentCount = 2
        ppo.onPolicy.stepsPerEnvironment = 32
        var generator = SeededGenerator(seed: 1)
        let learner = DivergingPPO(try PPO(observationSize: 3, actionLow: [-2], actionHigh: [2], config: ppo, generator: &generator))
        let config = TrainingConfig(environment: "Pendulum-v1", steps: 640, seed: 1, learner: LearnerConfiguration(ppo),
                                    evaluationInterval: 64, evaluationEpisodes: 1, learningStarts: 0)
        let store = try ReplayStore.create(at: directory.appending("replay").path, schema: StoreSchema(observationSize: 3, actionSize: 1, capacity: 10_000))
        let loop = try OnPolicyTrainingLoop(starting: config, in: RunDirectory(directory.url),
                                            makeEnvironment: { try TrainingRun.makeEnvironment(named: "Pendulum-v1") },
                                            learner: learner, store: store, terminal: TerminalProgress(enabled: false))
        XCTAssertThrowsError(try loop.run()) { error in
            XCTAssertEqual(error as? TrainingError, .diverged(update: 3, reason: "value_loss = inf"))
        }
        let state = try JSONDecoder().decode(RunState.self, from: Data(contentsOf: directory.appending("checkpoint/state.json")))
        XCTAssertEqual(state.environmentSteps, 128, "the checkpoint after the second rollout")
        XCTAssertEqual(try ProgressRow.read(from: directory.appending("progress.csv")).map(\.environmentSteps), [64, 128])
    }
}
