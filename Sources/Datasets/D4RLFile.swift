import Foundation
import ReplayStore

/// D4RL's layout: one HDF5 file of flat columns, one row per step.
///
/// | key | shape | |
/// |---|---|---|
/// | observations | (N, obs) | required |
/// | actions | (N, act) | required |
/// | rewards | (N,) | required |
/// | terminals | (N,) bool | required: Gymnasium's `terminated` |
/// | timeouts | (N,) bool | required: Gymnasium's `truncated` |
/// | next_observations | (N, obs) | optional |
/// | infos/action_log_probs | (N,) | optional: the behavior log-probability |
///
/// and, optionally, the environment as string attributes of the root group: `observation_space` and
/// `action_space` (Minari's serialised Box spaces), and `env_spec` (Gymnasium's `EnvSpec` JSON).
public enum D4RLFile {
    public static let observationsKey = "observations"
    public static let actionsKey = "actions"
    public static let rewardsKey = "rewards"
    public static let terminalsKey = "terminals"
    public static let timeoutsKey = "timeouts"
    public static let nextObservationsKey = "next_observations"
    public static let logProbabilitiesKey = "infos/action_log_probs"

    /// Reads and checks every key: presence, equal row counts, shapes, dtypes (float32, or float64
    /// converted with a note; flags as bool or 0/1 numbers) and finite values (NaN in the behavior
    /// log-probabilities means unknown and is accepted).
    public static func read(_ path: String) throws -> LoggedDataset {
        let file = try HDF5File.open(path)
        var reader = ColumnReader(file: file)
        let observations = try reader.floats(observationsKey)
        let rows = observations.rows
        let actions = try reader.floats(actionsKey, rows: rows, reference: observationsKey)
        let rewards = try reader.floats(rewardsKey, rows: rows, reference: observationsKey, scalar: true)
        let terminals = try reader.flags(terminalsKey, rows: rows, reference: observationsKey)
        let timeouts = try reader.flags(timeoutsKey, rows: rows, reference: observationsKey)
        var nextObservations: HDF5FloatColumn?
        if try file.contains(nextObservationsKey) {
            let next = try reader.floats(nextObservationsKey, rows: rows, reference: observationsKey)
            guard next.width == observations.width else {
                throw DatasetError.wrongShape(path: path, key: nextObservationsKey, shape: next.shape,
                                              expected: "the shape of '\(observationsKey)', (\(rows), \(observations.width))")
            }
            nextObservations = next
        }
        var logProbabilities: HDF5FloatColumn?
        if try file.contains(logProbabilitiesKey) {
            logProbabilities = try reader.floats(logProbabilitiesKey, rows: rows, reference: observationsKey, scalar: true, allowingNaN: true)
        }
        let environment = try readEnvironment(of: file, observationSize: observations.width, actionSize: actions.width)
        return LoggedDataset(format: .d4rl, observationSize: observations.width, actionSize: actions.width,
                             observations: observations.values, actions: actions.values, rewards: rewards.values,
                             nextObservations: nextObservations?.values, terminals: terminals.values, timeouts: timeouts.values,
                             behaviorLogProbabilities: logProbabilities?.values, environment: environment, notes: reader.notes)
    }

    /// The environment the root group's attributes describe; nil when it has none of them. Both spaces
    /// must be there (with `env_spec` optional) and fit the columns' sizes, or the attributes are invalid.
    static func readEnvironment(of file: HDF5File, observationSize: Int, actionSize: Int) throws -> SourceEnvironment? {
        typealias Keys = SourceEnvironment
        let spec = try file.stringAttribute(Keys.specKey, of: "/")
        let observationSpace = try file.stringAttribute(Keys.observationSpaceKey, of: "/")
        let actionSpace = try file.stringAttribute(Keys.actionSpaceKey, of: "/")
        guard spec != nil || observationSpace != nil || actionSpace != nil else { return nil }
        guard let observationSpace, let actionSpace else {
            throw DatasetError.invalidAttribute(path: file.path, key: "/", name: observationSpace == nil ? Keys.observationSpaceKey : Keys.actionSpaceKey,
                                                reason: "is missing; a file that describes its environment needs both spaces")
        }
        let environment = try SourceEnvironment(specJSON: spec, observationSpaceJSON: observationSpace, actionSpaceJSON: actionSpace, path: file.path)
        for (name, space, size, key) in [(Keys.observationSpaceKey, environment.observationSpace, observationSize, observationsKey),
                                         (Keys.actionSpaceKey, environment.actionSpace, actionSize, actionsKey)] where space.size != size {
            throw DatasetError.invalidAttribute(path: file.path, key: "/", name: name,
                                                reason: "describes \(space.size) values per row, '\(key)' has \(size)")
        }
        return environment
    }

