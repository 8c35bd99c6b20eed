import Foundation
import RunFiles
import XCTest

/// The lock behind run directories and compare directories: one holder at a time, named by its process
/// id; released when its value goes away.
final class ProcessLockFileTests: XCTestCase {
    func testASecondHolderIsRefusedNamingTheFirstAndTheLockIsReleasedWithItsValue() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x.lock").path
        var first: ProcessLockFile? = try ProcessLockFile(path: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "\(getpid())\n")
        // flock belongs to an open file description, so a second open in this process is a second holder.
        XCTAssertThrowsError(try ProcessLockFile(path: path)) { error in
            XCTAssertEqual(error as? ProcessLockFile.Refusal, .heldBy(process: "\(getpid())"))
        }
        withExtendedLifetime(first) {}
        first = nil
        XCTAssertNoThrow(try ProcessLockFile(path: path))
        XCTAssertThrowsError(try ProcessLockFile(path: directory.appendingPathComponent("missing/x.lock").path)) { error in
            guard case .cannotOpen(let reason) = error as? ProcessLockFile.Refusal else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, "No such file or directory")
        }
    }
}
