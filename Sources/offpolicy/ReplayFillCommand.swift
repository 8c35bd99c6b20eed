import ArgumentParser
import Foundation
import ReplayStore

struct ReplayFillCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fill",
        abstract: "Append synthetic transitions (transition i is a pure function of the seed and i).",
        discussion: """
        Continues from the store's appended count, so transition i always lands at global index i. \
        After every commit it prints and flushes `committed <total appended>`. Creates the store when absent.
        """)

    @Argument(help: "Store directory.") var store: String
    @Option(help: "How many transitions to append.") var transitions: Int
    @Option(help: "Seed of the synthetic stream.") var seed: UInt64
    @Option(help: "Transitions per write transaction.") var commitEvery: Int = 10_000
    @Option(help: "Observation size when creating the store (default 17).") var observationSize: Int?
    @Option(help: "Action size when creating the store (default 6).") var actionSize: Int?
    @Option(help: "Capacity when creating the store.") var capacity: Int = 1_000_000
    @Option(name: .customLong("chunk"), help: "Transitions per chunk when creating the store.") var chunkLength: Int = StoreSchema.defaultChunkLength
    @Option(name: .customLong("level"), help: "zstd level when creating the store.") var compressionLevel: Int = StoreSchema.defaultCompressionLevel
    @OptionGroup var storeOptions: ReplayStoreOptions

    func validate() throws {
        guard transitions >= 0 else { throw ValidationError("--transitions must be 0 or more") }
        guard commitEvery >= 1 else { throw ValidationError("--commit-every must be at least 1") }
    }

    func run() throws {
        try withCleanErrors {
            let replay: ReplayStore
            if FileManager.default.fileExists(atPath: store + "/data.mdb") {
                replay = try ReplayStore.open(at: store, options: storeOptions.storeOptions)
                if let observationSize, observationSize != replay.schema.observationSize {
                    printError("error: the store at \(store) has observation size \(replay.schema.observationSize), not \(observationSize)")
                    throw ExitCode(1)
                }
                if let actionSize, actionSize != replay.schema.actionSize {
                    printError("error: the store at \(store) has action size \(replay.schema.actionSize), not \(actionSize)")
                    throw ExitCode(1)
                }
            } else {
                let schema = StoreSchema(observationSize: observationSize ?? 17, actionSize: actionSize ?? 6, capacity: capacity,
                                         chunkLength: chunkLength, compressionLevel: compressionLevel)
                replay = try ReplayStore.openOrCreate(at: store, schema: schema, options: storeOptions.storeOptions)
            }
            var stream = SyntheticTransitions(seed: seed, observationSize: replay.schema.observationSize, actionSize: replay.schema.actionSize)
            let start = replay.appendedCount
            var done = 0
            let clock = ContinuousClock.now
            while done < transitions {
                let count = min(commitEvery, transitions - done)
                let batch = stream.batch((start + done)..<(start + done + count))
                try replay.append(batch)
                done += count
                print("committed \(start + done)")
                fflush(stdout)
            }
            let seconds = max((ContinuousClock.now - clock).seconds, 1e-9)
            printError(String(format: "filled %d transitions (%d..<%d) in %.2f s, %.0f transitions/s including generation",
                              transitions, start, start + transitions, seconds, Double(transitions) / seconds))
        }
    }
}
