import Foundation
import Learners
import Randomness
import XCTest
@testable import ReverbClient
import ReverbTraining

/// The weights table's item (policy bytes and update count) through a real server, and the actors' policy
/// rebuilt from a SAC learner's policy.safetensors.
final class WeightsAndPolicyTests: XCTestCase {
    func sacLearner(seed: UInt64) throws -> any Learner {
        var learner = LearnerConfiguration.defaults(for: "sac")!
        learner.common.hiddenSizes = [16, 8]
        var generator = SeededGenerator(seed: seed)
        return try learner.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
    }

    func policyFile(of learner: any Learner) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).safetensors")
        try learner.savePolicy(to: file)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return file
    }

    func testActingPolicyActsAsTheLearnerDoes() throws {
        let learner = try sacLearner(seed: 4)
        let policy = try GaussianActingPolicy(safetensors: try policyFile(of: learner), source: "test")
        XCTAssertEqual(policy.observationSize, 3)
        XCTAssertEqual(policy.actionSize, 1)
        for observation: [Float] in [[0.5, -0.25, 3], [-1, 1, -7.5]] {
            var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
            let mine = policy.act(on: observation, deterministic: false, using: &first)
            let theirs = learner.act(on: observation, deterministic: false, using: &second)
            XCTAssertEqual(mine.action, theirs.action)
            XCTAssertEqual(mine.logProbability, theirs.logProbability)
            XCTAssertTrue(mine.logProbability.isFinite)
            XCTAssertEqual(policy.act(on: observation, deterministic: true, using: &first).action,
                           learner.act(on: observation, deterministic: true, using: &second).action)
        }
    }

    func testActingPolicyRefusesOtherPolicies() throws {
        var config = LearnerConfiguration.defaults(for: "td3")!
        config.common.hiddenSizes = [8]
        var generator = SeededGenerator(seed: 1)
        let td3 = try config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
        XCTAssertThrowsError(try GaussianActingPolicy(safetensors: try policyFile(of: td3), source: "table 'weights'")) { error in
            XCTAssertEqual("\(error)", "The policy in table 'weights' cannot be acted with: it is a td3 policy; actors act with SAC's squashed Gaussian policy.")
        }
        XCTAssertThrowsError(try GaussianActingPolicy(bytes: [1, 2, 3], source: "table 'weights'"))
    }

    func testWeightsRoundTripThroughTheServer() async throws {
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["weights", "replay"])
        defer { server.stop() }
        let client = try ReverbClient(server.address, callTimeout: .seconds(20))
        let none = try await client.newestWeights(from: "weights", timeout: .milliseconds(100))
        XCTAssertNil(none, "an empty weights table gives no weights")
        let bytes = try [UInt8](Data(contentsOf: try policyFile(of: try sacLearner(seed: 2))))
        try await client.publishWeights(ReverbWeights(policy: bytes, updates: 1234), to: "weights")
        let newer = ReverbWeights(policy: bytes.reversed(), updates: 1300)
        try await client.publishWeights(newer, to: "weights")
        let read = try await client.newestWeights(from: "weights")
        XCTAssertEqual(read, newer, "the size-1 table holds the newest weights only")
        let info = try await client.tableInfo("weights")
        XCTAssertEqual(info.currentSize, 1)
        await client.close()
    }
}
