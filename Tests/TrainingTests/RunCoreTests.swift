import Environments
import Foundation
import Learners
import Randomness
import ReplayStore
import RunFiles
@testable import Training
import TrainingRuns
import Transitions
import XCTest

/// What `RunCore` guarantees both loops: a directory holding a run is refused once, before anything is
/// changed; and the checkpoint's `state.json` has one shape, whichever loop wrote it.
final class RunCoreTests: XCTestCase {
    /// Every file under `directory` (relative path → contents).
    private func contents(of directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: directory, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let file as URL in enumerator where try file.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            files[String(file.standardizedFileURL.path.dropFirst(directory.standardizedFileURL.path.count))] = try Data(contentsOf: file)
        }
        return files
    }

    private func smallPPO() -> LearnerConfiguration {
        var ppo = PPOConfig()
        ppo.onPolicy.environmentCount = 2
        ppo.onPolicy.stepsPerEnvironment = 32
        ppo.common.hiddenSizes = [16, 16]
        return LearnerConfiguration(ppo)
    }

    func testStartingWhereARunIsIsRefusedInOneSentenceAndChangesNothing() throws {
        let directory = try TemporaryDirectory("core-refuse")
        defer { directory.remove() }
        try TrainingRun.startSession(SmallRuns.sac(steps: 150, seed: 1, evaluationInterval: 150, evaluationEpisodes: 1), in: directory.url).run()
        let run = RunDirectory(directory.url)
        let store = try ReplayStore.open(at: run.replay.path)
        let before = try contents(of: directory.url)
        XCTAssertNotNil(before["/checkpoint/state.json"])

        let environment = try TrainingRun.makeEnvironment(named: "Pendulum-v1")
        var generator = SeededGenerator(seed: 1)
        let sacConfig = SmallRuns.sac(steps: 300, seed: 2)
        let sac = try sacConfig.learner.config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
        let ppoConfig = TrainingConfig(environment: "Pendulum-v1", steps: 128, seed: 2, learner: smallPPO(), learningStarts: 0)
        let ppo = try XCTUnwrap(ppoConfig.learner.config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
                                as? any OnPolicyLearner)
        let attempts: [(String, () throws -> Any)] = [
            ("TrainingRun.startSession", { try TrainingRun.startSession(sacConfig, in: directory.url) }),
            ("TrainingRun.startSession (on-policy)", { try TrainingRun.startSession(ppoConfig, in: directory.url) }),
            ("TrainingLoop", { try TrainingLoop(starting: sacConfig, in: run, environment: environment, learner: sac, store: store,
                                                terminal: TerminalProgress(enabled: false)) }),
            ("OnPolicyTrainingLoop", { try OnPolicyTrainingLoop(starting: ppoConfig, in: run, makeEnvironment: { Pendulum() }, learner: ppo,
                                                                store: store, terminal: TerminalProgress(enabled: false)) }),
        ]
        for (name, attempt) in attempts {
            XCTAssertThrowsError(try attempt(), name) { error in
                XCTAssertEqual(error as? TrainingError, .runDirectoryNotEmpty(directory.url.path), name)
                let message = "\(error)"
                XCTAssertFalse(message.contains(". ") || message.contains("\n"), "one sentence: \(message)")
            }
            XCTAssertEqual(try contents(of: directory.url), before, "\(name) changed nothing")
        }
    }

    func testBothLoopsWriteTheSameStateShape() throws {
        let directory = try TemporaryDirectory("core-shape")
        defer { directory.remove() }
        let offPolicy = directory.appending("sac"), onPolicy = directory.appending("ppo")
        try TrainingRun.startSession(SmallRuns.sac(steps: 150, seed: 1, evaluationInterval: 150, evaluationEpisodes: 1), in: offPolicy).run()
        try TrainingRun.startSession(TrainingConfig(environment: "Pendulum-v1", steps: 128, seed: 1, learner: smallPPO(),
                                                    evaluationInterval: 128, evaluationEpisodes: 1, learningStarts: 0), in: onPolicy).run()
        func keys(_ run: URL) throws -> (Set<String>, Set<String>) {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("checkpoint/state.json"))) as? [String: Any])
            let copy = try XCTUnwrap((object["copies"] as? [[String: Any]])?.first)
            return (Set(object.keys), Set(copy.keys))
        }
        let (offKeys, offCopyKeys) = try keys(offPolicy)
        let (onKeys, onCopyKeys) = try keys(onPolicy)
        XCTAssertEqual(offKeys, onKeys)
        XCTAssertEqual(offCopyKeys, onCopyKeys)
        let offState = try JSONDecoder().decode(RunState.self, from: Data(contentsOf: offPolicy.appendingPathComponent("checkpoint/state.json")))
        let onState = try JSONDecoder().decode(RunState.self, from: Data(contentsOf: onPolicy.appendingPathComponent("checkpoint/state.json")))
        XCTAssertEqual(offState.copies.count, 1)
        XCTAssertEqual(onState.copies.count, 2)
        XCTAssertEqual(offState.environmentSteps, 150)
        XCTAssertEqual(onState.environmentSteps, 128)
    }

    /// A `state.json` of the off-policy loop before the core (its episode at the top level) still decodes,
    /// as the state it was.
    func testAnOffPolicyStateOfTheEarlierFormDecodes() throws {
        let directory = try TemporaryDirectory("core-legacy")
        defer { directory.remove() }
        try TrainingRun.startSession(SmallRuns.sac(steps: 150, seed: 1, evaluationInterval: 150, evaluationEpisodes: 1), in: directory.url).run()
        let file = directory.appending("checkpoint/state.json")
        let current = try JSONDecoder().decode(RunState.self, from: Data(contentsOf: file))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        let copy = try XCTUnwrap((object["copies"] as? [[String: Any]])?.first)
        for key in ["observation", "environment", "episodeReturn", "episodeLength"] { object[key] = copy[key] }
        for key in ["copies", "nextEpisodeID", "rollouts"] { object.removeValue(forKey: key) }
        let earlier = try JSONDecoder().decode(RunState.self, from: JSONSerialization.data(withJSONObject: object))
        XCTAssertEqual(earlier, current)
    }
}
