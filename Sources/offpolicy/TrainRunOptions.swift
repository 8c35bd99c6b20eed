import ArgumentParser
import Environments

/// `train`'s general options: what the run is (environment, length, seed, directory) and how it
/// reports (evaluations, checkpoints, metrics rows, progress). `train --help` lists them first.
struct TrainRunOptions: ParsableArguments {
    @Option(help: "The environment: \(EnvironmentName.accepted). Default: the one --dataset records (collect, Minari, a run's store), else Pendulum-v1.")
    var env: EnvironmentName?

    @Option(parsing: .unconditional, help: "Environment steps to collect in total; offline (--dataset, --offline): updates in total (with --resume: a new total).")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Seeds every random stream of the run. Default: 0.")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Environment copies every step acts in (Stable-Baselines3's n_envs). Default: 1; on-policy learners: 4.",
        discussion: "Each loop step appends one transition of every copy; gym: copies step in parallel, each in its own Python process. The on-policy learners' --n-envs is the same setting."))
    var envs: Int?

    @Option(help: "The run directory to create (must not already hold a run).", completion: .directory)
    var runDir: String?

    @Option(help: "Continue the interrupted (or finished) run in this directory.", completion: .directory)
    var resume: String?

    @Option(parsing: .unconditional, help: "Evaluate deterministically and write a progress row every this many steps. Default: 1000.")
    var evalEvery: Int?

    @Option(parsing: .unconditional, help: "Episodes per evaluation. Default: 10.")
    var evalEpisodes: Int?

    @Option(parsing: .unconditional, help: "Write a checkpoint every this many steps (default: --eval-every).")
    var checkpointEvery: Int?

    @Option(parsing: .unconditional, help: "Write a row of averaged learner metrics to metrics.csv every this many updates (and at every checkpoint and the end). Default: 1000; on-policy learners: the updates of about 4096 environment steps.")
    var logEvery: Int?

    @Flag(name: .customLong("no-tensorboard"), help: ArgumentHelp(
        "Write no TensorBoard event files (DIR/tensorboard/).",
        discussion: "By default a run writes progress.csv's and metrics.csv's values as TensorBoard scalars too; view them with `tensorboard --logdir DIR`. A resumed run keeps the choice of its start."))
    var noTensorBoard = false

    @Flag(help: "Show no progress: neither the progress line on a terminal nor, elsewhere, the line per evaluation and metrics row (notes and errors still print).")
    var quiet = false

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    /// Not part of the run's configuration (its results do not depend on it): --resume takes it too.
    @OptionGroup var threads: ThreadsOption
}
