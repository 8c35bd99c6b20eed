import ArgumentParser
import Foundation
import ReplayStore

struct ReplayInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Transitions, episodes, chunks, bytes stored, raw bytes, compression ratio and schema.")

    @Argument(help: "Store directory.") var store: String
    @Flag(help: "Print one JSON object as the last line.") var json = false
    @Flag(name: .customLong("in-process"), help: .hidden) var inProcess = false

    func run() throws {
        // Read in a child process: a damaged B-tree page that crashes LMDB becomes a one-line error.
        guard inProcess else { return try ReplayChildProcess.run(subcommand: "info", failurePrefix: "error: ") }
        let statistics = try withCleanErrors {
            try openForReading(store, cacheBudgetBytes: 0).statistics()
        }
        if json {
            print(try jsonLine(StoreInfoJSON(statistics)))
            return
        }
        let schema = statistics.schema
        print("store              \(store)")
        print("transitions        \(statistics.transitions) live (\(statistics.appendedTransitions) ever appended)")
        print("episodes           \(statistics.episodes)")
        print("chunks             \(statistics.chunks) (\(statistics.pinnedChunks) pinned below the eviction cursor)")
        print("stored bytes       \(statistics.storedBytes) (\(String(format: "%.1f", Double(statistics.storedBytes) / Double(max(statistics.transitions, 1)))) per transition)")
        print("raw bytes          \(statistics.rawBytes)")
        print("compression ratio  \(String(format: "%.3f", statistics.compressionRatio))")
        print("data file bytes    \(statistics.fileBytes)")
        print("schema             format \(schema.formatVersion), observation \(schema.observationSize), action \(schema.actionSize), \(schema.valueType.rawValue), \(schema.codec.rawValue) level \(schema.compressionLevel), \(schema.columnFilter.rawValue), chunk \(schema.chunkLength), capacity \(schema.capacity)")
    }
}
