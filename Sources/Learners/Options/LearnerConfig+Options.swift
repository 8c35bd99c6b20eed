/// Parsing, checking and applying an algorithm's declared options (`LearnerConfig.options`).
extension LearnerConfig {
    public static var options: [LearnerOption<Self>] { [] }
    public static var declaredOptions: [AnyLearnerOption] { options.map(AnyLearnerOption.init) }
    public static var requiresDataset: Bool { false }
    public static var usesBatchSize: Bool { true }

    /// This config with `arguments` applied: the algorithm's own options as typed (`--n-step 3`,
    /// `--clip=5`, `--deterministic`), in any order; a repeated option's last value counts. The options
    /// are applied in declaration order, each given option's requirement is checked, then `validate()`,
    /// which checks every declared range (`validateOptions()`). Throws `LearnerOptionError` or `LearnerError.invalidConfiguration`,
    /// each one sentence naming the flag.
    public func applying(arguments: [String]) throws -> any LearnerConfig {
        try applyingOptions(arguments)
    }

    /// `applying(arguments:)`, typed.
    public func applyingOptions(_ arguments: [String]) throws -> Self {
        let options = Self.options
        var given: [String: LearnerOptionValue] = [:]
        var index = 0
        while index < arguments.count {
            let word = arguments[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else { throw LearnerOptionError.unexpectedArgument(word) }
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let flag = parts[0]
            guard let option = options.first(where: { $0.flag == flag }) else {
                let takers = Algorithms.all.filter { $0.declaredOptions.contains { $0.flag == flag } }.map { $0.algorithmName }
                throw LearnerOptionError.notAnOption(flag: flag, algorithm: Self.algorithmName, takenBy: takers)
            }
            if option.kind == .flag {
                if parts.count == 2 { throw LearnerOptionError.unexpectedValue(flag: flag, value: parts[1]) }
                given[flag] = .boolean(true)
                continue
            }
            let text: String
            if parts.count == 2 {
                text = parts[1]
            } else {
                guard index < arguments.count, !arguments[index].hasPrefix("--") else { throw LearnerOptionError.missingValue(flag: flag) }
                text = arguments[index]
                index += 1
            }
            do {
                given[flag] = try option.parse(text)
            } catch LearnerOptionError.invalidValue(let flag, let text, let expected, _) {
                // A choice another algorithm's option of the same name takes ("vtrace" is a2c's --correction).
                let takers = Algorithms.all.filter { type in
                    type.declaredOptions.contains { other in
                        guard other.flag == flag, case .choice(let words) = other.kind else { return false }
                        return words.contains(text)
                    }
                }.map { $0.algorithmName }
                throw LearnerOptionError.invalidValue(flag: flag, text: text, expected: expected, takenBy: takers)
            }
        }
        var config = self
        for option in options {
            if let value = given[option.flag] { config = option.applying(value, to: config) }
        }
        for option in options where given[option.flag] != nil {
            if let refusal = option.requirementRefusal(in: config) { throw LearnerOptionError.refused(flag: option.flag, reason: refusal) }
        }
        try config.validate()
        return config
    }

    /// Throws `LearnerError.invalidConfiguration` when a declared option's setting lies outside its
    /// range, naming the flag ("--n-step must lie in 1...1000, got 0"). Every config's `validate()`
    /// calls it: the declaration is the one place an option's range is written and checked.
    public func validateOptions() throws {
        for option in Self.options {
            if let refusal = option.rangeRefusal(in: self) { throw LearnerError.invalidConfiguration(refusal) }
        }
    }
}
