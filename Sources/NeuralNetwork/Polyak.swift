/// Polyak (soft) target updates: target ← (1 − τ) · target + τ · source, elementwise
/// (Lillicrap et al. 2016, "soft target updates"; the order of operations follows
/// Stable-Baselines3's `polyak_update`).
public enum Polyak {
    public static func update(target: FloatBuffer, toward source: FloatBuffer, tau: Float) {
        precondition(target.count == source.count, "target and source must have the same size")
        let t = target.base, s = UnsafePointer(source.base)
        let keep = 1 - tau
        let count = target.count, whole = vectorizedCount(count)
        let vkeep = Vector(repeating: keep), vtau = Vector(repeating: tau)
        var i = 0
        while i < whole {
            t.setVector(t.vector(at: i) * vkeep + vtau * s.vector(at: i), at: i)
            i += Vector.scalarCount
        }
        while i < count {
            t[i] = t[i] * keep + tau * s[i]
            i += 1
        }
    }

    public static func update(target: MLP, toward source: MLP, tau: Float) {
        update(target: target.parameters, toward: source.parameters, tau: tau)
    }
}
