import Foundation
import Randomness
import XCTest
@testable import ReplayStore

/// Issue 7's fuzz test: random bit flips and truncations of a real small store, a few hundred per run
/// with a fixed seed. Every command ends in a clean error or a correct answer.
final class FuzzTests: XCTestCase {
    /// One damaged copy of a data file.
    private struct Damage: CustomStringConvertible {
        var data: Data
        var truncatedTo: Int?
        var flipped: (byte: Int, bit: Int)?

        var description: String {
            if let truncatedTo { return "truncated to \(truncatedTo) bytes" }
            guard let flipped else { return "intact" }
            return "bit \(flipped.bit) of byte \(flipped.byte) (page \(flipped.byte / 4096)) flipped"
        }

        /// A truncation at a random offset (one case in six), else one random bit flipped.
        init(of original: Data, using random: inout SeededGenerator) {
            data = original
            if random.nextIndex(below: 6) == 0 {
                let keep = random.nextIndex(below: original.count)
                data = original.prefix(keep)
                truncatedTo = keep
            } else {
                let byte = random.nextIndex(below: original.count), bit = random.nextIndex(below: 8)
                data[byte] ^= UInt8(1 << bit)
                flipped = (byte, bit)
            }
        }
    }

    /// A real store: 3,000 transitions in 375 chunks (a two-level B-tree) over five commits, so the
    /// file also holds free pages; data.mdb's bytes.
    private func makeOriginal(in directory: String) throws -> Data {
        let path = directory + "/original"
        try CommandLineRun.run(["replay", "fill", path, "--transitions", "3000", "--seed", "4", "--commit-every", "700",
                                "--observation-size", "3", "--action-size", "2", "--chunk", "8"]).assertSuccess()
        try CommandLineRun.run(["replay", "verify", path, "--synthetic-seed", "4"]).assertSuccess()
        return try Data(contentsOf: URL(fileURLWithPath: path + "/data.mdb"))
    }

    /// A fresh store directory holding `data` as its data.mdb (LMDB makes a new lock file).
    private func place(_ data: Data, at path: String) throws {
        try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: path + "/data.mdb"))
    }

    /// In process, 300 damaged copies through everything the store reads from the file before LMDB
    /// does: the meta pages and the page audit. They must never trap, and every truncation is caught.
    /// Where the audit finds the pages sound, LMDB reads them in this process and `verify` gives the
    /// answer: the right 3,000 transitions, or the problem named.
    func testTheChecksBeforeLMDBNeverTrapAndCatchEveryTruncation() throws {
        let directory = try temporaryDirectory(self)
        let original = try makeOriginal(in: directory)
        var random = SeededGenerator(seed: 0x15_5E_07)
        let path = directory + "/damaged"
        var outcomes: [String: Int] = [:]
        for round in 0..<300 {
            let damage = Damage(of: original, using: &random)
            try place(damage.data, at: path)
            do {
                let metas = try LMDBMetaPages(directory: path)
                if damage.truncatedTo != nil { XCTFail("round \(round): \(damage) was not caught") }
                if try LMDBPageAudit(directory: path).audit(transactionID: metas.newest.transactionID) != nil {
                    outcomes["audit names a page", default: 0] += 1
                    continue
                }
                // Sound pages: LMDB may read them in this process. The full check gives the answer.
                let store = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly, cacheBudgetBytes: 0))
                let report = try store.verify(expected: SyntheticTransitions(seed: 4, observationSize: 3, actionSize: 2))
                if report.isValid {
                    XCTAssertEqual(report.transitionsChecked, 3_000, "round \(round): \(damage)")
                    outcomes["sound, verify ok", default: 0] += 1
                } else {
                    outcomes["sound pages, verify names the problem", default: 0] += 1
                }
            } catch let error as ReplayStoreError {
                switch error {
                case .truncated: outcomes["truncated", default: 0] += 1
                case .damagedDataFile: outcomes["meta page damaged", default: 0] += 1
                case .corruptStore, .corruptChunk, .notAStore, .invalidSchema: outcomes["open or verify names the problem", default: 0] += 1
                default: XCTFail("round \(round): \(damage): \(error)")
                }
            }
        }
        print("fuzz, in process: \(outcomes.sorted { $0.key < $1.key })")
        XCTAssertGreaterThan(outcomes["truncated", default: 0], 20)
        XCTAssertGreaterThan(outcomes["audit names a page", default: 0], 5)
        XCTAssertGreaterThan(outcomes["sound pages, verify names the problem", default: 0], 50, "most flips land in chunk frames")
    }

    /// Through the real command line, 36 damaged copies, each read by `verify`, `info` and `sample`, then
    /// appended to by `fill` and verified again. Every run exits below 128 without a signal, a failure is
    /// one line, and whenever `verify` passes, every other command gives the right answer.
    func testEveryCommandEndsInACleanErrorOrACorrectAnswer() throws {
        let directory = try temporaryDirectory(self)
        let original = try makeOriginal(in: directory)
        var random = SeededGenerator(seed: 0x15_5E_08)
        let path = directory + "/damaged"
        var passed = 0, failed = 0
        for round in 0..<36 {
            let damage = Damage(of: original, using: &random)
            try place(damage.data, at: path)
            let context = "round \(round), \(damage)"
            let runs = try [
                ["replay", "verify", path, "--synthetic-seed", "4"],
                ["replay", "info", path],
                ["replay", "sample", path, "--batch", "300", "--seed", "2", "--synthetic-seed", "4"],
                ["replay", "fill", path, "--transitions", "200", "--seed", "4", "--commit-every", "70"],
                ["replay", "verify", path, "--synthetic-seed", "4"],
            ].map { try CommandLineRun.run($0) }
            for run in runs {
                let command = run.arguments.prefix(2).joined(separator: " ")
                XCTAssertFalse(run.diedOnSignal, "\(context): \(command) died on signal \(run.status): \(run.error)")
                XCTAssertLessThan(run.status, 128, "\(context): \(command)")
                if run.status != 0 { run.assertCleanFailure() }
            }
            let (verify, info, sample, fill, verifyAgain) = (runs[0], runs[1], runs[2], runs[3], runs[4])
            guard verify.status == 0 else { failed += 1; continue }
            passed += 1
            // The damage missed everything that matters (free space, unused bytes): all answers are right.
            XCTAssertTrue(verify.output.contains("3000 transitions"), "\(context): \(verify.output)")
            XCTAssertEqual(info.status, 0, "\(context): \(info.error)")
            XCTAssertTrue(info.output.contains("3000 live"), "\(context): \(info.output)")
            XCTAssertEqual(sample.status, 0, "\(context): \(sample.error)")
            XCTAssertEqual(fill.status, 0, "\(context): \(fill.error)")
            XCTAssertEqual(fill.lastCommitted, 3_200, context)
            XCTAssertEqual(verifyAgain.status, 0, "\(context): \(verifyAgain.error)")
            XCTAssertTrue(verifyAgain.output.contains("3200 transitions"), "\(context): \(verifyAgain.output)")
        }
        print("fuzz, command line: verify passed \(passed) damaged copies, failed \(failed) with one clean line each")
        XCTAssertGreaterThan(failed, 10)
    }
}
