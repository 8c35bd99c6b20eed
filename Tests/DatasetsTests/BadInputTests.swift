@testable import Datasets
import Foundation
import ReplayStore
import TestSupport
import Transitions
import XCTest

/// Bad input through the real `offpolicy` process: exit status 1, one line on standard error naming
/// the key (and row), and the target store unchanged (or, when the import would have created it, absent).
final class BadInputTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// Imports `file` into a new store and into an existing one (which holds the small file once); both
    /// must fail with one line containing every string of `expected`, leaving no new store and the
    /// existing store as it was.
    private func assertRefused(_ file: String, mentioning expected: [String], line: UInt = #line) throws {
        let newStore = directory + "/new-store"
        let existing = directory + "/existing-store"
        if !FileManager.default.fileExists(atPath: existing) {
            let good = directory + "/good.hdf5"
            DatasetFixtures.writeSmallD4RL(good)
            _ = try DatasetImporter().importDataset(from: good, into: existing)
        }
        let before = try ReplayStore.open(at: existing, options: StoreOptions(access: .readOnly)).liveTransitions()
        for store in [newStore, existing] {
            let output = try OffpolicyExecutable.run(["dataset", "import", file, "--store", store])
            XCTAssertEqual(output.status, 1, output.standardError, line: line)
            let lines = output.standardError.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, output.standardError, line: line)
            for text in expected { XCTAssertTrue(output.standardError.contains(text), "'\(text)' not in: \(output.standardError)", line: line) }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: newStore), "a failed import left a store behind", line: line)
        let after = try ReplayStore.open(at: existing, options: StoreOptions(access: .readOnly)).liveTransitions()
        XCTAssertEqual(after, before, "a failed import changed the store", line: line)
    }

    func testMissingKeyIsNamed() throws {
        let file = directory + "/missing.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["rewards"])
        try assertRefused(file, mentioning: ["key 'rewards' is missing"])
    }

    func testUnequalLengthsAreNamed() throws {
        let file = directory + "/unequal.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["timeouts"]) { $0.bool("timeouts", Array(repeating: false, count: 11)) }
        try assertRefused(file, mentioning: ["key 'timeouts' has 11 rows", "'observations' has 12"])
    }

    func testNaNIsNamedWithKeyAndRow() throws {
        let file = directory + "/nan.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["actions"]) { file in
            var actions = (0..<12).map { Float($0) / 10 }
            actions[7] = .nan
            file.float32("actions", actions, shape: [12, 1])
        }
        try assertRefused(file, mentioning: ["key 'actions'", "nan", "row 7"])
    }

    func testInfinityInRewardsIsNamed() throws {
        let file = directory + "/inf.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["rewards"]) { file in
            var rewards = [Float](repeating: 0, count: 12)
            rewards[3] = -.infinity
            file.float32("rewards", rewards, shape: [12])
        }
        try assertRefused(file, mentioning: ["key 'rewards'", "row 3"])
    }

    func testUnsupportedDtypeIsNamed() throws {
        let file = directory + "/int.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["observations"]) { $0.int64("observations", Array(repeating: 1, count: 24), shape: [12, 2]) }
        try assertRefused(file, mentioning: ["key 'observations'", "unsupported dtype int64"])
    }

    func testFlagOtherThanZeroOrOneIsNamed() throws {
        let file = directory + "/flag.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["terminals"]) { file in
            var flags = [Int64](repeating: 0, count: 12)
            flags[5] = 2
            file.int64("terminals", flags, shape: [12])
        }
        try assertRefused(file, mentioning: ["key 'terminals'", "row 5"])
    }

    func testNotHDF5AndTruncatedFilesAreRefused() throws {
        let text = directory + "/text.hdf5"
        try "observations,actions\n1,2\n".write(toFile: text, atomically: true, encoding: .utf8)
        try assertRefused(text, mentioning: ["text.hdf5", "HDF5", "signature"])

        let truncated = directory + "/truncated.hdf5"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: DatasetFixtures.d4rlMedium))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        try assertRefused(truncated, mentioning: ["truncated.hdf5", "HDF5"])
    }

    func testFloat64IsConvertedWithANote() throws {
        let file = directory + "/double.hdf5"
        DatasetFixtures.writeSmallD4RL(file, skip: ["rewards"]) { $0.float64("rewards", (0..<12).map { -Double($0) }, shape: [12]) }
        let output = try OffpolicyExecutable.run(["dataset", "import", file, "--store", directory + "/store"])
        XCTAssertEqual(output.status, 0, output.standardError)
        XCTAssertTrue(output.standardOutput.contains("note: key 'rewards' was float64; converted to float32"), output.standardOutput)
        let batch = try ReplayStore.open(at: directory + "/store", options: StoreOptions(access: .readOnly)).liveTransitions()
        XCTAssertEqual(batch.rewards, (0..<12).map { -Float($0) })
    }

    func testMismatchedStoreIsRefusedAndLeftAsItWas() throws {
        let store = directory + "/store"
        _ = try ReplayStore.create(at: store, schema: StoreSchema(observationSize: 5, actionSize: 1))
        let output = try OffpolicyExecutable.run(["dataset", "import", DatasetFixtures.d4rlMedium, "--store", store])
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.standardError.contains("observations of 5"), output.standardError)
        XCTAssertEqual(try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly)).liveTransitionCount(), 0)
    }

    func testBadArgumentsExitWith64() throws {
        let missingStore = try OffpolicyExecutable.run(["dataset", "import", DatasetFixtures.d4rlMedium])
        XCTAssertEqual(missingStore.status, 64, missingStore.standardError)
        let badFormat = try OffpolicyExecutable.run(["dataset", "export", "--store", directory, "--out", directory + "/x", "--format", "store"])
        XCTAssertEqual(badFormat.status, 64, badFormat.standardError)
    }

    func testAStoreCreatedByAFailingImportIsRemoved() throws {
        struct Failure: Error {}
        let store = directory + "/a/b/store"
        XCTAssertThrowsError(try ReplayStore.create(at: store, schema: StoreSchema(observationSize: 3, actionSize: 1)) { _ in throw Failure() })
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/a"))
        // A directory that existed before keeps existing, without the store's files.
        let existing = directory + "/existing"
        try FileManager.default.createDirectory(atPath: existing, withIntermediateDirectories: true)
        XCTAssertThrowsError(try ReplayStore.create(at: existing, schema: StoreSchema(observationSize: 3, actionSize: 1)) { _ in throw Failure() })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: existing), [])
    }
}
