import Foundation
import TestSupport
import XCTest

/// Exports a store as a Minari dataset and loads it with the real `minari` package
/// (`minari.load_dataset`), comparing what it sees with the D4RL fixture. `scripts/setup` installs
/// minari with h5py and Pillow. Without them the test skips with a message, except under `CI=true`,
/// where it fails.
final class PythonMinariInteropTests: XCTestCase {
    private static let installCommand = "python3 -m pip install 'minari[hdf5]' pillow"
    private static var isCI: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }
    private static let env = URL(fileURLWithPath: "/usr/bin/env")

    /// Loads dataset `id` from `root` with minari and compares every episode with the D4RL file.
    private static let script = #"""
    import json, os, sys
    import h5py, numpy as np
    root, dataset_id, d4rl = sys.argv[1], sys.argv[2], sys.argv[3]
    os.environ["MINARI_DATASETS_PATH"] = root
    import minari
    dataset = minari.load_dataset(dataset_id)
    reference = h5py.File(d4rl, "r")
    start, checked = 0, 0
    for episode in dataset.iterate_episodes():
        steps = len(episode.actions)
        rows = slice(start, start + steps)
        assert np.array_equal(episode.observations[:-1], reference["observations"][rows])
        assert np.array_equal(episode.observations[1:], reference["next_observations"][rows])
        assert np.array_equal(episode.actions, reference["actions"][rows])
        assert np.array_equal(episode.rewards, reference["rewards"][rows])
        assert np.array_equal(episode.terminations, reference["terminals"][rows])
        assert np.array_equal(episode.truncations, reference["timeouts"][rows])
        logs = episode.infos["action_log_probs"]
        assert np.array_equal(logs[:-1], reference["infos/action_log_probs"][rows]) and np.isnan(logs[-1])
        start += steps
        checked += 1
    assert start == len(reference["rewards"])
    print(json.dumps({"episodes": checked, "steps": int(dataset.total_steps), "env": dataset.env_spec.id,
                      "observation_high": dataset.observation_space.high.tolist()}))
    """#

    private func pythonIsReady() throws -> Bool {
        let probe = try ChildProcess.run(Self.env, ["python3", "-c", "import minari, h5py, PIL, numpy"])
        if probe.status == 0 { return true }
        let reason = probe.standardError.split(whereSeparator: \.isNewline).last.map(String.init) ?? "exit status \(probe.status)"
        let problem = "python3 cannot import minari, h5py and PIL; run `\(Self.installCommand)` (scripts/setup does) (\(reason))"
        guard Self.isCI else { throw XCTSkip(problem) }
        XCTFail("under CI=true this test may not skip: " + problem)
        return false
    }

    func testTheMinariPackageLoadsOurExport() throws {
        guard try pythonIsReady() else { return }
        let directory = try DatasetFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = directory + "/store", root = directory + "/minari"
        let imported = try OffpolicyExecutable.run(["dataset", "import", DatasetFixtures.d4rlMedium, "--store", store])
        XCTAssertEqual(imported.status, 0, imported.standardError)
        let exported = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--format", "minari",
                                                    "--out", root + "/pendulum/ours-v0", "--env", "Pendulum-v1"])
        XCTAssertEqual(exported.status, 0, exported.standardError)
        let output = try ChildProcess.run(Self.env, ["python3", "-c", Self.script, root, "pendulum/ours-v0", DatasetFixtures.d4rlMedium])
        XCTAssertEqual(output.status, 0, output.standardError)
        let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(json["episodes"] as? Int, 100)
        XCTAssertEqual(json["steps"] as? Int, 20_000)
        XCTAssertEqual(json["env"] as? String, "Pendulum-v1")
        XCTAssertEqual(json["observation_high"] as? [Double], [1, 1, 8])
    }
}
