/// TD3's command-line options: exploration noise, policy delay and target policy smoothing.
extension TD3Config {
    public static var options: [LearnerOption<TD3Config>] {
        [
            .real("--exploration-noise", \.explorationNoise, valueName: "σ", range: .nonNegative,
                  help: "σ of the Gaussian noise added to the policy's actions while collecting, in [−1, 1] action units (0: none, Stable-Baselines3's default; 0.1: the TD3 paper's and RL Zoo's)."),
            .integer("--policy-delay", \.policyDelay, range: 1...1000,
                     help: "The actor and the target networks are updated every N critic updates (SB3's policy_delay)."),
            .real("--target-policy-noise", \.targetPolicyNoise, valueName: "σ", range: .nonNegative,
                  help: "σ of the noise added to the target policy's actions in the critics' targets (SB3's target_policy_noise)."),
            .real("--target-noise-clip", \.targetNoiseClip, range: .nonNegative,
                  help: "The target policy noise is clipped to ±X (SB3's target_noise_clip)."),
        ]
    }
}
