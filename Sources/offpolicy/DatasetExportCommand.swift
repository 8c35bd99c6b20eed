import ArgumentParser
import Datasets
import Environments
import Foundation
import ReplayStore

struct DatasetExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a store's live transitions as a D4RL HDF5 file or a Minari dataset directory.")

    @Option(help: "Store directory.") var store: String
    @Option(help: "Output: a file for d4rl, a dataset directory for minari. An existing one is refused unless --force.") var out: String
    @Option(help: "d4rl or minari.") var format: DatasetFormat = .d4rl
    @Option(name: .customLong("dataset-id"), help: "Minari dataset id (default: the last two components of --out, e.g. pendulum/ours-v0).")
    var datasetID: String?
    @Option(help: "Minari: the Gymnasium environment id (\(EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")) give bounds and env_spec).")
    var env: String?
    @Flag(help: "Replace an existing --out file (d4rl) or the data/ of an existing --out directory (minari). Never one inside --store.")
    var force = false

    func validate() throws {
        guard format != .store else { throw ValidationError("--format must be d4rl or minari") }
        if format == .d4rl && (datasetID != nil || env != nil) { throw ValidationError("--dataset-id and --env apply to --format minari only") }
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
            let dataset = try LoggedDataset.read(fromStore: store)
            var notes: [String] = []
            switch format {
            case .d4rl, .store:
                notes = try D4RLFile.write(dataset, to: out, replacing: force, inputs: [store])
            case .minari:
                let components = URL(fileURLWithPath: out).standardizedFileURL.pathComponents.suffix(2)
                let id = datasetID ?? components.joined(separator: "/")
                notes = try MinariDirectory.write(dataset, to: out, datasetID: id, environment: env.map(minariEnvironment),
                                               replacing: force, inputs: [store])
            }
            print("exported \(dataset.count) transitions (\(dataset.episodeLengths.count) episodes) from \(store) to \(out) (\(format.rawValue))")
            for note in notes { print("note: \(note)") }
        }
    }

    /// The environment as Minari records it: bounds and entry point for the tasks this toolkit has.
    private func minariEnvironment(_ id: String) -> MinariEnvironment {
        guard let known = EnvironmentID(rawValue: id) else {
            return MinariEnvironment(id: id)
        }
        let environment = known.make()
        let entryPoint: String
        switch known {
        case .pendulum: entryPoint = "gymnasium.envs.classic_control.pendulum:PendulumEnv"
        case .mountainCarContinuous: entryPoint = "gymnasium.envs.classic_control.continuous_mountain_car:Continuous_MountainCarEnv"
        }
        func box(_ space: BoxSpace) -> MinariBox { MinariBox(shape: [space.dimension], low: space.low, high: space.high) }
        return MinariEnvironment(id: id, entryPoint: entryPoint, maxEpisodeSteps: known.maxEpisodeSteps,
                                 observationSpace: box(environment.observationSpace), actionSpace: box(environment.actionSpace))
    }
}
