import ArgumentParser
import Environments

/// `--env`: a registered id (`Pendulum-v1`), its short lowercase name (`pendulum`), or `gym:ID`.
struct EnvironmentArgument: ExpressibleByArgument, CustomStringConvertible {
    let name: EnvironmentName

    init?(argument: String) {
        if let name = EnvironmentName(argument) {
            self.name = name
        } else if let id = EnvironmentID.allCases.first(where: { $0.rawValue.lowercased().hasPrefix(argument.lowercased() + "-v") }) {
            name = .builtIn(id)
        } else {
            return nil
        }
    }

    var description: String { name.description }
    static var allValueStrings: [String] { EnvironmentID.allCases.map(\.rawValue) + ["gym:ID"] }
}
