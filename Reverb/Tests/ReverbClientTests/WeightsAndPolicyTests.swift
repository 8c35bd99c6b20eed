import Foundation
import Learners
import NeuralNetwork
import Randomness
import XCTest
@testable import ReverbClient
import ReverbTraining

/// The weights table's item (policy bytes and update count) through a real server, and the actors' policies
/// rebuilt from SAC's, TD3's and DDPG's policy.safetensors.
final class WeightsAndPolicyTests: XCTestCase {
    /// A small learner of `algorithm` with `options` (as `offpolicy train` takes them) on Pendulum's widths.
    func learner(_ algorithm: String, seed: UInt64, options: [String] = []) throws -> any Learner {
        var config = LearnerConfiguration.defaults(for: algorithm)!
        config.common.hiddenSizes = [16, 8]
        config = try config.applying(arguments: options)
        var generator = SeededGenerator(seed: seed)
        return try config.makeLearner(observationSize: 3, actionLow: [-2], actionHigh: [2], generator: &generator)
    }

    func policyFile(of learner: any Learner) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).safetensors")
        try learner.savePolicy(to: file)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return file
    }

    /// The acting policy rebuilt from each learner's file gives the learner's own action and log-density, bit for bit,
    /// for the same generator state (TD3's and DDPG's with the exploration noise their file records).
    func testActingPoliciesActAsTheLearnersDo() throws {
        let cases: [(algorithm: String, options: [String], noise: Double?)] = [
            ("sac", [], nil), ("td3", ["--exploration-noise", "0.3"], 0.3), ("ddpg", [], 0.1),
        ]
        for (algorithm, options, noise) in cases {
            let learner = try learner(algorithm, seed: 4, options: options)
            let policy = try ActingPolicies.read(safetensors: try policyFile(of: learner), source: "test")
            XCTAssertEqual(policy.observationSize, 3)
            XCTAssertEqual(policy.actionSize, 1)
            if let noise {
                XCTAssertEqual((policy as? DeterministicActingPolicy)?.explorationNoise, noise, algorithm)
            } else {
                XCTAssertTrue(policy is GaussianActingPolicy, algorithm)
            }
            var finiteDensities = 0
            for observation: [Float] in [[0.5, -0.25, 3], [-1, 1, -7.5], [0.9, 0.1, 0], [-0.3, -0.8, 4.5]] {
                var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
                let mine = policy.act(on: observation, deterministic: false, using: &first)
                let theirs = learner.act(on: observation, deterministic: false, using: &second)
                XCTAssertEqual(mine.action, theirs.action, algorithm)
                XCTAssertEqual(mine.logProbability.bitPattern, theirs.logProbability.bitPattern, algorithm)
                if mine.logProbability.isFinite { finiteDensities += 1 }
                XCTAssertEqual(policy.act(on: observation, deterministic: true, using: &first).action,
                               learner.act(on: observation, deterministic: true, using: &second).action, algorithm)
            }
            XCTAssertGreaterThan(finiteDensities, 0, "\(algorithm): some actions carry a behavior log-density")
        }
    }

    func testActingPoliciesRefuseOtherPolicies() throws {
        XCTAssertThrowsError(try ActingPolicies.read(safetensors: try policyFile(of: try learner("td3bc", seed: 1)), source: "table 'weights'")) { error in
            XCTAssertEqual("\(error)", "The policy in table 'weights' cannot be acted with: it is a td3bc policy; actors act with sac, td3, ddpg policies.")
        }
        XCTAssertThrowsError(try GaussianActingPolicy(safetensors: try policyFile(of: try learner("td3", seed: 1)), source: "table 'weights'")) { error in
            XCTAssertEqual("\(error)", "The policy in table 'weights' cannot be acted with: it is a td3 policy, not SAC's squashed Gaussian policy.")
        }
        XCTAssertThrowsError(try ActingPolicies.read(bytes: [1, 2, 3], source: "table 'weights'"))
    }

    /// Metadata claiming widths its tensors do not hold (as a corrupt or hostile weights item could) is refused
    /// before the network is allocated: a width of 10⁸ and one whose parameter count overflows.
    func testActingPoliciesRefuseWidthsTheTensorsDoNotHold() throws {
        let (tensors, metadata) = try Safetensors.read(from: try policyFile(of: try learner("sac", seed: 3)))  // 3 → 16 → 8 → 2: 218 values
        let cases = [
            ("[100000000, 8]", "its metadata's widths [3, 100000000, 8, 2] need 1200000026 parameters, its tensors hold 218"),
            ("[4611686018427387904, 8]", "its metadata's widths [3, 4611686018427387904, 8, 2] need more than 9223372036854775807 parameters, its tensors hold 218"),
            ("[16, 9]", "its metadata's widths [3, 16, 9, 2] need 237 parameters, its tensors hold 218"),
        ]
        for (hidden, reason) in cases {
            var altered = metadata
            altered["hidden_sizes"] = hidden
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString).safetensors")
            defer { try? FileManager.default.removeItem(at: file) }
            try Safetensors.write(tensors.keys.sorted().map { tensors[$0]! }, metadata: altered, to: file)
            XCTAssertThrowsError(try ActingPolicies.read(safetensors: file, source: "table 'weights'"), hidden) { error in
                XCTAssertEqual("\(error)", "The policy in table 'weights' cannot be acted with: \(reason).")
            }
        }
    }

    func testWeightsRoundTripThroughTheServer() async throws {
        let server = try ReverbServerProcess(observationSize: 3, actionSize: 1, tables: ["weights", "replay"])
        defer { server.stop() }
        let client = try ReverbClient(server.address, callTimeout: .seconds(20))
        let none = try await client.newestWeights(from: "weights", timeout: .milliseconds(100))
        XCTAssertNil(none, "an empty weights table gives no weights")
        let bytes = try [UInt8](Data(contentsOf: try policyFile(of: try learner("sac", seed: 2))))
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
