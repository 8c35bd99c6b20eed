/// IQL's command-line options. It learns from a dataset first and may continue online.
extension IQLConfig {
    public static var options: [LearnerOption<IQLConfig>] {
        [
            .real("--expectile", \.expectile, valueName: "τ", range: .interval(0...1),
                  help: "τ of the value's expectile regression; above ½ V leans toward the best logged actions (paper, locomotion: 0.7; d3rlpy's expectile)."),
            .real("--beta", \.beta, valueName: "β", range: .nonNegative,
                  help: "Inverse temperature of the actor's advantage weights exp(β (Q − V)) (paper, locomotion: 3.0; d3rlpy's weight_temp)."),
            .real("--max-weight", \.maxWeight, range: .positive,
                  help: "Clip of the advantage weights (authors' code and d3rlpy's max_weight: 100)."),
            .integer("--actor-decay", \.actorDecayUpdates, range: 0...(1 << 40),
                     help: "Cosine decay of the actor's learning rate to 0 over N actor updates (authors' code: 1000000, their max_steps); 0 keeps it constant (d3rlpy)."),
        ]
    }
    public static var isOfflineFirst: Bool { true }

    /// `actorDecay` as a count of updates, 0 for none (the form `--actor-decay` takes).
    var actorDecayUpdates: Int {
        get { actorDecay?.steps ?? 0 }
        set { actorDecay = newValue == 0 ? nil : CosineDecay(steps: newValue) }
    }
}
