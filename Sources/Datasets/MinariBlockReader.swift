import Foundation
import ReplayStore

/// A Minari dataset directory read episode by episode (`MinariDirectory`'s layout), with every check
/// of `MinariDirectory.read`: the metadata when it is opened, each episode's keys, shapes, types,
/// values, `total_steps` and early endings as it is read, and `total_steps` of the metadata at the end.
/// Episodes are gathered into blocks of at least the rows asked for (whole episodes each).
struct MinariBlockReader: DatasetBlockReader {
    let directory: String
    let metadataPath: String
    let path: String
    let metadata: MinariMetadata
    /// The metadata's spaces and `env_spec`.
    let source: SourceEnvironment
    let file: HDF5File
    let episodes: [(index: Int, name: String)]
    /// Whether reads count together against the memory limit (reading the dataset whole); otherwise
    /// each episode's columns must fit it on their own.
    let wholeFile: Bool
    let rowCount: Int?

    var format: DatasetFormat { .minari }
    var environment: SourceEnvironment? { source }
    var observationSpace: BoxBounds { source.observationSpace }
    var actionSpace: BoxBounds { source.actionSpace }
    var observationSize: Int { observationSpace.size }
    var actionSize: Int { actionSpace.size }
    var hasNextObservations: Bool { true }
    var bytesPerRow: Int { 4 * (2 * observationSize + actionSize + 2) + 2 }

