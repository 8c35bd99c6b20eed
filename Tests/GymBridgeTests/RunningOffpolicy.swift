import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// An `offpolicy` (or any) process started in the background, its output going to files, for tests that
/// signal it while it runs.
final class RunningOffpolicy {
    let process = Process()
    private let output: URL
    private let errors: URL

    /// Starts `executable arguments...` (default: the built `offpolicy`) with `environment` added to this
    /// process's environment; output goes to files in `directory`.
    init(_ arguments: [String], environment: [String: String] = [:], executable: URL? = nil, in directory: URL) throws {
        output = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        errors = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.executableURL = try executable ?? OffpolicyExecutable.url()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var standardOutput: String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
    var standardError: String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) { kill(pid, signal) }

    /// Waits up to `seconds` for the process to exit; its exit status, or nil when it is still running.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning {
            if Date() > deadline { return nil }
            usleep(20_000)
        }
        return process.terminationStatus
    }

    /// Kills it for good (test clean-up).
    func stop() {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Waits up to `seconds` for `file` to exist; its contents, or nil.
    static func waitForFile(_ file: URL, seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOf: file, encoding: .utf8), !text.isEmpty { return text }
            usleep(50_000)
        }
        return nil
    }

    /// Whether process `pid` has ended (gone, or a zombie waiting to be reaped), waiting up to `seconds` for it.
    static func hasEnded(_ pid: pid_t, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        repeat {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            // The state follows the command name, which is in parentheses.
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { return true }
            usleep(50_000)
        } while Date() < deadline
        return false
    }
}
