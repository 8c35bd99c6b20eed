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

    /// A D4RL file of `rows` rows whose float columns hold random finite bit patterns (seeded), which no
    /// compressor shrinks; an episode ends every 50 rows by timeout.
    private func writeIncompressibleD4RL(_ path: String, rows: Int, observationSize: Int) {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise(_ count: Int) -> [Float] {
            (0..<count).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                var bits = UInt32(truncatingIfNeeded: state >> 32)
                if (bits >> 23) & 0xFF == 0xFF { bits ^= 1 << 23 }  // an exponent of all ones is Inf or NaN
                return Float(bitPattern: bits)
            }
        }
        let file = TestHDF5File(path)
        file.float32("observations", noise(rows * observationSize), shape: [rows, observationSize])
        file.float32("next_observations", noise(rows * observationSize), shape: [rows, observationSize])
        file.float32("actions", noise(rows), shape: [rows, 1])
        file.float32("rewards", noise(rows), shape: [rows])
        file.float32("infos/action_log_probs", noise(rows), shape: [rows])
        file.bool("terminals", Array(repeating: false, count: rows))
        file.bool("timeouts", (0..<rows).map { $0 % 50 == 49 })
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
        // 322 rows of 814 bytes pass the estimate (262,108 of 262,144 bytes). Their floats are random bit
        // patterns, which deflate cannot shrink (only the 644 bytes of flags), so HDF5's own overhead does not fit.
        let noise = directory + "/noise.hdf5", noiseStore = directory + "/noise-store"
        writeIncompressibleD4RL(noise, rows: 322, observationSize: 100)
        _ = try DatasetImporter().importDataset(from: noise, into: noiseStore)
        let lateD4RL = try OffpolicyExecutable.run(["dataset", "export", "--store", noiseStore, "--out", disk + "/late.hdf5"])
        XCTAssertEqual(lateD4RL.status, 1, lateD4RL.standardError)
        XCTAssertEqual(lateD4RL.standardError.split(separator: "\n").count, 1, lateD4RL.standardError)
        XCTAssertTrue(lateD4RL.standardError.contains("No space left on device"), lateD4RL.standardError)
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

    /// `--force` replaces a regular file only: renaming the export over /dev/null (as root) replaced the
    /// device with a regular file. A device, a FIFO, and a link to either are refused, and stay what they were.
    func testExportNeverReplacesADeviceOrAFIFO() throws {
        let fifo = directory + "/fifo", device = directory + "/null-device", link = directory + "/link-to-fifo"
        XCTAssertEqual(mkfifo(fifo, 0o644), 0)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fifo)
        var targets = [(fifo, "a FIFO"), (link, "a FIFO")]
        if mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0 { targets.append((device, "a device")) }  // the null device, 1:3 (root only)
        for (target, kind) in targets {
            for force in [false, true] {
                let output = try OffpolicyExecutable.run(["dataset", "export", "--store", store, "--out", target] + (force ? ["--force"] : []))
                assertOneLineFailure(output, mentioning: [kind, "never replaced"])
            }
            var info = stat()
            XCTAssertEqual(stat(target, &info), 0)
            XCTAssertNotEqual(info.st_mode & S_IFMT, S_IFREG, "\(target) was replaced by a regular file")
        }
    }

    /// No writer of a user-named path writes into a run directory, a compare directory or another replay
    /// store, even with --force: a run's progress.csv or a store's data.mdb was replaced with exit status 0,
    /// `dataset import --store RUN/replay` appended to a run's store, `train --run-dir STORE` trained in a store.
    func testWritersNeverWriteIntoARunOrAnotherStore() throws {
        let run = directory + "/run", other = directory + "/other"
        try FileManager.default.createDirectory(atPath: run + "/checkpoint", withIntermediateDirectories: true)
        for name in ["config.json", "progress.csv", "metrics.csv"] {
            try Data("a run's \(name)".utf8).write(to: URL(fileURLWithPath: run + "/" + name))
        }
        let small = directory + "/small.hdf5"
        _ = try DatasetImporter().importDataset(from: small, into: other)
        let progress = try bytes(run + "/progress.csv"), otherData = try bytes(other + "/data.mdb")
        let comparison = directory + "/comparison"
        try FileManager.default.createDirectory(atPath: comparison + "/runs", withIntermediateDirectories: true)
        try Data("algo,seed,env_steps,eval_return\n".utf8).write(to: URL(fileURLWithPath: comparison + "/curves.csv"))
        let link = directory + "/link-to-run"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: run)
        let refused: [[String]] = [
            ["dataset", "export", "--store", store, "--out", run + "/progress.csv", "--force"],
            ["dataset", "export", "--store", store, "--out", link + "/progress.csv", "--force"],
            ["dataset", "export", "--store", store, "--out", run + "/new.hdf5"],
            ["dataset", "export", "--store", store, "--out", other + "/data.mdb", "--force"],
            ["dataset", "export", "--store", store, "--out", run, "--format", "minari", "--force"],
            ["dataset", "export", "--store", store, "--out", other, "--format", "minari", "--force"],
            ["dataset", "import", small, "--store", run + "/replay"],
            ["dataset", "import", small, "--store", run],
            ["dataset", "import", small, "--store", other + "/inner"],
            ["replay", "create", run, "--observation-size", "3", "--action-size", "1"],
            ["replay", "create", link + "/s", "--observation-size", "3", "--action-size", "1"],
            ["collect", "--random", "--env", "Pendulum-v1", "--steps", "5", "--out", other + "/x.hdf5"],
            ["collect", "--random", "--env", "Pendulum-v1", "--steps", "5", "--out", run + "/x.hdf5"],
            ["train", "sac", "--env", "Pendulum-v1", "--steps", "5", "--run-dir", other],
            ["train", "sac", "--env", "Pendulum-v1", "--steps", "5", "--run-dir", run + "/sub"],
            ["train", "sac", "--env", "Pendulum-v1", "--steps", "5", "--run-dir", comparison],
        ]
        for arguments in refused {
            let output = try OffpolicyExecutable.run(arguments)
            XCTAssertEqual(output.status, 64, "\(arguments): \(output.standardError)")
            XCTAssertTrue(output.standardError.contains("belong") || output.standardError.contains("is a replay store"),
                          "\(arguments): \(output.standardError)")
        }
        XCTAssertEqual(try bytes(run + "/progress.csv"), progress)
        XCTAssertEqual(try bytes(other + "/data.mdb"), otherData)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: run)), ["checkpoint", "config.json", "progress.csv", "metrics.csv"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: other)), ["data.mdb", "lock.mdb", "writer.lock"])
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: comparison)), ["curves.csv", "runs"], "a compare directory is not a run directory")
        // Appending to a store of its own is still allowed.
        let appended = try OffpolicyExecutable.run(["dataset", "import", small, "--store", other])
        XCTAssertEqual(appended.status, 0, appended.standardError)
    }
}
