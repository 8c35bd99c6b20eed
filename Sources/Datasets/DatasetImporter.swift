import Foundation
import ReplayStore
import Transitions

/// Imports a dataset into a replay store, all or nothing: the whole file is read and checked first,
/// then appended in one write transaction. A store the import created is removed again if the
/// import fails; an existing store is left as it was.
public struct DatasetImporter {
    /// Transitions per chunk of a store the import creates: larger than the store's default (32, chosen
    /// for cold sampling of online stores), because an imported dataset is read-mostly and its chunks
    /// stay in the decompressed-chunk cache. On the shipped Pendulum datasets, 2048 with zstd level 9
    /// raised the ratio from 2.0-2.35 to 2.51-3.1 (README, "Datasets").
    public static let defaultChunkLength = 2048
    /// zstd level of a store the import creates (see `defaultChunkLength`).
    public static let defaultCompressionLevel = 9

    /// Schema of a store the import creates; its observation and action sizes come from the data.
    /// (Capacity grows to the dataset's size when smaller.)
    public var schemaTemplate: StoreSchema
    public var options: StoreOptions
    /// When set, actions outside these bounds are counted in a note of the report.
    public var actionBounds: ActionBounds?

    public init(schemaTemplate: StoreSchema = StoreSchema(observationSize: 1, actionSize: 1, chunkLength: DatasetImporter.defaultChunkLength,
                                                                          compressionLevel: DatasetImporter.defaultCompressionLevel), options: StoreOptions = StoreOptions()) {
        self.schemaTemplate = schemaTemplate
        self.options = options
    }

    /// Reads `source` (D4RL file or Minari directory) and imports it into the store at `storePath`.
    public func importDataset(from source: String, into storePath: String) throws -> DatasetImportReport {
        try importDataset(try LoggedDataset.read(from: source), source: source, into: storePath)
    }

    /// Imports a dataset already read (and so checked).
    public func importDataset(_ dataset: LoggedDataset, source: String, into storePath: String) throws -> DatasetImportReport {
        guard dataset.count > 0 else { throw DatasetError.empty(path: source) }
        if FileManager.default.fileExists(atPath: storePath + "/data.mdb") {
            let store = try ReplayStore.open(at: storePath, options: options)
            let schema = store.schema
            guard schema.observationSize == dataset.observationSize, schema.actionSize == dataset.actionSize else {
                throw DatasetError.incompatibleStore(path: storePath, reason: "it holds observations of \(schema.observationSize) and actions of \(schema.actionSize) values, the dataset \(dataset.observationSize) and \(dataset.actionSize)")
            }
            let firstEpisodeID = try store.largestEpisodeID().map { $0 + 1 } ?? 0
            return try append(dataset, to: store, firstEpisodeID: firstEpisodeID, createdStore: false)
        }
        var schema = schemaTemplate
        schema.observationSize = dataset.observationSize
        schema.actionSize = dataset.actionSize
        schema.capacity = max(schema.capacity, dataset.count)
        return try ReplayStore.create(at: storePath, schema: schema, options: options) { store in
            try append(dataset, to: store, firstEpisodeID: 0, createdStore: true)
        }
    }

    private func append(_ dataset: LoggedDataset, to store: ReplayStore, firstEpisodeID: UInt64, createdStore: Bool) throws -> DatasetImportReport {
        let (batch, dropped) = dataset.transitions(firstEpisodeID: firstEpisodeID)
        guard batch.count > 0 else { throw DatasetError.empty(path: store.path) }
        guard batch.count <= store.schema.capacity else {
            throw DatasetError.incompatibleStore(path: store.path, reason: "its capacity is \(store.schema.capacity) transitions, the dataset has \(batch.count); importing would evict part of it")
        }
        try store.append(batch)
        var notes = dataset.notes
        if let note = actionBounds?.note(on: dataset) { notes.append(note) }
        if dropped > 0 {
            notes.append("\(dropped) rows dropped: without next_observations, a row cut by a time limit (and the last row, unless terminal) has no known next observation")
        }
        return DatasetImportReport(format: dataset.format, transitions: batch.count, episodes: Set(batch.episodeIDs).count,
                                   droppedRows: dropped, firstEpisodeID: firstEpisodeID, createdStore: createdStore,
                                   environmentID: dataset.environmentID, notes: notes)
    }
}
