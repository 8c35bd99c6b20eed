import Environments
import Foundation
import NeuralNetwork
import Learners
import ReplayStore
import RunFiles
import XCTest
@testable import Training
import TrainingRuns
import Transitions

/// A task small enough to follow by hand: the observation is [tag, t], t the step of the episode; the tag
/// is the last seed given to `reset` (so copy c of a run seeded S carries S + c). An even tag's episodes are
/// truncated after 3 steps, an odd tag's terminate after 2. The reward of the step reaching t is t.
/// It keeps no snapshots, as a bridged environment: a resumed run starts fresh episodes.
private struct CountingTask: Environment {
    var observationSpace: BoxSpace { BoxSpace(low: [0, 0], high: [1000, 10]) }
    var actionSpace: BoxSpace { BoxSpace(low: [-1], high: [1]) }
    private var tag: UInt64 = 0
    private var t = 0

    mutating func reset(seed: UInt64?) -> [Float] {
        if let seed { tag = seed }
        t = 0
        return [Float(tag), 0]
    }

    mutating func step(_ action: [Float]) -> StepResult {
        t += 1
        let odd = tag % 2 == 1
        return StepResult(observation: [Float(tag), Float(t)], reward: Double(t), terminated: odd && t == 2, truncated: !odd && t == 3)
    }
}

/// Fails (with a message of its own) at its `failingStep`th step.
private final class FailingTask: Environment {
    struct Failure: Error, CustomStringConvertible { var description: String { "the task broke down" } }
    private var task = CountingTask()
    private let failingStep: Int
    private var steps = 0
    init(failingAt step: Int) { failingStep = step }
    var observationSpace: BoxSpace { task.observationSpace }
    var actionSpace: BoxSpace { task.actionSpace }
    func reset(seed: UInt64?) -> [Float] { task.reset(seed: seed) }
    func step(_ action: [Float]) -> StepResult { try! checkedStep(action) }
    func checkedStep(_ action: [Float]) throws -> StepResult {
        steps += 1
        if steps == failingStep { throw Failure() }
        return task.step(action)
    }
}

/// Several environment copies in the off-policy loop, with Stable-Baselines3's `n_envs` semantics.
final class EnvironmentCopiesTests: XCTestCase {
    private func countingConfig(steps: Int, copies: Int, gradientSteps: Int = 1, learningStarts: Int = 100) -> TrainingConfig {
        var config = SmallRuns.sac(steps: steps, seed: 10, hidden: [4], batch: 4, evaluationInterval: steps, evaluationEpisodes: 1,
                                   learningStarts: learningStarts, gradientStepsPerStep: gradientSteps)
        config.environment = "CountingTask"
        config.environmentCopies = copies
        return config
    }

    /// Every row of `batch`: observation, next observation, reward, episode id, step index, terminated, truncated.
    private func rows(of batch: TransitionBatch) -> [String] {
        (0..<batch.count).map { row in
            let observation = batch.observations[(2 * row)..<(2 * row + 2)].map { Int($0) }
            let next = batch.nextObservations[(2 * row)..<(2 * row + 2)].map { Int($0) }
            return "\(observation)->\(next) r\(Int(batch.rewards[row])) ep\(batch.episodeIDs[row]) t\(batch.stepIndices[row])"
                + (batch.terminated[row] ? " terminated" : "") + (batch.truncated[row] ? " truncated" : "")
        }
    }

    func testTwoCopiesAppendOneTransitionEachPerLoopStepWithEpisodesOfTheirOwn() throws {
        let directory = try TemporaryDirectory("copies-order")
        defer { directory.remove() }
        // Seed 10: copy 0 is tagged 10 (truncated after 3 steps), copy 1 tagged 11 (terminated after 2).
        // Episode ids: copy c's first is c; then the next id (2, 3, ...) goes to the copy whose episode ended,
        // in copy order within a loop step. A truncated or terminated step keeps its true final observation.
        let loop = try TrainingRun.startSession(countingConfig(steps: 10, copies: 2), environment: CountingTask(), in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.environmentSteps, 10)
        XCTAssertEqual(loop.episodes, 3, "copy 1's episodes 1 and 2 and copy 0's episode 0 ended")
        let store = try ReplayStore.open(at: directory.appending("replay").path)
        XCTAssertEqual(rows(of: try store.liveTransitions()), [
            "[10, 0]->[10, 1] r1 ep0 t0", "[11, 0]->[11, 1] r1 ep1 t0",
            "[10, 1]->[10, 2] r2 ep0 t1", "[11, 1]->[11, 2] r2 ep1 t1 terminated",
            "[10, 2]->[10, 3] r3 ep0 t2 truncated", "[11, 0]->[11, 1] r1 ep2 t0",
            "[10, 0]->[10, 1] r1 ep3 t0", "[11, 1]->[11, 2] r2 ep2 t1 terminated",
            "[10, 1]->[10, 2] r2 ep3 t1", "[11, 0]->[11, 1] r1 ep4 t0",
        ])
    }

