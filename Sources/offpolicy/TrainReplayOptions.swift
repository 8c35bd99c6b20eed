import ArgumentParser
import Training

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

    @Option(help: "Learn from a Reverb table instead of the run's store: reverb://HOST:PORT/TABLE. Runs offpolicy-reverb train with the same arguments (build it with `swift build --package-path Reverb`; docs/reverb.md).")
    var replay: String?

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

    @Flag(help: "Prioritized experience replay (Schaul et al. 2016) for sac, td3, ddpg and td3bc, online or offline: batches drawn by priority from the store, the critic loss weighted by the importance weights, new priorities (mean |δ| of the critics) committed to the store after every update. With --n-step, a run is drawn by the priority of its first transition and takes its new priority.")
    var prioritized = false

    @Option(parsing: .unconditional, help: "With --prioritized: the priority exponent α. Default: 0.6. (Without --prioritized, --alpha and --beta go to the learner, as iql's --beta.)")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "With --prioritized: the importance-weight exponent β at the start, in [0, 1]. Default: 0.4.")
    var beta: Double?

    @Option(parsing: .unconditional, help: "With --prioritized: β at the run's last step, reached linearly. Default: 1.")
    var betaFinal: Double?

    @Option(parsing: .unconditional, help: "With --prioritized: ε added to every |δ| (> 0). Default: 1e-6.")
    var priorityEpsilon: Double?

    /// The prioritized replay the flags ask for, nil without --prioritized.
    var prioritizedReplay: PrioritizedReplay? {
        guard prioritized else { return nil }
        let defaults = PrioritizedReplay()
        return PrioritizedReplay(alpha: alpha ?? defaults.alpha, beta: beta ?? defaults.beta, betaFinal: betaFinal ?? defaults.betaFinal,
                                 epsilon: priorityEpsilon ?? defaults.epsilon)
    }

    /// Without --prioritized, --alpha and --beta belong to the learner (iql's --beta): handed on as typed.
    var learnerWords: [String] {
        guard !prioritized else { return [] }
        return (alpha.map { ["--alpha", "\($0)"] } ?? []) + (beta.map { ["--beta", "\($0)"] } ?? [])
    }
}
