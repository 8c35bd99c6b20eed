import Foundation
import TestSupport
import XCTest

/// Crafted HDF5 files and Minari directories (huge declared shapes, every dtype, bad attributes and
/// metadata, truncations, links to FIFOs) through every command that reads them: `dataset info`,
/// `dataset import`, `train bc --dataset`, `train sac --prefill`, and `collect`'s output check. For each:
/// no crash, no hang, no lost file, at most one line on standard error (besides notes; a usage error,
/// status 64, adds the usage lines), exit status below 128.
/// The files are written with h5py (`scripts/setup` installs it); without it the test skips, except
/// under `CI=true`, where it fails.
final class HostileInputFuzzTests: XCTestCase {
    private static let env = URL(fileURLWithPath: "/usr/bin/env")

    /// Writes every case into sys.argv[1] and prints their names, one a line.
    private static let script = #"""
    import json, os, sys
    import h5py, numpy as np
    root, fixture = sys.argv[1], sys.argv[2]
    names = []
    def d4rl(name, n=12, change=None, skip=()):
        path = os.path.join(root, name + ".hdf5")
        with h5py.File(path, "w") as f:
            cols = {"observations": np.arange(n * 3, dtype="f4").reshape(n, 3) / 10, "actions": np.zeros((n, 1), "f4"),
                    "rewards": -np.ones(n, "f4"), "terminals": np.zeros(n, bool), "timeouts": np.arange(n) % 5 == 4,
                    "next_observations": np.arange(n * 3, dtype="f4").reshape(n, 3) / 10 + 0.05}
            for key, value in cols.items():
                if key not in skip and not (change and key in change): f[key] = value
            for key, make in (change or {}).items(): make(f, key)
        names.append(path)
    big = 10 ** 10
    d4rl("huge-contiguous", change={k: (lambda f, k: f.create_dataset(k, shape=(big, 3) if "obs" in k else (big,), dtype="f4"))
                                    for k in ["observations", "rewards"]})
    d4rl("huge-rows-all", change={k: (lambda f, k: f.create_dataset(k, shape=(big,), dtype="?")) for k in ["terminals", "timeouts"]})
    d4rl("huge-chunked", change={"observations": lambda f, k: f.create_dataset(k, shape=(big, 3), dtype="f4", chunks=(1000, 3))})
    d4rl("huge-gzip", change={"observations": lambda f, k: f.create_dataset(k, shape=(10 ** 8, 3), dtype="f4", chunks=(10 ** 5, 3), compression="gzip")})
    d4rl("huge-width", change={"observations": lambda f, k: f.create_dataset(k, shape=(12, 2 ** 62), dtype="f4")})
    d4rl("overflow-shape", change={"observations": lambda f, k: f.create_dataset(k, shape=(2 ** 40, 2 ** 40, 2 ** 40), dtype="f4")})
    d4rl("scalar", change={"observations": lambda f, k: f.create_dataset(k, data=np.float32(1))})
    d4rl("empty", n=0)
    d4rl("zero-width", change={"observations": lambda f, k: f.create_dataset(k, shape=(12, 0), dtype="f4")})
    d4rl("rank4", change={"observations": lambda f, k: f.create_dataset(k, data=np.zeros((12, 1, 3, 1), "f4"))})
    for dtype in ["f2", "i1", "u8", "c8", "S4", "i8"]:
        d4rl("dtype-" + dtype, change={"observations": lambda f, k, t=dtype: f.create_dataset(k, data=np.zeros((12, 3), t))})
    d4rl("vlen-string", change={"rewards": lambda f, k: f.create_dataset(k, data=np.array(["a"] * 12, dtype=object), dtype=h5py.string_dtype())})
    d4rl("compound", change={"actions": lambda f, k: f.create_dataset(k, data=np.zeros(12, dtype=[("a", "f4"), ("b", "i4")]))})
    d4rl("flag-half", change={"terminals": lambda f, k: f.create_dataset(k, data=np.full(12, 0.5))})
    d4rl("flag-nan", change={"timeouts": lambda f, k: f.create_dataset(k, data=np.full(12, np.nan))})
    d4rl("flag-wide", change={"terminals": lambda f, k: f.create_dataset(k, data=np.zeros((12, 2), bool))})
    d4rl("group-not-dataset", change={"rewards": lambda f, k: f.create_group(k)})
    d4rl("soft-link-loop", change={"actions": lambda f, k: f.__setitem__(k, h5py.SoftLink("/actions"))})
    os.mkfifo(os.path.join(root, "fifo"))
    d4rl("external-link-fifo", change={"observations": lambda f, k: f.__setitem__(k, h5py.ExternalLink(os.path.join(root, "fifo"), "/x"))})
    d4rl("external-raw-fifo", change={"observations": lambda f, k: f.create_dataset(k, shape=(12, 3), dtype="f4", external=[(os.path.join(root, "fifo"), 0, 144)])})
    d4rl("big-endian", change={"observations": lambda f, k: f.create_dataset(k, data=np.zeros((12, 3), ">f8"))})
    d4rl("action-out-of-bounds", change={"actions": lambda f, k: f.create_dataset(k, data=np.full((12, 1), 7.5, "f4"))})
    d4rl("no-next", skip=("next_observations",))
    data = open(fixture, "rb").read()
    for fraction in [0.001, 0.01, 0.1, 0.5, 0.9, 0.999]:
        path = os.path.join(root, "truncated-%g.hdf5" % fraction)
        open(path, "wb").write(data[: int(len(data) * fraction)])
        names.append(path)
    for offset in [0, 100, 1000, 3000]:
        path = os.path.join(root, "flipped-%d.hdf5" % offset)
        changed = bytearray(data)
        for i in range(offset, offset + 64): changed[i] ^= 0xFF
        open(path, "wb").write(bytes(changed))
        names.append(path)
    # Minari directories.
    box = lambda shape, low=-1.0, high=1.0: json.dumps({"type": "Box", "dtype": "float32", "shape": shape, "low": [low] * int(np.prod(shape)) if np.prod(shape) < 100 else low, "high": [high] * int(np.prod(shape)) if np.prod(shape) < 100 else high})
    def minari(name, metadata=None, episodes=2, steps=5, change=None, attrs=None, write_metadata=True):
        path = os.path.join(root, "minari-" + name)
        os.makedirs(path + "/data")
        with h5py.File(path + "/data/main_data.hdf5", "w") as f:
            for e in range(episodes):
                g = f.create_group("episode_%d" % e)
                g["observations"] = np.zeros((steps + 1, 3), "f4"); g["actions"] = np.zeros((steps, 1), "f4")
                g["rewards"] = np.zeros(steps, "f4"); g["terminations"] = np.zeros(steps, bool)
                truncations = np.zeros(steps, bool); truncations[-1] = True; g["truncations"] = truncations
                g.attrs["id"] = e; g.attrs["total_steps"] = steps
                if change: change(g, e)
                if attrs: attrs(g, e)
        meta = {"total_episodes": episodes, "total_steps": episodes * steps, "data_format": "hdf5",
                "observation_space": box([3], -10, 10), "action_space": box([1], -2, 2)}
        meta.update(metadata or {})
        if write_metadata == "dir": os.makedirs(path + "/data/metadata.json")
        elif write_metadata == "fifo": os.mkfifo(path + "/data/metadata.json")
        elif write_metadata == "binary": open(path + "/data/metadata.json", "wb").write(b"\xff\xfe{\x00")
        elif write_metadata: open(path + "/data/metadata.json", "w").write(json.dumps(meta))
        names.append(path)
    minari("good")
    minari("no-metadata", write_metadata=False)
    minari("metadata-dir", write_metadata="dir")
    minari("metadata-fifo", write_metadata="fifo")
    minari("metadata-binary", write_metadata="binary")
    minari("metadata-wrong-type", metadata={"total_steps": "ten"})
    minari("huge-total-steps", metadata={"total_steps": 10 ** 15})
    minari("negative-totals", metadata={"total_steps": -5, "total_episodes": -1})
    minari("huge-space", metadata={"observation_space": box([10 ** 10, 10 ** 10])})
    minari("discrete-space", metadata={"action_space": json.dumps({"type": "Discrete", "n": 3})})
    minari("space-not-json", metadata={"observation_space": "{{{"})
    minari("low-count-wrong", metadata={"action_space": json.dumps({"type": "Box", "shape": [1], "low": [1, 2, 3], "high": [4]})})
    minari("mid-termination", change=lambda g, e: g.__delitem__("terminations") or g.__setitem__("terminations", np.array([0, 1, 0, 0, 0], bool)))
    minari("mid-truncation", change=lambda g, e: g.__delitem__("truncations") or g.__setitem__("truncations", np.array([1, 0, 0, 0, 1], bool)))
    minari("wrong-total-steps-attr", attrs=lambda g, e: g.attrs.__setitem__("total_steps", 7))
    minari("string-total-steps-attr", attrs=lambda g, e: g.attrs.__setitem__("total_steps", "five"))
    minari("array-total-steps-attr", attrs=lambda g, e: g.attrs.__setitem__("total_steps", np.array([5, 5])))
    minari("actions-out-of-bounds", change=lambda g, e: g.__delitem__("actions") or g.__setitem__("actions", np.full((5, 1), 9.0, "f4")))
    minari("huge-episode", change=lambda g, e: g.__delitem__("observations") or g.create_dataset("observations", shape=(10 ** 10, 3), dtype="f4"))
    minari("obs-rows-wrong", change=lambda g, e: g.__delitem__("observations") or g.__setitem__("observations", np.zeros((5, 3), "f4")))
    for path in names: print(path)
    """#

    private func craft(in directory: String) throws -> [String]? {
        let probe = try ChildProcess.run(Self.env, ["python3", "-c", "import h5py, numpy"])
        if probe.status != 0 {
            let problem = "python3 cannot import h5py and numpy; run scripts/setup"
            if ProcessInfo.processInfo.environment["CI"] == "true" { XCTFail(problem); return nil }
            throw XCTSkip(problem)
        }
        let output = try ChildProcess.run(Self.env, ["python3", "-c", Self.script, directory, DatasetFixtures.d4rlMedium])
        XCTAssertEqual(output.status, 0, output.standardError)
        return output.standardOutput.split(separator: "\n").map(String.init)
    }

    /// A digest of every file under `path` (or of the file), to see that nothing read was changed.
    private func snapshot(_ path: String) -> [String: Data] {
        var result: [String: Data] = [:]
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return result }
        let files = isDirectory.boolValue ? (FileManager.default.subpaths(atPath: path) ?? []).map { path + "/" + $0 } : [path]
        for file in files {
            var kind: ObjCBool = false
            if FileManager.default.fileExists(atPath: file, isDirectory: &kind), !kind.boolValue,
               let attributes = try? FileManager.default.attributesOfItem(atPath: file), (attributes[.type] as? FileAttributeType) == .typeRegular {
                result[file] = FileManager.default.contents(atPath: file)
            }
        }
        return result
    }

    private func run(_ arguments: [String], on input: String, line: UInt = #line) throws -> ProcessOutput {
        let before = snapshot(input)
        let output = try ChildProcess.run(Self.env, ["timeout", "-s", "KILL", "120", try OffpolicyExecutable.url().path] + arguments)
        let name = "\(arguments.prefix(2).joined(separator: " ")) on \(URL(fileURLWithPath: input).lastPathComponent)"
        XCTAssertLessThan(output.status, 128, "\(name) crashed or hung: \(output.standardError)", line: line)
        XCTAssertNotEqual(output.status, 124, "\(name) hung", line: line)
        // Status 64 is a usage error: ArgumentParser prints the message with the usage lines.
        if output.status != 0 && output.status != 64 {
            XCTAssertFalse(output.standardError.isEmpty, "\(name) failed silently", line: line)
            let lines = output.standardError.split(separator: "\n").filter { !$0.hasPrefix("note: ") }
            XCTAssertLessThanOrEqual(lines.count, 1, "\(name): \(output.standardError)", line: line)
            XCTAssertFalse(output.standardError.contains("NSCocoaErrorDomain") || output.standardError.contains("Fatal error"), "\(name): \(output.standardError)", line: line)
        }
        XCTAssertEqual(snapshot(input), before, "\(name) changed its input", line: line)
        return output
    }

    func testCraftedInputsThroughEveryReadingCommand() throws {
        let directory = try DatasetFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let inputs = directory + "/inputs"
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        guard let paths = try craft(in: inputs) else { return }
        XCTAssertGreaterThan(paths.count, 50)
        let train = ["--steps", "20", "--hidden", "8,8", "--batch", "4", "--eval-every", "20", "--eval-episodes", "1", "--learning-starts", "10"]
        for (index, path) in paths.enumerated() {
            _ = try run(["dataset", "info", path], on: path)
            let store = directory + "/store-\(index)"
            let imported = try run(["dataset", "import", path, "--store", store], on: path)
            if imported.status != 0 {
                XCTAssertFalse(FileManager.default.fileExists(atPath: store), "a failed import of \(path) left a store")
            }
            _ = try run(["train", "bc", "--dataset", path, "--run-dir", directory + "/bc-\(index)"] + train, on: path)
            _ = try run(["train", "sac", "--prefill", path, "--run-dir", directory + "/sac-\(index)"] + train, on: path)
            if !path.contains("fifo") && FileManager.default.fileExists(atPath: path) {
                let collected = try run(["collect", "--random", "--env", "Pendulum-v1", "--steps", "5", "--out", path], on: path)
                XCTAssertNotEqual(collected.status, 0, "collect wrote over \(path)")
            }
        }
    }
}
