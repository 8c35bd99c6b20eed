import Foundation
import XCTest
import NeuralNetwork
import Randomness
@testable import Learners
import Transitions

/// `policy.safetensors` holds the actor under Stable-Baselines3's tensor names, in PyTorch's [out, in]
/// layout: evaluating those tensors naively gives the learner's own deterministic action.
final class PolicyFileTests: XCTestCase {
    private var directory: URL!
    override func setUpWithError() throws { directory = try TestData.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// y = W x + b with W [out, in] row-major.
    private func linear(_ tensors: [String: Tensor], _ name: String, _ x: [Float]) -> [Float] {
        let w = tensors["\(name).weight"]!, b = tensors["\(name).bias"]!
        let (out, inputs) = (w.shape[0], w.shape[1])
        XCTAssertEqual(inputs, x.count, name)
        return (0..<out).map { o in (0..<inputs).reduce(b.values[o]) { $0 + w.values[o * inputs + $1] * x[$1] } }
    }

    private func relu(_ x: [Float]) -> [Float] { x.map { max($0, 0) } }

    func testSACPolicyTensors() throws {
        var generator = SeededGenerator(seed: 1)
        var config = SACConfig(); config.common.hiddenSizes = [8, 6]
        let sac = try SAC(observationSize: 3, actionLow: [-2, 0], actionHigh: [2, 1], config: config, generator: &generator)
        let file = directory.appendingPathComponent("policy.safetensors")
        try sac.savePolicy(to: file)
        let (tensors, metadata) = try Safetensors.read(from: file)
        XCTAssertEqual(Set(tensors.keys), ["latent_pi.0.weight", "latent_pi.0.bias", "latent_pi.2.weight", "latent_pi.2.bias",
                                           "mu.weight", "mu.bias", "log_std.weight", "log_std.bias"])
        XCTAssertEqual(tensors["latent_pi.0.weight"]!.shape, [8, 3])
        XCTAssertEqual(tensors["mu.weight"]!.shape, [2, 6])
        XCTAssertEqual(tensors["log_std.bias"]!.shape, [2])
        XCTAssertEqual(metadata["algorithm"], "sac")
        XCTAssertEqual(metadata["action_low"], "[-2.0, 0.0]")

        let observation: [Float] = [0.3, -0.7, 1.1]
        let latent = relu(linear(tensors, "latent_pi.2", relu(linear(tensors, "latent_pi.0", observation))))
        let mean = linear(tensors, "mu", latent)
        let expected = [-2 + (tanh(mean[0]) + 1) * 2, 0 + (tanh(mean[1]) + 1) * 0.5]
        let action = sac.act(on: observation, deterministic: true, using: &generator)
        XCTAssertEqual(action.action[0], expected[0], accuracy: 1e-5)
        XCTAssertEqual(action.action[1], expected[1], accuracy: 1e-5)
        XCTAssertTrue(action.logProbability.isNaN)
    }

    func testTD3AndDDPGPolicyTensors() throws {
        var generator = SeededGenerator(seed: 2)
        let learners: [(String, any Learner)] = [
            ("td3", try TestLearners.td3(low: [-2], high: [2], hidden: [8, 6], seed: 2)),
            ("ddpg", try TestLearners.ddpg(low: [-2], high: [2], hidden: [8, 6], seed: 3)),
        ]
        for (name, learner) in learners {
            let file = directory.appendingPathComponent("policy.safetensors")
            try learner.savePolicy(to: file)
            let tensors = try Safetensors.read(from: file).tensors
            XCTAssertEqual(Set(tensors.keys), ["mu.0.weight", "mu.0.bias", "mu.2.weight", "mu.2.bias", "mu.4.weight", "mu.4.bias"])
            XCTAssertEqual(tensors["mu.4.weight"]!.shape, [1, 6])
            let observation: [Float] = [0.3, -0.7, 1.1]
            let output = linear(tensors, "mu.4", relu(linear(tensors, "mu.2", relu(linear(tensors, "mu.0", observation)))))
            let action = learner.act(on: observation, deterministic: true, using: &generator)
            XCTAssertEqual(action.action[0], 2 * tanh(output[0]), accuracy: 1e-5)
            XCTAssertEqual(try Safetensors.read(from: file).metadata["algorithm"], name, "DDPG keeps its own name in its policy file")
        }
    }
}
