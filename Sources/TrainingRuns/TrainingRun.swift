import Environments
import Foundation
import GymBridge
import Learners
import Randomness
import ReplayStore
import RunFiles
import Training
import Transitions

/// Builds the pieces of a run the CLI starts from its directory: the registered environment named in
/// the config, the real replay store at `DIR/replay`, and the registered learner the config describes,
/// wired into the loop its learner needs. (A library user can build the same loops from their own pieces.)
public enum TrainingRun {
    /// How the training loop opens its store: one transition per step, durable at each checkpoint
    /// (`sync()`); every committed step also survives `kill -9` of the process.
    public static let storeOptions = StoreOptions(durability: .processCrashSafe)

    /// Whether the config's learner learns from its own rollouts (REINFORCE, A2C, PPO) and so trains in an
    /// `OnPolicyTrainingLoop`.
    public static func isOnPolicy(_ config: TrainingConfig) -> Bool { config.learner.isOnPolicy }

    /// A new run of `config` in `directory`, in the loop its learner needs: `TrainingLoop` for the
    /// off-policy and offline learners, `OnPolicyTrainingLoop` (its environment copies and evaluation
    /// environment each made by `makeEnvironment(named:)`) for the on-policy ones.
    /// Offline, the learner's config is first fitted to the dataset (`LearnerConfig.fitted(to:)`, for
    /// example TD3+BC's observation statistics over every live transition), and `config.json` records it.
    /// `demonstrations` (online runs only) are appended to the new store first, with source
    /// `demonstration` (pinned), and recorded in the config's `prefill`, whose `ratio` must be set by the caller.
    /// Everything is checked before the first file is written; if a later step fails, what this call
    /// created is removed again, so the directory never holds a run that can neither start nor resume.
    /// `environmentTimeout` bounds every call to a bridged environment (see `makeEnvironment(named:callTimeout:)`).
    public static func startSession(_ config: TrainingConfig, in directory: URL, demonstrations: (batch: TransitionBatch, source: String)? = nil,
                                    demonstrationRatio: Double? = nil, terminal: TerminalProgress = TerminalProgress(),
                                    environmentTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> any TrainingSession {
        try config.validate()
        var config = config
        let run = RunDirectory(directory)
        let environment = try makeEnvironment(named: config.environment, callTimeout: environmentTimeout)
        let onPolicy = try makeLearner(config, for: environment) is any OnPolicyLearner  // a refused config fails before anything is written
        if onPolicy && config.mode == .offline {
            throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: it learns from its own rollouts, not from a dataset")
        }
        if onPolicy && demonstrations != nil {
            throw TrainingError.invalidConfig("\(config.algorithm) is on-policy: it cannot learn from pre-filled demonstrations")
        }
        if let demonstrations {
            guard config.mode == .online else { throw TrainingError.invalidConfig("demonstrations pre-fill an online run's store") }
            guard demonstrations.batch.sources.allSatisfy({ $0 == .demonstration }) else {
                throw TrainingError.invalidConfig("pre-filled transitions must have the source 'demonstration'")
            }
            let wanted = (environment.observationSpace.dimension, environment.actionSpace.dimension)
            guard (demonstrations.batch.observationSize, demonstrations.batch.actionSize) == wanted else {
                throw TrainingError.mismatch("the demonstrations in \(demonstrations.source) have \(demonstrations.batch.observationSize)-d observations and \(demonstrations.batch.actionSize)-d actions; \(config.environment) has \(wanted.0) and \(wanted.1)")
            }
        }
        let fileManager = FileManager.default
        let directoryExisted = fileManager.fileExists(atPath: directory.path)
        let lock = try run.claimForNewRun(absent: [run.replay])
        defer { withExtendedLifetime(lock) {} }
        do {
            let store = try openStore(config, environment, run: run, creating: true)
            if config.mode == .offline { config.learner = config.learner.fitted(to: try store.liveTransitions()) }
            if let demonstrations {
                try store.append(demonstrations.batch)
                try store.sync()
                config.prefill = Prefill(source: demonstrations.source, transitions: demonstrations.batch.count,
                                         episodes: Set(demonstrations.batch.episodeIDs).count, ratio: demonstrationRatio)
            }
            let learner = try makeLearner(config, for: environment)
            if let learner = learner as? any OnPolicyLearner {
                return try OnPolicyTrainingLoop(starting: config, in: run, makeEnvironment: { try makeEnvironment(named: config.environment, callTimeout: environmentTimeout) },
                                                learner: learner, store: store, terminal: terminal)
            }
            return try TrainingLoop(starting: config, in: run, environment: environment,
                                    evaluationEnvironment: try makeEnvironment(named: config.environment, callTimeout: environmentTimeout),
                                    learner: learner, store: store, terminal: terminal)
        } catch {
            // The directory held no run (checked above), so all of these are this call's, the lock file too.
            for created in [run.replay, run.config, run.progress, run.metrics, run.lock] { try? fileManager.removeItem(at: created) }
            if !directoryExisted { try? fileManager.removeItem(at: directory) }
            throw error
        }
    }

    /// The resolved config a run wrote, checked by the same rules as a new run's
    /// (`TrainingConfig.validate()`, the learner's declared option ranges included): a tampered file is
    /// refused with one sentence naming it, never trained with. A FIFO or a device in its place is
    /// refused without being read.
    public static func config(in directory: URL) throws -> TrainingConfig {
        let file = RunDirectory(directory).config
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: file, limit: 1 << 24) else {
                throw TrainingError.missingFile("\(file.path) (is \(directory.path) a run directory?)")
            }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
        let config: TrainingConfig
        do {
            config = try JSONDecoder().decode(TrainingConfig.self, from: data)
        } catch {
            throw TrainingError.corruptFile(file.path, FileProblem.reason(error))
        }
        do {
            try config.validate()
        } catch TrainingError.invalidConfig(let message) {
            throw TrainingError.corruptFile(file.path, "it holds an invalid setting: \(message)")
        }
        return config
    }

