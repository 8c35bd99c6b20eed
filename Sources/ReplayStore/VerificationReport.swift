/// What `ReplayStore.verify` found.
public struct VerificationReport: Equatable, Sendable {
    public var chunksChecked: Int
    public var transitionsChecked: Int
    /// The first problem, naming its chunk; nil when everything holds.
    public var firstProblem: String?

    public var isValid: Bool { firstProblem == nil }
}
