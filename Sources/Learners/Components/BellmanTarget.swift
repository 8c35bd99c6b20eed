import Transitions

/// The one-step Bellman target shared by every critic here.
enum BellmanTarget {
    /// y_i = r_i + γ (1 − terminated_i) · v_i, in place over `values` (v_i, the value of the next state,
    /// on entry; y_i on return). Only `terminated` stops bootstrapping: a truncated transition (time
    /// limit) bootstraps from its stored final observation.
    static func compute(_ batch: TransitionBatch, discount: Float, nextValuesToTargets values: UnsafeMutablePointer<Float>) {
        batch.rewards.withUnsafeBufferPointer { r in
            batch.terminated.withUnsafeBufferPointer { terminated in
                for i in 0..<batch.count { values[i] = r[i] + (terminated[i] ? 0 : discount * values[i]) }
            }
        }
    }
}
