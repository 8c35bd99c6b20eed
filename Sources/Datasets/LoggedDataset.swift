import Foundation
import ReplayStore
import Transitions

/// A logged dataset as its file holds it: every row, in file order, in float32, with the episode
/// boundaries. Reading one (`read(from:)`) checks every key, shape, type and value first, so a dataset
/// that exists is one that can be imported.
public struct LoggedDataset: Sendable {
    public var format: DatasetFormat
    public var observationSize: Int
    public var actionSize: Int
    /// `count × observationSize`, row-major.
    public var observations: [Float]
    /// `count × actionSize`, row-major.
    public var actions: [Float]
    public var rewards: [Float]
    /// `count × observationSize`; nil for a D4RL file without `next_observations` (see `transitions(firstEpisodeID:)`).
    public var nextObservations: [Float]?
    /// Gymnasium's `terminated` (D4RL `terminals`, Minari `terminations`).
    public var terminals: [Bool]
    /// Gymnasium's `truncated` (D4RL `timeouts`, Minari `truncations`).
    public var timeouts: [Bool]
    /// log μ(a|s) of the behavior policy (`infos/action_log_probs`); nil when the dataset has none.
    public var behaviorLogProbabilities: [Float]?
    /// Rows of each episode, in order; they add up to `count`. The last may be unfinished.
    public var episodeLengths: [Int]
    /// The environment the data came from, when the dataset describes it (Minari's `env_spec` and spaces,
    /// a D4RL file's attributes of the same name, a store's environment record).
    public var environment: SourceEnvironment?
    /// Gymnasium id of the environment, when the dataset names it.
    public var environmentID: String? { environment?.id }
    /// What reading changed or noticed (float64 converted, ...), for the user to see.
    public var notes: [String]

    public var count: Int { rewards.count }

    public init(format: DatasetFormat, observationSize: Int, actionSize: Int, observations: [Float], actions: [Float],
                rewards: [Float], nextObservations: [Float]?, terminals: [Bool], timeouts: [Bool],
                behaviorLogProbabilities: [Float]?, episodeLengths: [Int]? = nil, environment: SourceEnvironment? = nil, notes: [String] = []) {
        precondition(observations.count == rewards.count * observationSize && actions.count == rewards.count * actionSize
                     && terminals.count == rewards.count && timeouts.count == rewards.count
                     && (nextObservations?.count ?? observations.count) == observations.count
                     && (behaviorLogProbabilities?.count ?? rewards.count) == rewards.count,
                     "the columns of a logged dataset must all have the same number of rows")
        self.format = format
        self.observationSize = observationSize
        self.actionSize = actionSize
        self.observations = observations
        self.actions = actions
        self.rewards = rewards
        self.nextObservations = nextObservations
        self.terminals = terminals
        self.timeouts = timeouts
        self.behaviorLogProbabilities = behaviorLogProbabilities
        self.episodeLengths = episodeLengths ?? LoggedDataset.episodeLengths(terminals: terminals, timeouts: timeouts)
        self.environment = environment
        self.notes = notes
    }

    /// Refuses to write `output` when `environment` describes spaces of other sizes than the data's.
    func checkEnvironmentFits(writing output: String) throws {
        if let environment, let problem = environment.problem(observationSize: observationSize, actionSize: actionSize) {
            throw DatasetError.outputRefused(path: output, reason: "its environment \(environment.id ?? "record") does not fit the data: \(problem)")
        }
    }

    /// Episodes end after each row whose `terminals` or `timeouts` is set; rows after the last end
    /// form one unfinished episode.
    public static func episodeLengths(terminals: [Bool], timeouts: [Bool]) -> [Int] {
        var lengths: [Int] = []
        var start = 0
        for row in terminals.indices where terminals[row] || timeouts[row] {
            lengths.append(row + 1 - start)
            start = row + 1
        }
        if start < terminals.count { lengths.append(terminals.count - start) }
        return lengths
    }

    /// Reads the dataset at `path`: a D4RL HDF5 file, a Minari dataset directory (holding
    /// `data/main_data.hdf5` and `data/metadata.json`), or a replay store directory (its live transitions).
    public static func read(from path: String) throws -> LoggedDataset {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError.notADataset(path: path, reason: "no such file or directory")
        }
        guard isDirectory.boolValue else { return try D4RLFile.read(path) }
        if FileManager.default.fileExists(atPath: path + "/data.mdb") { return try read(fromStore: path) }
        if FileManager.default.fileExists(atPath: path + "/" + MinariDirectory.dataFile) { return try MinariDirectory.read(path) }
        throw DatasetError.notADataset(path: path, reason: "a directory without \(MinariDirectory.dataFile) (Minari) or data.mdb (replay store)")
    }

    /// The live transitions of the replay store at `path` (opened read-only), in order.
    public static func read(fromStore path: String) throws -> LoggedDataset {
        let store = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly, cacheBudgetBytes: 0))
        var dataset = LoggedDataset(transitions: try store.liveTransitions())
        dataset.environment = try store.sourceEnvironment()
        return dataset
    }
}