    func testGradientStepsCountPerLoopStepAndMinusOneMeansOnePerTransition() throws {
        // 3 copies, 30 steps (10 loop steps), learning starts after 7 steps: the loop steps ending at
        // 9, 12, ..., 30 steps (8 of them) are above it (SB3: num_timesteps > learning_starts).
        for (gradientSteps, updates) in [(-1, 8 * 3), (2, 8 * 2), (1, 8)] {
            let directory = try TemporaryDirectory("copies-updates")
            defer { directory.remove() }
            let config = countingConfig(steps: 30, copies: 3, gradientSteps: gradientSteps, learningStarts: 7)
            let loop = try TrainingRun.startSession(config, environment: CountingTask(), in: directory.url)
            try loop.run()
            XCTAssertEqual(loop.environmentSteps, 30)
            XCTAssertEqual(loop.updates, updates, "--gradient-steps \(gradientSteps)")
        }
    }

    func testARunEndsAtTheLoopStepThatReachesItsSteps() throws {
        let directory = try TemporaryDirectory("copies-end")
        defer { directory.remove() }
        let loop = try TrainingRun.startSession(countingConfig(steps: 10, copies: 4), environment: CountingTask(), in: directory.url)
        try loop.run()
        XCTAssertEqual(loop.environmentSteps, 12, "three loop steps of 4")
        XCTAssertEqual(try ReplayStore.open(at: directory.appending("replay").path).transitionCount, 12)
        XCTAssertEqual(try loop.core.progressRows().map(\.environmentSteps), [12])
    }

