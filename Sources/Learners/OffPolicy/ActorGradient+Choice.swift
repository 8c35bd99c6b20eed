extension ActorGradient {
    /// The gradient's name on the command line (`--actor-gradient reparameterization|truncated-is`).
    public enum Choice: String, CaseIterable, Sendable {
        case reparameterization
        case truncatedImportanceSampling = "truncated-is"
    }

    /// This gradient's name.
    public var choice: Choice {
        switch self {
        case .reparameterization: return .reparameterization
        case .truncatedImportanceSampling: return .truncatedImportanceSampling
        }
    }

    /// The gradient named `choice`, truncated importance sampling with the default clip (`defaultClip`).
    public init(_ choice: Choice) {
        switch choice {
        case .reparameterization: self = .reparameterization
        case .truncatedImportanceSampling: self = .truncatedImportanceSampling(clip: Self.defaultClip)
        }
    }
}
