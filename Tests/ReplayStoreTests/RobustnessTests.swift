import Foundation
import TestSupport
import XCTest
@testable import ReplayStore

/// Issue 7, "Never crash": every broken store, bad argument and concurrent misuse ends in one line on
/// standard error and an exit status below 128, with real `offpolicy` processes; a store that was
/// valid before the failure still passes `replay verify` afterwards.
final class RobustnessTests: XCTestCase {
    /// A valid store of `transitions` synthetic transitions (seed 1, small rows, chunks of 8).
    private func makeStore(_ path: String, transitions: Int = 2_000) throws {
        let fill = try CommandLineRun.run(["replay", "fill", path, "--transitions", "\(transitions)", "--seed", "1",
                                           "--commit-every", "500", "--observation-size", "3", "--action-size", "2", "--chunk", "8"])
        fill.assertSuccess()
    }

    private func assertVerifies(_ path: String, transitions: Int? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let verify = try CommandLineRun.run(["replay", "verify", path, "--synthetic-seed", "1"])
        verify.assertSuccess(file: file, line: line)
        if let transitions {
            XCTAssertTrue(verify.output.contains(" \(transitions) transitions"), verify.output, file: file, line: line)
        }
    }

    /// The read-only commands on `path`, each with the arguments it needs.
    private func readCommands(_ path: String) -> [[String]] {
        [["replay", "info", path], ["replay", "verify", path, "--synthetic-seed", "1"],
         ["replay", "sample", path, "--batch", "64", "--seed", "3", "--synthetic-seed", "1"]]
    }

    private func fillCommand(_ path: String, transitions: Int = 100) -> [String] {
        ["replay", "fill", path, "--transitions", "\(transitions)", "--seed", "1", "--commit-every", "50"]
    }

    // MARK: 1. LMDB cannot open the store (was: double free, exit 134)

