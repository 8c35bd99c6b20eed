import Foundation
import TestSupport
import XCTest

/// Exports a store as a Minari dataset and loads it with the real `minari` package
/// (`minari.load_dataset`), comparing what it sees with the D4RL fixture. `scripts/setup` installs
/// minari with h5py and Pillow. Without them the test skips with a message, except under `CI=true`,
/// where it fails.
final class PythonMinariInteropTests: XCTestCase {
    private static let installCommand = "python3 -m pip install 'minari[hdf5]' pillow"
    private static let env = PythonModules.env

    /// Loads dataset `id` from `root` with minari and compares every episode with the D4RL file; then reads our
    /// D4RL export with h5py as D4RL's `get_dataset` does (`f[key][:]`), comparing every key with the original.
    /// Both of our files must be compressed (shuffle, then gzip).
    private static let script = #"""
    import json, os, sys
    import h5py, numpy as np
    root, dataset_id, d4rl, ours = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
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
    filters = set()
    with h5py.File(os.path.join(root, dataset_id, "data", "main_data.hdf5"), "r") as main:
        column = main["episode_0/observations"]
        filters.add(f"{column.compression} shuffle={column.shuffle}")
    keys = ["observations", "actions", "rewards", "terminals", "timeouts", "next_observations", "infos/action_log_probs"]
    with h5py.File(ours, "r") as exported:
        for key in keys:
            ours_values, original = exported[key][:], reference[key][:]
            assert ours_values.dtype == original.dtype and ours_values.shape == original.shape, key
            assert np.array_equal(ours_values, original, equal_nan=True), key
            filters.add(f"{exported[key].compression} shuffle={exported[key].shuffle}")
    print(json.dumps({"episodes": checked, "steps": int(dataset.total_steps), "env": dataset.env_spec.id,
                      "observation_high": dataset.observation_space.high.tolist(), "filters": sorted(filters),
                      "keys": len(keys)}))
    """#

    private func pythonIsReady() throws -> Bool {
        try PythonModules.available(["minari", "h5py", "PIL", "numpy"], install: "run `\(Self.installCommand)` (scripts/setup does)")
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
        let d4rl = directory + "/ours.hdf5"
        let exportedD4RL = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", d4rl])
        XCTAssertEqual(exportedD4RL.status, 0, exportedD4RL.standardError)
        let output = try ChildProcess.run(Self.env, ["python3", "-c", Self.script, root, "pendulum/ours-v0", DatasetFixtures.d4rlMedium, d4rl])
        XCTAssertEqual(output.status, 0, output.standardError)
        let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(json["episodes"] as? Int, 100)
        XCTAssertEqual(json["steps"] as? Int, 20_000)
        XCTAssertEqual(json["env"] as? String, "Pendulum-v1")
        XCTAssertEqual(json["observation_high"] as? [Double], [1, 1, 8])
        XCTAssertEqual(json["filters"] as? [String], ["gzip shuffle=True"], "both files are shuffled and deflated")
        XCTAssertEqual(json["keys"] as? Int, 7)
    }

    /// Loads dataset `id` from `root`, recovers its environment with minari and prints what both say.
    private static let recoveryScript = #"""
    import json, os, sys
    root, dataset_id = sys.argv[1], sys.argv[2]
    os.environ["MINARI_DATASETS_PATH"] = root
    import minari
    dataset = minari.load_dataset(dataset_id)
    env = dataset.recover_environment()
    print(json.dumps({"id": env.spec.id, "entry_point": env.spec.entry_point, "max_episode_steps": env.spec.max_episode_steps,
                      "action_low": env.action_space.low.tolist(), "action_high": env.action_space.high.tolist(),
                      "observation_shape": list(env.observation_space.shape),
                      "dataset_action_low": dataset.action_space.low.tolist(), "dataset_action_high": dataset.action_space.high.tolist(),
                      "dataset_observation_shape": list(dataset.observation_space.shape), "steps": int(dataset.total_steps)}))
    """#

    /// A bridged MuJoCo task: `collect` records its environment in the D4RL file, `dataset import` in the
    /// store, and `dataset export` (without `--env`) in the Minari metadata, from which minari rebuilds the
    /// task: its Gymnasium id without the bridge's `gym:`, its registry entry point, and HalfCheetah's bounds.
    func testMinariRecoversTheEnvironmentOfABridgedCollectionExportedWithoutEnv() throws {
        guard try pythonIsReady() else { return }
        guard try PythonModules.available(["gymnasium", "mujoco"], install: "run scripts/setup") else { return }
        let directory = try DatasetFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/half-cheetah.hdf5", store = directory + "/store", root = directory + "/minari"
        let collected = try OffpolicyExecutable.run(["collect", "--random", "--env", "gym:HalfCheetah-v5", "--steps", "30", "--out", file])
        XCTAssertEqual(collected.status, 0, collected.standardError)
        let imported = try OffpolicyExecutable.run(["dataset", "import", file, "--store", store])
        XCTAssertEqual(imported.status, 0, imported.standardError)
        XCTAssertTrue(imported.standardOutput.contains("\nenvironment HalfCheetah-v5\n"), imported.standardOutput)
        let exported = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--format", "minari", "--out", root + "/halfcheetah/random-v0"])
        XCTAssertEqual(exported.status, 0, exported.standardError)
        XCTAssertEqual(exported.standardOutput, "exported 30 transitions (1 episodes) from \(store) to \(root)/halfcheetah/random-v0 (minari) of HalfCheetah-v5\n")

        let output = try ChildProcess.run(Self.env, ["python3", "-c", Self.recoveryScript, root, "halfcheetah/random-v0"])
        XCTAssertEqual(output.status, 0, output.standardError)
        let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        XCTAssertEqual(json["id"] as? String, "HalfCheetah-v5")
        XCTAssertEqual(json["entry_point"] as? String, "gymnasium.envs.mujoco.half_cheetah_v5:HalfCheetahEnv")
        XCTAssertEqual(json["max_episode_steps"] as? Int, 1000)
        XCTAssertEqual(json["action_low"] as? [Double], Array(repeating: -1, count: 6))
        XCTAssertEqual(json["action_high"] as? [Double], Array(repeating: 1, count: 6))
        XCTAssertEqual(json["observation_shape"] as? [Int], [17])
        XCTAssertEqual(json["dataset_action_low"] as? [Double], Array(repeating: -1, count: 6), "the metadata's bounds, not ±inf")
        XCTAssertEqual(json["dataset_action_high"] as? [Double], Array(repeating: 1, count: 6))
        XCTAssertEqual(json["dataset_observation_shape"] as? [Int], [17])
        XCTAssertEqual(json["steps"] as? Int, 30)

        // --env overrides: gym:ID and a Gymnasium id without gym: are both asked of Gymnasium's registry, and
        // what is written is the registry's id and entry point, never the bridge's prefix.
        for env in ["gym:HalfCheetah-v5", "HalfCheetah-v5"] {
            let out = root + "/halfcheetah/" + env.replacingOccurrences(of: ":", with: "-")
            let exported = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--format", "minari", "--out", out, "--env", env])
            XCTAssertEqual(exported.status, 0, exported.standardError)
            let metadata = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/data/metadata.json"))) as? [String: Any])
            let spec = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(XCTUnwrap(metadata["env_spec"] as? String).utf8)) as? [String: Any])
            XCTAssertEqual(spec["id"] as? String, "HalfCheetah-v5", env)
            XCTAssertEqual(spec["entry_point"] as? String, "gymnasium.envs.mujoco.half_cheetah_v5:HalfCheetahEnv", env)
            XCTAssertEqual(metadata["action_space"] as? String,
                           #"{"type": "Box", "dtype": "float32", "shape": [6], "low": [-1.0, -1.0, -1.0, -1.0, -1.0, -1.0], "high": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]}"#)
        }
        let misfit = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--format", "minari", "--out", root + "/halfcheetah/misfit-v0",
                                                  "--env", "gym:InvertedPendulum-v5"])
        XCTAssertEqual(misfit.standardError, "error: --env gym:InvertedPendulum-v5 does not fit the store \(store): its observation space has 4 values, the data 17\n")
    }
}
