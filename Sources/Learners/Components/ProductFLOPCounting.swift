/// A learner that can count the matrix-product FLOPs of one update (for `offpolicy bench update`'s
/// fraction of the sgemm peak).
public protocol ProductFLOPCounting {
    /// The FLOPs (2·m·n·k per product) of the matrix products of one `update` on `rows` transitions.
    func productFLOPsPerUpdate(rows: Int) -> Double
}

extension SAC: ProductFLOPCounting {}
extension TD3: ProductFLOPCounting {}
