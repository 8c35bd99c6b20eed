import Foundation
import Learners
import Randomness
import TestSupport
import XCTest
import Transitions

/// Loads `policy.safetensors` with the Python `safetensors` package (the one PyTorch users load
/// weights with), rebuilds the deterministic policy in NumPy from the documented tensor names, and
/// compares its actions with `act(on:deterministic: true)`. `scripts/setup` installs the package.
/// Without it the test skips with a message, except under `CI=true`, where it fails.
final class PythonSafetensorsInteropTests: XCTestCase {
    /// NumPy forward pass of the documented layouts; prints one JSON list of actions per observation.
    private static let script = #"""
    import json, sys
    import numpy as np
    from safetensors.numpy import load_file
    from safetensors import safe_open

    path, observations = sys.argv[1], np.array(json.loads(sys.argv[2]), dtype=np.float32)
    weights = load_file(path)
    with safe_open(path, "np") as f:
        meta = f.metadata()
    low = np.array(json.loads(meta["action_low"]), dtype=np.float32)
    high = np.array(json.loads(meta["action_high"]), dtype=np.float32)
    relu = lambda x: np.maximum(x, 0)
    def linear(name, x):
        return x @ weights[name + ".weight"].T + weights[name + ".bias"]
    if "action_net.weight" in weights:
        # PPO, A2C, REINFORCE: clip(action_net(policy_net(input)), low, high), input normalised when stored.
        x = observations
        if "observation_rms.mean" in weights:
            x = np.clip((x - weights["observation_rms.mean"]) / np.sqrt(weights["observation_rms.var"] + 1e-8), -10, 10)
        activation = np.tanh if meta["activation"] == "tanh" else relu
        index = 0
        while f"mlp_extractor.policy_net.{index}.weight" in weights:
            x = activation(linear(f"mlp_extractor.policy_net.{index}", x))
            index += 2
        print(json.dumps(np.clip(linear("action_net", x), low, high).tolist()))
        sys.exit(0)
    if meta["algorithm"] == "sac":
        x = observations
        index = 0
        while f"latent_pi.{index}.weight" in weights:
            x = relu(linear(f"latent_pi.{index}", x))
            index += 2
        squashed = np.tanh(linear("mu", x))
    else:
        x = observations
        index = 0
        while f"mu.{index + 2}.weight" in weights:
            x = relu(linear(f"mu.{index}", x))
            index += 2
        squashed = np.tanh(linear(f"mu.{index}", x))
    print(json.dumps((low + (squashed + 1) * (high - low) / 2).tolist()))
    """#

    /// The command that installs what the test needs (scripts/setup runs it).
    private static let installCommand = "python3 -m pip install numpy safetensors"

    /// Whether this run must not skip: under CI every test runs (`CI=true`, as scripts/test reads it).
    private static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// Whether `python3` on PATH imports numpy and safetensors. When it cannot, this records a failure
    /// naming the install command under CI (and returns false), and skips the test elsewhere.
    private func pythonIsReady() throws -> Bool {
        let probe = try ChildProcess.run(Self.python, ["python3", "-c", "import numpy, safetensors"])
        if probe.status == 0 { return true }
        let reason = probe.standardError.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(probe.status)"
        let problem = probe.status == 127
            ? "python3 is not on PATH (install Python 3 with pip, then run `\(Self.installCommand)`)"
            : "python3 cannot import numpy and safetensors; run `\(Self.installCommand)` (scripts/setup does) (\(reason))"
        guard Self.isCI else { throw XCTSkip(problem) }
        XCTFail("under CI=true this test may not skip: " + problem)
        return false
    }

    private static let python = URL(fileURLWithPath: "/usr/bin/env")

    private func pythonActions(policy: URL, observations: [[Float]]) throws -> [[Float]] {
        let encoded = String(decoding: try JSONEncoder().encode(observations), as: UTF8.self)
        let output = try ChildProcess.run(Self.python, ["python3", "-c", Self.script, policy.path, encoded])
        XCTAssertEqual(output.status, 0, output.standardError)
        return try JSONDecoder().decode([[Double]].self, from: Data(output.standardOutput.utf8)).map { $0.map(Float.init) }
    }

    private func checkAgreement(_ learner: Learner, observations: [[Float]]) throws {
        guard try pythonIsReady() else { return }
        let directory = try TestData.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("policy.safetensors")
        try learner.savePolicy(to: file)
        let expected = try pythonActions(policy: file, observations: observations)
        XCTAssertEqual(expected.count, observations.count)
        var generator = SeededGenerator(seed: 0)
        for (observation, pythonAction) in zip(observations, expected) {
            let ours = learner.act(on: observation, deterministic: true, using: &generator).action
            XCTAssertEqual(ours.count, pythonAction.count)
            for (a, b) in zip(ours, pythonAction) {
                XCTAssertEqual(a, b, accuracy: 1e-4 * max(1, abs(b)), "observation \(observation)")
            }
        }
    }

    private func observations(count: Int, size: Int) -> [[Float]] {
        var generator = SeededGenerator(seed: 11)
        return (0..<count).map { _ in (0..<size).map { _ in Float(generator.nextGaussian()) } }
    }

    func testSACPolicyLoadsInPythonAndActsTheSame() throws {
        var generator = SeededGenerator(seed: 5)
        var config = SACConfig()
        config.common.hiddenSizes = [16, 12]
        let sac = try SAC(observationSize: 3, actionLow: [-2, -1], actionHigh: [2, 3], config: config, generator: &generator)
        try checkAgreement(sac, observations: observations(count: 6, size: 3))
    }

    /// The on-policy layout (SB3's `ActorCriticPolicy` names), with observation statistics that are not the identity.
    func testPPOPolicyWithObservationNormalizationLoadsInPythonAndActsTheSame() throws {
        var generator = SeededGenerator(seed: 7)
        var config = PPOConfig()
        config.common.hiddenSizes = [10, 8]
        config.common.batchSize = 16
        config.onPolicy.normalizeObservations = true
        config.onPolicy.orthogonalInitialization = false  // larger output weights, so the actions differ visibly
        let ppo = try config.makeLearner(observationSize: 3, actionLow: [-2, -1], actionHigh: [2, 3], generator: &generator)
        var batch = TestData.batch(rows: 32, observationSize: 3, low: [-2, -1], high: [2, 3], seed: 12)
        batch.withUnsafeMutableColumns { columns in
            for i in 0..<(32 * 3) { columns.observations[i] = 3 * columns.observations[i] + 1 }  // mean 1, std 3
            for r in 0..<32 { columns.behaviorLogProbabilities[r] = 0 }
        }
        _ = ppo.update(on: batch, using: &generator)  // folds the batch into the running statistics
        try checkAgreement(ppo, observations: observations(count: 6, size: 3).map { $0.map { 3 * $0 + 1 } })
    }

    func testTD3PolicyLoadsInPythonAndActsTheSame() throws {
        var generator = SeededGenerator(seed: 6)
        var config = TD3Config()
        config.common.hiddenSizes = [10, 8]
        let td3 = try TD3(observationSize: 4, actionLow: [-1], actionHigh: [1], config: config, generator: &generator)
        try checkAgreement(td3, observations: observations(count: 6, size: 4))
    }
}
