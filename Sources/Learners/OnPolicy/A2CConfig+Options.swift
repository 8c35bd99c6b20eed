/// A2C's command-line options: the shared on-policy ones, then replay with its V-trace correction.
extension A2CConfig {
    public static var options: [LearnerOption<A2CConfig>] {
        onPolicyOptions() + [
            .integer("--replay-ratio", \.replayRatio, valueName: "K", range: 0...1000,
                     help: "Updates on sequences replayed from the run's store after each rollout update (--n-envs runs of --n-steps transitions each)."),
            .choice("--correction", help: "With --replay-ratio: vtrace (V-trace, Espeholt et al. 2018) or none (replayed data taken as on-policy).",
                    read: { $0.correction.choice }, write: { $0.correction = ReplayCorrection($1) })
                .requiring({ $0.replayRatio >= 1 }, otherwise: "--correction corrects replayed sequences: give --replay-ratio 1 or more",
                           satisfiedBy: ["--replay-ratio", "1"]),
            vtraceOption("--vtrace-rho-bar", valueName: "ρ̄", range: .positive,
                         help: "ρ̄, the truncation of the importance ratios in δ and the policy gradient (IMPALA: 1).", \.clipRatio),
            vtraceOption("--vtrace-c-bar", valueName: "c̄", range: .positive, help: "c̄, the truncation of the trace ratios (IMPALA: 1).",
                         \.clipTraceRatio),
            vtraceOption("--vtrace-lambda", valueName: "λ", range: .interval(0...1), help: "λ of the V-trace traces (IMPALA: 1).", \.lambda),
        ]
    }

    /// A V-trace parameter, a field of `correction`'s `vtrace` case.
    private static func vtraceOption(_ flag: String, valueName: String, range: LearnerOptionRange, help: String,
                                     _ parameter: WritableKeyPath<VTraceParameters, Double> & Sendable) -> LearnerOption<A2CConfig> {
        .real(flag, valueName: valueName, range: range, default: nil, help: "With --correction vtrace: " + help,
              read: { VTraceParameters($0.correction)?[keyPath: parameter] },
              write: { config, value in
                  guard var parameters = VTraceParameters(config.correction) else { return }
                  parameters[keyPath: parameter] = value
                  config.correction = parameters.correction
              })
            .requiring({ $0.correction.choice == .vtrace }, otherwise: "only --correction vtrace takes \(flag)", satisfiedBy: [])
    }
}

extension A2CConfig {
    /// A rollout is one batch: `--batch` changes nothing.
    public static var usesBatchSize: Bool { false }
}

extension A2CConfig {
    public var replayUpdatesPerRollout: Int { replayRatio }
}
