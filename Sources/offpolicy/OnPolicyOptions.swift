import ArgumentParser
import Learners

/// The options of `offpolicy train reinforce|a2c|ppo` (Stable-Baselines3's names where it has one).
struct OnPolicyOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: environment copies stepped in lockstep (SB3's n_envs). Default: 4.")
    var nEnvs: Int?

    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: steps per copy per rollout (SB3's n_steps). Default: ppo 1024, a2c 5, reinforce 1000.")
    var nSteps: Int?

    @Option(parsing: .unconditional, help: "Discount γ of any learner. Default: the learner's (ppo 0.9, RL Zoo's Pendulum; the others 0.99).")
    var gamma: Double?

    @Option(parsing: .unconditional, help: "a2c|ppo: λ of GAE(λ). Default: ppo 0.95, a2c 1.")
    var gaeLambda: Double?

    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: weight of the entropy bonus (SB3's ent_coef). Default: 0.")
    var entCoef: Double?

    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: weight of the value loss (SB3's vf_coef). Default: 0.5.")
    var vfCoef: Double?

    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: clip the global gradient norm to this (SB3's max_grad_norm). Default: 0.5 (reinforce: no clipping).")
    var maxGradNorm: Double?

    @Flag(help: "reinforce|a2c|ppo: normalise observations with running mean and variance (SB3's VecNormalize).")
    var normalizeObservations = false

    @Flag(help: "reinforce|a2c|ppo: anneal the learning rate linearly to 0 over the run.")
    var annealLr = false

    @Option(parsing: .unconditional, help: "reinforce|a2c|ppo: initial log σ of the Gaussian policy (SB3's log_std_init). Default: 0.")
    var logStdInit: Double?

    @Flag(help: "reinforce|a2c|ppo: PyTorch's default initialisation instead of the orthogonal one.")
    var noOrthoInit = false

    @Option(parsing: .unconditional, help: "ppo: passes over each rollout (SB3's n_epochs). Default: 10.")
    var epochs: Int?

    @Option(parsing: .unconditional, help: "ppo: ε of the clipped surrogate (SB3's clip_range). Default: 0.2.")
    var clipRange: Double?

    @Option(parsing: .unconditional, help: "ppo: clip the value function's change per rollout to this (SB3's clip_range_vf). Default: no clipping.")
    var clipRangeVf: Double?

    @Flag(help: "ppo: do not normalise advantages per minibatch.")
    var noAdvantageNormalization = false

    @Option(parsing: .unconditional, help: "a2c: updates on sequences replayed from the run's store after each rollout update (n-envs runs of n-steps transitions each). Default: 0.")
    var replayRatio: Int?

    @Option(parsing: .unconditional, help: "a2c --correction vtrace: ρ̄, the truncation of the importance ratios in δ and the policy gradient. Default: 1.")
    var vtraceRhoBar: Double?

    @Option(parsing: .unconditional, help: "a2c --correction vtrace: c̄, the truncation of the trace ratios. Default: 1.")
    var vtraceCBar: Double?

    @Option(parsing: .unconditional, help: "a2c --correction vtrace: λ of the traces. Default: 1.")
    var vtraceLambda: Double?

    /// The on-policy flags given, by name (for `--resume` and for learners they do not apply to).
    var given: [String] {
        let flags: [(String, Bool)] = [
            ("--n-envs", nEnvs != nil), ("--n-steps", nSteps != nil), ("--gae-lambda", gaeLambda != nil),
            ("--ent-coef", entCoef != nil), ("--vf-coef", vfCoef != nil), ("--max-grad-norm", maxGradNorm != nil),
            ("--normalize-observations", normalizeObservations), ("--anneal-lr", annealLr), ("--log-std-init", logStdInit != nil),
            ("--no-ortho-init", noOrthoInit), ("--epochs", epochs != nil), ("--clip-range", clipRange != nil),
            ("--clip-range-vf", clipRangeVf != nil), ("--no-advantage-normalization", noAdvantageNormalization),
            ("--replay-ratio", replayRatio != nil),
        ] + givenVTrace.map { ($0, true) }
        return flags.filter(\.1).map(\.0)
    }

    /// The V-trace flags given.
    var givenVTrace: [String] {
        [("--vtrace-rho-bar", vtraceRhoBar != nil), ("--vtrace-c-bar", vtraceCBar != nil), ("--vtrace-lambda", vtraceLambda != nil)]
            .filter(\.1).map(\.0)
    }

    /// The flags that only A2C takes.
    var givenForA2COnly: [String] { given.filter { $0 == "--replay-ratio" } + givenVTrace }

    /// V-trace with the given truncations and λ.
    var vtrace: ReplayCorrection {
        .vtrace(clipRatio: vtraceRhoBar ?? 1, clipTraceRatio: vtraceCBar ?? 1, lambda: vtraceLambda ?? 1)
    }

    /// The flags that only PPO takes.
    var givenForPPOOnly: [String] {
        given.filter { ["--epochs", "--clip-range", "--clip-range-vf", "--no-advantage-normalization"].contains($0) }
    }

    func validate() throws {
        func fraction(_ value: Double?, _ flag: String) throws {
            if let value, !(0...1).contains(value) { throw ValidationError("\(flag) must lie in [0, 1], got \(value)") }
        }
        func positive(_ value: Double?, _ flag: String) throws {
            if let value, !(value > 0 && value.isFinite) { throw ValidationError("\(flag) must be a positive number, got \(value)") }
        }
        try CommandLineInput.checkCount(nEnvs, flag: "--n-envs", limit: OnPolicyHyperparameters.environmentLimit)
        try CommandLineInput.checkCount(nSteps, flag: "--n-steps", limit: OnPolicyHyperparameters.rolloutLimit)
        try CommandLineInput.checkCount(epochs, flag: "--epochs", limit: 1000)
        try CommandLineInput.checkCount(replayRatio, flag: "--replay-ratio", limit: 1000, minimum: 0)
        try positive(vtraceRhoBar, "--vtrace-rho-bar")
        try positive(vtraceCBar, "--vtrace-c-bar")
        try fraction(vtraceLambda, "--vtrace-lambda")
        try fraction(gamma, "--gamma")
        try fraction(gaeLambda, "--gae-lambda")
        if let entCoef, !(entCoef >= 0 && entCoef.isFinite) { throw ValidationError("--ent-coef must be zero or more, got \(entCoef)") }
        try positive(vfCoef, "--vf-coef")
        try positive(maxGradNorm, "--max-grad-norm")
        try positive(clipRange, "--clip-range")
        try positive(clipRangeVf, "--clip-range-vf")
        if let logStdInit, !(logStdInit.isFinite && abs(logStdInit) <= 20) { throw ValidationError("--log-std-init must lie in [-20, 20], got \(logStdInit)") }
        if let nEnvs, let nSteps, nEnvs * nSteps > OnPolicyHyperparameters.rolloutLimit {
            throw ValidationError("--n-envs × --n-steps must be at most \(OnPolicyHyperparameters.rolloutLimit), got \(nEnvs * nSteps)")
        }
    }

    /// `learner` with the given options applied.
    func apply(to learner: LearnerConfiguration) -> LearnerConfiguration {
        var learner = learner
        if let gamma { learner.common.discount = gamma }
        guard var config = learner.config as? any OnPolicyLearnerConfig else { return learner }
        if let nEnvs { config.onPolicy.environmentCount = nEnvs }
        if let nSteps { config.onPolicy.stepsPerEnvironment = nSteps }
        if let gaeLambda { config.onPolicy.gaeLambda = gaeLambda }
        if let entCoef { config.onPolicy.entropyCoefficient = entCoef }
        if let vfCoef { config.onPolicy.valueCoefficient = vfCoef }
        if let maxGradNorm { config.onPolicy.maxGradientNorm = maxGradNorm }
        if normalizeObservations { config.onPolicy.normalizeObservations = true }
        if annealLr { config.onPolicy.annealLearningRate = true }
        if let logStdInit { config.onPolicy.logStdInit = logStdInit }
        if noOrthoInit { config.onPolicy.orthogonalInitialization = false }
        if var ppo = config as? PPOConfig {
            if let epochs { ppo.epochs = epochs }
            if let clipRange { ppo.clipRange = clipRange }
            if let clipRangeVf { ppo.valueClipRange = clipRangeVf }
            if noAdvantageNormalization { ppo.normalizeAdvantage = false }
            config = ppo
        }
        if var a2c = config as? A2CConfig {
            if let replayRatio { a2c.replayRatio = replayRatio }
            config = a2c
        }
        return LearnerConfiguration(config)
    }
}
