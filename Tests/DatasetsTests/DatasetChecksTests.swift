@testable import Datasets
import Foundation
import ReplayStore
import TestSupport
import XCTest

/// What reading notices and what info and import agree on, through the real `offpolicy` process:
/// rows an import drops, episode boundaries across a round trip without `next_observations`, actions
/// outside the bounds, and a declared size beyond the memory limit.
final class DatasetChecksTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func json(_ output: ProcessOutput) throws -> [String: Any] {
        let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Info says how many rows an import keeps, and the import keeps exactly those.
    func testInfoAndImportAgreeWithoutNextObservations() throws {
        let file = directory + "/no-next.hdf5"
        DatasetFixtures.writeSmallD4RL(file, withNext: false)
        let info = try OffpolicyExecutable.run(["dataset", "info", file, "--json"])
        XCTAssertEqual(info.status, 0, info.standardError)
        let summary = try json(info)
        XCTAssertEqual(summary["transitions"] as? Int, 12)
        let kept = try XCTUnwrap(summary["imported_transitions"] as? Int)
        XCTAssertLessThan(kept, 12)
        let text = try OffpolicyExecutable.run(["dataset", "info", file])
        XCTAssertTrue(text.standardOutput.contains("an import keeps \(kept)"), text.standardOutput)
        let imported = try OffpolicyExecutable.run(["dataset", "import", file, "--store", directory + "/store", "--json"])
        XCTAssertEqual(imported.status, 0, imported.standardError)
        XCTAssertEqual(try json(imported)["transitions"] as? Int, kept)
    }

    /// Import drops the rows cut by a time limit; export marks the rows before them as timeouts, so a
    /// second import sees the same episodes as the first.
    func testEpisodeBoundariesSurviveARoundTripWithoutNextObservations() throws {
        let file = directory + "/no-next.hdf5"
        DatasetFixtures.writeSmallD4RL(file, withNext: false)
        let first = directory + "/first", second = directory + "/second", exported = directory + "/exported.hdf5"
        let imported = try DatasetImporter().importDataset(from: file, into: first)
        let export = try OffpolicyExecutable.run(["dataset", "export", "--store", first, "--out", exported])
        XCTAssertEqual(export.status, 0, export.standardError)
        XCTAssertTrue(export.standardOutput.contains("marked as timeouts"), export.standardOutput)
        let again = try DatasetImporter().importDataset(from: exported, into: second)
        XCTAssertEqual(again.episodes, imported.episodes)
        let a = try ReplayStore.open(at: first, options: StoreOptions(access: .readOnly)).liveTransitions()
        let b = try ReplayStore.open(at: second, options: StoreOptions(access: .readOnly)).liveTransitions()
        XCTAssertEqual(a.episodeIDs, b.episodeIDs)
        XCTAssertEqual(a.observations, b.observations)
        XCTAssertEqual(a.nextObservations, b.nextObservations)
    }

    /// Actions outside the environment's bounds are kept, with a note naming the first (train) or
    /// outside `action_space` (a Minari import).
    func testActionsOutsideTheBoundsAreNoted() throws {
        let file = directory + "/wild.hdf5"
        DatasetFixtures.writeSmallD4RL(file, rows: 12, skip: ["observations", "next_observations", "actions"]) { file in
            file.float32("observations", (0..<36).map { Float($0) / 40 }, shape: [12, 3])
            file.float32("next_observations", (0..<36).map { Float($0) / 40 + 0.01 }, shape: [12, 3])
            file.float32("actions", (0..<12).map { $0 == 4 ? 7.5 : 0 }, shape: [12, 1])
        }
        let prefill = try OffpolicyExecutable.run(["train", "sac", "--prefill", file, "--steps", "20", "--hidden", "8,8", "--batch", "4",
                                                   "--eval-every", "20", "--eval-episodes", "1", "--run-dir", directory + "/run"])
        XCTAssertEqual(prefill.status, 0, prefill.standardError)
        XCTAssertTrue(prefill.standardError.contains("1 action values lie outside Pendulum-v1's bounds (first: row 4"), prefill.standardError)
        let offline = try OffpolicyExecutable.run(["train", "bc", "--dataset", file, "--steps", "20", "--hidden", "8,8", "--batch", "4",
                                                   "--eval-every", "20", "--eval-episodes", "1", "--run-dir", directory + "/bc"])
        XCTAssertEqual(offline.status, 0, offline.standardError)
        XCTAssertTrue(offline.standardError.contains("outside Pendulum-v1's bounds"), offline.standardError)
    }

