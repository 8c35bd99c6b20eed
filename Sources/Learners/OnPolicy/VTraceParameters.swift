/// The parameters of `ReplayCorrection.vtrace` as a struct, so each can be read and written by key path.
struct VTraceParameters: Sendable {
    var clipRatio: Double
    var clipTraceRatio: Double
    var lambda: Double

    /// The parameters of `correction`; nil when it is not V-trace.
    init?(_ correction: ReplayCorrection) {
        guard case .vtrace(let clipRatio, let clipTraceRatio, let lambda) = correction else { return nil }
        self.clipRatio = clipRatio
        self.clipTraceRatio = clipTraceRatio
        self.lambda = lambda
    }

    var correction: ReplayCorrection { .vtrace(clipRatio: clipRatio, clipTraceRatio: clipTraceRatio, lambda: lambda) }
}
