import CHDF5
@testable import Datasets
import Foundation
import ReplayStore
import Transitions
import XCTest

/// D4RL import into a store, export back out, and the store's contents.
final class D4RLRoundTripTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

    func testImportThenExportIsBitExactForEveryKey() throws {
        let store = directory + "/store", out = directory + "/out.hdf5"
        let report = try DatasetImporter().importDataset(from: DatasetFixtures.d4rlMedium, into: store)
        XCTAssertEqual(report.transitions, 20_000)
        XCTAssertEqual(report.episodes, 100)
        XCTAssertEqual(report.droppedRows, 0)
        XCTAssertTrue(report.createdStore)
        try D4RLFile.write(try LoggedDataset.read(fromStore: store), to: out)

        let original = try HDF5File.open(DatasetFixtures.d4rlMedium), exported = try HDF5File.open(out)
        for key in ["observations", "actions", "rewards", "next_observations", "infos/action_log_probs"] {
            let a = try original.readFloats(key), b = try exported.readFloats(key)
            XCTAssertEqual(a.shape, b.shape, key)
            XCTAssertFalse(a.wasDouble || b.wasDouble, key)
            XCTAssertEqual(bits(a.values), bits(b.values), key)
        }
        for key in ["terminals", "timeouts"] {
            let a = try original.readFlags(key), b = try exported.readFlags(key)
            XCTAssertEqual(a.shape, b.shape, key)
            XCTAssertEqual(a.values, b.values, key)
        }
        // Read back through the compressed path: every column is chunked, shuffled and deflated.
        for key in ["observations", "actions", "rewards", "next_observations", "infos/action_log_probs", "terminals", "timeouts"] {
            let storage = TestHDF5File.storage(of: key, in: out)
            XCTAssertEqual(storage.filters, [H5Z_filter_t(H5Z_FILTER_SHUFFLE), H5Z_filter_t(H5Z_FILTER_DEFLATE)], key)
            XCTAssertEqual(storage.layout, H5D_CHUNKED, key)
        }
        XCTAssertEqual(TestHDF5File.storage(of: "observations", in: out).chunk, [20_000, 3], "262144 bytes hold all 20,000 rows of 12 bytes")
    }

    func testStoredTransitionsCarrySourceEpisodesStepsAndLogProbabilities() throws {
        let store = directory + "/store"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.d4rlMedium, into: store)
        let batch = try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly)).liveTransitions()
        let file = try D4RLFile.read(DatasetFixtures.d4rlMedium)
        XCTAssertEqual(batch.count, 20_000)
        XCTAssertTrue(batch.sources.allSatisfy { $0 == .dataset })
        XCTAssertEqual(batch.episodeIDs[0], 0)
        XCTAssertEqual(batch.episodeIDs[199], 0)
        XCTAssertEqual(batch.episodeIDs[200], 1)
        XCTAssertEqual(batch.stepIndices[199], 199)
        XCTAssertEqual(batch.stepIndices[200], 0)
        XCTAssertEqual(batch.episodeIDs.last, 99)
        XCTAssertEqual(bits(batch.behaviorLogProbabilities), bits(file.behaviorLogProbabilities!))
        XCTAssertEqual(batch.truncated, file.timeouts)
    }

    func testAppendingToAnExistingStoreContinuesEpisodeIDs() throws {
        let store = directory + "/store", small = directory + "/small.hdf5"
        DatasetFixtures.writeSmallD4RL(small)
        let first = try DatasetImporter().importDataset(from: small, into: store)
        XCTAssertEqual(first.episodes, 4)
        let second = try DatasetImporter().importDataset(from: small, into: store)
        XCTAssertFalse(second.createdStore)
        XCTAssertEqual(second.firstEpisodeID, 4)
        let batch = try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly)).liveTransitions()
        XCTAssertEqual(batch.count, 24)
        XCTAssertEqual(batch.episodeIDs, [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 4, 4, 5, 5, 5, 6, 6, 7, 7])
        XCTAssertEqual(Array(batch.stepIndices.prefix(12)), [0, 1, 2, 3, 4, 0, 1, 2, 0, 1, 0, 1])
    }

    func testWithoutNextObservationsFollowsD4RLsConvention() throws {
        let small = directory + "/small.hdf5"
        DatasetFixtures.writeSmallD4RL(small, withNext: false)
        let dataset = try LoggedDataset.read(from: small)
        XCTAssertNil(dataset.nextObservations)
        let (batch, dropped) = dataset.transitions(firstEpisodeID: 0)
        // Rows 4 and 9 end by timeout (dropped), row 7 is terminal (kept), row 11 is the last (dropped).
        XCTAssertEqual(dropped, 3)
        XCTAssertEqual(batch.count, 9)
        XCTAssertEqual(batch.stepIndices, [0, 1, 2, 3, 0, 1, 2, 0, 0])
        // Row 0's next observation is row 1's observation; terminal row 7 keeps row 8's, as D4RL does.
        XCTAssertEqual(Array(batch.nextObservations[0..<2]), [1.0, 1.5])
        XCTAssertEqual(Array(batch.nextObservations[(6 * 2)..<(6 * 2 + 2)]), [8.0, 8.5])
        XCTAssertTrue(batch.terminated[6])
        XCTAssertFalse(batch.truncated.contains(true))
    }

    func testExportOfAnEmptyOrMissingStoreFails() throws {
        XCTAssertThrowsError(try LoggedDataset.read(fromStore: directory + "/absent")) { error in
            XCTAssertTrue("\(error)".contains("not a replay store"), "\(error)")
        }
    }
}
