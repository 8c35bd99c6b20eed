import ArgumentParser
import Environments

extension EnvironmentID: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

extension EnvironmentName: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var allValueStrings: [String] { EnvironmentID.allCases.map(\.rawValue) + ["gym:ID"] }
}