    func testTheSameSeedGivesTheSameRunWithThreePendulumCopies() throws {
        let directory = try TemporaryDirectory("copies-determinism")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 450, seed: 4, hidden: [16, 16], batch: 32, evaluationInterval: 150, evaluationEpisodes: 1)
        config.environmentCopies = 3
        config.gradientStepsPerStep = -1
        for name in ["a", "b"] { try TrainingRun.startSession(config, in: directory.appending(name)).run() }
        let progress = try SmallRuns.progressWithoutTiming(in: directory.appending("a"))
        XCTAssertEqual(progress.count, 4)
        XCTAssertEqual(progress, try SmallRuns.progressWithoutTiming(in: directory.appending("b")))
        for file in ["metrics.csv", "policy.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: directory.appending("a/\(file)")), try Data(contentsOf: directory.appending("b/\(file)")), file)
        }
        let stores = try ["a", "b"].map { try ReplayStore.open(at: directory.appending("\($0)/replay").path).liveTransitions() }
        XCTAssertEqual(stores[0].count, 450)
        XCTAssertTrue(stores[0] == stores[1], "the same transitions in the same order")
        // Copy c starts from seed + c: three different first observations.
        XCTAssertEqual(Set((0..<3).map { stores[0].observations[(3 * $0)..<(3 * $0 + 3)].map { $0 } }).count, 3)
    }

    /// A run of one copy gives the progress.csv and metrics.csv it gave before the loop took copies
    /// (recorded with the code of commit e73f0bb: `offpolicy train sac --steps 600 --seed 3 --hidden 16,16
    /// --batch 32 --eval-every 200 --eval-episodes 2 --log-every 100`, steps_per_s left out). The counts
    /// hold on every machine; the returns and losses are bits of the recording machine's kernels (the
    /// packed AVX2/AVX-512 product beside OpenBLAS's Prescott kernels), so they are compared only where the
    /// same kernels run.
    func testOneCopyRunsAsBeforeCopiesExisted() throws {
        let directory = try TemporaryDirectory("copies-one")
        defer { directory.remove() }
        let config = SmallRuns.sac(steps: 600, seed: 3, hidden: [16, 16], batch: 32, evaluationInterval: 200, evaluationEpisodes: 2,
                                   metricsInterval: 100)
        try TrainingRun.startSession(config, in: directory.url).run()
        let progress = try SmallRuns.progressWithoutTiming(in: directory.url)
        let metrics = try String(contentsOf: directory.appending("metrics.csv"), encoding: .utf8)
        func counts(_ lines: [String], columns: Int) -> [String] {
            lines.map { $0.split(separator: ",").prefix(columns).joined(separator: ",") }
        }
        XCTAssertEqual(counts(progress, columns: 3), ["env_steps,episodes,updates", "200,1,100", "400,2,300", "600,3,500"])
        XCTAssertEqual(counts(metrics.split(separator: "\n").map(String.init), columns: 3),
                       ["env_steps,updates,updates_in_row", "200,100,100", "300,200,100", "400,300,100", "500,400,100", "600,500,100"])
        let recordingKernels = BLAS.productKernel != .openBLAS && BLAS.coreName == "Prescott"
        if recordingKernels {
            XCTAssertEqual(progress, [
                "env_steps,episodes,updates,train_return,eval_return_mean,eval_return_std",
                "200,1,100,-1129.6138540370368,-1468.673691752345,83.7272632796122",
                "400,2,300,-1206.4618809791755,-1477.5331472686307,68.45835605530408",
                "600,3,500,-1120.4670304627791,-1514.0167768578474,47.221450016146264",
            ])
            XCTAssertEqual(metrics, """
                env_steps,updates,updates_in_row,critic_loss,actor_loss,alpha,alpha_loss,log_probability,q_policy
                200,100,100,45.925556309059694,-0.11885412386385724,0.9853067255020141,-0.024310676020686515,-0.6322661319375038,-0.5040353176160716
                300,200,100,41.53223712560478,0.5009642347227782,0.9559924411773681,-0.07499277234077453,-0.6632625907659531,-1.1349681009911001
                400,300,100,32.43749045840716,1.542417435888201,0.9274163579940796,-0.12620376028120517,-0.6732568347454071,-2.166755514945835
                500,400,100,22.420784939620372,3.3271374468505384,0.899711594581604,-0.17730396777391433,-0.6770623308420182,-3.9362925661541524
                600,500,100,13.979357066978944,5.3833730568178,0.8729287272691727,-0.22722409918904304,-0.6716925728321076,-5.969734078645706

                """)
        } else {
            print("testOneCopyRunsAsBeforeCopiesExisted: the returns and losses were recorded with other product kernels "
                  + "(here \(BLAS.productKernel.rawValue), OpenBLAS \(BLAS.coreName)); only the counts are compared")
        }
        let written = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appending("config.json"))) as? [String: Any]
        XCTAssertNotNil(written?["gradientStepsPerStep"])
        XCTAssertNil(written?["environmentCopies"], "config.json of one copy reads as before")
    }

    func testAResumedRunWithPendulumCopiesMatchesTheUninterruptedOne() throws {
        let directory = try TemporaryDirectory("copies-resume")
        defer { directory.remove() }
        var config = SmallRuns.sac(steps: 600, seed: 5, hidden: [16, 16], batch: 32)
        config.environmentCopies = 4
        try TrainingRun.startSession(config, in: directory.appending("whole")).run()
        let first = try TrainingRun.startSession(config, in: directory.appending("split"))
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= 333 }), .interrupted(steps: 336))
        let resumed = try TrainingRun.resumeSession(in: directory.appending("split"))
        XCTAssertEqual(resumed.notices, [], "Pendulum's snapshots continue every copy's episode")
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(try SmallRuns.progressWithoutTiming(in: directory.appending("split")),
                       try SmallRuns.progressWithoutTiming(in: directory.appending("whole")))
        for file in ["metrics.csv", "policy.safetensors"] {
            XCTAssertEqual(try Data(contentsOf: directory.appending("split/\(file)")), try Data(contentsOf: directory.appending("whole/\(file)")), file)
        }
    }

    func testAResumedRunStartsAFreshEpisodeInEveryCopyThatKeepsNoSnapshot() throws {
        let directory = try TemporaryDirectory("copies-fresh")
        defer { directory.remove() }
        let config = countingConfig(steps: 10, copies: 2)
        let first = try TrainingRun.startSession(config, environment: CountingTask(), in: directory.url)
        // After 3 loop steps (6 steps): copy 0 has just ended episode 0 (id 3 next), copy 1 is 1 step into episode 2.
        XCTAssertEqual(try first.run(shouldStop: { first.environmentSteps >= 6 }), .interrupted(steps: 6))
        let resumed = try TrainingRun.resumeSession(in: directory.url, environment: CountingTask())
        XCTAssertEqual(resumed.notices.count, 1)
        XCTAssertTrue(resumed.notices[0].hasPrefix("a checkpoint cannot hold the state of CountingTask"), resumed.notices[0])
        XCTAssertTrue(resumed.notices[0].contains("each environment copy of the resumed run starts a fresh episode (the interrupted episode's 1 stored steps"),
                      resumed.notices[0])
        try resumed.run()
        // Fresh episodes are seeded with seed + steps + c: 10 + 6 + 0 = 16 (even, truncated after 3) and 17
        // (odd, terminated after 2). Copy 0's episode 3 had no step yet and keeps its id; copy 1's
        // interrupted episode 2 is cut, and its fresh episode gets the next id, 4.
        let store = try ReplayStore.open(at: directory.appending("replay").path)
        XCTAssertEqual(Array(rows(of: try store.liveTransitions()).dropFirst(6)), [
            "[16, 0]->[16, 1] r1 ep3 t0", "[17, 0]->[17, 1] r1 ep4 t0",
            "[16, 1]->[16, 2] r2 ep3 t1", "[17, 1]->[17, 2] r2 ep4 t1 terminated",
        ])
    }

    func testAFailingCopyEndsTheRunNamingItAndTheCheckpointResumes() throws {
        let directory = try TemporaryDirectory("copies-failing")
        defer { directory.remove() }
        var config = countingConfig(steps: 12, copies: 3)
        config.checkpointInterval = 6
        var made = 0
        // The third environment made (copy 2) fails at its 3rd step, in the loop step that reaches 9 steps.
        let loop = try TrainingRun.startSession(config, environment: { () -> any Environment in
            made += 1
            return made == 3 ? FailingTask(failingAt: 3) : CountingTask()
        }(), in: directory.url)
        XCTAssertThrowsError(try loop.run()) { error in
            XCTAssertEqual(error as? TrainingError, .environmentCopyFailed(copy: 2, copies: 3, reason: "the task broke down"))
            XCTAssertEqual("\(error)", "environment copy 2 (of 3, counted from 0) failed, and the last checkpoint is kept: the task broke down")
        }
        let resumed = try TrainingRun.resumeSession(in: directory.url, environment: CountingTask())
        XCTAssertEqual(resumed.environmentSteps, 6)
        XCTAssertEqual(try resumed.run(), .finished)
        XCTAssertEqual(resumed.environmentSteps, 12)
    }

    func testCopiesAreCheckedAgainstTheLearnerAndTheMode() throws {
        var sequences = countingConfig(steps: 10, copies: 2)
        sequences.learner = try sequences.learner.applying(arguments: ["--n-step", "3"])
        let directory = try TemporaryDirectory("copies-refused")
        defer { directory.remove() }
        XCTAssertThrowsError(try TrainingRun.startSession(sequences, environment: CountingTask(), in: directory.url)) { error in
            XCTAssertEqual("\(error)", "invalid configuration: sac learns from sequences of 3 consecutive steps of one episode, which 2 environment copies interleave in the store; use one copy (--envs 1) or one-step targets")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.url.path), [], "nothing is left behind")
        var offline = countingConfig(steps: 10, copies: 2)
        offline.mode = .offline
        XCTAssertThrowsError(try offline.validate()) { error in
            XCTAssertEqual("\(error)", "invalid configuration: an offline run steps no environment, so it takes no environment copies, got 2")
        }
        var tooMany = countingConfig(steps: 10, copies: 1025)
        XCTAssertThrowsError(try tooMany.validate()) { XCTAssertEqual("\($0)", "invalid configuration: environment copies must lie in 1...1024, got 1025") }
        tooMany.environmentCopies = 2
        tooMany.gradientStepsPerStep = -2
        XCTAssertThrowsError(try tooMany.validate()) {
            XCTAssertEqual("\($0)", "invalid configuration: gradient steps per step must be -1 (one per transition collected) or lie in 1...1000, got -2")
        }
    }

    func testAnOnPolicyLearnersCopiesAreItsOwnEnvironmentCount() throws {
        var config = TrainingConfig.defaults(environment: "Pendulum-v1", steps: 100, learner: LearnerConfiguration.defaults(for: "ppo")!)
        XCTAssertEqual(config.environmentCopies, 4, "PPO's own default")
        config.environmentCopies = 2
        XCTAssertEqual((config.learner.config as? any OnPolicyLearnerConfig)?.onPolicy.environmentCount, 2)
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        XCTAssertFalse(json.contains("environmentCopies"), "the learner's config holds it")
        XCTAssertEqual(try JSONDecoder().decode(TrainingConfig.self, from: Data(json.utf8)).environmentCopies, 2)
    }
    /// config.json keeps every setting a run may carry: copies, a prefill, a dataset and where it went online.
    func testEverySettingSurvivesConfigJSON() throws {
        var config = SmallRuns.sac(steps: 700, seed: 9, hidden: [16, 16], batch: 32)
        config.environmentCopies = 3
        config.gradientStepsPerStep = -1
        config.dataset = "/data/store"
        config.prefill = Prefill(source: "/data/expert.hdf5", transitions: 1000, episodes: 5, ratio: 0.25)
        config.onlineStart = OnlineStart(updates: 300, dataset: "/runs/r/dataset")
        let decoded = try JSONDecoder().decode(TrainingConfig.self, from: JSONEncoder().encode(config))
        XCTAssertEqual(decoded, config)
        XCTAssertEqual(decoded.onlineStart, OnlineStart(updates: 300, dataset: "/runs/r/dataset"))
        XCTAssertEqual(decoded.environmentCopies, 3)
    }
}
