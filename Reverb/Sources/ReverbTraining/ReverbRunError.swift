/// What stops a distributed run (`offpolicy-reverb actor` or `train --replay reverb://…`); each reads as one sentence.
public enum ReverbRunError: Error, Equatable, CustomStringConvertible {
    /// Weights read from the weights table that actors cannot act with.
    case unusablePolicy(source: String, reason: String)
    /// A setting of the run that the distributed run cannot take.
    case unsupported(String)

    public var description: String {
        switch self {
        case .unusablePolicy(let source, let reason): return "The policy in \(source) cannot be acted with: \(reason)."
        case .unsupported(let message): return "\(message)."
        }
    }
}
