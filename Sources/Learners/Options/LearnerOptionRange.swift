/// The values an algorithm's option accepts. The declaration's range is the only place the setting's
/// range is checked: the config's `validate()` checks its declared options through it
/// (`LearnerConfig.validateOptions()`), so a command line and a config file are refused alike, with
/// the flag's name.
public enum LearnerOptionRange: Sendable, Equatable, CustomStringConvertible {
    /// Whole numbers from `lowerBound` to `upperBound`, both included.
    case integers(ClosedRange<Int>)
    /// Reals from `lowerBound` to `upperBound`, both included.
    case interval(ClosedRange<Double>)
    /// Finite reals above 0.
    case positive
    /// Finite reals of 0 or more.
    case nonNegative

    /// As help prints it: `1...1000`, `[0, 1]`, `> 0`, `≥ 0`.
    public var description: String {
        switch self {
        case .integers(let range): return "\(range.lowerBound)...\(range.upperBound)"
        case .interval(let range):
            return "[\(LearnerOptionValue.text(range.lowerBound)), \(LearnerOptionValue.text(range.upperBound))]"
        case .positive: return "> 0"
        case .nonNegative: return "≥ 0"
        }
    }

    /// Whether `value` lies in the range.
    public func contains(_ value: LearnerOptionValue) -> Bool {
        switch (self, value) {
        case (.integers(let range), .integer(let value)): return range.contains(value)
        case (.interval(let range), _): return value.real.map { range.contains($0) } ?? false
        case (.positive, _): return value.real.map { $0 > 0 && $0.isFinite } ?? false
        case (.nonNegative, _): return value.real.map { $0 >= 0 && $0.isFinite } ?? false
        case (.integers, _): return false
        }
    }

    /// The sentence refusing `value` for `flag`: "--n-step must lie in 1...1000, got 0".
    func refusal(of value: LearnerOptionValue, flag: String) -> String {
        switch self {
        case .integers, .interval: return "\(flag) must lie in \(self), got \(value)"
        case .positive: return "\(flag) must be a positive number, got \(value)"
        case .nonNegative: return "\(flag) must be zero or more, got \(value)"
        }
    }
}
