/// A value given to an algorithm's option, typed by the option's `LearnerOptionKind`.
public enum LearnerOptionValue: Sendable, Equatable, CustomStringConvertible {
    case integer(Int)
    case real(Double)
    case boolean(Bool)
    case choice(String)

    /// The value as typed on the command line (`3`, `0.5`, `true`, `retrace`); reals print without a
    /// trailing `.0` when whole.
    public var description: String {
        switch self {
        case .integer(let value): return "\(value)"
        case .real(let value): return Self.text(value)
        case .boolean(let value): return "\(value)"
        case .choice(let value): return value
        }
    }

    /// A real as it reads best on the command line: `1`, `0.2`, `-20`, `1e-05`.
    static func text(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return "\(Int(value))" }
        return "\(value)"
    }

    /// The value as a real (integers widened), for range checks.
    var real: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .real(let value): return value
        case .boolean, .choice: return nil
        }
    }
}
