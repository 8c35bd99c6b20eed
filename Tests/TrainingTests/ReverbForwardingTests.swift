import Foundation
import TestSupport
import XCTest

/// `offpolicy actor` and `offpolicy train --replay reverb://…` run `offpolicy-reverb` (the Reverb companion's
/// executable) with the same arguments, found on PATH here through a stand-in script that records them.
final class ReverbForwardingTests: XCTestCase {
    /// A PATH holding only a folder with a stand-in `offpolicy-reverb` that writes its arguments, one a line, to `record`.
    private func standIn(in directory: TemporaryDirectory) throws -> (environment: [String: String], record: URL) {
        let record = directory.appending("arguments.txt")
        let script = directory.appending("offpolicy-reverb")
        try "#!/bin/sh\nfor word in \"$@\"; do printf '%s\\n' \"$word\"; done > '\(record.path)'\nexit 7\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = directory.url.path + ":/usr/bin:/bin"
        return (environment, record)
    }

    func testActorAndReverbTrainAreHandedOverWithTheirArguments() throws {
        let directory = try TemporaryDirectory("reverb-forwarding")
        defer { directory.remove() }
        let (environment, record) = try standIn(in: directory)
        let cases: [[String]] = [
            ["actor", "--replay", "reverb://10.0.0.5:8000/replay", "--copies", "2", "--seed", "3"],
            ["train", "sac", "--env", "Pendulum-v1", "--replay", "reverb://localhost:8000/replay", "--run-dir", "runs/a b", "--steps", "10"],
            ["train", "sac", "--replay=reverb://[::1]:8000/replay", "--steps", "10"],
        ]
        for arguments in cases {
            try? FileManager.default.removeItem(at: record)
            let output = try ChildProcess.run(try OffpolicyExecutable.url(), arguments, environment: environment)
            XCTAssertEqual(output.status, 7, "the stand-in's exit status comes back: the process was replaced (\(output.standardError))")
            let recorded = try String(contentsOf: record, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            XCTAssertEqual(recorded, arguments)
        }
    }

    func testWithoutTheCompanionOneSentenceSaysHowToBuildIt() throws {
        let directory = try TemporaryDirectory("reverb-forwarding-absent")
        defer { directory.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = directory.url.path
        let output = try ChildProcess.run(try OffpolicyExecutable.url(), ["actor", "--replay", "reverb://h:1/replay"], environment: environment)
        XCTAssertEqual(output.status, 1)
        XCTAssertTrue(output.standardError.contains("swift build --package-path Reverb"), output.standardError)
        XCTAssertEqual(output.standardError.split(separator: "\n").count, 1, output.standardError)
    }

    func testTrainWithoutAReverbAddressStaysHereAndRefusesAnotherReplay() throws {
        let directory = try TemporaryDirectory("reverb-forwarding-local")
        defer { directory.remove() }
        let (environment, record) = try standIn(in: directory)
        let output = try ChildProcess.run(try OffpolicyExecutable.url(),
                                          ["train", "sac", "--replay", "/tmp/store", "--steps", "10", "--run-dir", directory.appending("run").path],
                                          environment: environment)
        XCTAssertNotEqual(output.status, 0)
        XCTAssertTrue(output.standardError.contains("--replay takes a Reverb table"), output.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: record.path), "nothing was handed over")
    }
}
