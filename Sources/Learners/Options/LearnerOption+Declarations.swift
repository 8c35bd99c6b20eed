/// The ways to declare an option: from a key path where the setting is a plain field, from closures
/// where it lives inside an enum's case.
extension LearnerOption {
    /// A whole-number setting.
    public static func integer(_ flag: String, _ keyPath: WritableKeyPath<Config, Int> & Sendable, valueName: String = "N",
                               range: ClosedRange<Int>?, help: String) -> LearnerOption {
        LearnerOption(flag: flag, kind: .integer, valueName: valueName, help: help, range: range.map { .integers($0) },
                      defaultDescription: nil, read: { .integer($0[keyPath: keyPath]) },
                      write: { config, value in if case .integer(let number) = value { config[keyPath: keyPath] = number } })
    }

    /// A real setting.
    public static func real(_ flag: String, _ keyPath: WritableKeyPath<Config, Double> & Sendable, valueName: String = "X",
                            range: LearnerOptionRange?, help: String) -> LearnerOption {
        real(flag, valueName: valueName, range: range, default: nil, help: help,
             read: { $0[keyPath: keyPath] }, write: { $0[keyPath: keyPath] = $1 })
    }

    /// An optional real setting (nil: off); giving the option turns it on with the value.
    public static func real(_ flag: String, _ keyPath: WritableKeyPath<Config, Double?> & Sendable, valueName: String = "X",
                            range: LearnerOptionRange?, default defaultDescription: String, help: String) -> LearnerOption {
        real(flag, valueName: valueName, range: range, default: defaultDescription, help: help,
             read: { $0[keyPath: keyPath] }, write: { $0[keyPath: keyPath] = $1 })
    }

    /// A real setting read and written by closures; `read` returns nil where the setting does not apply.
    public static func real(_ flag: String, valueName: String = "X", range: LearnerOptionRange?, default defaultDescription: String?,
                            help: String, read: @escaping @Sendable (Config) -> Double?,
                            write: @escaping @Sendable (inout Config, Double) -> Void) -> LearnerOption {
        LearnerOption(flag: flag, kind: .real, valueName: valueName, help: help, range: range, defaultDescription: defaultDescription,
                      read: { read($0).map(LearnerOptionValue.real) },
                      write: { config, value in if case .real(let number) = value { write(&config, number) } })
    }

    /// A flag that sets a Boolean setting to `value` when given (`--no-ortho-init` sets it to false).
    public static func flag(_ flag: String, _ keyPath: WritableKeyPath<Config, Bool> & Sendable, setting value: Bool = true,
                            help: String) -> LearnerOption {
        self.flag(flag, help: help, isSet: { $0[keyPath: keyPath] == value }, set: { $0[keyPath: keyPath] = value })
    }

    /// A flag read and written by closures: `isSet` tells whether a config is as the flag makes it.
    public static func flag(_ flag: String, help: String, isSet: @escaping @Sendable (Config) -> Bool,
                            set: @escaping @Sendable (inout Config) -> Void) -> LearnerOption {
        LearnerOption(flag: flag, kind: .flag, valueName: "", help: help, range: nil, defaultDescription: nil,
                      read: { .boolean(isSet($0)) }, write: { config, value in if value == .boolean(true) { set(&config) } })
    }

    /// A Boolean setting given as `true` or `false`.
    public static func boolean(_ flag: String, _ keyPath: WritableKeyPath<Config, Bool> & Sendable, help: String) -> LearnerOption {
        LearnerOption(flag: flag, kind: .boolean, valueName: "true|false", help: help, range: nil, defaultDescription: nil,
                      read: { .boolean($0[keyPath: keyPath]) },
                      write: { config, value in if case .boolean(let flag) = value { config[keyPath: keyPath] = flag } })
    }

    /// One of a `String`-backed enum's cases, by raw value.
    public static func choice<Choice: CaseIterable & RawRepresentable & Sendable>(
        _ flag: String, help: String, read: @escaping @Sendable (Config) -> Choice,
        write: @escaping @Sendable (inout Config, Choice) -> Void) -> LearnerOption where Choice.RawValue == String {
        let choices = Choice.allCases.map(\.rawValue)
        return LearnerOption(flag: flag, kind: .choice(choices), valueName: choices.joined(separator: "|"), help: help, range: nil,
                             defaultDescription: nil, read: { .choice(read($0).rawValue) },
                             write: { config, value in
                                 if case .choice(let text) = value, let choice = Choice(rawValue: text) { write(&config, choice) }
                             })
    }
}
