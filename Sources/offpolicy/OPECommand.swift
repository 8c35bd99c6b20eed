import ArgumentParser
import Datasets
import Foundation
import OffPolicyEvaluation
import Training
import TrainingRuns

struct OPECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ope",
        abstract: "Estimate a run's policy's expected discounted return from logged data alone (off-policy evaluation).",
        discussion: """
        Estimates the expected discounted return Σ_t γ^t r_t of the run's latest
        policy from the start states of the dataset's episodes, without running it.
        The policy is its stochastic policy π (the one whose density log π(a|s) is),
        or with --deterministic its deterministic action (FQE only). Estimators:

        \(Estimator.allCases.map { "  " + $0.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

        IS-family weights ρ_t = π(a_t|s_t)/μ(a_t|s_t) use the behavior
        log-probabilities the dataset logged (infos/action_log_probs); without them,
        or for a policy without a density, only FQE runs and the skipped estimators
        are listed with the reason. --clip C clips each step's ratio at C. IS, WIS,
        PDIS, WPDIS, DR and WDR sum to each episode's recorded end (a time limit is
        not termination, and there is no data beyond it); FQE bootstraps through
        time limits, stopping only at termination. Each estimate comes with a 95%
        percentile bootstrap interval over episodes (for FQE, DR and WDR the one
        fitted model is kept and episodes are resampled), the effective sample size
        (Σw)²/Σw² of its weights, and the shares of episodes whose weight was
        clipped or is zero. FQE's defaults are d3rlpy 2.8.1's FQEConfig, and its values
        are kept inside the range the data's rewards allow (--fqe-unclipped: not). With --json
        the last line is one JSON object holding everything.
        """
    )

    @Option(help: "The run directory written by `offpolicy train`; its latest checkpoint's policy is evaluated.", completion: .directory)
    var policy: String

    @Option(help: "A D4RL HDF5 file, a Minari dataset directory or a replay store (opened read-only).")
    var dataset: String

    @Option(help: "Comma-separated estimators: is, wis, pdis, wpdis, fqe, dr, wdr.")
    var estimators: String = Estimator.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "Discount γ of the estimated return, in (0, 1].")
    var gamma: Double = 0.99

    @Option(help: "Clip each step's importance ratio at C (> 0); none by default.")
    var clip: Double?

    @Flag(help: "Evaluate the deterministic action (SAC: tanh of the mean) instead of π; only FQE applies.")
    var deterministic = false

    @Option(help: "FQE gradient steps.")
    var fqeUpdates: Int = FQEConfig().updates

    @Flag(help: "Let FQE's values leave the range the data's rewards allow, [min(0, r_min), max(0, r_max)] / (1 − γ) (d3rlpy's FQE does not clip); clipped by default.")
    var fqeUnclipped = false

    @Option(help: "Bootstrap resamples of the episodes for each 95% interval.")
    var bootstrap: Int = EvaluationSettings().bootstrapResamples

    @Option(help: "Seed of FQE (network, batches, sampled actions) and of the bootstrap.")
    var seed: UInt64 = 0

    @Flag(help: "End with one JSON line holding every estimate and setting.")
    var json = false

    @OptionGroup var environmentTimeout: EnvironmentTimeoutOption

    func validate() throws {
        try CommandLineInput.checkDirectory(policy, flag: "--policy", mustExist: true)
        guard FileManager.default.fileExists(atPath: dataset) else { throw ValidationError("--dataset: '\(dataset)' does not exist") }
        _ = try chosenEstimators()
        guard gamma > 0, gamma <= 1 else { throw ValidationError("--gamma must lie in (0, 1], got \(gamma)") }
        if let clip { guard clip > 0, clip.isFinite else { throw ValidationError("--clip must be a positive number, got \(clip)") } }
        try CommandLineInput.checkCount(fqeUpdates, flag: "--fqe-updates", limit: 100_000_000)
        try CommandLineInput.checkCount(bootstrap, flag: "--bootstrap", limit: 1_000_000)
    }

    private func chosenEstimators() throws -> [Estimator] {
        var chosen: [Estimator] = []
        for name in estimators.split(separator: ",", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard let estimator = Estimator(rawValue: name) else {
                throw ValidationError("--estimators: unknown estimator '\(name)' (known: \(Estimator.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !chosen.contains(estimator) else { throw ValidationError("--estimators names \(name) twice") }
            chosen.append(estimator)
        }
        return chosen
    }

    func run() throws {
        var settings = EvaluationSettings()
        settings.estimators = try chosenEstimators()
        settings.discount = gamma
        settings.clip = clip
        settings.deterministic = deterministic
        settings.fqe.updates = fqeUpdates
        settings.fqe.clipsToRewardRange = !fqeUnclipped
        settings.bootstrapResamples = bootstrap
        settings.seed = seed
        let (config, _, learner) = try TrainingRun.trainedLearner(in: URL(fileURLWithPath: policy), environmentTimeout: environmentTimeout.seconds)
        let logged = try withCleanErrors { try LoggedDataset.read(from: dataset) }
        let terminal = TerminalProgress()
        let report: EvaluationReport
        do {
            report = try PolicyEvaluation.run(learner, policy: policy, on: logged, datasetName: dataset, settings: settings) { updates, loss in
                terminal.update(steps: updates, totalSteps: settings.fqe.updates, recentReturn: .nan, lastEvaluation: nil,
                                criticLoss: loss, unit: "updates", lossName: "FQE loss", averagedUpdates: min(updates, 100))
            }
        } catch let refusal as EvaluationRefusal {
            terminal.finish()
            printError("Error: \(refusal)")
            throw ExitCode(64)
        }
        terminal.finish()
        printTable(report, algorithm: config.algorithm)
        if json { print(try jsonLine(report)) }
    }

    private func printTable(_ report: EvaluationReport, algorithm: String) {
        func number(_ value: Double?, _ format: String = "%.3f") -> String { value.map { String(format: format, $0) } ?? "–" }
        func share(_ value: Double?) -> String { value.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }
        print("policy   \(report.policy) (\(algorithm), \(report.targetPolicy == "deterministic" ? "deterministic action" : "stochastic π"))")
        print("dataset  \(report.dataset): \(report.episodes) episodes (\(report.terminatedEpisodes) terminated, \(report.truncatedEpisodes) truncated, \(report.unfinishedEpisodes) unfinished), \(report.steps) steps")
        print("γ \(report.settings.discount)" + (report.settings.clip.map { ", ratios clipped at \($0)" } ?? "")
              + ", \(report.settings.bootstrapResamples) bootstrap resamples, seed \(report.settings.seed)")
        if let updates = report.fqeUpdates, let transitions = report.fqeTransitions {
            print("FQE      \(updates) updates on \(transitions) transitions, final loss \(number(report.fqeFinalLoss, "%.4g"))")
        }
        let header = ["estimator", "estimate", "95% interval", "ESS", "clipped", "zero"]
        var rows = [header]
        for estimate in report.estimates {
            let interval = estimate.lower.map { "[\(number($0)), \(number(estimate.upper))]" } ?? "–"
            rows.append([estimate.estimator.rawValue, number(estimate.value), interval, number(estimate.effectiveSampleSize, "%.1f"),
                         share(estimate.clippedShare), share(estimate.zeroShare)])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max()! }
        for row in rows {
            print(row.indices.map { $0 == 0 ? row[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0)
                                            : String(repeating: " ", count: widths[$0] - row[$0].count) + row[$0] }.joined(separator: "  "))
        }
        var reasons: [String: [String]] = [:]
        var order: [String] = []
        for entry in report.skipped {
            if reasons[entry.reason] == nil { order.append(entry.reason) }
            reasons[entry.reason, default: []].append(entry.estimator.rawValue)
        }
        for reason in order { print("skipped \(reasons[reason]!.joined(separator: ", ")): \(reason)") }
    }
}
