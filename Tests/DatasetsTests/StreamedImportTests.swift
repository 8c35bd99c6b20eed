@testable import Datasets
import Foundation
import ReplayStore
import TestSupport
import Transitions
import XCTest

/// `dataset import` reads in blocks: the transitions equal those of the whole dataset, a file larger than
/// the memory limit imports, and a failure part-way leaves the store as it was.
final class StreamedImportTests: XCTestCase {
    /// Blocks of any size give exactly the transitions (episode ids, steps, dropped rows) of the whole dataset.
    func testBlocksGiveTheTransitionsOfTheWholeDataset() throws {
        var withoutNext = try LoggedDataset.read(from: DatasetFixtures.d4rlMedium)
        withoutNext.nextObservations = nil
        for dataset in [try LoggedDataset.read(from: DatasetFixtures.d4rlMedium), withoutNext,
                        try LoggedDataset.read(from: DatasetFixtures.minariMedium)] {
            let (whole, dropped) = dataset.transitions(firstEpisodeID: 5)
            for blockRows in [1, 7, 200, 2048, 3001, 1 << 20] {
                var numbering = StreamedTransitions(observationSize: dataset.observationSize, actionSize: dataset.actionSize,
                                                    rowCount: dataset.count, firstEpisodeID: 5)
                var streamed = TransitionBatch(observationSize: dataset.observationSize, actionSize: dataset.actionSize, reservingCapacity: whole.count)
                _ = try InMemoryBlockReader(dataset: dataset).forEachBlock(rows: blockRows) { block in
                    let batch = numbering.transitions(of: block)
                    streamed.appendRows(of: batch, 0..<batch.count)
                }
                XCTAssertTrue(streamed == whole, "blocks of \(blockRows) rows (\(dataset.format), next: \(dataset.nextObservations != nil))")
                XCTAssertEqual(numbering.dropped, dropped)
                XCTAssertEqual(numbering.episodes, Set(whole.episodeIDs).count)
            }
        }
    }

    private func importInChild(_ file: String, into store: String, limit: Int) throws -> ProcessOutput {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"),
                             ["\(DatasetMemoryLimit.environmentVariable)=\(limit)", try OffpolicyExecutable.url().path,
                              "dataset", "import", file, "--store", store, "--json"])
    }

    /// A file whose columns are larger than `OFFPOLICY_DATASET_MEMORY_LIMIT` imports completely, in blocks.
    func testAFileLargerThanTheMemoryLimitImportsInBlocks() throws {
        let directory = try DatasetFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rows = 30_000, limit = 64 << 10
        for withNext in [true, false] {
            let file = directory + "/large-\(withNext).hdf5", store = directory + "/store-\(withNext)"
            DatasetFixtures.writeSmallD4RL(file, rows: rows, withNext: withNext)
            XCTAssertGreaterThan(rows * 2 * 4, limit, "the observations column alone exceeds the limit")
            let output = try importInChild(file, into: store, limit: limit)
            XCTAssertEqual(output.status, 0, output.standardError)
            let expected = try LoggedDataset.read(from: file)  // in this process, without the small limit
            let (batch, dropped) = expected.transitions(firstEpisodeID: 0)
            let line = try XCTUnwrap(output.standardOutput.split(separator: "\n").last)
            let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(json["transitions"] as? Int, batch.count)
            XCTAssertEqual(json["dropped_rows"] as? Int, dropped)
            XCTAssertEqual(batch.count + dropped, rows)
            let stored = try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly, cacheBudgetBytes: 0)).liveTransitions()
            XCTAssertTrue(stored == batch)
            if withNext {  // every row kept: row r's first observation value is r (written as 2r × 0.5)
                XCTAssertEqual(stored.observations[2 * 12_345], 12_345)
                XCTAssertEqual(stored.rewards[rows - 1], -Float(rows - 1))
            }
        }
    }

    /// A NaN near the end of a large file fails the import after earlier blocks were appended: an
    /// existing store keeps exactly what it held, and a store the import would have created is absent.
    func testAFailurePartWayLeavesTheStoreAsItWas() throws {
        let directory = try DatasetFixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let rows = 30_000, limit = 64 << 10
        let bad = directory + "/bad.hdf5", good = directory + "/good.hdf5", store = directory + "/store"
        DatasetFixtures.writeSmallD4RL(good, rows: 100)
        DatasetFixtures.writeSmallD4RL(bad, rows: rows, skip: ["rewards"]) { file in
            var rewards = (0..<rows).map { -Float($0) }
            rewards[rows - 10] = .nan
            file.float32("rewards", rewards, shape: [rows])
        }
        XCTAssertEqual(try importInChild(good, into: store, limit: limit).status, 0)
        let options = StoreOptions(access: .readOnly, cacheBudgetBytes: 0)
        let before = try ReplayStore.open(at: store, options: options)
        let (transitions, appended, bytes) = (try before.liveTransitions(), try before.appendedTransitionCount(), try before.statistics().storedBytes)
        let failed = try importInChild(bad, into: store, limit: limit)
        XCTAssertNotEqual(failed.status, 0)
        XCTAssertTrue(failed.standardError.contains("rewards"), failed.standardError)
        XCTAssertTrue(failed.standardError.contains("\(rows - 10)"), failed.standardError)
        let after = try ReplayStore.open(at: store, options: options)
        XCTAssertTrue(try after.liveTransitions() == transitions)
        XCTAssertEqual(try after.appendedTransitionCount(), appended)
        XCTAssertEqual(try after.statistics().storedBytes, bytes)
        XCTAssertEqual(try after.verify().transitionsChecked, appended)

        let created = directory + "/created"
        XCTAssertNotEqual(try importInChild(bad, into: created, limit: limit).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: created))
    }
}
