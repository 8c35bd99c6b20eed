/// Why an algorithm's options were refused; each description is one sentence naming the flag.
public enum LearnerOptionError: Error, Equatable, CustomStringConvertible {
    /// `flag` is not an option of `algorithm`; `takenBy` lists the algorithms that declare it (empty: none).
    case notAnOption(flag: String, algorithm: String, takenBy: [String])
    /// `flag` needs a value and none followed it.
    case missingValue(flag: String)
    /// `flag` takes no value (a flag), but one was given with `=`.
    case unexpectedValue(flag: String, value: String)
    /// `text` is not a value of `flag`'s kind; `takenBy` lists the algorithms whose option of that name
    /// takes it (empty: none).
    case invalidValue(flag: String, text: String, expected: String, takenBy: [String] = [])
    /// A word that is neither a flag nor a flag's value.
    case unexpectedArgument(String)
    /// The option's value is out of range, or it needs another setting: the declaration's sentence.
    case refused(flag: String, reason: String)

    /// The flag the error is about, if any.
    public var flag: String? {
        switch self {
        case .notAnOption(let flag, _, _), .missingValue(let flag), .unexpectedValue(let flag, _),
             .invalidValue(let flag, _, _, _), .refused(let flag, _):
            return flag
        case .unexpectedArgument: return nil
        }
    }

    public var description: String {
        switch self {
        case .notAnOption(let flag, let algorithm, let takenBy):
            guard !takenBy.isEmpty else { return "unknown option '\(flag)'" }
            return "\(flag) applies to \(Self.list(takenBy)), not to \(algorithm)"
        case .missingValue(let flag): return "\(flag) needs a value"
        case .unexpectedValue(let flag, let value): return "\(flag) takes no value, got '\(value)'"
        case .invalidValue(let flag, let text, let expected, let takenBy):
            guard !takenBy.isEmpty else { return "\(flag) takes \(expected), got '\(text)'" }
            return "\(flag) takes \(expected), got '\(text)', which is a value of \(flag) for \(Self.list(takenBy))"
        case .unexpectedArgument(let word): return "unexpected argument '\(word)'"
        case .refused(_, let reason): return reason
        }
    }

    /// "sac", "sac and a2c", "ppo, a2c and reinforce".
    static func list(_ words: [String]) -> String {
        words.count <= 1 ? words.joined() : words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}
