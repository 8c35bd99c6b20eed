/// What an algorithm's command-line option takes after its flag.
public enum LearnerOptionKind: Sendable, Equatable {
    /// A whole number (`--n-step 3`).
    case integer
    /// A real number (`--clip 5`).
    case real
    /// Nothing: giving the flag sets the setting (`--deterministic`).
    case flag
    /// `true` or `false` (`--use-sde false`).
    case boolean
    /// One of the listed words (`--correction retrace`).
    case choice([String])
}
