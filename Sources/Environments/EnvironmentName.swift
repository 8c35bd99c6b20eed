/// What `--env` and `config.json` name: a built-in environment (`Pendulum-v1`) or any Gymnasium
/// environment through the Python bridge (`gym:HalfCheetah-v5`, `gym:my_module:MyEnv-v0`).
public enum EnvironmentName: Hashable, Sendable, CustomStringConvertible {
    case builtIn(EnvironmentID)
    /// The Gymnasium id after `gym:`, as `gymnasium.make` takes it.
    case gym(String)

    public static let gymPrefix = "gym:"

    /// Parses `Pendulum-v1`, `MountainCarContinuous-v0` or `gym:ID`; nil for anything else.
    public init?(_ text: String) {
        if text.hasPrefix(Self.gymPrefix) {
            let id = String(text.dropFirst(Self.gymPrefix.count))
            guard !id.isEmpty, !id.contains(where: { $0.isWhitespace || $0.isNewline }) else { return nil }
            self = .gym(id)
        } else if let id = EnvironmentID(rawValue: text) {
            self = .builtIn(id)
        } else {
            return nil
        }
    }

    /// The name as written: `Pendulum-v1`, `gym:HalfCheetah-v5`.
    public var description: String {
        switch self {
        case .builtIn(let id): return id.rawValue
        case .gym(let id): return Self.gymPrefix + id
        }
    }

    /// Says what names are accepted, for error messages and help.
    public static let accepted = EnvironmentID.allCases.map(\.rawValue).joined(separator: ", ")
        + " (built in), or gym:ID for any Gymnasium environment with Box spaces (e.g. gym:HalfCheetah-v5)"
}
