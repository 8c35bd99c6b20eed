/// One command-line option of an algorithm, declared beside its config: the flag, what it takes,
/// its help, its valid range, and how it reads and writes the config. `offpolicy train`, `compare`
/// and `bench update` parse, check, apply and document an algorithm's options from these
/// declarations alone (`LearnerConfig.options`), so no command names a concrete config type.
///
/// ```swift
/// extension SACConfig {
///     public static var options: [LearnerOption<SACConfig>] {
///         [.integer("--n-step", \.nStep, range: 1...1000, help: "Regress Q(s₀, a₀) onto an n-step target.")]
///     }
/// }
/// ```
///
/// Options are applied in declaration order, so an option that refines another (`--clip` refines
/// `--correction is`) is declared after it.
public struct LearnerOption<Config: LearnerConfig>: Sendable {
    /// The flag, with its dashes (`--n-step`).
    public let flag: String
    public let kind: LearnerOptionKind
    /// The placeholder help prints for the value (`N`, `X`, `none|is|retrace`); empty for a flag.
    public let valueName: String
    public let help: String
    /// The accepted values (nil: any value of the kind).
    public let range: LearnerOptionRange?
    /// How help states the default where the default config holds no value for the setting (`--clip`
    /// while no clipped correction is chosen, an optional setting that is off); otherwise help reads
    /// the default config.
    public let defaultDescription: String?
    /// The setting's value in a config; nil where it does not apply (`--clip` without a clipped correction).
    let read: @Sendable (Config) -> LearnerOptionValue?
    /// Sets the setting to a value of the option's kind.
    let write: @Sendable (inout Config, LearnerOptionValue) -> Void
    /// What the option needs of the config once every option is applied, the sentence refusing it
    /// otherwise, and arguments that satisfy it (for help and tests).
    let requirement: (@Sendable (Config) -> Bool)?
    public let requirementRefusal: String?
    /// Arguments that, given before this option, satisfy its requirement (`--n-step 2` for `--correction`).
    public let prerequisite: [String]

    init(flag: String, kind: LearnerOptionKind, valueName: String, help: String, range: LearnerOptionRange?,
         defaultDescription: String?, read: @escaping @Sendable (Config) -> LearnerOptionValue?,
         write: @escaping @Sendable (inout Config, LearnerOptionValue) -> Void) {
        precondition(flag.hasPrefix("--"), "an option's flag starts with --: \(flag)")
        self.flag = flag
        self.kind = kind
        self.valueName = valueName
        self.help = help
        self.range = range
        self.defaultDescription = defaultDescription
        self.read = read
        self.write = write
        requirement = nil
        requirementRefusal = nil
        prerequisite = []
    }

    private init(_ option: LearnerOption, requirement: @escaping @Sendable (Config) -> Bool, refusal: String, prerequisite: [String]) {
        flag = option.flag
        kind = option.kind
        valueName = option.valueName
        help = option.help
        range = option.range
        defaultDescription = option.defaultDescription
        read = option.read
        write = option.write
        self.requirement = requirement
        requirementRefusal = refusal
        self.prerequisite = prerequisite
    }

    /// This option, accepted only when `condition` holds of the config after all options are applied;
    /// otherwise refused with `refusal` (one sentence naming the flag). `prerequisite` is a command
    /// line that satisfies the condition.
    public func requiring(_ condition: @escaping @Sendable (Config) -> Bool, otherwise refusal: String,
                          satisfiedBy prerequisite: [String]) -> LearnerOption {
        LearnerOption(self, requirement: condition, refusal: refusal, prerequisite: prerequisite)
    }

    /// The setting's value in `config`, nil where it does not apply.
    public func value(in config: Config) -> LearnerOptionValue? { read(config) }

    /// `config` with the setting set to `value`, which must be of the option's kind.
    public func applying(_ value: LearnerOptionValue, to config: Config) -> Config {
        var config = config
        write(&config, value)
        return config
    }

    /// The sentence refusing the setting's value in `config`, nil when it lies in the range.
    public func rangeRefusal(in config: Config) -> String? {
        guard let range, let value = read(config), !range.contains(value) else { return nil }
        return range.refusal(of: value, flag: flag)
    }

    /// The sentence refusing this option (given on a command line) in `config`, all options applied;
    /// nil when its requirement holds.
    public func requirementRefusal(in config: Config) -> String? {
        guard let requirement, !requirement(config) else { return nil }
        return requirementRefusal
    }

    /// The value `text` stands for, or the error naming the flag.
    public func parse(_ text: String) throws -> LearnerOptionValue {
        func invalid(_ expected: String) -> LearnerOptionError { .invalidValue(flag: flag, text: text, expected: expected) }
        switch kind {
        case .integer:
            guard let value = Int(text) else { throw invalid("a whole number") }
            return .integer(value)
        case .real:
            guard let value = Double(text) else { throw invalid("a number") }
            return .real(value)
        case .flag:
            throw LearnerOptionError.unexpectedValue(flag: flag, value: text)
        case .boolean:
            guard let value = Bool(text) else { throw invalid("true or false") }
            return .boolean(value)
        case .choice(let choices):
            guard choices.contains(text) else { throw invalid(LearnerOptionError.list(choices).replacingOccurrences(of: " and ", with: " or ")) }
            return .choice(text)
        }
    }
}
