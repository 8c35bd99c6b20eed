import Foundation
import Randomness
import XCTest
@testable import ReplayStore

/// In-process checks of what the store reads from its files before it trusts it: the meta pages, the
/// pages of every B-tree, the state record, chunk keys and sizes. None of these may trap.
final class DamagedStoreTests: XCTestCase {
    private let schema = StoreSchema(observationSize: 3, actionSize: 2, capacity: 10_000, chunkLength: 8)

    private func makeStore(transitions: Int = 400) throws -> (path: String, store: ReplayStore) {
        let path = try temporaryDirectory(self) + "/store"
        let store = try ReplayStore.create(at: path, schema: schema)
        try store.append(labelled(0..<transitions))
        return (path, store)
    }

    func testTheMetaPagesAgreeWithLMDB() throws {
        let (path, store) = try makeStore()
        let metas = try LMDBMetaPages(directory: path)
        let (lastPage, pageSize) = try store.environment.pageBounds()
        XCTAssertEqual(metas.newest.pageSize, pageSize)
        XCTAssertEqual(metas.newest.lastPage, lastPage)
        XCTAssertEqual(metas.newest.pageSize, Int(sysconf(Int32(_SC_PAGESIZE))), "LMDB writes pages of the OS page size")
        XCTAssertEqual(metas.expectedBytes, metas.fileBytes, "LMDB's file ends at its last page")
        XCTAssertEqual(metas.newest.mapSize, UInt64(store.mapSizeBytes))
        try store.environment.read { transaction in XCTAssertEqual(metas.newest.transactionID, transaction.id) }
    }

    func testAForeignOrDamagedMetaPageIsNamed() throws {
        let (path, _) = try makeStore()
        let file = URL(fileURLWithPath: path + "/data.mdb")
        let original = try Data(contentsOf: file)
        for (offset, flip, expected) in [(16, 0x40, "magic"), (20, 0x40, "data format"), (10, 0x08, "not marked as a meta page"),
                                         (41, 0x40, "page size")] as [(Int, UInt8, String)] {
            var data = original
            data[offset] ^= flip
            try data.write(to: file)
            XCTAssertThrowsError(try LMDBMetaPages(directory: path), "byte \(offset)") { error in
                guard case let ReplayStoreError.damagedDataFile(_, reason) = error else { return XCTFail("\(error)") }
                XCTAssertTrue(reason.contains(expected), reason)
            }
        }
    }

    func testThePageAuditPassesSoundStoresAndNamesADamagedPage() throws {
        let (path, store) = try makeStore(transitions: 3_000)
        try store.append(labelled(3_000..<3_100))
        let transaction = try store.environment.read { $0.id }
        XCTAssertNil(try LMDBPageAudit(directory: path).audit(transactionID: transaction))
        XCTAssertNil(try store.verify().firstProblem)

        // A page whose header names another page: LMDB's writer would free the wrong page. The main
        // database's root (a leaf, from the newest meta page) is always in use.
        let file = URL(fileURLWithPath: path + "/data.mdb")
        var data = try Data(contentsOf: file)
        let pageSize = try LMDBMetaPages(directory: path).newest.pageSize
        func u64(_ offset: Int) -> Int { (0..<8).reduce(0) { $0 | Int(data[offset + $1]) << (8 * $1) } }
        let meta = u64(144) >= u64(pageSize + 144) ? 0 : pageSize
        let leaf = u64(meta + 16 + 72 + 40)
        data[leaf * pageSize + 2] ^= 0x02
        try data.write(to: file)
        let problem = try XCTUnwrap(try LMDBPageAudit(directory: path).audit(transactionID: transaction))
        XCTAssertTrue(problem.contains("page \(leaf)") && problem.contains("header says"), problem)
    }

    func testADamagedStateRecordIsAnErrorNeverATrap() throws {
        let (_, store) = try makeStore()
        var damaged: [StoreState] = []
        for field in 0..<4 {
            var state = StoreState()
            state.totalAppended = 400
            state.storedBytes = 1_000
            switch field {
            case 0: state.totalAppended = .max
            case 1: state.evictionCursor = 1 << 62
            case 2: state.pinnedChunkCount = 3
            default: state.storedBytes = .max
            }
            damaged.append(state)
        }
        for state in damaged {
            try store.environment.write { transaction in
                try state.bytes.withUnsafeBytes { try transaction.put(store.meta, key: ReplayStore.stateKey, value: $0) }
            }
            let problem = try XCTUnwrap(try store.verify().firstProblem)
            XCTAssertTrue(problem.hasPrefix("state: the state record"), problem)
            var generator = SeededGenerator(seed: 1)
            for attempt in [
                { _ = try store.sample(batchSize: 16, using: &generator) },
                { _ = try store.statistics() },
                { try store.append(labelled(400..<401)) },
                { _ = try store.appendedTransitionCount() },
            ] {
                XCTAssertThrowsError(try attempt()) { error in
                    guard case ReplayStoreError.corruptStore = error else { return XCTFail("\(error)") }
                }
            }
            _ = store.transitionCount  // falls back to the last state read, without trapping
        }
    }

