import Foundation
import ReplayStore
import Transitions

/// Imports a dataset into a replay store, all or nothing, streaming it: the file is read in blocks of
/// rows (`blockRows`, fewer when a block's columns would not fit `DatasetMemoryLimit`), each block is
/// checked, converted and appended, and every block goes into one write transaction. Memory is bounded
/// by a block (and what LMDB holds of the open transaction), not by the dataset, so a dataset larger than
/// the memory limit imports. A failure part-way (a NaN, a bad flag, a wrong total at the end) aborts the
/// transaction: a store the import created is removed again, an existing store is left as it was.
public struct DatasetImporter {
    /// Transitions per chunk of a store the import creates: larger than the store's default (32, chosen
    /// for cold sampling of online stores), because an imported dataset is read-mostly and its chunks
    /// stay in the decompressed-chunk cache. On the shipped Pendulum datasets, 2048 with zstd level 9
    /// raised the ratio from 2.0-2.35 to 2.51-3.1 (README, "Datasets").
    public static let defaultChunkLength = 2048
    /// zstd level of a store the import creates (see `defaultChunkLength`).
    public static let defaultCompressionLevel = 9
    /// Rows read, converted and appended at a time (a multiple of `defaultChunkLength`, so that chunks
    /// are written once).
    public static let defaultBlockRows = 1 << 16

    /// Schema of a store the import creates; its observation and action sizes come from the data.
    /// (Capacity grows to the dataset's size when smaller.)
    public var schemaTemplate: StoreSchema
    public var options: StoreOptions
    /// When set, actions outside these bounds are counted in a note of the report.
    public var actionBounds: ActionBounds?
    /// Rows per block; lowered so that a block fits the memory limit. A Minari block holds whole episodes.
    public var blockRows: Int = DatasetImporter.defaultBlockRows

    public init(schemaTemplate: StoreSchema = StoreSchema(observationSize: 1, actionSize: 1, chunkLength: DatasetImporter.defaultChunkLength,
                                                                          compressionLevel: DatasetImporter.defaultCompressionLevel), options: StoreOptions = StoreOptions()) {
        self.schemaTemplate = schemaTemplate
        self.options = options
    }

