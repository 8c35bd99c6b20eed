/// PPO's command-line options: the shared on-policy ones, then its own (SB3's names in the help).
extension PPOConfig {
    public static var options: [LearnerOption<PPOConfig>] {
        onPolicyOptions() + [
            .integer("--epochs", \.epochs, range: 1...1000, help: "Passes over each rollout (SB3's n_epochs)."),
            .real("--clip-range", \.clipRange, valueName: "ε", range: .positive, help: "ε of the clipped surrogate (SB3's clip_range)."),
            .real("--clip-range-vf", \.valueClipRange, valueName: "ε", range: .positive, default: "none (no clipping)",
                  help: "Clip the value function's change per rollout to this (SB3's clip_range_vf)."),
            .flag("--no-advantage-normalization", \.normalizeAdvantage, setting: false,
                  help: "Do not normalise advantages per minibatch (SB3's normalize_advantage=False)."),
            .boolean("--use-sde", \.useSDE,
                     help: "Generalized state-dependent exploration (gSDE, Raffin et al. 2022; SB3's use_sde; on in RL Zoo's Pendulum settings). The exploration noise is φ(s)ᵀW, φ the policy's last hidden layer and W a learned-scale Gaussian matrix per environment copy, held for --sde-sample-freq steps. false: independent Gaussian noise with a state-independent σ at every step."),
            .integer("--sde-sample-freq", \.sdeSampleFrequency, range: -1...1_000_000,
                     help: "With gSDE: draw new noise matrices every N steps of each copy and at every rollout's start (0 or -1: only there). SB3's sde_sample_freq; RL Zoo's Pendulum: 4.")
                .requiring({ $0.useSDE }, otherwise: "--sde-sample-freq needs gSDE; it was turned off with --use-sde false",
                           satisfiedBy: ["--use-sde", "true"]),
        ]
    }
}
