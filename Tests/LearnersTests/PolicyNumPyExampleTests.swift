import Foundation
import Learners
import NeuralNetwork
import Randomness
import TestSupport
import XCTest

/// Policy files are self-contained: a plain MLP forward pass over the file's tensors (linear, hidden
/// activation, …, tanh, action scale, as docs/formats.md describes) gives `act(on:deterministic: true)`'s
/// actions, TD3+BC's observation standardisation included (folded into the first layer). Also runs the
/// documented NumPy example, `Fixtures/policy_numpy.py`, which docs/formats.md includes verbatim.
final class PolicyNumPyExampleTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    private static let example = fixtures.appendingPathComponent("policy_numpy.py")
    private static let formats = fixtures.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/formats.md")
    private static let python = URL(fileURLWithPath: "/usr/bin/env")
    private static let installCommand = "python3 -m pip install numpy safetensors"
    private static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    private let low: [Float] = [-2, -1], high: [Float] = [2, 3]
    /// Statistics far from the identity, so an unfolded first layer would give other actions.
    private let normalization = ObservationNormalization(mean: [1.5, -2, 0.25], standardDeviation: [3, 0.5, 0.02])

    private func td3bc() throws -> any Learner {
        var config = TD3BCConfig()
        config.common.hiddenSizes = [10, 8]
        config.observationNormalization = normalization
        var generator = SeededGenerator(seed: 21)
        return try config.makeLearner(observationSize: 3, actionLow: low, actionHigh: high, generator: &generator)
    }

    private func sac() throws -> any Learner {
        var config = SACConfig()
        config.common.hiddenSizes = [16, 12]
        var generator = SeededGenerator(seed: 22)
        return try config.makeLearner(observationSize: 3, actionLow: low, actionHigh: high, generator: &generator)
    }

    /// Observations around the statistics' mean, spread by their standard deviations (raw units).
    private func observations(count: Int = 6) -> [[Float]] {
        var generator = SeededGenerator(seed: 23)
        return (0..<count).map { _ in
            (0..<3).map { j in normalization.mean[j] + 1.5 * normalization.standardDeviation[j] * Float(generator.nextGaussian()) }
        }
    }

    private func savedPolicy(_ learner: any Learner) throws -> URL {
        let file = try TestData.temporaryDirectory().appendingPathComponent("policy.safetensors")
        try learner.savePolicy(to: file)
        return file
    }

    /// The documented forward pass in plain Swift (Double) over the file alone.
    private func plainActions(_ file: URL, observations: [[Float]]) throws -> [[Double]] {
        let (tensors, metadata) = try Safetensors.read(from: file)
        func list(_ key: String) throws -> [Double] {
            try JSONDecoder().decode([Double].self, from: Data(XCTUnwrap(metadata[key]).utf8))
        }
        let low = try list("action_low"), high = try list("action_high")
        let prefix = tensors["latent_pi.0.weight"] != nil ? "latent_pi." : "mu."
        var layers: [(weight: Tensor, bias: Tensor)] = []
        var index = 0
        while let weight = tensors["\(prefix)\(index).weight"] {
            layers.append((weight, try XCTUnwrap(tensors["\(prefix)\(index).bias"])))
            index += 2
        }
        if prefix == "latent_pi." { layers.append((try XCTUnwrap(tensors["mu.weight"]), try XCTUnwrap(tensors["mu.bias"]))) }
        let hiddenIsTanh = metadata["activation"] == "tanh"
        func act(_ observation: [Float]) -> [Double] {
            var x: [Double] = observation.map(Double.init)
            for (k, layer) in layers.enumerated() {
                let outputs = layer.weight.shape[0], inputs = layer.weight.shape[1]
                precondition(inputs == x.count)
                var y = [Double](repeating: 0, count: outputs)
                for o in 0..<outputs {
                    var sum = Double(layer.bias.values[o])
                    for i in 0..<inputs { sum += Double(layer.weight.values[o * inputs + i]) * x[i] }
                    let squash: Bool = k == layers.count - 1 || hiddenIsTanh
                    y[o] = squash ? Foundation.tanh(sum) : Swift.max(sum, 0)
                }
                x = y
            }
            var action = [Double](repeating: 0, count: x.count)
            for j in 0..<x.count { action[j] = low[j] + (x[j] + 1) * (high[j] - low[j]) / 2 }
            return action
        }
        return observations.map(act)
    }

    private func assertActions(_ learner: any Learner, equal actions: [[Double]], for observations: [[Float]],
                               _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actions.count, observations.count, what, file: file, line: line)
        var generator = SeededGenerator(seed: 0)
        for (observation, expected) in zip(observations, actions) {
            let ours = learner.act(on: observation, deterministic: true, using: &generator).action
            XCTAssertEqual(ours.count, expected.count, what, file: file, line: line)
            for (a, b) in zip(ours, expected) {
                XCTAssertEqual(Double(a), b, accuracy: 1e-4 * max(1, abs(b)), "\(what), observation \(observation)", file: file, line: line)
            }
        }
    }

    func testTD3BCPolicyFileIsAPlainMLPWithTheNormalisationFoldedIn() throws {
        let learner = try td3bc()
        let file = try savedPolicy(learner)
        let (tensors, metadata) = try Safetensors.read(from: file)
        XCTAssertEqual(Set(tensors.keys), ["mu.0.weight", "mu.0.bias", "mu.2.weight", "mu.2.bias", "mu.4.weight", "mu.4.bias"],
                       "TD3's layout, nothing more")
        XCTAssertEqual(metadata["algorithm"], "td3bc")
        XCTAssertNotNil(metadata["observation_mean"])
        XCTAssertNotNil(metadata["observation_std"])
        XCTAssertTrue(metadata["observation_normalization"]?.hasPrefix("folded") ?? false, "\(metadata)")
        let observations = observations()
        assertActions(learner, equal: try plainActions(file, observations: observations), for: observations, "TD3+BC plain forward pass")
    }

    func testSACPolicyFileIsAPlainMLP() throws {
        let learner = try sac()
        let file = try savedPolicy(learner)
        XCTAssertNil(try Safetensors.read(from: file).metadata["observation_normalization"])
        let observations = observations()
        assertActions(learner, equal: try plainActions(file, observations: observations), for: observations, "SAC plain forward pass")
    }

    /// docs/formats.md shows the example file verbatim, so the tested code is the documented code.
    func testFormatsDocumentationIncludesTheNumPyExampleVerbatim() throws {
        let script = try String(contentsOf: Self.example, encoding: .utf8)
        let formats = try String(contentsOf: Self.formats, encoding: .utf8)
        XCTAssertTrue(formats.contains("```python\n" + script + "```\n"),
                      "docs/formats.md must include Tests/LearnersTests/Fixtures/policy_numpy.py verbatim in a python block")
    }

    private func pythonIsReady() throws -> Bool {
        let probe = try ChildProcess.run(Self.python, ["python3", "-c", "import numpy, safetensors"])
        if probe.status == 0 { return true }
        let problem = "python3 cannot import numpy and safetensors; run `\(Self.installCommand)` (scripts/setup does)"
        guard Self.isCI else { throw XCTSkip(problem) }
        XCTFail("under CI=true this test may not skip: " + problem)
        return false
    }

    private func numPyActions(_ file: URL, observations: [[Float]]) throws -> [[Double]] {
        let encoded = String(decoding: try JSONEncoder().encode(observations), as: UTF8.self)
        let output = try ChildProcess.run(Self.python, ["python3", Self.example.path, file.path, encoded])
        XCTAssertEqual(output.status, 0, output.standardError)
        return try JSONDecoder().decode([[Double]].self, from: Data(output.standardOutput.utf8))
    }

    func testNumPyExampleActsAsTheTD3BCPolicy() throws {
        guard try pythonIsReady() else { return }
        let learner = try td3bc()
        let observations = observations()
        assertActions(learner, equal: try numPyActions(try savedPolicy(learner), observations: observations), for: observations,
                      "NumPy example, TD3+BC")
    }

    func testNumPyExampleActsAsTheSACPolicy() throws {
        guard try pythonIsReady() else { return }
        let learner = try sac()
        let observations = observations()
        assertActions(learner, equal: try numPyActions(try savedPolicy(learner), observations: observations), for: observations,
                      "NumPy example, SAC")
    }
}