    func testChunkKeysAndPinnedEntriesFromTheFileAreNeverTrusted() throws {
        let (_, store) = try makeStore()
        let record = try XCTUnwrap(try store.rawRecord(ofChunk: 3))
        try store.environment.write { transaction in
            try record.withUnsafeBytes { try transaction.put(store.chunks, key: UInt64.max, value: $0) }
        }
        let problem = try XCTUnwrap(try store.verify().firstProblem)
        XCTAssertTrue(problem.hasPrefix("chunk 18446744073709551615: present but not live"), problem)

        // A pinned entry naming a chunk far beyond the cursor.
        var state = StoreState()
        state.totalAppended = 400
        state.evictionCursor = 2
        state.pinnedChunkCount = 1
        state.storedBytes = 1
        try store.environment.write { transaction in
            try state.bytes.withUnsafeBytes { try transaction.put(store.meta, key: ReplayStore.stateKey, value: $0) }
            var huge = UInt64.max.littleEndian
            try withUnsafeBytes(of: &huge) { try transaction.put(store.pinned, key: 0, value: $0) }
        }
        var generator = SeededGenerator(seed: 2)
        var sawError = false
        for _ in 0..<20 {
            do { _ = try store.sample(batchSize: 64, using: &generator) } catch ReplayStoreError.corruptStore {
                sawError = true
            }
        }
        XCTAssertTrue(sawError, "sampling the pinned range names the bad entry")
        XCTAssertTrue(try XCTUnwrap(try store.verify().firstProblem).hasPrefix("pinned entry 0"))
    }

    func testAnOversizedRecordIsRejectedBeforeItIsRead() throws {
        let codec = try ChunkCodec(schema: schema)
        let bytes = [UInt8](repeating: 0, count: codec.maximumRecordBytes + 1)
        let chunk = DecodedChunk(capacity: 8, layout: codec.layout)
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try codec.decode($0, chunkIndex: UInt64.max, into: chunk) }) { error in
            guard case let ReplayStoreError.corruptChunk(index, _, reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(index, UInt64.max)
            XCTAssertTrue(reason.contains("longer than any chunk"), reason)
        }
    }

    func testSizesBeyondTheLimitsAreErrors() throws {
        let (path, store) = try makeStore()
        var generator = SeededGenerator(seed: 1)
        for size in [Int.max, StoreLimits.maximumBatchSize + 1] {
            XCTAssertThrowsError(try store.sample(batchSize: size, using: &generator)) { error in
                guard case let ReplayStoreError.limitExceeded(name, _, _) = error else { return XCTFail("\(error)") }
                XCTAssertEqual(name, "batch size")
            }
        }
        let wide = StoreSchema(observationSize: 1_000_000, actionSize: 1, capacity: 64, chunkLength: 64)
        XCTAssertThrowsError(try wide.validate())
        for options in [StoreOptions(cacheBudgetBytes: .max), StoreOptions(cacheBudgetBytes: -1), StoreOptions(initialMapSizeBytes: .max)] {
            XCTAssertThrowsError(try ReplayStore.open(at: path, options: options)) { error in
                guard case ReplayStoreError.limitExceeded = error else { return XCTFail("\(error)") }
            }
        }
    }

    func testStoreOptionsWrittenBeforeAccessExistedDecodeAsReadWrite() throws {
        let json = #"{"durability":"powerCutSafe","cacheBudgetBytes":0,"pinsDemonstrations":true,"nonFiniteValues":"reject","initialMapSizeBytes":1048576}"#
        let options = try JSONDecoder().decode(StoreOptions.self, from: Data(json.utf8))
        XCTAssertEqual(options.access, .readWrite)
        let roundTrip = try JSONDecoder().decode(StoreOptions.self, from: JSONEncoder().encode(StoreOptions(access: .readOnly)))
        XCTAssertEqual(roundTrip.access, .readOnly)
    }
}
