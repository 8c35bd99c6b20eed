/// The options REINFORCE, A2C and PPO share, declared once (Stable-Baselines3's names in the help).
/// Each algorithm lists them in its own `options`, with its own defaults.
extension OnPolicyLearnerConfig {
    /// The shared options; `gaeLambda: false` leaves out `--gae-lambda` (REINFORCE's λ is 1).
    public static func onPolicyOptions(gaeLambda: Bool = true) -> [LearnerOption<Self>] {
        var options: [LearnerOption<Self>] = [
            .integer("--n-envs", \.onPolicy.environmentCount, range: 1...OnPolicyHyperparameters.environmentLimit,
                     help: "Environment copies stepped in lockstep (SB3's n_envs)."),
            .integer("--n-steps", \.onPolicy.stepsPerEnvironment, range: 1...OnPolicyHyperparameters.rolloutLimit,
                     help: "Steps per copy per rollout (SB3's n_steps); --n-envs × --n-steps is at most \(OnPolicyHyperparameters.rolloutLimit)."),
        ]
        if gaeLambda {
            options.append(.real("--gae-lambda", \.onPolicy.gaeLambda, valueName: "λ", range: .interval(0...1),
                                 help: "λ of GAE(λ) (Schulman et al. 2016; SB3's gae_lambda)."))
        }
        options += [
            .real("--ent-coef", \.onPolicy.entropyCoefficient, range: .nonNegative, help: "Weight of the entropy bonus (SB3's ent_coef)."),
            .real("--vf-coef", \.onPolicy.valueCoefficient, range: .positive, help: "Weight of the value loss (SB3's vf_coef)."),
            .real("--max-grad-norm", \.onPolicy.maxGradientNorm, range: .positive, default: "none (no clipping)",
                  help: "Clip the global gradient norm to this (SB3's max_grad_norm)."),
            .flag("--normalize-observations", \.onPolicy.normalizeObservations,
                  help: "Normalise observations with running mean and variance (SB3's VecNormalize)."),
            .flag("--anneal-lr", \.onPolicy.annealLearningRate, help: "Anneal the learning rate linearly to 0 over the run."),
            .real("--log-std-init", \.onPolicy.logStdInit, range: .interval(-20...20),
                  help: "Initial log σ of the Gaussian policy (SB3's log_std_init)."),
            .flag("--no-ortho-init", \.onPolicy.orthogonalInitialization, setting: false,
                  help: "PyTorch's default initialisation instead of the orthogonal one (SB3's ortho_init=False)."),
        ]
        return options
    }
}
