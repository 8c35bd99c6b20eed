import ArgumentParser
import Learners

/// An algorithm name on the command line, checked against the registry (`Algorithms`).
struct AlgorithmName: ExpressibleByArgument, CustomStringConvertible, Sendable {
    let name: String

    /// The name as typed, so `--help` shows a default as `sac`.
    var description: String { name }
    var defaultValueDescription: String { name }

    init?(argument: String) {
        guard Algorithms.configType(named: argument) != nil else { return nil }
        name = argument
    }

    static var allValueStrings: [String] { Algorithms.names }

    /// One line per registered algorithm, for `--help`.
    static var helpList: String {
        Algorithms.all.map { "  \($0.algorithmName.padding(toLength: 9, withPad: " ", startingAt: 0)) \($0.summary)" }.joined(separator: "\n")
    }
}