    func testADataFileOfRandomBytesIsACleanError() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        var generator = SystemRandomNumberGenerator()
        try Data((0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: path + "/data.mdb"))
        try? FileManager.default.removeItem(atPath: path + "/lock.mdb")
        for arguments in readCommands(path) + [fillCommand(path)] {
            try CommandLineRun.run(arguments).assertCleanFailure(containing: "data.mdb is damaged", "not an LMDB file")
        }
    }

    func testAStoreOnAReadOnlyFileSystemIsReadAndRefusesWrites() throws {
        let mountPoint = try SystemFixtures.tmpfs(size: "4m", in: try temporaryDirectory(self), for: self)
        let path = mountPoint + "/store"
        try makeStore(path)
        try SystemFixtures.remountReadOnly(mountPoint)
        for arguments in readCommands(path) { try CommandLineRun.run(arguments).assertSuccess() }
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(containing: "Read-only file system")
        try assertVerifies(path, transitions: 2_000)
    }

    func testAStoreTheUserMayNotWriteToIsReadAndRefusesWrites() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        // Root bypasses permissions, so as root the commands run as `nobody`; otherwise the files lose write permission.
        let asNobody = SystemFixtures.isRoot
        if !asNobody {
            for name in ["", "/data.mdb", "/lock.mdb", "/writer.lock"] { chmod(path + name, name.isEmpty ? 0o555 : 0o444) }
            addTeardownBlock { chmod(path, 0o755) }
        }
        for arguments in readCommands(path) {
            let run = try CommandLineRun.run(arguments, asNobody: asNobody)
            run.assertSuccess()
            XCTAssertTrue(run.error.contains("reading without LMDB's reader table"), run.error)
        }
        try CommandLineRun.run(fillCommand(path), asNobody: asNobody).assertCleanFailure(containing: "Permission denied")
        try assertVerifies(path, transitions: 2_000)
    }

    /// A clone under a directory only its owner may enter (`/root`, a `mktemp -d` folder), run by a user
    /// who may run the binary: the reader child starts too (it is started through /proc/self/exe and
    /// /proc/self/cwd, not through paths that need search permission on that directory).
    func testTheReaderChildStartsUnderADirectoryOnlyItsOwnerMayEnter() throws {
        guard SystemFixtures.isRoot else { throw XCTSkip("running a command as another user needs root; this test runs only as root") }
        let base = try temporaryDirectory(self)
        let path = base + "/store"
        try makeStore(path)
        let ownerOnly = URL(fileURLWithPath: base + "/owner-only")
        let clone = ownerOnly.appendingPathComponent("clone")
        try FileManager.default.createDirectory(at: clone, withIntermediateDirectories: true)
        let binary = clone.appendingPathComponent("offpolicy")
        try FileManager.default.copyItem(at: try OffpolicyExecutable.url(), to: binary)
        chmod(clone.path, 0o755)
        chmod(binary.path, 0o755)
        chmod(ownerOnly.path, 0o700)
        addTeardownBlock { chmod(ownerOnly.path, 0o755) }
        for arguments in readCommands(path) {
            let run = try CommandLineRun.run(arguments, asNobody: true, executable: binary, currentDirectory: clone)
            run.assertSuccess()
            XCTAssertFalse(run.error.contains("cannot start a child process"), run.error)
        }
        // A relative store path still names the same store in the child (it runs in the same directory).
        try makeStore(clone.path + "/relative-store", transitions: 300)
        let relative = try CommandLineRun.run(["replay", "info", "relative-store"], asNobody: true, executable: binary, currentDirectory: clone)
        relative.assertSuccess()
        XCTAssertTrue(relative.output.contains("transitions        300"), relative.output)
    }

    func testAnImmutableLockFileStillLetsTheStoreBeRead() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        try SystemFixtures.makeImmutable(path + "/lock.mdb", for: self)
        for arguments in readCommands(path) { try CommandLineRun.run(arguments).assertSuccess() }
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(containing: "Operation not permitted")
        try assertVerifies(path, transitions: 2_000)
    }

    // MARK: 2. A full disk during fill (was: double free after a failed commit)

    func testAFullDiskEndsFillCleanlyAndKeepsEveryAcknowledgedTransition() throws {
        let mountPoint = try SystemFixtures.tmpfs(size: "2m", in: try temporaryDirectory(self), for: self)
        let path = mountPoint + "/store"
        let fill = try CommandLineRun.run(["replay", "fill", path, "--transitions", "200000", "--seed", "1", "--commit-every", "1000",
                                           "--observation-size", "3", "--action-size", "2", "--chunk", "8"])
        fill.assertCleanFailure(containing: "this transaction was not committed", "bytes free")
        let acknowledged = fill.lastCommitted
        XCTAssertGreaterThan(acknowledged, 0, "some commits succeeded before the disk filled")
        try assertVerifies(path, transitions: acknowledged)
        // Trying again on the full disk fails the same way (after a commit or two into pages the last
        // failure left free) and loses nothing it acknowledged.
        let again = try CommandLineRun.run(fillCommand(path, transitions: 5_000))
        again.assertCleanFailure(containing: "not committed")
        let total = max(acknowledged, again.lastCommitted)
        try assertVerifies(path, transitions: total)
        let store = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(store.appendedCount, total)
        // A store that cannot be created on the full disk leaves no directory behind.
        let other = mountPoint + "/other/store"
        try CommandLineRun.run(["replay", "create", other, "--observation-size", "3", "--action-size", "2"]).assertCleanFailure()
        XCTAssertFalse(FileManager.default.fileExists(atPath: mountPoint + "/other"))
    }

    // MARK: 3. A truncated data file (was: SIGBUS, exit 135)

    func testATruncatedDataFileIsNamedWithBothSizes() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        let file = path + "/data.mdb"
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file)[.size] as? Int)
        for keep in [size / 2, size - 4096, size - 1] {
            XCTAssertEqual(truncate(file, off_t(keep)), 0)
            for arguments in readCommands(path) + [fillCommand(path)] {
                try CommandLineRun.run(arguments).assertCleanFailure(
                    containing: "store truncated: \(path)/data.mdb holds \(keep) bytes, its meta page expects \(size)")
            }
        }
        XCTAssertEqual(truncate(file, 100), 0)
        try CommandLineRun.run(["replay", "info", path]).assertCleanFailure(containing: "holds 100 bytes, too few for LMDB's two meta pages")
    }

    // MARK: 4. A damaged B-tree page (was: LMDB's assertion, abort)

    func testADamagedBranchPageEndsEveryCommandWithOneLine() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path, transitions: 3_000)
        let file = URL(fileURLWithPath: path + "/data.mdb")
        var data = try Data(contentsOf: file)
        let root = try XCTUnwrap(chunksRootBranch(of: data), "the chunks tree of 375 chunks has a branch root")
        // One node left in the branch page: LMDB asserts `NUMKEYS(mp) > 1` on every search through it.
        data[root * 4096 + 12] = 18
        data[root * 4096 + 13] = 0
        try data.write(to: file)
        let sample = try CommandLineRun.run(["replay", "sample", path, "--batch", "64", "--seed", "3"])
        sample.assertCleanFailure(containing: "B-tree damaged (LMDB aborted: ", "Assertion")
        // A writer audits the pages before it writes: it names the page and writes nothing.
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(
            containing: "B-tree damaged: page \(root) of the chunks database: a branch page with a single child", "nothing was written")
        try CommandLineRun.run(["replay", "verify", path]).assertCleanFailure(
            containing: "verify FAILED: B-tree damaged: page \(root) of the chunks database: a branch page with a single child")
        try CommandLineRun.run(["replay", "info", path]).assertCleanFailure(containing: "B-tree damaged: page \(root)")
    }

    /// A damaged leaf node that sends LMDB outside the file (SIGSEGV inside liblmdb): the reading
    /// commands run in a child process, so even that ends in one line; `verify`'s page audit names it.
    func testAPageThatCrashesLMDBEndsInOneLineThroughTheChildProcess() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path, transitions: 3_000)
        let file = URL(fileURLWithPath: path + "/data.mdb")
        var data = try Data(contentsOf: file)
        func u16(_ offset: Int) -> Int { Int(data[offset]) | Int(data[offset + 1]) << 8 }
        let root = try XCTUnwrap(chunksRootBranch(of: data)) * 4096
        // The leaf under the root's second child; its first node gets F_DUPDATA, a flag of sorted-duplicate
        // databases that LMDB then follows into the value's bytes as if they were a sub-page.
        let childNode = root + u16(root + 16 + 2)
        let leaf = (u16(childNode) | u16(childNode + 2) << 16) * 4096
        XCTAssertEqual(data[leaf + 10], 0x02, "a leaf page")
        data[leaf + u16(leaf + 16) + 4] |= 0x04
        try data.write(to: file)
        try CommandLineRun.run(["replay", "sample", path, "--batch", "2000", "--seed", "1"]).assertCleanFailure(
            containing: "error: B-tree damaged (reading the store crashed with signal 11")
        try CommandLineRun.run(["replay", "verify", path]).assertCleanFailure(
            containing: "verify FAILED: B-tree damaged: page \(leaf / 4096) of the chunks database: node 0 has flags 0x4")
        try CommandLineRun.run(["replay", "info", path]).assertCleanFailure(containing: "B-tree damaged: page \(leaf / 4096)")
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(containing: "B-tree damaged: page \(leaf / 4096)", "nothing was written")
    }

    /// The root page of the `chunks` database when it is a branch page, found from the newest meta page
    /// through LMDB's main database (the layout `LMDBPageAudit` documents).
    private func chunksRootBranch(of data: Data) -> Int? {
        func u16(_ offset: Int) -> Int { Int(data[offset]) | Int(data[offset + 1]) << 8 }
        func u64(_ offset: Int) -> Int { (0..<8).reduce(0) { $0 | Int(data[offset + $1]) << (8 * $1) } }
        let meta = u64(144) >= u64(4096 + 144) ? 0 : 4096
        let mainRoot = u64(meta + 16 + 72 + 40)
        let page = mainRoot * 4096
        for index in 0..<((u16(page + 12) - 16) / 2) {
            let node = page + u16(page + 16 + 2 * index)
            let keySize = u16(node + 6)
            guard String(decoding: data[(node + 8)..<(node + 8 + keySize)], as: UTF8.self) == "chunks" else { continue }
            let record = node + 8 + keySize
            let depth = u16(record + 6), root = u64(record + 40)
            return depth >= 2 ? root : nil
        }
        return nil
    }

    // MARK: 5. Absurd sizes (was: overflow and allocation traps, exit 132 or 134)

    /// Foundation's `deletingLastPathComponent` traps on a one-character relative path: a store named "s"
    /// in the working directory crashed `replay create` and `dataset import`.
    func testAStoreOfAOneLetterRelativePathIsCreated() throws {
        let directory = URL(fileURLWithPath: try temporaryDirectory(self))
        let create = try CommandLineRun.run(["replay", "create", "s", "--observation-size", "3", "--action-size", "2"],
                                            currentDirectory: directory)
        create.assertSuccess()
        var isDirectory: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("s/data.mdb").path, isDirectory: &isDirectory))
        XCTAssertEqual(StoreDirectory.parent(of: "s"), "")
        XCTAssertEqual(StoreDirectory.parent(of: "s/"), "")
        XCTAssertEqual(StoreDirectory.parent(of: "a/b"), "a")
        XCTAssertEqual(StoreDirectory.parent(of: "a//b/"), "a")
        XCTAssertEqual(StoreDirectory.parent(of: "/x"), "/")
        XCTAssertEqual(StoreDirectory.parent(of: "/x/y"), "/x")
        XCTAssertEqual(StoreDirectory.parent(of: "/"), "/")
    }

    func testAbsurdSizesAreRefusedNamingTheFlagAndTheLimit() throws {
        let directory = try temporaryDirectory(self)
        let path = directory + "/store"
        try makeStore(path)
        let huge = "9223372036854775807"
        let cases: [([String], [String])] = [
            (["replay", "sample", path, "--batch", huge, "--seed", "1"], ["--batch \(huge) exceeds the limit of"]),
            (["replay", "fill", path, "--transitions", huge, "--commit-every", huge, "--seed", "1"], ["--transitions \(huge) exceeds the limit of"]),
            (["replay", "fill", path, "--transitions", "10", "--commit-every", huge, "--seed", "1"], ["--commit-every \(huge) exceeds the limit of"]),
            (["replay", "fill", path, "--transitions", "10", "--seed", "1", "--cache-mb", huge], ["--cache-mb \(huge) exceeds the limit of"]),
            (["replay", "fill", path, "--transitions", "281474976710000", "--seed", "1"], ["--transitions 281474976710000 exceeds the limit of"]),
            (["replay", "create", directory + "/a", "--observation-size", huge, "--action-size", "2"], ["observation size \(huge) must be in"]),
            (["replay", "create", directory + "/b", "--observation-size", "3", "--action-size", "2", "--chunk", huge], ["chunk length \(huge) must be in"]),
            (["replay", "create", directory + "/c", "--observation-size", "1000000", "--action-size", "1000000", "--chunk", "300"], ["would exceed 256 MiB"]),
            (["replay", "create", directory + "/d", "--observation-size", "3", "--action-size", "2", "--level", huge], ["compression level \(huge) must be in"]),
            (["replay", "bench", "--transitions", huge], ["--transitions \(huge) exceeds the limit of"]),
            (["replay", "bench", "--observation-size", huge], ["observation size \(huge) must be in"]),
            (["replay", "bench", "--directory", directory + "/missing/x"], ["--directory", "no such directory"]),
        ]
        for (arguments, expected) in cases {
            let run = try CommandLineRun.run(arguments)
            for text in expected { run.assertCleanFailure(containing: text) }
        }
        for name in ["a", "b", "c", "d", "missing"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: directory + "/" + name), "\(name) was not created")
        }
        try assertVerifies(path, transitions: 2_000)
    }

    // MARK: 7. Two writers on one store

    func testASecondWriterIsRefusedReadersAreNotAndAKilledWritersLockDoesNotBlock() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        let writer = Process()
        writer.executableURL = try OffpolicyExecutableURL.url()
        writer.arguments = ["replay", "fill", path, "--transitions", "100000000", "--seed", "1", "--commit-every", "200"]
        let writerOutput = Pipe()
        writer.standardOutput = writerOutput
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        defer { if writer.isRunning { kill(writer.processIdentifier, SIGKILL); writer.waitUntilExit() } }
        var seen = ""
        while !seen.contains("committed ") {
            let data = writerOutput.fileHandleForReading.availableData
            XCTAssertFalse(data.isEmpty, "the writer printed its first commit")
            if data.isEmpty { return }
            seen += String(decoding: data, as: UTF8.self)
        }

        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(
            containing: "store \(path) is open for writing by process \(writer.processIdentifier)")
        XCTAssertThrowsError(try ReplayStore.open(at: path)) { error in
            XCTAssertEqual(error as? ReplayStoreError, .writerActive(path: path, pid: writer.processIdentifier))
        }
        // Readers are never blocked, and every transition they see is the writer's stream.
        for arguments in readCommands(path) { try CommandLineRun.run(arguments).assertSuccess() }
        XCTAssertTrue(writer.isRunning)

        kill(writer.processIdentifier, SIGKILL)
        writer.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "/" + StoreWriterLock.fileName), "the lock file stays")
        let next = try CommandLineRun.run(fillCommand(path))
        next.assertSuccess()
        try assertVerifies(path, transitions: next.lastCommitted)
    }

    func testStoresOfOneProcessShareTheWriterLockAndReleaseItOnClose() throws {
        let path = try temporaryDirectory(self) + "/store"
        var first: ReplayStore? = try ReplayStore.create(at: path, schema: StoreSchema(observationSize: 3, actionSize: 2, chunkLength: 8))
        var second: ReplayStore? = try ReplayStore.open(at: path)
        try first?.append(labelled(0..<10))
        try second?.append(labelled(10..<20))
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(containing: "open for writing by process \(getpid())")
        first = nil
        try CommandLineRun.run(fillCommand(path)).assertCleanFailure(containing: "open for writing by process \(getpid())")
        second = nil
        try CommandLineRun.run(["replay", "fill", path, "--transitions", "5", "--seed", "1"]).assertSuccess()
        let reader = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly))
        XCTAssertEqual(reader.appendedCount, 25)
        XCTAssertThrowsError(try reader.append(labelled(25..<26))) { error in
            XCTAssertEqual(error as? ReplayStoreError, .readOnly(path: path))
        }
    }

    // MARK: sample --json

    func testSampleJSONWritesNullForANonFiniteValue() throws {
        let path = try temporaryDirectory(self) + "/store"
        try makeStore(path)
        let sample = try CommandLineRun.run(["replay", "sample", path, "--batch", "300", "--seed", "2", "--json"])
        sample.assertSuccess()
        XCTAssertFalse(sample.output.contains("nan"), "no NaN spelled as a string")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(sample.output.utf8)) as? [String: Any], "valid JSON")
        let logProbabilities = try XCTUnwrap(object["behavior_log_probabilities"] as? [Any])
        XCTAssertEqual(logProbabilities.count, 300)
        XCTAssertTrue(logProbabilities.contains { $0 is NSNull }, "every fifth synthetic episode has an unknown log-probability: null")
        XCTAssertTrue(logProbabilities.contains { $0 is NSNumber }, "the others are numbers")
    }
}

/// The built `offpolicy`, for tests that start it themselves.
private enum OffpolicyExecutableURL {
    static func url() throws -> URL { try OffpolicyExecutable.url() }
}
