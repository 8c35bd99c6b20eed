import Foundation
import XCTest

/// A Reverb server (scripts/reverb-server.py under dm-reverb 0.14's Python) started by a test on loopback.
/// It dies with the test process: its standard input is a pipe the test holds, and it asks the kernel for
/// SIGTERM when its parent dies.
final class ReverbServerProcess {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The venv's python: `REVERB_PYTHON`, or /work/venvs/reverb/bin/python (what scripts/test-reverb creates).
    static var python: String {
        ProcessInfo.processInfo.environment["REVERB_PYTHON"] ?? "/work/venvs/reverb/bin/python"
    }

    /// Skips the calling test, saying how to get the venv, when dm-reverb's Python is missing.
    static func requirePython() throws {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw XCTSkip("no Python with dm-reverb at \(python): run scripts/test-reverb, which creates the venv, or set REVERB_PYTHON")
        }
    }

    let process = Process()
    let input = Pipe()
    let port: Int
    let host: String

    /// `options` replace the defaults of the tests' tables (`--replay-selector prioritized --min-size 1`).
    /// `host` is where clients reach it; `prefix` (for example `ip netns exec NS`) runs it inside something.
    init(observationSize: Int, actionSize: Int, tables: [String], port: Int = 0,
         options: [String] = ["--replay-selector", "prioritized", "--min-size", "1"], prefix: [String] = [], host: String = "127.0.0.1") throws {
        try Self.requirePython()
        self.host = host
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: prefix.first ?? Self.python)
        process.arguments = Array(prefix.dropFirst()) + (prefix.isEmpty ? [] : [Self.python]) + [Self.repository.appendingPathComponent("scripts/reverb-server.py").path,
                             "--observation-size", String(observationSize), "--action-size", String(actionSize),
                             "--tables", tables.joined(separator: ","), "--port", String(port)] + options
        process.standardInput = input
        process.standardOutput = output
        // REVERB_SERVER_LOG=FILE keeps the servers' logs (TensorFlow's and Reverb's) for debugging.
        if let log = ProcessInfo.processInfo.environment["REVERB_SERVER_LOG"], FileManager.default.createFile(atPath: log + ".\(port)", contents: nil) {
            process.standardError = FileHandle(forWritingAtPath: log + ".\(port)")
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        // The server prints its port once it serves; TensorFlow's import takes a few seconds.
        var line = Data()
        let handle = output.fileHandleForReading
        while !line.contains(UInt8(ascii: "\n")) {
            let data = handle.availableData
            if data.isEmpty { break }
            line.append(data)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let last = text.split(separator: " ").last, let port = Int(last.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw NSError(domain: "ReverbServerProcess", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "scripts/reverb-server.py printed '\(text)' instead of its port"])
        }
        self.port = port
    }

    var address: String { "reverb://\(host):\(port)" }
    var pythonAddress: String { "\(host):\(port)" }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s: a server with open streams may not stop by itself) and waits for it.
    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill() }
    }

    /// Kills the server with SIGKILL, as a crash or a lost host would, and waits for it.
    func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    /// Runs scripts/reverb-interop.py with `arguments` and decodes its JSON output.
    static func interop<T: Decodable>(_ arguments: [String], as type: T.Type) throws -> T {
        let process = Process()
        let output = Pipe(), errors = Pipe()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [repository.appendingPathComponent("scripts/reverb-interop.py").path] + arguments
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "reverb-interop.py", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "reverb-interop.py \(arguments.joined(separator: " ")) failed: \(errorText.suffix(2000))"])
        }
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// One item as reverb-interop.py prints it: float columns as 32-bit patterns, bools as 0/1.
struct InteropItem: Decodable {
    var key: UInt64?
    var probability: Double?
    var table_size: Int?
    var columns: [String: [UInt32]]
}