    /// Writes `environment` as the root group's attributes `observation_space`, `action_space` and (with an id) `env_spec`.
    static func writeEnvironment(_ environment: SourceEnvironment, to file: HDF5File) throws {
        try file.writeAttribute(environment.observationSpace.minariJSON, named: SourceEnvironment.observationSpaceKey, on: "/")
        try file.writeAttribute(environment.actionSpace.minariJSON, named: SourceEnvironment.actionSpaceKey, on: "/")
        if let spec = environment.gymnasiumSpecJSON { try file.writeAttribute(spec, named: SourceEnvironment.specKey, on: "/") }
    }

    /// The checks `write` makes of `path` before writing anything, for a command to make before its
    /// long work: not one of `inputs` (nor inside or around one), not a directory, and new unless `replacing`.
    public static func checkOutput(_ path: String, replacing: Bool = false, inputs: [String] = []) throws {
        try FileOperations.checkNotAnInput(path, inputs: inputs)
        try FileOperations.checkNewFile(path, replacing: replacing)
    }

    /// Refuses, before anything is written, a file of `rows` rows at `path` when its file system has
    /// less free space than the columns need (a lower estimate: HDF5 adds a few kilobytes of its own).
    public static func checkFreeSpace(rows: Int, observationSize: Int, actionSize: Int, nextObservations: Bool = true,
                                      logProbabilities: Bool = true, at path: String) throws {
        let rowBytes = observationSize * 4 * (nextObservations ? 2 : 1) + actionSize * 4 + 4 + 2 + (logProbabilities ? 4 : 0)
        let (bytes, overflow) = rows.multipliedReportingOverflow(by: rowBytes)
        try FileOperations.checkFreeSpace(overflow ? Int.max : bytes, in: FileOperations.nearestExisting(FileOperations.parent(of: path)), for: path)
    }

    /// Writes `dataset` in D4RL's layout: float32 columns, h5py-style bool flags, `next_observations`
    /// and `infos/action_log_probs` when the dataset has them, and its environment (when known) as
    /// attributes of the root group. Returns notes for the user.
    ///
    /// - An episode that ends without `terminals` or `timeouts` (a row dropped at import, or an episode
    ///   left unfinished) and is followed by another gets `timeouts` on its last row, so the boundary
    ///   survives: D4RL files have no other way to mark it. Its next observation is kept, so nothing
    ///   about bootstrapping changes.
    /// - `path` must not exist unless `replacing`, and may not be, lie inside or contain one of `inputs`.
    /// - The free space is checked first; the file is written to a temporary name beside `path` and
    ///   renamed into place when complete, and the temporary file is removed on any failure.
    @discardableResult
    public static func write(_ dataset: LoggedDataset, to path: String, replacing: Bool = false, inputs: [String] = []) throws -> [String] {
        try checkOutput(path, replacing: replacing, inputs: inputs)
        let n = dataset.count, o = dataset.observationSize
        var timeouts = dataset.timeouts
        var marked = 0
        var end = 0
        for length in dataset.episodeLengths.dropLast() {
            end += length
            if !dataset.terminals[end - 1] && !timeouts[end - 1] {
                timeouts[end - 1] = true
                marked += 1
            }
        }
        try dataset.checkEnvironmentFits(writing: path)
        try checkFreeSpace(rows: n, observationSize: o, actionSize: dataset.actionSize, nextObservations: dataset.nextObservations != nil,
                           logProbabilities: dataset.behaviorLogProbabilities != nil, at: path)
        let createdFolder = try FileOperations.makeDirectory(FileOperations.parent(of: path))
        let partial = FileOperations.temporaryName(beside: path)
        do {
            let file = try HDF5File.create(partial)
            try file.write(dataset.observations, shape: [n, o], to: observationsKey)
            try file.write(dataset.actions, shape: [n, dataset.actionSize], to: actionsKey)
            try file.write(dataset.rewards, shape: [n], to: rewardsKey)
            try file.write(flags: dataset.terminals, to: terminalsKey)
            try file.write(flags: timeouts, to: timeoutsKey)
            if let next = dataset.nextObservations { try file.write(next, shape: [n, o], to: nextObservationsKey) }
            if let logs = dataset.behaviorLogProbabilities { try file.write(logs, shape: [n], to: logProbabilitiesKey) }
            if let environment = dataset.environment { try writeEnvironment(environment, to: file) }
            try file.close()
            try FileOperations.move(partial, to: path, replacing: replacing)
        } catch {
            unlink(partial)
            if let createdFolder { try? FileManager.default.removeItem(atPath: createdFolder) }
            throw error
        }
        guard marked > 0 else { return [] }
        return ["\(marked) episodes end without terminals or timeouts (rows dropped at import, or episodes cut short); their last rows are marked as timeouts so that the episode boundaries survive"]
    }
}