    /// Pendulum's widths (3-d observations, 1-d actions) against a Gymnasium task of other widths, whose
    /// spaces come from Gymnasium's registry through the bridge: `--dataset` (offline, and offline then
    /// online) and `--prefill` are refused in one sentence naming both widths before anything is written.
    func testADatasetOfOtherWidthsThanAGymEnvironmentIsRefusedBeforeAnythingIsWritten() throws {
        guard try PythonModules.available(["gymnasium", "mujoco"], install: "run scripts/setup") else { return }
        let file = directory + "/pendulum-widths.hdf5", run = directory + "/run"
        DatasetFixtures.writeSmallD4RL(file, observationSize: 3)
        let small = ["--steps", "10", "--hidden", "8,8", "--batch", "4", "--run-dir", run]
        for arguments in [["td3bc", "--dataset", file, "--env", "gym:HalfCheetah-v5"] + small,
                          ["iql", "--dataset", file, "--online-steps", "10", "--env", "gym:HalfCheetah-v5"] + small,
                          ["sac", "--prefill", file, "--env", "gym:HalfCheetah-v5"] + small] {
            let output = try OffpolicyExecutable.run(["train"] + arguments)
            XCTAssertEqual(output.status, 1, "\(arguments): \(output.standardError)")
            XCTAssertEqual(output.standardError,
                           "Error: the dataset \(file) holds 3-d observations and 1-d actions; gym:HalfCheetah-v5 has 17 and 6\n", "\(arguments)")
            XCTAssertEqual(output.standardOutput, "", "\(arguments)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: run), "\(arguments): nothing is written")
        }
    }

    /// A compressed column whose raw size is beyond the memory limit is refused before it is read.
    func testTheMemoryLimitIsNamed() throws {
        let file = directory + "/medium.hdf5"
        let output = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                                          ["\(DatasetMemoryLimit.environmentVariable)=100000", try OffpolicyExecutable.url().path,
                                           "dataset", "info", DatasetFixtures.d4rlMedium])
        XCTAssertEqual(output.status, 1, output.standardError)
        XCTAssertTrue(output.standardError.contains("more than the limit of 100000 bytes"), output.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
    }

    /// A file declaring 10¹⁰ rows in 2.5 KB: one sentence naming the file, the key and both sizes.
    func testAHugeDeclaredShapeIsRefusedInOneSentence() throws {
        let file = directory + "/huge.hdf5"
        let script = """
        import h5py, sys
        with h5py.File(sys.argv[1], "w") as f:
            for key in ["observations", "actions", "rewards", "terminals", "timeouts"]:
                f.create_dataset(key, shape=(10**10, 3) if key == "observations" else (10**10,), dtype="f4")
        """
        let made = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file])
        guard made.status == 0 else { throw XCTSkip("python3 with h5py is needed: \(made.standardError)") }
        for arguments in [["dataset", "info", file], ["dataset", "import", file, "--store", directory + "/store"],
                          ["train", "bc", "--dataset", file, "--steps", "10", "--run-dir", directory + "/bc"],
                          ["train", "sac", "--prefill", file, "--steps", "10", "--run-dir", directory + "/sac"]] {
            let output = try OffpolicyExecutable.run(arguments)
            XCTAssertEqual(output.status, 1, "\(arguments): \(output.standardError)")
            XCTAssertEqual(output.standardError.split(separator: "\n").count, 1, output.standardError)
            XCTAssertTrue(output.standardError.contains("huge.hdf5: key 'observations' declares shape (10000000000, 3), 120000000000 bytes, but the file stores only 0 bytes"),
                          output.standardError)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/store"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/bc"))
    }
}