    init(_ directory: String, wholeFile: Bool = false) throws {
        self.directory = directory
        self.wholeFile = wholeFile
        metadataPath = directory + "/" + MinariDirectory.metadataFile
        guard FileOperations.exists(metadataPath) else {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "it is missing; a Minari dataset directory holds \(MinariDirectory.metadataFile) beside \(MinariDirectory.dataFile)")
        }
        let metadata: MinariMetadata
        do {
            metadata = try JSONDecoder().decode(MinariMetadata.self, from: try FileOperations.readSmallFile(metadataPath))
        } catch DatasetError.notADataset(_, let reason) {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: reason)
        } catch {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: JSONProblem.describe(error))
        }
        self.metadata = metadata
        guard metadata.totalEpisodes >= 0, metadata.totalSteps >= 0 else {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "total_episodes and total_steps must not be negative")
        }
        if let format = metadata.dataFormat, format != "hdf5" {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "data_format is '\(format)'; only hdf5 is supported")
        }
        guard let observationText = metadata.observationSpace, let actionText = metadata.actionSpace else {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "observation_space or action_space is missing")
        }
        source = try SourceEnvironment(specJSON: metadata.envSpec, observationSpaceJSON: observationText,
                                       actionSpaceJSON: actionText, path: metadataPath)

        path = directory + "/" + MinariDirectory.dataFile
        file = try HDF5File.open(path)
        episodes = try file.memberNames(of: "/").compactMap { name -> (index: Int, name: String)? in
            guard name.hasPrefix("episode_"), let index = Int(name.dropFirst("episode_".count)) else { return nil }
            return (index, name)
        }.sorted { $0.index < $1.index }
        guard episodes.count == metadata.totalEpisodes else {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "total_episodes is \(metadata.totalEpisodes), \(path) holds \(episodes.count) episode groups")
        }
        // The steps the episodes declare (their actions' rows), without reading them; nil when a shape
        // cannot be read, which reading the episode then reports in its place.
        var rows: Int? = 0
        for episode in episodes {
            guard let steps = try? file.shape(of: episode.name + "/actions").first, let sum = rows else { rows = nil; break }
            rows = sum.addingReportingOverflow(steps).overflow ? nil : sum + steps
        }
        rowCount = rows
    }

    func forEachBlock(rows blockRows: Int, _ body: (DatasetBlock) throws -> Void) throws -> [String] {
        let o = observationSpace.size, a = actionSpace.size
        var reader = ColumnReader(file: file)
        var pending = DatasetBlock(firstRow: 0, observations: [], actions: [], rewards: [], nextObservations: [], terminals: [],
                                   timeouts: [], behaviorLogProbabilities: [], endsEpisode: [], followingObservation: nil)
        var pendingHasLogs = false
        var totalRows = 0
        func flush() throws {
            guard pending.count > 0 else { return }
            if !pendingHasLogs { pending.behaviorLogProbabilities = nil }
            try body(pending)
            let next = pending.firstRow + pending.count
            pending = DatasetBlock(firstRow: next, observations: [], actions: [], rewards: [], nextObservations: [], terminals: [],
                                   timeouts: [], behaviorLogProbabilities: [], endsEpisode: [], followingObservation: nil)
            pendingHasLogs = false
        }
        // Whole-file reads accumulate against the memory limit; streamed ones check each episode's column.
        func floats(_ key: String, rows: Int? = nil, reference: String = "", scalar: Bool = false, allowingNaN: Bool = false,
                    noteName: String) throws -> HDF5FloatColumn {
            if wholeFile {
                return try reader.floats(key, rows: rows, reference: reference, scalar: scalar, allowingNaN: allowingNaN, noteName: noteName)
            }
            let column = try reader.openFloats(key, rows: rows, reference: reference, scalar: scalar, noteName: noteName)
            return try reader.floats(column, rows: 0..<column.rows, allowingNaN: allowingNaN)
        }
        func flags(_ key: String, rows: Int, reference: String) throws -> HDF5FlagColumn {
            if wholeFile { return try reader.flags(key, rows: rows, reference: reference) }
            let column = try reader.openFlags(key, rows: rows, reference: reference)
            return try file.readFlags(column, rows: 0..<column.rows)
        }
        var episodesWithLogs = 0
        var episodesRead = 0
        var outOfBounds = 0
        var firstOutOfBounds: String?
        for episode in episodes {
            func key(_ name: String) -> String { episode.name + "/" + name }
            let episodeActions = try floats(key("actions"), noteName: "actions")
            let steps = episodeActions.rows
            guard episodeActions.width == a else {
                throw DatasetError.wrongShape(path: path, key: key("actions"), shape: episodeActions.shape, expected: "(\(steps), \(a)) from action_space")
            }
            let episodeObservations = try floats(key("observations"), noteName: "observations")
            guard episodeObservations.rows == steps + 1, episodeObservations.width == o else {
                throw DatasetError.wrongShape(path: path, key: key("observations"), shape: episodeObservations.shape,
                                              expected: "(\(steps + 1), \(o)): one more row than '\(key("actions"))', \(o) values from observation_space")
            }
            let episodeRewards = try floats(key("rewards"), rows: steps, reference: key("actions"), scalar: true, noteName: "rewards")
            let episodeTerminals = try flags(key("terminations"), rows: steps, reference: key("actions"))
            let episodeTimeouts = try flags(key("truncations"), rows: steps, reference: key("actions"))
            if let declared = try file.integerAttribute("total_steps", of: episode.name), declared != steps {
                throw DatasetError.invalidAttribute(path: path, key: episode.name, name: "total_steps",
                                                    reason: "is \(declared), but '\(key("actions"))' holds \(steps) steps")
            }
            for (name, flags) in [("terminations", episodeTerminals.values), ("truncations", episodeTimeouts.values)] {
                if let early = flags.dropLast().firstIndex(of: true) {
                    throw DatasetError.episodeEndsEarly(path: path, key: key(name), step: early, steps: steps)
                }
            }
            guard steps > 0 else { continue }
            for step in 0..<steps {
                for component in 0..<a {
                    let value = episodeActions.values[step * a + component]
                    guard value < actionSpace.low[component] || value > actionSpace.high[component] else { continue }
                    outOfBounds += 1
                    if firstOutOfBounds == nil {
                        firstOutOfBounds = "\(key("actions")) step \(step), component \(component): \(value) outside [\(actionSpace.low[component]), \(actionSpace.high[component])]"
                    }
                }
            }
            pending.observations.append(contentsOf: episodeObservations.values[0..<(steps * o)])
            pending.nextObservations!.append(contentsOf: episodeObservations.values[o..<((steps + 1) * o)])
            pending.actions.append(contentsOf: episodeActions.values)
            pending.rewards.append(contentsOf: episodeRewards.values)
            pending.terminals.append(contentsOf: episodeTerminals.values)
            pending.timeouts.append(contentsOf: episodeTimeouts.values)
            pending.endsEpisode.append(contentsOf: repeatElement(false, count: steps - 1))
            pending.endsEpisode.append(true)
            if try file.contains(key("infos/action_log_probs")) {
                let episodeLogs = try floats(key("infos/action_log_probs"), scalar: true, allowingNaN: true, noteName: "infos/action_log_probs")
                guard episodeLogs.rows == steps + 1 || episodeLogs.rows == steps else {
                    throw DatasetError.unequalLength(path: path, key: key("infos/action_log_probs"), rows: episodeLogs.rows,
                                                     reference: key("observations"), expected: steps + 1)
                }
                pending.behaviorLogProbabilities!.append(contentsOf: episodeLogs.values[0..<steps])
                episodesWithLogs += 1
                pendingHasLogs = true
            } else {
                pending.behaviorLogProbabilities!.append(contentsOf: repeatElement(.nan, count: steps))
            }
            episodesRead += 1
            totalRows += steps
            if pending.count >= blockRows { try flush() }
        }
        guard totalRows == metadata.totalSteps else {
            throw DatasetError.invalidMetadata(path: metadataPath, reason: "total_steps is \(metadata.totalSteps), the episodes hold \(totalRows) steps")
        }
        try flush()
        var notes = reader.notes
        if let firstOutOfBounds {
            notes.append("\(outOfBounds) action values lie outside action_space's bounds (first: \(firstOutOfBounds)); they are kept as they are, and an environment clips them")
        }
        if episodesWithLogs > 0 && episodesWithLogs < episodesRead {
            notes.append("\(episodesRead - episodesWithLogs) of \(episodesRead) episodes have no infos/action_log_probs; their behavior log-probabilities are NaN (unknown)")
        }
        return notes
    }
}
