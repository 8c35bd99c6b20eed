import Foundation
import TestSupport
import XCTest

/// How one real `offpolicy` process ended: exit status or signal, and what it printed.
struct CommandLineRun {
    var arguments: [String]
    /// The exit status; for a process killed by a signal, the signal number (as `Process` reports it).
    var status: Int32
    /// Whether the process died on a signal (a crash) instead of exiting.
    var diedOnSignal: Bool
    var output: String
    var error: String

    /// Non-empty lines of standard error.
    var errorLines: [String] { error.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }

    /// Runs `offpolicy arguments...` to completion, optionally as user `nobody` (through `setpriv`, as root),
    /// optionally from another copy of the binary and in another working directory.
    static func run(_ arguments: [String], asNobody: Bool = false, executable: URL? = nil,
                    currentDirectory: URL? = nil) throws -> CommandLineRun {
        let process = Process()
        let executable = try executable ?? OffpolicyExecutable.url()
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if asNobody {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Read both pipes while the process runs, so neither fills up and blocks it.
        let errorData = ErrorBuffer()
        let errorRead = DispatchGroup()
        errorRead.enter()
        DispatchQueue.global().async {
            errorData.data = errors.fileHandleForReading.readDataToEndOfFile()
            errorRead.leave()
        }
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        errorRead.wait()
        process.waitUntilExit()
        return CommandLineRun(arguments: arguments, status: process.terminationStatus,
                              diedOnSignal: process.terminationReason == .uncaughtSignal,
                              output: String(decoding: outputData, as: UTF8.self),
                              error: String(decoding: errorData.data, as: UTF8.self))
    }

    /// The contract of issue 7 for a failure: no signal, a non-zero exit status below 128, and exactly
    /// one line on standard error, an "error: " or "verify FAILED: " line containing `expected`.
    func assertCleanFailure(containing expected: String..., file: StaticString = #filePath, line: UInt = #line) {
        let command = arguments.prefix(2).joined(separator: " ")
        XCTAssertFalse(diedOnSignal, "\(command) died on signal \(status): \(error)", file: file, line: line)
        XCTAssertTrue((1..<128).contains(status), "\(command) exited \(status): \(error)", file: file, line: line)
        XCTAssertEqual(errorLines.count, 1, "\(command) printed one line on standard error: \(error)", file: file, line: line)
        let message = errorLines.last ?? ""
        XCTAssertTrue(message.hasPrefix("error: ") || message.hasPrefix("verify FAILED: "), "\(command): \(message)", file: file, line: line)
        XCTAssertFalse(message.contains("internal error"), "\(command): \(message)", file: file, line: line)
        for text in expected {
            XCTAssertTrue(message.contains(text), "\(command): '\(message)' should contain '\(text)'", file: file, line: line)
        }
    }

    func assertSuccess(file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(diedOnSignal, "\(arguments.prefix(2).joined(separator: " ")) died on signal \(status): \(error)", file: file, line: line)
        XCTAssertEqual(status, 0, "\(arguments.joined(separator: " ")): \(error)", file: file, line: line)
    }

    /// Standard error as read on another thread; the group's `wait` orders the write before the read.
    private final class ErrorBuffer: @unchecked Sendable {
        var data = Data()
    }

    /// The largest N of the `committed N` lines `replay fill` printed.
    var lastCommitted: Int {
        output.split(separator: "\n").compactMap { $0.hasPrefix("committed ") ? Int($0.dropFirst("committed ".count)) : nil }.max() ?? 0
    }
}
