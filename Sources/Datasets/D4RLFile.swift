import Foundation

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
        return LoggedDataset(format: .d4rl, observationSize: observations.width, actionSize: actions.width,
                             observations: observations.values, actions: actions.values, rewards: rewards.values,
                             nextObservations: nextObservations?.values, terminals: terminals.values, timeouts: timeouts.values,
                             behaviorLogProbabilities: logProbabilities?.values, notes: reader.notes)
    }

    /// Writes `dataset` in D4RL's layout: float32 columns, h5py-style bool flags, `next_observations`
    /// and `infos/action_log_probs` when the dataset has them. The file appears complete or not at
    /// all (written beside `path`, then renamed over it).
    public static func write(_ dataset: LoggedDataset, to path: String) throws {
        let partial = path + ".partial-\(getpid())"
        do {
            try {
                let file = try HDF5File.create(partial)
                let n = dataset.count
                try file.write(dataset.observations, shape: [n, dataset.observationSize], to: observationsKey)
                try file.write(dataset.actions, shape: [n, dataset.actionSize], to: actionsKey)
                try file.write(dataset.rewards, shape: [n], to: rewardsKey)
                try file.write(flags: dataset.terminals, to: terminalsKey)
                try file.write(flags: dataset.timeouts, to: timeoutsKey)
                if let next = dataset.nextObservations { try file.write(next, shape: [n, dataset.observationSize], to: nextObservationsKey) }
                if let logs = dataset.behaviorLogProbabilities { try file.write(logs, shape: [n], to: logProbabilitiesKey) }
                try file.flush()
            }()
            try FileOperations.rename(partial, to: path)
        } catch {
            unlink(partial)
            throw error
        }
    }
}
