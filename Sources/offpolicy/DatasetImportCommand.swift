import ArgumentParser
import Datasets
import Foundation
import ReplayStore

struct DatasetImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a D4RL HDF5 file or a Minari dataset directory into a replay store (all or nothing).")

    @Argument(help: "A D4RL HDF5 file, or a Minari dataset directory (holding data/main_data.hdf5).") var source: String
    @Option(help: "Store directory: created with a schema from the data, or appended to when its sizes match.") var store: String
    @Option(help: "Capacity of a created store (raised to the dataset's size when smaller).") var capacity: Int = 1_000_000
    @Option(name: .customLong("chunk"), help: "Transitions per chunk of a created store.") var chunkLength: Int = DatasetImporter.defaultChunkLength
    @Option(name: .customLong("level"), help: "zstd level of a created store.") var compressionLevel: Int = DatasetImporter.defaultCompressionLevel
    @Option(help: "Column filter of a created store: none, byteShuffle, xorDeltaByteShuffle.") var filter: ColumnFilter = StoreSchema.defaultColumnFilter
    @Flag(help: "Print one JSON object as the last line.") var json = false

    func validate() throws {
        guard capacity > 0 else { throw ValidationError("--capacity must be positive") }
        guard chunkLength > 0 else { throw ValidationError("--chunk must be positive") }
        // A store of its own: never one inside a run (its replay/ belongs to the run's checkpoint), a
        // compare directory or another store.
        try OutputFile.checkNotOwned(store, flag: "--store", isDirectory: true, mayBeStore: true)
    }

    func run() throws {
        let template = StoreSchema(observationSize: 1, actionSize: 1, capacity: capacity, chunkLength: chunkLength,
                                   compressionLevel: compressionLevel, columnFilter: filter)
        let started = Date()
        let report = try withCleanErrors {
            try DatasetImporter(schemaTemplate: template).importDataset(from: source, into: store)
        }
        let seconds = Date().timeIntervalSince(started)
        if json {
            print(try jsonLine(report))
            return
        }
        print("imported \(report.transitions) transitions (\(report.episodes) episodes, episode ids from \(report.firstEpisodeID)) from \(source) (\(report.format.rawValue)) into \(report.createdStore ? "new" : "existing") store \(store) in \(String(format: "%.2f", seconds)) s")
        if let environment = report.environmentID { print("environment \(environment)") }
        for note in report.notes { print("note: \(note)") }
    }
}
