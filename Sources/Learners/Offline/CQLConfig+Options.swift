/// CQL's command-line options. It learns from a dataset first and may continue online.
extension CQLConfig {
    public static var options: [LearnerOption<CQLConfig>] {
        [
            .real("--conservative-weight", \.conservativeWeight, valueName: "α", range: .nonNegative,
                  help: "α_cql, the weight of the conservative gap logsumexp Q(s, â) − Q(s, a) in the critics' loss (d3rlpy's conservative_weight: 5.0)."),
            .integer("--action-samples", \.actionSamples, range: 1...1000,
                     help: "Actions sampled per state from each of the uniform distribution, the policy at s and the policy at s' (d3rlpy's n_action_samples: 10)."),
            .real("--lagrange-threshold", \.lagrangeThreshold, range: nil, default: "none (a fixed weight, the authors' locomotion runs)",
                  help: "Learn a multiplier α' of the conservative term that grows while the gap exceeds X (the Lagrange form; d3rlpy's alpha_threshold, 10.0 there, where the form is on by default)."),
            .real("--actor-lr", \.actorLearningRate, range: .positive, help: "The actor's learning rate; --lr sets the critics' (d3rlpy's actor_learning_rate: 1e-4)."),
            .flag("--soft-backup", \.softBackup,
                  help: "SAC's soft critic target with a sampled next action and its entropy term, instead of min Q̄(s', tanh μ(s')) (d3rlpy's soft_q_backup)."),
        ]
    }
    public static var isOfflineFirst: Bool { true }
}
