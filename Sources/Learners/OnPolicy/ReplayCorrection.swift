/// How A2C corrects the sequences it replays from the store for the policy that logged them.
public enum ReplayCorrection: Codable, Equatable, Sendable {
    /// V-trace (Espeholt et al. 2018): truncated ratios ρ̄ (`clipRatio`, also the policy gradient's) and
    /// c̄ (`clipTraceRatio`), and λ of the traces. IMPALA's defaults: 1, 1, 1.
    case vtrace(clipRatio: Double, clipTraceRatio: Double, lambda: Double)
    /// No correction: replayed data is treated as on-policy (every ρ = 1), a baseline for V-trace.
    case none

    /// V-trace with IMPALA's ρ̄ = c̄ = λ = 1.
    public static let defaultVTrace = ReplayCorrection.vtrace(clipRatio: 1, clipTraceRatio: 1, lambda: 1)

    func validate() throws {
        guard case .vtrace(let clipRatio, let clipTraceRatio, let lambda) = self else { return }
        guard clipRatio > 0, clipRatio.isFinite, clipTraceRatio > 0, clipTraceRatio.isFinite else {
            throw LearnerError.invalidConfiguration("V-trace's ρ̄ and c̄ must be positive, got \(clipRatio) and \(clipTraceRatio)")
        }
        guard (0...1).contains(lambda) else { throw LearnerError.invalidConfiguration("V-trace's λ must lie in [0, 1], got \(lambda)") }
    }
}
