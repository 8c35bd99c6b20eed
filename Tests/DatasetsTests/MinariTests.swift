@testable import Datasets
import Foundation
import ReplayStore
import Transitions
import XCTest

/// Minari import and export, checked against the D4RL copy of the same data.
final class MinariTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try DatasetFixtures.temporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testMinariImportEqualsTheD4RLCopyOfTheSameData() throws {
        let minari = try LoggedDataset.read(from: DatasetFixtures.minariMedium)
        let d4rl = try LoggedDataset.read(from: DatasetFixtures.d4rlMedium)
        XCTAssertEqual(minari.format, .minari)
        XCTAssertEqual(minari.environmentID, "Pendulum-v1")
        XCTAssertEqual(minari.count, 20_000)
        XCTAssertEqual(minari.episodeLengths, Array(repeating: 200, count: 100))
        XCTAssertEqual(minari.transitions(firstEpisodeID: 0).batch, d4rl.transitions(firstEpisodeID: 0).batch)
    }

    func testMinariImportStoresTheTransitions() throws {
        let store = directory + "/store"
        let report = try DatasetImporter().importDataset(from: DatasetFixtures.minariMedium, into: store)
        XCTAssertEqual(report.format, .minari)
        XCTAssertEqual(report.transitions, 20_000)
        XCTAssertEqual(report.episodes, 100)
        XCTAssertEqual(report.environmentID, "Pendulum-v1")
        XCTAssertEqual(try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly)).liveTransitionCount(), 20_000)
    }

    func testMinariExportReadsBackIdentically() throws {
        let store = directory + "/store", out = directory + "/minari/pendulum/ours-v0"
        _ = try DatasetImporter().importDataset(from: DatasetFixtures.d4rlMedium, into: store)
        let stored = try LoggedDataset.read(fromStore: store)
        let notes = try MinariDirectory.write(stored, to: out, datasetID: "pendulum/ours-v0")
        XCTAssertEqual(notes, [])
        let back = try LoggedDataset.read(from: out)
        XCTAssertEqual(back.transitions(firstEpisodeID: 0).batch, stored.transitions(firstEpisodeID: 0).batch)
        XCTAssertThrowsError(try MinariDirectory.write(stored, to: out, datasetID: "pendulum/ours-v0")) { error in
            XCTAssertTrue("\(error)".contains("already holds data/"), "\(error)")
        }
    }

    func testMinariMetadataThatDisagreesWithTheDataIsRefused() throws {
        let copy = directory + "/copy"
        try FileManager.default.copyItem(atPath: DatasetFixtures.minariMedium, toPath: copy)
        let metadataPath = copy + "/data/metadata.json"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: metadataPath)
        let text = try String(contentsOfFile: metadataPath, encoding: .utf8).replacingOccurrences(of: "\"total_steps\": 20000", with: "\"total_steps\": 19999")
        try text.write(toFile: metadataPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try LoggedDataset.read(from: copy)) { error in
            XCTAssertTrue("\(error)".contains("total_steps is 19999"), "\(error)")
        }
    }
}