    /// Continues the run in `directory` in the loop its learner needs (see `startSession`).
    public static func resumeSession(in directory: URL, steps: Int? = nil, terminal: TerminalProgress = TerminalProgress(),
                                     environmentTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> any TrainingSession {
        var config = try config(in: directory)
        if let steps {
            config.steps = steps
            try config.validate()
        }
        let run = RunDirectory(directory)
        let lock = try RunDirectoryLock.acquire(run)
        defer { withExtendedLifetime(lock) {} }
        let environment = try makeEnvironment(named: config.environment, callTimeout: environmentTimeout)
        let store = try openStore(config, environment, run: run, creating: false)
        let learner = try makeLearner(config, for: environment)
        let loop: any TrainingSession
        if let learner = learner as? any OnPolicyLearner {
            loop = try OnPolicyTrainingLoop(resuming: run, config: config, makeEnvironment: { try makeEnvironment(named: config.environment, callTimeout: environmentTimeout) },
                                            learner: learner, store: store, terminal: terminal)
        } else {
            loop = try TrainingLoop(resuming: run, config: config, environment: environment,
                                    evaluationEnvironment: try makeEnvironment(named: config.environment, callTimeout: environmentTimeout),
                                    learner: learner, store: store, terminal: terminal)
        }
        if steps != nil { try config.write(to: run.config) }
        return loop
    }

    /// The learner of the run in `directory`, restored from its latest checkpoint, and the run's environment.
    public static func trainedLearner(in directory: URL, environmentTimeout: Double = GymEnvironment.defaultCallTimeout)
        throws -> (TrainingConfig, any Environment, any Learner) {
        let config = try config(in: directory)
        let environment = try makeEnvironment(named: config.environment, callTimeout: environmentTimeout)
        let learner = try makeLearner(config, for: environment)
        let checkpoint = RunDirectory.learnerDirectory(in: RunDirectory(directory).checkpoint)
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            throw TrainingError.missingFile("\(checkpoint.path) (the run has not written a checkpoint yet)")
        }
        try learner.loadCheckpoint(from: checkpoint)
        return (config, environment, learner)
    }

    /// A new environment named `name`: a built-in one (`Pendulum-v1`, `MountainCarContinuous-v0`), or
    /// `gym:ID`, a Gymnasium environment in a child Python process of its own. Every call makes a separate
    /// environment; this is how the loop gets its evaluation environment (never by copying a bridged one).
    /// `callTimeout` is the seconds a bridged environment's start, reset or step may take.
    public static func makeEnvironment(named name: String, callTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> any Environment {
        switch EnvironmentName(name) {
        case .builtIn(let id): return id.make()
        case .gym(let id): return try GymEnvironment(id: id, callTimeout: callTimeout)
        case nil: throw TrainingError.invalidConfig("unknown environment '\(name)' (known: \(EnvironmentName.accepted))")
        }
    }

    /// A freshly initialised learner of `config` for `environment`'s spaces; its weights depend on the seed only.
    public static func makeLearner(_ config: TrainingConfig, for environment: any Environment) throws -> any Learner {
        var generator = SeededGenerator(seed: config.seed, stream: 4)
        do {
            return try config.learner.makeLearner(observationSize: environment.observationSpace.dimension,
                                                  actionLow: environment.actionSpace.low, actionHigh: environment.actionSpace.high,
                                                  generator: &generator)
        } catch let error as LearnerError {
            throw TrainingError.invalidConfig("\(error)")
        }
    }

    /// Online: the run's own store (created for a new run). Offline: the dataset store (or the run's own),
    /// opened read-only; its observation and action sizes must be the environment's.
    private static func openStore(_ config: TrainingConfig, _ environment: any Environment, run: RunDirectory,
                                  creating: Bool) throws -> ReplayStore {
        guard config.mode == .offline else {
            return creating ? try ReplayStore.create(at: run.replay.path, schema: schema(config, environment), options: storeOptions)
                : try ReplayStore.open(at: run.replay.path, expecting: schema(config, environment), options: storeOptions)
        }
        let path = config.dataset ?? run.replay.path
        guard FileManager.default.fileExists(atPath: path) else { throw TrainingError.missingFile("the dataset store \(path)") }
        let store = try ReplayStore.open(at: path, options: StoreOptions(access: .readOnly))
        let wanted = (environment.observationSpace.dimension, environment.actionSpace.dimension)
        guard (store.schema.observationSize, store.schema.actionSize) == wanted else {
            throw TrainingError.mismatch("the dataset store \(path) holds \(store.schema.observationSize)-d observations and \(store.schema.actionSize)-d actions; \(config.environment) has \(wanted.0) and \(wanted.1)")
        }
        return store
    }

    private static func schema(_ config: TrainingConfig, _ environment: any Environment) -> StoreSchema {
        StoreSchema(observationSize: environment.observationSpace.dimension, actionSize: environment.actionSpace.dimension,
                    capacity: config.replayCapacity)
    }
}
