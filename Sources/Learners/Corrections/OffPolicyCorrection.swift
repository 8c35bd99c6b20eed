import Foundation

/// How an n-step critic target corrects for data logged by a behavior policy μ ≠ π (`--correction`).
/// All three are the same backward recursion (`Retrace.targets`) or its uncorrected special case:
///
/// - `none`: the uncorrected n-step return (`NStepReturn`), Σ γᵏ r + γⁿ V(s_n);
/// - `importanceSampling(clip:)`: per-decision importance sampling, trace coefficient c = min(clip, ρ)
///   (Precup, Sutton & Singh 2000; the "IS" row of Munos et al. 2016, table 1), ρ clipped at `clip`;
/// - `retrace(lambda:)`: c = λ · min(1, ρ) (Munos et al. 2016).
///
/// An unknown behavior log-probability (a NaN log-ratio) gives ρ = 0 in every case: c = 0, the trace is
/// cut there (`ImportanceRatio`'s rule), never the full clip.
public enum OffPolicyCorrection: Codable, Equatable, Sendable {
    case none
    case importanceSampling(clip: Double)
    case retrace(lambda: Double)

    /// The default clip of `importanceSampling` (issue 8: `--clip` defaults to 10).
    public static let defaultClip: Double = 10

    /// The trace coefficients c_i for the log-ratios log ρ_i = log π(a_i|s_i) − log μ(a_i|s_i);
    /// nil for `none`, which uses no ratios. A NaN log-ratio gives c = 0.
    public func traceCoefficients(logRatios: [Double]) -> [Double]? {
        switch self {
        case .none: return nil
        case .importanceSampling(let clip): return logRatios.map { min(clip, ImportanceRatio.known(exp($0))) }
        case .retrace(let lambda): return Retrace.traceCoefficients(logRatios: logRatios, lambda: lambda)
        }
    }

    /// The targets G_0 … G_{K−1} of one window (see `Retrace.targets` for the inputs; `nextLogRatios`
    /// are the K − 1 log-ratios of the actions a_1 … a_{K−1}).
    public func targets(rewards: [Double], discounts: [Double], nextValues: [Double],
                        nextActionValues: [Double], nextLogRatios: [Double]) -> [Double] {
        guard let coefficients = traceCoefficients(logRatios: nextLogRatios) else {
            return NStepReturn.targets(rewards: rewards, discounts: discounts, bootstrapValue: nextValues[nextValues.count - 1])
        }
        return Retrace.targets(rewards: rewards, discounts: discounts, nextValues: nextValues,
                               nextActionValues: nextActionValues, traceCoefficients: coefficients)
    }

    public func validate() throws {
        switch self {
        case .none: break
        case .importanceSampling(let clip):
            guard clip > 0, !clip.isNaN else { throw LearnerError.invalidConfiguration("the importance-sampling clip must be positive, got \(clip)") }
        case .retrace(let lambda):
            guard (0...1).contains(lambda) else { throw LearnerError.invalidConfiguration("Retrace's λ must lie in [0, 1], got \(lambda)") }
        }
    }
}
