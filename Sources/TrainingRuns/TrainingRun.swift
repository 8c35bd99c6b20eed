import Environments
import Foundation
import GymBridge
import Learners
import Randomness
import ReplayStore
import RunFiles
import Training
import Transitions

/// Builds the pieces of a run: the environment (the registered one named in the config, as the CLI
/// starts runs, or a library user's own), the real replay store at `DIR/replay`, and the registered
/// learner the config describes, wired into the loop its learner needs. A library user can also build the
/// same loops from pieces of their own.
public enum TrainingRun {
    /// How the training loop opens its store: one transition per step, durable at each checkpoint
    /// (`sync()`); every committed step also survives `kill -9` of the process.
    public static let storeOptions = StoreOptions(durability: .processCrashSafe)

    /// Whether the config's learner learns from its own rollouts (REINFORCE, A2C, PPO) and so trains in an
    /// `OnPolicyTrainingLoop`.
    public static func isOnPolicy(_ config: TrainingConfig) -> Bool { config.learner.isOnPolicy }

    /// A new run of `config` in `directory`, in the loop its learner needs: `TrainingLoop` for the
    /// off-policy and offline learners, `OnPolicyTrainingLoop` for the on-policy ones, each on
    /// `config.environmentCopies` training copies and an evaluation environment of the kind
    /// `makeEnvironment(named:)` makes. Bridged (`gym:`) ones start their processes together (`GymLaunch`),
    /// and the evaluation one is waited for when the first evaluation is due.
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
        let supply = try supplyOfEnvironments(named: config.environment, callTimeout: environmentTimeout)
        return try start(config, in: directory, environments: supply, demonstrations: demonstrations,
                         demonstrationRatio: demonstrationRatio, terminal: terminal)
    }

    /// A new run of the learner registered as `algorithm` (`sac`, `td3`, `ppo`, …; see `Algorithms`) on an
    /// environment of your own, with every other setting `offpolicy train`'s default
    /// (`TrainingConfig.defaults(environment:steps:seed:learner:)`): Stable-Baselines3's `SAC(env).learn()`.
    /// The store, the learner and the loop are made as for `startSession(_:in:demonstrations:demonstrationRatio:terminal:environmentTimeout:)`;
    /// `config.json` names the environment after its type (`PointMass`).
    ///
    /// `environment` is evaluated once for each environment the run needs (training, evaluation, each
    /// on-policy copy), so write the expression that makes one (`PointMass()`); one that returns the same
    /// class instance twice is refused. A directory that already holds a run is refused
    /// (`TrainingError.runDirectoryNotEmpty`); continue such a run with `resumeSession(in:environment:steps:terminal:)`.
    public static func startSession(algorithm: String, environment: @autoclosure @escaping () throws -> any Environment, in directory: URL,
                                    steps: Int, seed: UInt64 = 0, terminal: TerminalProgress = TerminalProgress()) throws -> any TrainingSession {
        guard let learner = LearnerConfiguration.defaults(for: algorithm) else {
            throw TrainingError.invalidConfig("unknown learner '\(algorithm)' (known: \(Algorithms.names.joined(separator: ", ")))")
        }
        let supply = EnvironmentSupply(environment)
        let name = String(describing: type(of: try supply.next()))
        supply.giveBack()
        return try startSession(.defaults(environment: name, steps: steps, seed: seed, learner: learner), supply: supply, in: directory, terminal: terminal)
    }

    /// A new run of `config` (its learner's hyperparameters and the loop's settings your own) on an
    /// environment of your own, as `startSession(algorithm:environment:in:steps:seed:terminal:)` makes it.
    /// `config.environment` is the name `config.json` records; a name `makeEnvironment(named:)` knows
    /// (`Pendulum-v1`, `gym:ID`) is refused unless `environment` is of the type that name makes.
    public static func startSession(_ config: TrainingConfig, environment: @autoclosure @escaping () throws -> any Environment,
                                    in directory: URL, terminal: TerminalProgress = TerminalProgress()) throws -> any TrainingSession {
        try startSession(config, supply: EnvironmentSupply(environment), in: directory, terminal: terminal)
    }

    private static func startSession(_ config: TrainingConfig, supply: EnvironmentSupply, in directory: URL,
                                     terminal: TerminalProgress) throws -> any TrainingSession {
        try config.validate()
        try checkName(config.environment, of: try supply.next())
        supply.giveBack()
        return try start(config, in: directory, environments: supply, demonstrations: nil, demonstrationRatio: nil, terminal: terminal)
    }

    /// What every new run goes through, whatever makes its environments.
    private static func start(_ config: TrainingConfig, in directory: URL, environments supply: EnvironmentSupply,
                              demonstrations: (batch: TransitionBatch, source: String)?, demonstrationRatio: Double?,
                              terminal: TerminalProgress) throws -> any TrainingSession {
        var config = config
        let run = RunDirectory(directory)
        let environments = try supply.runEnvironments(copies: config.mode == .online ? config.environmentCopies : 1)
        let environment = environments.training[0]
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
                return try OnPolicyTrainingLoop(starting: config, in: run, environments: environments.training,
                                                evaluationEnvironment: environments.evaluation, learner: learner, store: store, terminal: terminal)
            }
            return try TrainingLoop(starting: config, in: run, environments: environments.training, evaluationEnvironment: environments.evaluation,
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

    /// Continues the run in `directory` in the loop its learner needs (see `startSession`), its
    /// environments made from the name in its `config.json`. A name `makeEnvironment(named:)` does not know
    /// (a library user's own environment) is refused with `TrainingError.environmentOfItsOwn`; continue
    /// such a run with `resumeSession(in:environment:steps:terminal:)`.
    public static func resumeSession(in directory: URL, steps: Int? = nil, terminal: TerminalProgress = TerminalProgress(),
                                     environmentTimeout: Double = GymEnvironment.defaultCallTimeout) throws -> any TrainingSession {
        try resume(in: directory, steps: steps, terminal: terminal) { config in
            try checkMakeable(config.environment, in: directory)
            return try supplyOfEnvironments(named: config.environment, callTimeout: environmentTimeout)
        }
    }

    /// Continues the run in `directory`, which trained on an environment of your own, on environments
    /// made by `environment` (evaluated once for each, as in `startSession(algorithm:environment:in:steps:seed:terminal:)`).
    /// With `steps` the run is extended to that total. A checkpoint holds the environment's state only if
    /// it implements `snapshot()` and `restore(_:)` and `restoresSnapshots` is true; otherwise the resumed run
    /// starts a fresh episode, and `notices` says so.
    public static func resumeSession(in directory: URL, environment: @autoclosure @escaping () throws -> any Environment, steps: Int? = nil,
                                     terminal: TerminalProgress = TerminalProgress()) throws -> any TrainingSession {
        let supply = EnvironmentSupply(environment)
        return try resume(in: directory, steps: steps, terminal: terminal) { config in
            try checkName(config.environment, of: try supply.next())
            supply.giveBack()
            return supply
        }
    }

    private static func resume(in directory: URL, steps: Int?, terminal: TerminalProgress,
                               environments: (TrainingConfig) throws -> EnvironmentSupply) throws -> any TrainingSession {
        var config = try config(in: directory)
        if let steps {
            config.steps = steps
            try config.validate()
        }
        let run = RunDirectory(directory)
        let lock = try RunDirectoryLock.acquire(run)
        defer { withExtendedLifetime(lock) {} }
        let supply = try environments(config)
        let made = try supply.runEnvironments(copies: config.mode == .online ? config.environmentCopies : 1)
        let environment = made.training[0]
        let store = try openStore(config, environment, run: run, creating: false)
        let learner = try makeLearner(config, for: environment)
        let loop: any TrainingSession
        if let learner = learner as? any OnPolicyLearner {
            loop = try OnPolicyTrainingLoop(resuming: run, config: config, environments: made.training, evaluationEnvironment: made.evaluation,
                                            learner: learner, store: store, terminal: terminal)
        } else {
            loop = try TrainingLoop(resuming: run, config: config, environments: made.training, evaluationEnvironment: made.evaluation,
                                    learner: learner, store: store, terminal: terminal)
        }
        if steps != nil { try config.write(to: run.config) }
        return loop
    }

    /// The learner of the run in `directory`, restored from its latest checkpoint, and the run's environment
    /// (made from its name; a name `makeEnvironment(named:)` does not know is refused with
    /// `TrainingError.environmentOfItsOwn`, whose message points at `evaluate(in:environment:episodes:seed:)`).
    public static func trainedLearner(in directory: URL, environmentTimeout: Double = GymEnvironment.defaultCallTimeout)
        throws -> (TrainingConfig, any Environment, any Learner) {
        let config = try config(in: directory)
        try checkMakeable(config.environment, in: directory)
        let environment = try makeEnvironment(named: config.environment, callTimeout: environmentTimeout)
        return (config, environment, try restoredLearner(config, in: directory, for: environment))
    }

    /// Evaluates the latest checkpoint's policy of the run in `directory` on `environment` (made once):
    /// `episodes` deterministic episodes, their initial states from `seed` (default: the run's evaluation
    /// seed, so the result equals the run's own evaluation of that checkpoint), as `offpolicy evaluate` does
    /// for the environments it can make.
    public static func evaluate(in directory: URL, environment: @autoclosure () throws -> any Environment, episodes: Int = 10,
                                seed: UInt64? = nil) throws -> EvaluationResult {
        guard (1...TrainingConfig.evaluationEpisodesLimit).contains(episodes) else {
            throw TrainingError.invalidConfig("evaluation episodes must lie in 1...\(TrainingConfig.evaluationEpisodesLimit), got \(episodes)")
        }
        let config = try config(in: directory)
        let environment = try environment()
        try checkName(config.environment, of: environment)
        let learner = try restoredLearner(config, in: directory, for: environment)
        return try Evaluation.run(learner, on: environment, episodes: episodes, seed: seed ?? Evaluation.environmentSeed(forRunSeed: config.seed))
    }

    /// A learner of `config` for `environment`, loaded from the latest checkpoint in `directory`.
    private static func restoredLearner(_ config: TrainingConfig, in directory: URL, for environment: any Environment) throws -> any Learner {
        let learner = try makeLearner(config, for: environment)
        let checkpoint = RunDirectory.learnerDirectory(in: RunDirectory(directory).checkpoint)
        guard FileManager.default.fileExists(atPath: checkpoint.path) else {
            throw TrainingError.missingFile("\(checkpoint.path) (the run has not written a checkpoint yet)")
        }
        try learner.loadCheckpoint(from: checkpoint)
        return learner
    }

    /// Refuses a run whose environment name `makeEnvironment(named:)` cannot make (a library user's own).
    private static func checkMakeable(_ name: String, in directory: URL) throws {
        guard EnvironmentName(name) != nil else { throw TrainingError.environmentOfItsOwn(environment: name, directory: directory.path) }
    }

    /// Refuses to record a user's environment under a name `makeEnvironment(named:)` makes something else
    /// from (`offpolicy evaluate` and `--resume` would then use that other environment).
    private static func checkName(_ name: String, of environment: any Environment) throws {
        switch EnvironmentName(name) {
        case nil: return
        case .builtIn(let id): if type(of: environment) == type(of: id.make()) { return }
        case .gym: if environment is GymEnvironment { return }
        }
        throw TrainingError.invalidConfig("the environment name '\(name)' is one offpolicy makes an environment from, but this run's environment is a \(type(of: environment)); give yours a name of its own")
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

    /// The environments named `name` for a run: a built-in one is made in one call; a `gym:` one is launched
    /// (`GymLaunch`), so that a run's copies and its evaluation environment start their processes together.
    private static func supplyOfEnvironments(named name: String, callTimeout: Double) throws -> EnvironmentSupply {
        guard case .gym(let id) = EnvironmentName(name) else {
            return EnvironmentSupply { try makeEnvironment(named: name, callTimeout: callTimeout) }
        }
        return EnvironmentSupply(starting: {
            let launch = try GymLaunch(id: id, callTimeout: callTimeout)
            return { try launch.environment() }
        })
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
    /// opened read-only (for writing with prioritized replay, which needs a store inside the run); its observation and action sizes must be the environment's.
    static func openStore(_ config: TrainingConfig, _ environment: any Environment, run: RunDirectory,
                                  creating: Bool) throws -> ReplayStore {
        guard config.mode == .offline else {
            guard creating else {
                return try ReplayStore.open(at: run.replay.path, expecting: schema(config, environment), options: storeOptions)
            }
            let store = try ReplayStore.create(at: run.replay.path, schema: schema(config, environment), options: storeOptions)
            // What `dataset export` needs to name the environment and its spaces without `--env`.
            try store.recordSourceEnvironment(SourceEnvironment(environment, runEnvironment: config.environment))
            return store
        }
        let path = config.dataset ?? run.replay.path
        guard FileManager.default.fileExists(atPath: path) else { throw TrainingError.missingFile("the dataset store \(path)") }
        // Prioritized replay writes its priorities into the store: only into one the run owns (its replay/, or
        // DIR/dataset where a dataset file was imported), never into a store the user made.
        var access = StoreAccess.readOnly
        if config.prioritizedReplay != nil {
            let root = run.root.standardizedFileURL.path + "/"
            guard URL(fileURLWithPath: path).standardizedFileURL.path.hasPrefix(root) else {
                throw TrainingError.invalidConfig("prioritized offline training writes priorities into its dataset store, and \(path) is not the run's own; give the dataset file (imported into the run) or train on a copy of the store")
            }
            access = .readWrite
        }
        let store = try ReplayStore.open(at: path, options: StoreOptions(access: access, durability: storeOptions.durability))
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
