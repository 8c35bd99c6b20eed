import ArgumentParser
import Foundation

/// Checks of values the user typed, each failing with a sentence that names the flag.
enum CommandLineInput {
    /// `value`, when given, lies in minimum...limit.
    static func checkCount(_ value: Int?, flag: String, limit: Int, minimum: Int = 1) throws {
        guard let value else { return }
        guard value >= minimum else {
            throw ValidationError("\(flag) must be \(minimum == 0 ? "zero or more" : "at least \(minimum)"), got \(value)")
        }
        guard value <= limit else { throw ValidationError("\(flag) must be at most \(limit), got \(value)") }
    }

    /// Comma-separated positive widths such as `256,256`; an empty item (`64,,64`) is an error.
    static func widths(_ text: String, flag: String, limit: Int) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let widths = items.map { Int($0) }
        guard !items.isEmpty, widths.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("\(flag) must be positive widths separated by commas, like 256,256; got '\(text)'")
        }
        guard widths.allSatisfy({ $0! <= limit }) else { throw ValidationError("\(flag): each width must be at most \(limit), got '\(text)'") }
        return widths.map { $0! }
    }

    /// A directory path: not empty, and neither it nor any existing parent is a file.
    static func checkDirectory(_ path: String, flag: String, mustExist: Bool) throws {
        guard !path.isEmpty else { throw ValidationError("\(flag) must not be empty") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw ValidationError("\(flag): '\(path)' is a file, not a directory") }
            return
        }
        guard !mustExist else { throw ValidationError("\(flag): '\(path)' does not exist") }
        var parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        while parent.path != "/" {
            if FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDirectory) {
                guard isDirectory.boolValue else { throw ValidationError("\(flag): '\(path)' lies under '\(parent.path)', which is a file") }
                return
            }
            parent = parent.deletingLastPathComponent()
        }
    }
}
