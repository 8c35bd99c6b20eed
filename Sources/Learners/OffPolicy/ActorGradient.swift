import Foundation

/// How SAC's actor gradient is estimated (`--actor-gradient`).
///
/// - `reparameterization`: the paper's gradient through a = tanh(μ + σ ε) and the critics (eq. 9); the default.
/// - `truncatedImportanceSampling(clip:)`: ACER's score-function gradient from the logged actions,
///   with truncated importance weights and the bias correction (`TruncatedImportanceSampling`,
///   Wang et al. 2017, eq. 7), c = `clip`. See `SAC+TruncatedImportanceSampling.swift`.
public enum ActorGradient: Codable, Equatable, Sendable {
    case reparameterization
    case truncatedImportanceSampling(clip: Double)

    /// The default c of `truncatedImportanceSampling` (issue 8: `--clip` defaults to 10).
    public static let defaultClip: Double = 10

    /// c of the truncated-IS gradient; ∞ for the reparameterization gradient (no ratios).
    public var clip: Double {
        if case .truncatedImportanceSampling(let clip) = self { return clip }
        return .infinity
    }

    public func validate() throws {
        if case .truncatedImportanceSampling(let clip) = self, !(clip > 0 && clip.isFinite) {
            throw LearnerError.invalidConfiguration("the truncated-IS clip must be a positive number, got \(clip)")
        }
    }
}
