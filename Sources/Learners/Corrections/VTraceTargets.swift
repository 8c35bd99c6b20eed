/// The outputs of `VTrace.targets` for one window of K steps.
public struct VTraceTargets: Equatable, Sendable {
    /// v_s, the V-trace value targets (K values).
    public var values: [Double]
    /// min(ρ̄_pg, ρ_s) · (q_s − V(s_s)), the policy-gradient advantages (K values).
    public var policyGradientAdvantages: [Double]
    /// q_s = r_s + d_s · (λ v_{s+1} + (1 − λ) V(s_{s+1})), the Q estimates the advantages use (K values).
    public var actionValueEstimates: [Double]
}
