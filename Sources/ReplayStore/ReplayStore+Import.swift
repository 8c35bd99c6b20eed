import Foundation
import Transitions

/// What dataset import and export need from a store: creating one that disappears again when the
/// import into it fails, reading every live transition in order, and the largest episode id held.
extension ReplayStore {
    /// Creates a store at `path` and runs `body` with it. If `body` throws, the store is closed and
    /// everything the creation made is removed again (its files, and the directories it created), so a
    /// failed import into a new store leaves nothing behind. Fails like `create` if a store is there.
    public static func create<T>(at path: String, schema: StoreSchema, options: StoreOptions = StoreOptions(),
                                 removingOnFailure body: (ReplayStore) throws -> T) throws -> T {
        guard options.access == .readWrite else { throw ReplayStoreError.readOnly(path: path) }
        try schema.validate()
        let dataFile = path + "/data.mdb"
        if FileManager.default.fileExists(atPath: dataFile) { throw ReplayStoreError.storeExists(path: path) }
        let createdDirectories = try StoreDirectory.make(path)
        func undo() {
            if createdDirectories.isEmpty {
                // The directory was there before: remove only the store's own files.
                for file in StoreDirectory.storeFiles { unlink(path + "/" + file) }
            } else {
                StoreDirectory.remove(createdDirectories)
            }
        }
        do {
            // The store is released (its environment closed, its writer lock dropped) before `undo` runs.
            return try { () throws -> T in
                let store = try create(at: path, schema: schema, options: options)
                return try body(store)
            }()
        } catch {
            undo()
            throw error
        }
    }

    /// Every live transition, in the order of their global index (pinned chunks that the eviction
    /// cursor passed come first, as they were appended before the rest), read in one snapshot.
    public func liveTransitions() throws -> TransitionBatch {
        try environment.read { transaction in
            let state = try readState(transaction)
            let live = state.liveCount(chunkLength: schema.chunkLength)
            try checkBatchSize(live, name: "live transitions")
            var batch = TransitionBatch(observationSize: schema.observationSize, actionSize: schema.actionSize, reservingCapacity: live)
            let chunk = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
            try transaction.forEach(chunks) { chunkIndex, record in
                try codec.decode(record, chunkIndex: chunkIndex, into: chunk)
                chunk.appendRows(0..<chunk.rowCount, to: &batch)
                return true
            }
            guard batch.count == live else {
                throw ReplayStoreError.corruptStore(reason: "the chunks hold \(batch.count) transitions, the state says \(live) are live; run `replay verify`")
            }
            return batch
        }
    }

    /// The largest episode id among the live transitions; nil when the store is empty. An import
    /// numbers its episodes from one above it, so they never merge with episodes already stored.
    public func largestEpisodeID() throws -> UInt64? {
        try environment.read { transaction in
            var largest: UInt64?
            let chunk = DecodedChunk(capacity: schema.chunkLength, layout: codec.layout)
            try transaction.forEach(chunks) { chunkIndex, record in
                try codec.decode(record, chunkIndex: chunkIndex, into: chunk)
                for row in 0..<chunk.rowCount { largest = max(largest ?? 0, chunk.episodeID(row)) }
                return true
            }
            return largest
        }
    }
}
