import ArgumentParser
import Datasets
import Foundation
import ReplayStore
import Transitions

/// `offpolicy dataset bench`: writes a synthetic D4RL file with our exporter and times its import.
struct DatasetBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time importing a synthetic D4RL file of N transitions (written by our exporter) into a new store.")

    @Option(help: "Transitions in the file.") var transitions: Int = 1_000_000
    @Option(help: "Floats per observation.") var observationSize: Int = 3
    @Option(help: "Floats per action.") var actionSize: Int = 1
    @Option(help: "Seed of the synthetic transitions.") var seed: UInt64 = 1
    @Option(name: .customLong("chunk"), help: "Transitions per chunk of the store.") var chunkLength: Int = DatasetImporter.defaultChunkLength
    @Option(name: .customLong("level"), help: "zstd level of the store.") var compressionLevel: Int = DatasetImporter.defaultCompressionLevel
    @Option(help: "Column filter of the store: none, byteShuffle, xorDeltaByteShuffle.") var filter: ColumnFilter = StoreSchema.defaultColumnFilter
    @Option(help: "Directory for the file and the store (default: a new temporary directory, removed afterwards).") var directory: String?

    func validate() throws {
        guard transitions > 0 else { throw ValidationError("--transitions must be positive") }
        guard observationSize > 0, actionSize > 0 else { throw ValidationError("sizes must be positive") }
    }

    func run() throws {
        try withCleanErrors {
            let fileManager = FileManager.default
            let work = directory ?? fileManager.temporaryDirectory.appendingPathComponent("offpolicy-dataset-bench-\(getpid())").path
            let file = work + "/bench.hdf5", store = work + "/store"
            // What a user keeps in --directory is never replaced: an earlier bench's outputs are refused.
            for output in [file, store] where fileManager.fileExists(atPath: output) {
                throw ValidationError("--directory: '\(output)' exists (from an earlier bench?); remove it or choose another directory")
            }
            do {
                try fileManager.createDirectory(atPath: work, withIntermediateDirectories: true)
            } catch {
                throw ValidationError("--directory: cannot create '\(work)': \(String(cString: strerror(errno)))")
            }
            defer { if directory == nil { try? fileManager.removeItem(atPath: work) } }

            var stream = SyntheticTransitions(seed: seed, observationSize: observationSize, actionSize: actionSize)
            var batch = TransitionBatch(observationSize: observationSize, actionSize: actionSize, reservingCapacity: transitions)
            for index in 0..<transitions { stream.append(index, to: &batch) }
            try D4RLFile.write(LoggedDataset(transitions: batch), to: file)
            let fileBytes = (try? fileManager.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
            print("wrote \(file): \(transitions) transitions, observation \(observationSize), action \(actionSize), \(fileBytes) bytes")

            let clock = ContinuousClock()
            let start = clock.now
            let dataset = try LoggedDataset.read(from: file)
            let read = clock.now
            let template = StoreSchema(observationSize: 1, actionSize: 1, capacity: transitions, chunkLength: chunkLength,
                                       compressionLevel: compressionLevel, columnFilter: filter)
            let report = try DatasetImporter(schemaTemplate: template).importDataset(dataset, source: file, into: store)
            let end = clock.now
            func seconds(_ duration: Duration) -> Double {
                Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
            }
            let total = seconds(end - start)
            let statistics = try ReplayStore.open(at: store, options: StoreOptions(access: .readOnly, cacheBudgetBytes: 0)).statistics()
            print("read and checked   \(String(format: "%.3f", seconds(read - start))) s")
            print("converted+appended \(String(format: "%.3f", seconds(end - read))) s (one write transaction)")
            print("import             \(report.transitions) transitions in \(String(format: "%.3f", total)) s: \(String(format: "%.2f", Double(report.transitions) / total / 1e6)) M transitions/s")
            print("store              chunk \(chunkLength), zstd level \(compressionLevel), \(filter.rawValue): compression ratio \(String(format: "%.3f", statistics.compressionRatio)), \(statistics.storedBytes) bytes stored")
        }
    }
}
