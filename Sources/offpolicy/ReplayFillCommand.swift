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
    @Option(help: "Capacity when creating the store (default 1,000,000).") var capacity: Int?
    @Option(name: .customLong("chunk"), help: "Transitions per chunk when creating the store (default \(StoreSchema.defaultChunkLength)).") var chunkLength: Int?
    @Option(name: .customLong("level"), help: "zstd level when creating the store (default \(StoreSchema.defaultCompressionLevel)).") var compressionLevel: Int?
    @OptionGroup var storeOptions: ReplayStoreOptions

    /// Transitions per commit at most; a commit's batch is also held to `maximumCommitBytes`.
    static let maximumCommitEvery = 1_000_000
    /// Bytes of one commit's batch of synthetic transitions in memory at most: 1 GiB.
    static let maximumCommitBytes = 1 << 30

    func validate() throws {
        guard transitions >= 0 else { throw ValidationError("--transitions must be 0 or more") }
        guard commitEvery >= 1 else { throw ValidationError("--commit-every must be at least 1") }
    }

    func run() throws {
        try withCleanErrors {
            guard UInt64(transitions) <= StoreLimits.maximumAppendedTransitions else {
                throw ReplayStoreError.limitExceeded(name: "--transitions", value: "\(transitions)", limit: "\(StoreLimits.maximumAppendedTransitions)")
            }
            guard commitEvery <= Self.maximumCommitEvery else {
                throw ReplayStoreError.limitExceeded(name: "--commit-every", value: "\(commitEvery)", limit: "\(Self.maximumCommitEvery)")
            }
            let options = try storeOptions.storeOptions()
            let replay: ReplayStore
            if FileManager.default.fileExists(atPath: store + "/data.mdb") {
                // Every size given on the command line must match the existing schema: nothing is ignored silently.
                replay = try ReplayStore.open(at: store, options: options)
                let differences = replay.schema.differences(from: requestedSchema(startingFrom: replay.schema))
                if !differences.isEmpty { throw ReplayStoreError.schemaMismatch(path: store, differences: differences) }
            } else {
                let defaults = StoreSchema(observationSize: 17, actionSize: 6)
                replay = try ReplayStore.create(at: store, schema: requestedSchema(startingFrom: defaults), options: options)
            }
            let perCommit = min(commitEvery, transitions)
            guard let commitBytes = StoreLimits.product(perCommit, replay.schema.rawBytesPerTransition),
                  commitBytes <= Self.maximumCommitBytes else {
                throw ReplayStoreError.limitExceeded(
                    name: "--commit-every", value: "\(commitEvery)",
                    limit: "\(Self.maximumCommitBytes / replay.schema.rawBytesPerTransition) transitions of \(replay.schema.rawBytesPerTransition) bytes (1 GiB per commit)")
            }
            var stream = SyntheticTransitions(seed: seed, observationSize: replay.schema.observationSize, actionSize: replay.schema.actionSize)
            let start = try replay.appendedTransitionCount()
            guard UInt64(start) + UInt64(transitions) <= StoreLimits.maximumAppendedTransitions else {
                throw ReplayStoreError.limitExceeded(
                    name: "--transitions", value: "\(transitions)",
                    limit: "\(StoreLimits.maximumAppendedTransitions - UInt64(start)) more for this store (\(StoreLimits.maximumAppendedTransitions) in all)")
            }
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

    /// `schema` with every size the command line gave put in its place.
    private func requestedSchema(startingFrom schema: StoreSchema) -> StoreSchema {
        var requested = schema
        if let observationSize { requested.observationSize = observationSize }
        if let actionSize { requested.actionSize = actionSize }
        if let capacity { requested.capacity = capacity }
        if let chunkLength { requested.chunkLength = chunkLength }
        if let compressionLevel { requested.compressionLevel = compressionLevel }
        return requested
    }
}
