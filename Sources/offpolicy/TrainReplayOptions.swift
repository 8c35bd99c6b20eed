import ArgumentParser

/// The `train` options of the off-policy and offline learners, which learn from the replay store:
/// warm-up, gradient steps, capacity, a dataset to train from, demonstrations to pre-fill.
struct TrainReplayOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Uniformly random warm-up steps before learning (Stable-Baselines3's learning_starts). Default: 100.")
    var learningStarts: Int?

    @Option(parsing: .unconditional, help: "Gradient steps after each loop step (one step of every --envs copy) once learning has started; -1: one per transition collected (SB3's gradient_steps=-1). Default: 1.")
    var gradientSteps: Int?

    @Option(parsing: .unconditional, help: "Transitions the replay store keeps; the oldest chunks are evicted beyond. Default: 1000000.")
    var replayCapacity: Int?

    @Option(help: "Train offline from this dataset: a replay store (a run's replay/, or a store `offpolicy dataset import` filled), or a D4RL HDF5 file or Minari directory, imported first into DIR/dataset. No environment step, the environment only evaluated on; --steps counts updates. Required by bc and td3bc.", completion: .file())
    var dataset: String?

    @Flag(help: "Train offline (needs --dataset; implied by it).")
    var offline = false

    @Option(help: "Pre-fill the run's store with expert demonstrations from a D4RL file or Minari directory (stored with source demonstration, pinned: never evicted).", completion: .file())
    var prefill: String?

    @Option(parsing: .unconditional, help: "With --prefill: the share of every batch drawn from the demonstrations (default: sampled uniformly with the online data).")
    var demoRatio: Double?

    @Option(parsing: .unconditional, help: "Go on online for N environment steps after the offline updates of --dataset (or, with --resume, after those of a finished offline run): the dataset is copied into the run's store, pinned, and every batch mixes it with fresh transitions (--dataset-ratio).")
    var onlineSteps: Int?

    @Option(parsing: .unconditional, help: "With --online-steps: the share of every online batch drawn from the dataset. Default: 0.5 (Cal-QL's mixing ratio).")
    var datasetRatio: Double?
}
