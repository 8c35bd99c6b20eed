import Foundation
import ReplayStore

/// Minari's layout (version 0.5): a dataset directory holding `data/metadata.json` and
/// `data/main_data.hdf5`, the latter with one group `episode_K` per episode:
///
/// | key | shape |
/// |---|---|
/// | episode_K/observations | (T+1, obs): every observation, the final one included |
/// | episode_K/actions | (T, act) |
/// | episode_K/rewards, terminations, truncations | (T,) |
/// | episode_K/infos/action_log_probs | (T+1,), optional: the behavior log-probability; the last is NaN |
///
/// and attributes `id` and `total_steps` on each group.
public enum MinariDirectory {
    public static let dataFile = "data/main_data.hdf5"
    public static let metadataFile = "data/metadata.json"
    /// The Minari version whose layout `write` produces (and which `minari.load_dataset` checks).
    public static let formatVersion = "0.5.4"

    /// Reads and checks every episode of the Minari dataset in `directory`: the keys and shapes
    /// above, types and finite values as for D4RL, and the metadata's spaces and totals against the data.
    /// Every column read counts against the memory limit.
    public static func read(_ directory: String) throws -> LoggedDataset {
        let reader = try MinariBlockReader(directory, wholeFile: true)
        var whole: DatasetBlock?
        let notes = try reader.forEachBlock(rows: .max) { whole = $0 }
        guard let whole else {
            return LoggedDataset(format: .minari, observationSize: reader.observationSize, actionSize: reader.actionSize,
                                 observations: [], actions: [], rewards: [], nextObservations: [], terminals: [], timeouts: [],
                                 behaviorLogProbabilities: nil, episodeLengths: [], environment: reader.environment, notes: notes)
        }
        return LoggedDataset(format: .minari, observationSize: reader.observationSize, actionSize: reader.actionSize,
                             observations: whole.observations, actions: whole.actions, rewards: whole.rewards,
                             nextObservations: whole.nextObservations, terminals: whole.terminals, timeouts: whole.timeouts,
                             behaviorLogProbabilities: whole.behaviorLogProbabilities,
                             episodeLengths: LoggedDataset.episodeLengths(terminals: whole.endsEpisode, timeouts: whole.endsEpisode),
                             environment: reader.environment, notes: notes)
    }

