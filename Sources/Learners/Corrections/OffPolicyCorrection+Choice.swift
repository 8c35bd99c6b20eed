extension OffPolicyCorrection {
    /// The correction's name on the command line (`--correction none|is|retrace`).
    public enum Choice: String, CaseIterable, Sendable {
        case none
        case importanceSampling = "is"
        case retrace
    }

    /// This correction's name.
    public var choice: Choice {
        switch self {
        case .none: return .none
        case .importanceSampling: return .importanceSampling
        case .retrace: return .retrace
        }
    }

    /// The correction named `choice`, with the default clip (`defaultClip`) or Retrace's λ = 1.
    public init(_ choice: Choice) {
        switch choice {
        case .none: self = .none
        case .importanceSampling: self = .importanceSampling(clip: Self.defaultClip)
        case .retrace: self = .retrace(lambda: 1)
        }
    }
}
