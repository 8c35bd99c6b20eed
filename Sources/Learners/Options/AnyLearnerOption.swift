/// A `LearnerOption` of any config type, as the registry lists it (`LearnerConfig.declaredOptions`):
/// for help, for finding which algorithms take a flag, and for tests.
public struct AnyLearnerOption: Sendable {
    /// The algorithm that declares it.
    public let algorithm: String
    public let flag: String
    public let kind: LearnerOptionKind
    public let valueName: String
    public let help: String
    public let range: LearnerOptionRange?
    /// The default as help states it (`1`, `none`); nil for a flag, which is off unless given.
    public let defaultDescription: String?
    /// Arguments that satisfy the option's requirement when given before it (empty: none needed).
    public let prerequisite: [String]
    private let read: @Sendable (any LearnerConfig) -> LearnerOptionValue?

    public init<Config: LearnerConfig>(_ option: LearnerOption<Config>) {
        algorithm = Config.algorithmName
        flag = option.flag
        kind = option.kind
        valueName = option.valueName
        help = option.help
        range = option.range
        prerequisite = option.prerequisite
        if option.kind == .flag {
            defaultDescription = nil
        } else {
            defaultDescription = option.value(in: Config())?.description ?? option.defaultDescription ?? "none"
        }
        read = { ($0 as? Config).flatMap(option.value(in:)) }
    }

    /// The setting's value in `config` (a config of the declaring algorithm), nil where it does not apply.
    public func value(in config: any LearnerConfig) -> LearnerOptionValue? { read(config) }
}
