import ArgumentParser
import Foundation
import ReplayStore

/// Runs `body`, turning any error into one line on standard error (`failurePrefix` + message) and exit
/// code 1. While it runs, a failed LMDB assertion (a damaged B-tree page) also ends the process with
/// one such line and exit code 1 instead of a core dump (`LMDBAssertionResponse.exit`).
func withCleanErrors<T>(failurePrefix: String = "error: ", _ body: () throws -> T) throws -> T {
    ReplayStore.lmdbAssertionResponse = .exit(status: 1, prefix: failurePrefix)
    do {
        return try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ReplayStoreError {
        printError("\(failurePrefix)\(error)")
        throw ExitCode(1)
    } catch let error as ValidationError {
        printError("\(failurePrefix)\(error.message)")
        throw ExitCode(1)
    } catch {
        printError("\(failurePrefix)\(error.localizedDescription)")
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
