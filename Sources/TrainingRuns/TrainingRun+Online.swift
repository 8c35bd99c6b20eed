import Foundation
import GymBridge
import Learners
import ReplayStore
import RunFiles
import Training
import Transitions

extension TrainingRun {
    /// The share of every online batch drawn from the dataset after an offline run goes online: ½, Cal-QL's
    /// `mixing_ratio` (Nakamoto et al. 2023) and the value in d3rlpy's `MixedReplayBuffer` example (d3rlpy's
    /// `secondary_mix_ratio` has no default).
    public static let defaultDatasetRatio = 0.5

    /// Continues the finished offline run in `directory` online for `steps` environment steps, in the same
    /// directory and with the same learner (its checkpoint), on the environment named in its `config.json`.
    ///
    /// The dataset's live transitions are copied into the run's own store (`DIR/replay`) as pinned
    /// demonstrations, so they are never evicted, and every batch then draws round(`datasetRatio` × batch)
    /// transitions from them and the rest from what the policy collects. The policy acts from the first step
    /// (no uniform warm-up) and updates follow every step. `config.json` records the switch
    /// (`TrainingConfig.onlineStart`), the mode becomes online, and `--resume` continues the online part.
    /// Refused, with nothing changed, for a run that is not offline, not finished, or on-policy.
    public static func continueOnline(in directory: URL, steps: Int, datasetRatio: Double = defaultDatasetRatio,
                                      terminal: TerminalProgress = TerminalProgress(),
                                      environmentTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> any TrainingSession {
        var config = try config(in: directory)
        let run = RunDirectory(directory)
        guard config.mode == .offline else {
            throw TrainingError.invalidConfig("\(directory.path) is not an offline run; continue it with --resume alone")
        }
        guard let dataset = config.dataset else {
            throw TrainingError.invalidConfig("\(directory.path) trained offline from its own replay/ store, which cannot also take the online transitions; train offline from a dataset store or file to go on online")
        }
        guard (0...1).contains(datasetRatio) else { throw TrainingError.invalidConfig("the dataset ratio must lie in [0, 1], got \(datasetRatio)") }
        let updates = try ProgressRow.read(from: run.progress).last?.updates ?? 0
        guard updates == config.steps else {
            throw TrainingError.invalidConfig("\(directory.path) has done \(updates) of its \(config.steps) offline updates; finish them first with offpolicy train --resume \(directory.path)")
        }
        do {
            let lock = try RunDirectoryLock.acquire(run)
            defer { withExtendedLifetime(lock) {} }
            guard !FileManager.default.fileExists(atPath: run.replay.path) else {
                throw TrainingError.invalidConfig("\(run.replay.path) exists already; this run cannot go on online")
            }
            var demonstrations = try ReplayStore.open(at: dataset, options: StoreOptions(access: .readOnly)).liveTransitions()
            let episodes = markAsDemonstrations(&demonstrations)
            config.onlineStart = OnlineStart(updates: updates, dataset: dataset)
            config.mode = .online
            config.dataset = nil
            config.steps = steps
            config.learningStarts = 0
            config.prefill = Prefill(source: dataset, transitions: demonstrations.count, episodes: episodes, ratio: datasetRatio)
            try config.validate()
            let environment = try makeEnvironment(named: config.environment, callTimeout: environmentTimeout)
            do {
                let store = try openStore(config, environment, run: run, creating: true)
                try store.append(demonstrations)
                try store.sync()
                try config.write(to: run.config)
            } catch {
                try? FileManager.default.removeItem(at: run.replay)  // the offline run stays as it was
                throw error
            }
        }
        return try resumeSession(in: directory, terminal: terminal, environmentTimeout: environmentTimeout)
    }

    /// Gives every row the source `demonstration` and renumbers the episodes 0, 1, … in order of first
    /// appearance (online episodes are numbered after them); returns the number of episodes.
    private static func markAsDemonstrations(_ batch: inout TransitionBatch) -> Int {
        var renumbered: [UInt64: UInt64] = [:]
        let rows = batch.count
        batch.withUnsafeMutableColumns { columns in
            for row in 0..<rows {
                columns.sources[row] = .demonstration
                let id = columns.episodeIDs[row]
                if renumbered[id] == nil { renumbered[id] = UInt64(renumbered.count) }
                columns.episodeIDs[row] = renumbered[id]!
            }
        }
        return renumbered.count
    }
}
