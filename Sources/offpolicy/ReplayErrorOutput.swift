import ArgumentParser
import Foundation
import ReplayStore

/// Runs `body`, turning a `ReplayStoreError` into a one-line message and exit code 1.
func withCleanErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as ReplayStoreError {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    var standardError = StandardError()
    print(message, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(string.data(using: .utf8)!)
    }
}
