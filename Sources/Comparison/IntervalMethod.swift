/// How a bootstrap interval is read from the bootstrap distribution (the `method` of rliable's
/// `get_interval_estimates`, which passes it to arch's `conf_int`).
public enum IntervalMethod: String, CaseIterable, Codable, Sendable {
    /// The central share of the bootstrap distribution: its (1 − c)/2 and (1 + c)/2 quantiles
    /// (numpy's linear interpolation). rliable's default.
    case percentile
    /// Bias-corrected and accelerated (Efron 1987): the quantiles Φ(b + (b + z)/(1 − a(b + z))) for
    /// z = Φ⁻¹ of the percentile method's levels, with the bias b = Φ⁻¹(share of the bootstrap values
    /// below the estimate) and the acceleration a = Σu³ / (6 (Σu²)^{3/2}), u the leave-one-run-out
    /// jackknife estimates' mean minus each of them (arch's `_bca_bias` and `_get_acceleration`).
    case bca
}
