/// SAC's command-line options: n-step targets, their off-policy correction, and the actor's gradient.
extension SACConfig {
    public static var options: [LearnerOption<SACConfig>] {
        [
            .integer("--n-step", \.nStep, range: 1...1000,
                     help: "Regress Q(s₀, a₀) onto an n-step target over runs of N consecutive transitions (1: the paper's one-step target)."),
            .choice("--correction",
                    help: "With --n-step: the off-policy correction of the n-step target: none (uncorrected), is (per-decision importance sampling, Precup et al. 2000, ratios clipped at --clip) or retrace (Retrace(λ), Munos et al. 2016).",
                    read: { $0.correction.choice }, write: { $0.correction = OffPolicyCorrection($1) })
                .requiring({ $0.nStep >= 2 }, otherwise: "--correction corrects an n-step target: give --n-step 2 or more",
                           satisfiedBy: ["--n-step", "2"]),
            .choice("--actor-gradient",
                    help: "The actor's gradient: reparameterization (the paper's, through the critics) or truncated-is (ACER's truncated importance sampling with bias correction, Wang et al. 2017, from the logged actions and their stored behavior log-probabilities; μ at the policy's own samples comes from a Gaussian behavior-cloning model fitted alongside).",
                    read: { $0.actorGradient.choice }, write: { $0.actorGradient = ActorGradient($1) }),
            .real("--clip", range: .positive, default: "10 (issue 8)",
                  help: "The clip c of --correction is and of --actor-gradient truncated-is (one value for both when both are given).",
                  read: { config in
                      var clips: [Double] = []
                      if case .importanceSampling(let clip) = config.correction { clips.append(clip) }
                      if case .truncatedImportanceSampling(let clip) = config.actorGradient { clips.append(clip) }
                      return clips.min()
                  },
                  write: { config, clip in
                      if case .importanceSampling = config.correction { config.correction = .importanceSampling(clip: clip) }
                      if case .truncatedImportanceSampling = config.actorGradient { config.actorGradient = .truncatedImportanceSampling(clip: clip) }
                  })
                .requiring({ $0.correction.choice == .importanceSampling || $0.actorGradient.choice == .truncatedImportanceSampling },
                           otherwise: "--clip applies to --correction is and --actor-gradient truncated-is",
                           satisfiedBy: ["--actor-gradient", "truncated-is"]),
            .real("--retrace-lambda", valueName: "λ", range: .interval(0...1), default: "1 (Munos et al. 2016)", help: "λ of --correction retrace.",
                  read: { if case .retrace(let lambda) = $0.correction { return lambda } else { return nil } },
                  write: { config, lambda in if case .retrace = config.correction { config.correction = .retrace(lambda: lambda) } })
                .requiring({ $0.correction.choice == .retrace }, otherwise: "--retrace-lambda applies to --correction retrace",
                           satisfiedBy: ["--n-step", "2", "--correction", "retrace"]),
        ]
    }
}