    /// Writes `dataset` as a Minari dataset in `directory` (created if needed; it must not hold `data/`
    /// already unless `replacing`, and may not be, lie inside or contain one of `inputs`). Each episode's T+1 observations are its T observations and its last next observation;
    /// a next observation that differs from the following row's observation cannot be represented
    /// (the returned notes count them). The dataset's `environment` gives the spaces and `env_spec`; without
    /// one the spaces are unbounded boxes of the dataset's sizes, and without its id there is no `env_spec`.
    /// The free space is checked first; the `data` folder is
    /// written beside its final name and appears complete or not at all, and a failed write removes
    /// everything it created, the directories it made included.
    @discardableResult
    public static func write(_ dataset: LoggedDataset, to directory: String, datasetID: String,
                             algorithmName: String? = nil,
                             replacing: Bool = false, inputs: [String] = []) throws -> [String] {
        let o = dataset.observationSize, a = dataset.actionSize
        let environment = dataset.environment
        try dataset.checkEnvironmentFits(writing: directory)
        let observationSpace = environment?.observationSpace ?? BoxBounds(unboundedOfSize: o)
        let actionSpace = environment?.actionSpace ?? BoxBounds(unboundedOfSize: a)
        let finalData = directory + "/data"
        try FileOperations.checkNotAnInput(directory, contained: finalData, inputs: inputs)
        if FileOperations.exists(directory) && !FileOperations.isDirectory(directory) {
            throw DatasetError.outputRefused(path: directory, reason: "it is a file; a Minari dataset is a directory")
        }
        if FileOperations.exists(finalData) && !replacing {
            throw DatasetError.outputRefused(path: directory, reason: "it already holds data/; choose a new directory, or replace it with --force")
        }
        let rowBytes = (o + a) * 4 + 4 + 2 + (dataset.behaviorLogProbabilities == nil ? 0 : 4)
        try FileOperations.checkFreeSpace(dataset.count * rowBytes + dataset.episodeLengths.count * (2_048 + o * 4),
                                          in: FileOperations.nearestExisting(directory), for: directory)
        let createdDirectory = try FileOperations.makeDirectory(directory)
        let partial = directory + "/.data.partial-\(getpid())"
        let replaced = directory + "/.data.replaced-\(getpid())"
        var unrepresentable = 0
        do {
            try FileOperations.makeDirectory(partial)
            try {
                let file = try HDF5File.create(partial + "/main_data.hdf5")
                var start = 0
                for (index, steps) in dataset.episodeLengths.enumerated() {
                    let group = "episode_\(index)"
                    let rows = start..<(start + steps)
                    try file.createGroup(group)
                    var episodeObservations = Array(dataset.observations[(rows.lowerBound * o)..<(rows.upperBound * o)])
                    if let next = dataset.nextObservations {
                        episodeObservations.append(contentsOf: next[((rows.upperBound - 1) * o)..<(rows.upperBound * o)])
                        for row in rows.dropLast() where !(0..<o).allSatisfy({
                            next[row * o + $0].bitPattern == dataset.observations[(row + 1) * o + $0].bitPattern }) {
                            unrepresentable += 1
                        }
                    } else {
                        // A D4RL file without next observations: its last row's observation stands in.
                        episodeObservations.append(contentsOf: dataset.observations[((rows.upperBound - 1) * o)..<(rows.upperBound * o)])
                    }
                    try file.write(episodeObservations, shape: [steps + 1, o], to: group + "/observations")
                    try file.write(Array(dataset.actions[(rows.lowerBound * a)..<(rows.upperBound * a)]), shape: [steps, a], to: group + "/actions")
                    try file.write(Array(dataset.rewards[rows]), shape: [steps], to: group + "/rewards")
                    try file.write(flags: Array(dataset.terminals[rows]), to: group + "/terminations")
                    try file.write(flags: Array(dataset.timeouts[rows]), to: group + "/truncations")
                    if let logs = dataset.behaviorLogProbabilities {
                        try file.write(Array(logs[rows]) + [.nan], shape: [steps + 1], to: group + "/infos/action_log_probs")
                    }
                    try file.writeAttribute(Int64(index), named: "id", on: group)
                    try file.writeAttribute(Int64(steps), named: "total_steps", on: group)
                    start += steps
                }
                try file.close()
            }()
            var fields: [String] = [
                #""total_episodes": \#(dataset.episodeLengths.count)"#,
                #""total_steps": \#(dataset.count)"#,
                #""data_format": "hdf5""#,
                #""observation_space": "# + jsonString(observationSpace.minariJSON),
                #""action_space": "# + jsonString(actionSpace.minariJSON),
                #""dataset_id": "# + jsonString(datasetID),
                #""minari_version": "# + jsonString(formatVersion),
                #""author": ["OffPolicy"]"#,
                #""code_permalink": "none""#,
            ]
            if let spec = environment?.gymnasiumSpecJSON { fields.append(#""env_spec": "# + jsonString(spec)) }
            if let algorithmName { fields.append(#""algorithm_name": "# + jsonString(algorithmName)) }
            try FileOperations.write(Data(("{" + fields.joined(separator: ", ") + "}\n").utf8), to: partial + "/metadata.json")
            if replacing && FileOperations.exists(finalData) {
                try FileOperations.moveDirectory(finalData, to: replaced)
                do {
                    try FileOperations.moveDirectory(partial, to: finalData)
                } catch {
                    try? FileOperations.moveDirectory(replaced, to: finalData)
                    throw error
                }
                try? FileManager.default.removeItem(atPath: replaced)
            } else {
                try FileOperations.moveDirectory(partial, to: finalData)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            if let createdDirectory { try? FileManager.default.removeItem(atPath: createdDirectory) }
            throw error
        }
        var notes: [String] = []
        if unrepresentable > 0 {
            notes.append("\(unrepresentable) transitions have a next observation that differs from the next row's observation within their episode; Minari keeps only the observations")
        }
        if dataset.nextObservations == nil {
            notes.append("the dataset has no next observations; each episode's final observation repeats its last one")
        }
        return notes
    }

    /// `text` as a JSON string literal.
    private static func jsonString(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result + "\""
    }
}
