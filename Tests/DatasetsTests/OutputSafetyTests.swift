@testable import Datasets
import Foundation
import ReplayStore
import TestSupport
import XCTest

/// What the writers never do, through the real `offpolicy` process: replace a file that exists
/// without `--force`, write onto or into one of their inputs, or leave a partial file or folder behind
/// when the disk fills up.
final class OutputSafetyTests: XCTestCase {
    private var directory = ""
    private var store = ""

    override func setUpWithError() throws {
        directory = try DatasetFixtures.temporaryDirectory()
        store = directory + "/store"
        let small = directory + "/small.hdf5"
        DatasetFixtures.writeSmallD4RL(small)
        _ = try DatasetImporter().importDataset(from: small, into: store)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    private func assertOneLineFailure(_ output: ProcessOutput, mentioning expected: [String], line: UInt = #line) {
        XCTAssertEqual(output.status, 1, output.standardError, line: line)
        XCTAssertEqual(output.standardError.split(separator: "\n").count, 1, output.standardError, line: line)
        for text in expected { XCTAssertTrue(output.standardError.contains(text), "'\(text)' not in: \(output.standardError)", line: line) }
    }

    func testExportRefusesAnExistingFileUnlessForced() throws {
        let out = directory + "/mine.hdf5"
        try Data("a user's file".utf8).write(to: URL(fileURLWithPath: out))
        let refused = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out])
        assertOneLineFailure(refused, mentioning: ["mine.hdf5", "exists", "--force"])
        XCTAssertEqual(try bytes(out), Data("a user's file".utf8))

        let forced = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out, "--force"])
        XCTAssertEqual(forced.status, 0, forced.standardError)
        XCTAssertEqual(try LoggedDataset.read(from: out).count, 12)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains("partial") }, [])
    }

    func testExportNeverWritesIntoTheStoreItReads() throws {
        let before = try bytes(store + "/data.mdb")
        let link = directory + "/link.hdf5"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: store + "/data.mdb")
        for arguments in [["--out", store + "/data.mdb"], ["--out", store + "/data.mdb", "--force"], ["--out", link, "--force"],
                          ["--out", store + "/export.hdf5", "--force"], ["--out", store, "--format", "minari", "--force"],
                          ["--out", store + "/../store/sub", "--format", "minari", "--force"]] {
            let output = try OffpolicyExecutable.run(["dataset", "export", "--store", store] + arguments)
            assertOneLineFailure(output, mentioning: ["an input of this command"])
        }
        XCTAssertEqual(try bytes(store + "/data.mdb"), before)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: store)), ["data.mdb", "lock.mdb", "writer.lock"])
    }

    func testMinariExportRefusesExistingDataUnlessForced() throws {
        let out = directory + "/minari/pendulum/ours-v0"
        let first = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out, "--format", "minari"])
        XCTAssertEqual(first.status, 0, first.standardError)
        let metadata = try bytes(out + "/data/metadata.json")
        let second = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out, "--format", "minari"])
        assertOneLineFailure(second, mentioning: ["ours-v0", "data/", "--force"])
        XCTAssertEqual(try bytes(out + "/data/metadata.json"), metadata)
        let forced = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", out, "--format", "minari", "--force"])
        XCTAssertEqual(forced.status, 0, forced.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out), ["data"])
        XCTAssertEqual(try LoggedDataset.read(from: out).count, 12)
    }

    func testExportToADirectoryAsAFileIsRefused() throws {
        let folder = directory + "/folder"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let output = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", folder, "--force"])
        assertOneLineFailure(output, mentioning: ["is a directory"])
        // A directory holding the store is refused as such.
        let around = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", directory, "--force"])
        assertOneLineFailure(around, mentioning: ["would replace", "an input of this command"])
    }

    func testCollectRefusesAnExistingOutput() throws {
        let out = directory + "/mine.hdf5"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out))
        let output = try OffpolicyExecutable.run(["collect", "--random", "--env", "Pendulum-v1", "--steps", "10", "--out", out])
        XCTAssertNotEqual(output.status, 0)
        XCTAssertLessThan(output.status, 128)
        XCTAssertEqual(try bytes(out), Data("keep".utf8))
    }

    func testBenchNeverRemovesWhatIsInItsDirectory() throws {
        let work = directory + "/bench"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: URL(fileURLWithPath: work + "/bench.hdf5"))
        let output = try OffpolicyExecutable.run(["dataset", "bench", "--transitions", "100", "--directory", work])
        XCTAssertEqual(output.status, 1, output.standardError)
        XCTAssertEqual(try bytes(work + "/bench.hdf5"), Data("mine".utf8))
    }

    /// A disk too small for the estimate: refused before writing. A disk that passes the estimate but
    /// fills up inside libhdf5: one line, exit 1, no crash, and no partial file or created folder left.
    func testAFullDiskEndsInOneLineAndLeavesNothing() throws {
        let disk = try SystemFixtures.tmpfs(size: "256k", in: directory, for: self)
        let big = directory + "/big-store"
        let collected = directory + "/collected.hdf5"
        let made = try OffpolicyExecutable.run(["collect", "--random", "--env", "Pendulum-v1", "--steps", "20000", "--out", collected])
        XCTAssertEqual(made.status, 0, made.standardError)
        _ = try DatasetImporter().importDataset(from: collected, into: big)

        let early = try OffpolicyExecutable.run(["dataset", "export", "--store", big, "--out", disk + "/all.hdf5"])
        assertOneLineFailure(early, mentioning: ["all.hdf5", "bytes free"])
        let minari = try OffpolicyExecutable.run(["dataset", "export", "--store", big, "--out", disk + "/m/pendulum/x-v0", "--format", "minari"])
        assertOneLineFailure(minari, mentioning: ["x-v0"])
        // 6789 rows of 38 bytes pass the estimate (257,982 of 262,144 bytes); HDF5's own overhead does not fit.
        for steps in ["6789", "6850"] {
            let late = try OffpolicyExecutable.run(["collect", "--random", "--env", "Pendulum-v1", "--steps", steps, "--out", disk + "/late.hdf5"])
            XCTAssertEqual(late.status, 1, late.standardError)
            XCTAssertEqual(late.standardError.split(separator: "\n").count, 1, late.standardError)
            XCTAssertTrue(late.standardError.contains("No space left on device") || late.standardError.contains("bytes free"), late.standardError)
        }
        // A Minari export whose estimate fits but whose file does not: the folders it made go too.
        let few = directory + "/few-store"
        let fewFile = directory + "/few.hdf5"
        XCTAssertEqual(try OffpolicyExecutable.run(["collect", "--random", "--env", "Pendulum-v1", "--steps", "5800", "--out", fewFile]).status, 0)
        _ = try DatasetImporter().importDataset(from: fewFile, into: few)
        let late = try OffpolicyExecutable.run(["dataset", "export", "--store", few, "--out", disk + "/m/pendulum/few-v0", "--format", "minari"])
        XCTAssertEqual(late.status, 1, late.standardError)
        XCTAssertEqual(late.standardError.split(separator: "\n").count, 1, late.standardError)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: disk), [], "a failed write left something behind")
    }
}
