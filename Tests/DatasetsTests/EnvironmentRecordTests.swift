@testable import Datasets
import Foundation
import ReplayStore
import TestSupport
import XCTest

/// The environment a dataset names (Minari's `env_spec` and spaces, a D4RL file's attributes) goes into
/// the store on import and out again on export.
final class EnvironmentRecordTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private let pendulum = SourceEnvironment(
        id: "Pendulum-v1", entryPoint: "gymnasium.envs.classic_control.pendulum:PendulumEnv", maxEpisodeSteps: 200,
        observationSpace: BoxBounds(low: [-1, -1, -8], high: [1, 1, 8]), actionSpace: BoxBounds(low: [-2], high: [2]))
    /// For the small D4RL fixture (observation 2, action 1): one unbounded side.
    private let small = SourceEnvironment(
        id: "Small-v0", entryPoint: "tests.small:SmallEnv", maxEpisodeSteps: 5,
        observationSpace: BoxBounds(low: [-.infinity, 0], high: [.infinity, 6]), actionSpace: BoxBounds(low: [-1], high: [1]))

    private func readOnly(_ store: String) throws -> ReplayStore {
        try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly))
    }

    func testAMinariImportRecordsItsEnvironmentInTheStore() throws {
        let store = directory + "/store"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: store)
        XCTAssertEqual(try readOnly(store).sourceEnvironment(), pendulum)
    }

    func testAD4RLFileCarriesItsEnvironmentThroughImportAndExport() throws {
        let source = directory + "/small.hdf5"
        DatasetFixtures.writeSmallD4RL(source)
        var dataset = try LoggedDataset.read(from: source)
        XCTAssertNil(dataset.environment, "a D4RL file without the attributes names no environment")
        dataset.environment = small
        let file = directory + "/missing/folders/small-env.hdf5"
        try D4RLFile.write(dataset, to: file)
        XCTAssertEqual(try LoggedDataset.read(from: file).environment, small)

        let store = directory + "/store"
        let report = try DatasetImporter().importDataset(from: file, into: store)
        XCTAssertEqual(report.environmentID, "Small-v0")
        XCTAssertEqual(try readOnly(store).sourceEnvironment(), small)
        let exported = try LoggedDataset.read(fromStore: store)
        XCTAssertEqual(exported.environment, small)

        let minari = directory + "/minari/small/ours-v0"
        try MinariDirectory.write(exported, to: minari, datasetID: "small/ours-v0")
        let metadata = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: minari + "/data/metadata.json"))) as? [String: Any])
        XCTAssertEqual(metadata["env_spec"] as? String, #"{"id": "Small-v0", "entry_point": "tests.small:SmallEnv", "reward_threshold": null, "nondeterministic": false, "max_episode_steps": 5, "order_enforce": true, "disable_env_checker": false, "kwargs": {}, "additional_wrappers": [], "vector_entry_point": null}"#)
        XCTAssertEqual(metadata["observation_space"] as? String, #"{"type": "Box", "dtype": "float32", "shape": [2], "low": [-Infinity, 0.0], "high": [Infinity, 6.0]}"#)
        XCTAssertEqual(metadata["action_space"] as? String, #"{"type": "Box", "dtype": "float32", "shape": [1], "low": [-1.0], "high": [1.0]}"#)
        XCTAssertEqual(try LoggedDataset.read(from: minari).environment, small)
    }

    func testAnImportNeverMixesTwoNamedEnvironmentsInOneStore() throws {
        let store = directory + "/store"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: store)
        let source = directory + "/small.hdf5"
        DatasetFixtures.writeSmallD4RL(source)
        var other = try LoggedDataset.read(from: source)
        other.environment = small
        other.environment!.observationSpace = BoxBounds(unboundedOfSize: 3)
        other.observationSize = 3
        other.observations = (0..<(other.count * 3)).map(Float.init)
        other.nextObservations = other.observations
        XCTAssertThrowsError(try DatasetImporter().importDataset(other, source: "other", into: store)) { error in
            XCTAssertEqual("\(error)", "the store at \(store) cannot take this dataset: it holds transitions of Pendulum-v1, the dataset is of Small-v0")
        }
        XCTAssertEqual(try readOnly(store).liveTransitionCount(), 20_000)
        XCTAssertEqual(try readOnly(store).sourceEnvironment(), pendulum)
    }

    func testAStoreOfAnUnknownEnvironmentKeepsNoRecordAndAnEmptyOneTakesTheDatasets() throws {
        let unknown = directory + "/unknown"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.d4rlMedium, into: unknown)
        XCTAssertNil(try readOnly(unknown).sourceEnvironment())
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: unknown)
        XCTAssertNil(try readOnly(unknown).sourceEnvironment(), "the earlier transitions' environment stays unknown")

        let empty = directory + "/empty"
        do { _ = try ReplayStore.create(at: empty, schema: StoreSchema(observationSize: 3, actionSize: 1)) }
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: empty)
        XCTAssertEqual(try readOnly(empty).sourceEnvironment(), pendulum)
    }

    func testEnvironmentAttributesThatDoNotFitAreNamed() throws {
        let cases: [([(String, String)], String)] = [
            ([("observation_space", #"{"type": "Box", "shape": [2]}"#)],
             "attribute 'action_space' of '/' is missing; a file that describes its environment needs both spaces"),
            ([("observation_space", #"{"type": "Box", "shape": [2]}"#), ("action_space", #"{"type": "Box", "shape": [4], "low": -1, "high": 1}"#)],
             "attribute 'action_space' of '/' describes 4 values per row, 'actions' has 1"),
            ([("env_spec", #"{"id": "Small-v0"}"#), ("observation_space", "[]"), ("action_space", #"{"type": "Box", "shape": [1]}"#)],
             "'observation_space' is not a serialised space"),
        ]
        for (index, (attributes, message)) in cases.enumerated() {
            let path = directory + "/bad-\(index).hdf5"
            DatasetFixtures.writeSmallD4RL(path) { file in
                for (name, value) in attributes { file.stringAttribute(name, value) }
            }
            XCTAssertThrowsError(try LoggedDataset.read(from: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix(path + ": " + message), "\(error)")
            }
            XCTAssertThrowsError(try DatasetImporter().importDataset(from: path, into: directory + "/store-\(index)")) { error in
                XCTAssertTrue("\(error)".hasPrefix(path + ": " + message), "\(error)")
            }
        }
        // Fixed-length strings read as h5py's variable-length ones do, and a space without bounds is unbounded.
        let fixed = directory + "/fixed.hdf5"
        DatasetFixtures.writeSmallD4RL(fixed) { file in
            file.stringAttribute("env_spec", #"{"id": "Small-v0", "entry_point": null, "max_episode_steps": null}"#)
            file.stringAttribute("observation_space", #"{"type": "Box", "shape": [2]}"#)
            file.stringAttribute("action_space", #"{"type": "Box", "shape": [1], "low": [-3.0], "high": [3.0]}"#)
        }
        XCTAssertEqual(try LoggedDataset.read(from: fixed).environment,
                       SourceEnvironment(id: "Small-v0", observationSpace: BoxBounds(unboundedOfSize: 2), actionSpace: BoxBounds(low: [-3], high: [3])))
    }

    // MARK: The CLI

    func testExportCreatesTheMissingFoldersAboveItsOutput() throws {
        let store = directory + "/store"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: store)
        let out = directory + "/new/deeper/medium.hdf5"
        let exported = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out])
        XCTAssertEqual(exported.status, 0, exported.standardError)
        XCTAssertEqual(exported.standardOutput, "exported 20000 transitions (100 episodes) from \(store) to \(out) (d4rl) of Pendulum-v1\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/new/deeper"), ["medium.hdf5"])
        XCTAssertEqual(try LoggedDataset.read(from: out).environment, pendulum)
    }

    func testExportFormatHelpListsExactlyWhatItAccepts() throws {
        let help = try OffpolicyExecutable.run(["dataset", "export", "--help"])
        XCTAssertEqual(help.status, 0, help.standardError)
        let text = help.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        XCTAssertTrue(text.contains("--format <format> The layout written. (values: d4rl, minari; default: d4rl)"), text)
        for format in ["d4rl", "minari"] {
            let accepted = try OffpolicyExecutable.run(["dataset", "export", "--store", directory + "/none", "--out", directory + "/x-\(format)", "--format", format])
            XCTAssertEqual(accepted.status, 1, "\(format) passes the parsing and fails on the missing store: \(accepted.standardError)")
        }
        let refused = try OffpolicyExecutable.run(["dataset", "export", "--store", directory, "--out", directory + "/x", "--format", "store"])
        XCTAssertEqual(refused.status, 64, refused.standardError)
        XCTAssertTrue(refused.standardError.contains("The value 'store' is invalid for '--format <format>'. Please provide one of 'd4rl' and 'minari'."),
                      refused.standardError)
    }

    func testAStoreWithoutARecordExportsWithANoteAndTakesEnv() throws {
        let store = directory + "/store"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.d4rlMedium, into: store)
        let out = directory + "/minari/pendulum/old-v0"
        let exported = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out, "--format", "minari"])
        XCTAssertEqual(exported.status, 0, exported.standardError)
        XCTAssertEqual(exported.standardOutput.split(separator: "\n").last,
                       "note: the store records no environment (it was made before stores recorded one, or from data that names none), so the dataset has unbounded spaces and no env_spec and minari cannot recover its environment; give --env ID to name it")
        XCTAssertNil(try LoggedDataset.read(from: out).environmentID)

        let named = directory + "/minari/pendulum/named-v0"
        let override = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", named, "--format", "minari", "--env", "Pendulum-v1"])
        XCTAssertEqual(override.status, 0, override.standardError)
        XCTAssertEqual(override.standardOutput, "exported 20000 transitions (100 episodes) from \(store) to \(named) (minari) of Pendulum-v1\n")
        XCTAssertEqual(try LoggedDataset.read(from: named).environment, pendulum)

        let misfit = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", directory + "/m.hdf5", "--env", "MountainCarContinuous-v0"])
        XCTAssertEqual(misfit.status, 1)
        XCTAssertEqual(misfit.standardError, "error: --env MountainCarContinuous-v0 does not fit the store \(store): its observation space has 2 values, the data 3\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/m.hdf5"))
    }
}
