extension ReplayCorrection {
    /// The correction's name on the command line (`--correction vtrace|none`).
    public enum Choice: String, CaseIterable, Sendable {
        case vtrace
        case none
    }

    /// This correction's name.
    public var choice: Choice {
        switch self {
        case .vtrace: return .vtrace
        case .none: return .none
        }
    }

    /// The correction named `choice`, V-trace with IMPALA's ρ̄ = c̄ = λ = 1 (`defaultVTrace`).
    public init(_ choice: Choice) {
        self = choice == .vtrace ? .defaultVTrace : .none
    }
}
