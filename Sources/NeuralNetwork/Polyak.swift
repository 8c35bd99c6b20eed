/// Polyak (soft) target updates: target ← (1 − τ) · target + τ · source, elementwise
/// (Lillicrap et al. 2016, "soft target updates"; the order of operations follows
/// Stable-Baselines3's `polyak_update`).
public enum Polyak {
    public static func update(target: FloatBuffer, toward source: FloatBuffer, tau: Float) {
        precondition(target.count == source.count, "target and source must have the same size")
        let t = target.base, s = UnsafePointer(source.base)
        let keep = 1 - tau
        for i in 0..<target.count { t[i] = t[i] * keep + tau * s[i] }
    }

    public static func update(target: MLP, toward source: MLP, tau: Float) {
        update(target: target.parameters, toward: source.parameters, tau: tau)
    }
}