    /// Imports `source` (D4RL file or Minari directory, read in blocks; or a replay store, read whole)
    /// into the store at `storePath`.
    public func importDataset(from source: String, into storePath: String) throws -> DatasetImportReport {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw DatasetError.notADataset(path: source, reason: "no such file or directory")
        }
        if !isDirectory.boolValue { return try importBlocks(try D4RLBlockReader(source), source: source, into: storePath) }
        if FileManager.default.fileExists(atPath: source + "/" + MinariDirectory.dataFile) && !FileManager.default.fileExists(atPath: source + "/data.mdb") {
            return try importBlocks(try MinariBlockReader(source), source: source, into: storePath)
        }
        return try importDataset(try LoggedDataset.read(from: source), source: source, into: storePath)
    }

    /// The observation and action widths of `source` (D4RL file, Minari directory or replay store), read from
    /// its header or schema without reading its rows: what a run checks against its environment before importing.
    public static func widths(of source: String) throws -> (observationSize: Int, actionSize: Int) {
        let header = try header(of: source)
        return (header.observationSize, header.actionSize)
    }

    /// The environment `source` records (a D4RL file's attributes, a Minari directory's env_spec, a store's
    /// record), read without its rows; nil when it records none.
    public static func recordedEnvironment(of source: String) throws -> SourceEnvironment? {
        try header(of: source).environment
    }

    private static func header(of source: String) throws -> (observationSize: Int, actionSize: Int, environment: SourceEnvironment?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
            throw DatasetError.notADataset(path: source, reason: "no such file or directory")
        }
        if !isDirectory.boolValue {
            let reader = try D4RLBlockReader(source)
            return (reader.observationSize, reader.actionSize, reader.environment)
        }
        if FileManager.default.fileExists(atPath: source + "/" + MinariDirectory.dataFile) && !FileManager.default.fileExists(atPath: source + "/data.mdb") {
            let reader = try MinariBlockReader(source)
            return (reader.observationSize, reader.actionSize, reader.environment)
        }
        let store = try ReplayStore.open(at: source, options: StoreOptions(access: .readOnly, cacheBudgetBytes: 0))
        return (store.schema.observationSize, store.schema.actionSize, try store.sourceEnvironment())
    }

    /// Imports a dataset already read (and so checked).
    public func importDataset(_ dataset: LoggedDataset, source: String, into storePath: String) throws -> DatasetImportReport {
        try importBlocks(InMemoryBlockReader(dataset: dataset), source: source, into: storePath)
    }

    private func importBlocks(_ reader: some DatasetBlockReader, source: String, into storePath: String) throws -> DatasetImportReport {
        if let rows = reader.rowCount, rows == 0 { throw DatasetError.empty(path: source) }
        if FileManager.default.fileExists(atPath: storePath + "/data.mdb") {
            let store = try ReplayStore.open(at: storePath, options: options)
            let schema = store.schema
            guard schema.observationSize == reader.observationSize, schema.actionSize == reader.actionSize else {
                throw DatasetError.incompatibleStore(path: storePath, reason: "it holds observations of \(schema.observationSize) and actions of \(schema.actionSize) values, the dataset \(reader.observationSize) and \(reader.actionSize)")
            }
            let recorded = try store.sourceEnvironment()
            if let storeID = recorded?.id, let dataID = reader.environment?.id, storeID != dataID {
                throw DatasetError.incompatibleStore(path: storePath, reason: "it holds transitions of \(storeID), the dataset is of \(dataID)")
            }
            let largestEpisodeID = try store.largestEpisodeID()
            // An empty store without a record takes the dataset's; a store with transitions of an unknown
            // environment keeps none, and one with a record keeps its own.
            let recording = recorded == nil && largestEpisodeID == nil ? reader.environment : nil
            return try append(reader, source: source, to: store, firstEpisodeID: largestEpisodeID.map { $0 + 1 } ?? 0,
                              createdStore: false, recording: recording)
        }
        var schema = schemaTemplate
        schema.observationSize = reader.observationSize
        schema.actionSize = reader.actionSize
        schema.capacity = max(schema.capacity, reader.rowCount ?? 0)
        return try ReplayStore.create(at: storePath, schema: schema, options: options) { store in
            try append(reader, source: source, to: store, firstEpisodeID: 0, createdStore: true, recording: reader.environment)
        }
    }

    /// Rows per block for `reader`: `blockRows`, fewer when the block's columns, read and converted
    /// (about twice their bytes), would exceed the memory limit. A row that alone exceeds it is refused.
    private func rowsPerBlock(_ reader: some DatasetBlockReader, source: String, chunkLength: Int) throws -> Int {
        let limit = DatasetMemoryLimit.bytes
        let rowBytes = max(1, reader.bytesPerRow) * 2
        guard rowBytes <= limit else {
            throw DatasetError.declaredSizeExceedsMemory(path: source, key: D4RLFile.observationsKey, shape: [1, reader.observationSize],
                                                         neededBytes: rowBytes, limit: limit)
        }
        let rows = max(1, min(blockRows, limit / rowBytes))
        // Whole chunks per block, when a block holds one: a chunk cut by a block is written twice.
        return rows >= chunkLength ? rows - rows % chunkLength : rows
    }

    /// Appends every block of `reader` in one transaction, with the environment record `recording` when given.
    private func append(_ reader: some DatasetBlockReader, source: String, to store: ReplayStore, firstEpisodeID: UInt64,
                        createdStore: Bool, recording: SourceEnvironment?) throws -> DatasetImportReport {
        let capacity = store.schema.capacity
        func tooLarge(_ count: Int) -> DatasetError {
            DatasetError.incompatibleStore(path: store.path, reason: "its capacity is \(capacity) transitions, the dataset has \(count); importing would evict part of it")
        }
        // With next observations every row is kept: a dataset too large is refused before reading it.
        if reader.hasNextObservations, let rows = reader.rowCount, rows > capacity { throw tooLarge(rows) }
        let rowsPerBlock = try rowsPerBlock(reader, source: source, chunkLength: store.schema.chunkLength)
        // Run again from the start if LMDB grows its map (the transaction is retried whole).
        let (numbering, readerNotes, boundsNote) = try store.appendInOneTransaction(recording: recording) { append in
            var numbering = StreamedTransitions(observationSize: reader.observationSize, actionSize: reader.actionSize,
                                                rowCount: reader.rowCount, firstEpisodeID: firstEpisodeID)
            var outside = 0
            var firstOutside: (row: Int, component: Int, value: Float)?
            let notes = try reader.forEachBlock(rows: rowsPerBlock) { block in
                actionBounds?.countOutside(block.actions, actionSize: reader.actionSize, firstRow: block.firstRow,
                                           count: &outside, first: &firstOutside)
                let batch = numbering.transitions(of: block)
                if batch.count > 0 { try append(batch) }
            }
            guard numbering.rows > 0 else { throw DatasetError.empty(path: source) }
            guard numbering.kept > 0 else { throw DatasetError.empty(path: store.path) }
            guard numbering.kept <= capacity else { throw tooLarge(numbering.kept) }
            return (numbering, notes, actionBounds?.note(count: outside, first: firstOutside))
        }
        var notes = readerNotes
        if let boundsNote { notes.append(boundsNote) }
        if numbering.dropped > 0 {
            notes.append("\(numbering.dropped) rows dropped: without next_observations, a row cut by a time limit (and the last row, unless terminal) has no known next observation")
        }
        return DatasetImportReport(format: reader.format, transitions: numbering.kept, episodes: numbering.episodes,
                                   droppedRows: numbering.dropped, firstEpisodeID: firstEpisodeID, createdStore: createdStore,
                                   environmentID: reader.environment?.id, notes: notes)
    }
}
