import Foundation
import ArgumentParser
import ReplayStore

struct ReplayCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create an empty replay store (a directory holding one LMDB environment).")

    @Argument(help: "Store directory (created if needed; must not already hold a store).")
    var store: String
    @Option(help: "Floats per observation.") var observationSize: Int
    @Option(help: "Floats per action.") var actionSize: Int
    @Option(help: "Live transitions kept before the oldest unpinned chunks are evicted.") var capacity: Int = 1_000_000
    @Option(name: .customLong("chunk"), help: "Transitions per chunk (one zstd frame each).") var chunkLength: Int = StoreSchema.defaultChunkLength
    @Option(name: .customLong("level"), help: "zstd compression level.") var compressionLevel: Int = StoreSchema.defaultCompressionLevel
    @Option(help: "Column filter before compression: none, byteShuffle, xorDeltaByteShuffle.") var filter: ColumnFilter = StoreSchema.defaultColumnFilter

    func validate() throws {
        try OutputFile.checkNotOwned(store, flag: "the store", isDirectory: true, mayBeStore: true)
    }

    func run() throws {
        let schema = StoreSchema(observationSize: observationSize, actionSize: actionSize, capacity: capacity,
                                 chunkLength: chunkLength, compressionLevel: compressionLevel, columnFilter: filter)
        try withCleanErrors { _ = try ReplayStore.create(at: store, schema: schema) }
        print("created \(store): observation size \(observationSize), action size \(actionSize), capacity \(capacity), chunk \(chunkLength), zstd level \(compressionLevel), filter \(filter.rawValue)")
    }
}
