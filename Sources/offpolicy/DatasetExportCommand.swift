import ArgumentParser
import Datasets
import Environments
import Foundation
import ReplayStore

struct DatasetExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a store's live transitions as a D4RL HDF5 file or a Minari dataset directory.",
        discussion: """
        The environment the store records (dataset import takes it from the dataset: collect's D4RL files, \
        Minari's env_spec and spaces) is written with the transitions: Minari's env_spec and spaces, a D4RL \
        file's attributes. A store made before stores recorded it exports without one unless --env names it.
        """)

    @Option(help: "Store directory.") var store: String
    @Option(help: "Output: a file for d4rl, a dataset directory for minari; missing folders above it are created. An existing one is refused unless --force.") var out: String
    @Option(help: "The layout written.") var format: ExportFormat = .d4rl
    @Option(name: .customLong("dataset-id"), help: "Minari dataset id (default: the last two components of --out, e.g. pendulum/ours-v0).")
    var datasetID: String?
    @Option(help: "The environment the transitions came from, instead of the one the store records: \(EnvironmentName.accepted). An id without gym: that is not built in is taken as gym:ID; a gym:ID's spaces and entry point come from Gymnasium's registry, through the Python bridge.")
    var env: String?
    @Flag(help: "Replace an existing --out file (d4rl) or the data/ of an existing --out directory (minari). Never one inside --store.")
    var force = false

    func validate() throws {
        if format == .d4rl && datasetID != nil { throw ValidationError("--dataset-id applies to --format minari only") }
        // Never a file of a run, compare or store directory, even with --force (one in --store itself is
        // refused by run() as an input of the command).
        let inStore = OutputFile.resolvedTarget(out).pathComponents.starts(with: OutputFile.resolvedTarget(store).pathComponents)
        if !inStore { try checkNotOwned() }
    }

    private func checkNotOwned() throws {
        try OutputFile.checkNotOwned(format == .minari ? out + "/data" : out, flag: "--out", isDirectory: false)
        if format == .minari { try OutputFile.checkNotOwned(out, flag: "--out", isDirectory: true) }
    }

    func run() throws {
        try withCleanErrors {
            if format == .d4rl { try D4RLFile.checkOutput(out, replacing: force, inputs: [store]) }
            var dataset = try LoggedDataset.read(fromStore: store)
            if let env {
                let named = try SourceEnvironment(named: env)
                if let problem = named.problem(observationSize: dataset.observationSize, actionSize: dataset.actionSize) {
                    throw ValidationError("--env \(env) does not fit the store \(store): \(problem)")
                }
                dataset.environment = named
            }
            var notes: [String] = []
            switch format {
            case .d4rl:
                notes = try D4RLFile.write(dataset, to: out, replacing: force, inputs: [store])
            case .minari:
                let components = URL(fileURLWithPath: out).standardizedFileURL.pathComponents.suffix(2)
                let id = datasetID ?? components.joined(separator: "/")
                notes = try MinariDirectory.write(dataset, to: out, datasetID: id, replacing: force, inputs: [store])
                if dataset.environment == nil {
                    notes.append("the store records no environment (it was made before stores recorded one, or from data that names none), so the dataset has unbounded spaces and no env_spec and minari cannot recover its environment; give --env ID to name it")
                } else if dataset.environmentID == nil {
                    notes.append("the store's data names no environment id, so the dataset has no env_spec and minari cannot recover its environment; give --env ID to name it")
                }
            }
            print("exported \(dataset.count) transitions (\(dataset.episodeLengths.count) episodes) from \(store) to \(out) (\(format.rawValue))"
                  + (dataset.environmentID.map { " of \($0)" } ?? ""))
            for note in notes { print("note: \(note)") }
        }
    }
}
