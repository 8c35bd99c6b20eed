import Foundation

/// A recorded trajectory in the golden CSV format (see `shared/golden/README.md`):
/// `episode,t,state,obs,action,reward,terminated,truncated,next_obs`, vectors space-separated.
public struct Trajectory: Sendable {
    public struct Step: Equatable, Sendable {
        public var episode: Int
        public var t: Int
        public var state: [Double]
        public var observation: [Double]
        public var action: [Float]
        public var reward: Double
        public var terminated: Bool
        public var truncated: Bool
        public var nextObservation: [Double]
    }

    public var steps: [Step]

    /// Errors that name the file, the line and what is wrong with it.
    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    static let columns = ["episode", "t", "state", "obs", "action", "reward", "terminated", "truncated", "next_obs"]

    public init(steps: [Step]) { self.steps = steps }

    /// Reads a trajectory file.
    public init(contentsOf file: URL) throws {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ParseError(description: "cannot read \(file.path): \(error.localizedDescription)")
        }
        try self.init(csv: text, name: file.path)
    }

    /// Parses trajectory CSV text; `name` appears in error messages.
    public init(csv text: String, name: String = "trajectory") throws {
        var lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard !lines.isEmpty else { throw ParseError(description: "\(name): empty file") }
        let header = lines.removeFirst().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        var index: [String: Int] = [:]
        for (i, column) in header.enumerated() { index[column] = i }
        let missing = Self.columns.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw ParseError(description: "\(name): missing column(s) \(missing.joined(separator: ", ")); expected \(Self.columns.joined(separator: ","))")
        }
        steps = []
        steps.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let lineNumber = offset + 2
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count else {
                throw ParseError(description: "\(name):\(lineNumber): \(fields.count) fields, header has \(header.count)")
            }
            func field(_ column: String) -> String { fields[index[column]!].trimmingCharacters(in: .whitespaces) }
            func integer(_ column: String) throws -> Int {
                guard let value = Int(field(column)) else {
                    throw ParseError(description: "\(name):\(lineNumber): \(column) '\(field(column))' is not an integer")
                }
                return value
            }
            func vector(_ column: String) throws -> [Double] {
                let parts = field(column).split(separator: " ")
                var values: [Double] = []
                for part in parts {
                    guard let value = Double(part) else {
                        throw ParseError(description: "\(name):\(lineNumber): \(column) holds '\(part)', not a number")
                    }
                    values.append(value)
                }
                guard !values.isEmpty else { throw ParseError(description: "\(name):\(lineNumber): \(column) is empty") }
                return values
            }
            func flag(_ column: String) throws -> Bool {
                switch field(column) {
                case "0", "False", "false": return false
                case "1", "True", "true": return true
                default: throw ParseError(description: "\(name):\(lineNumber): \(column) '\(field(column))' is not 0 or 1")
                }
            }
            let reward = try vector("reward")
            guard reward.count == 1 else { throw ParseError(description: "\(name):\(lineNumber): reward must be one number") }
            steps.append(Step(
                episode: try integer("episode"), t: try integer("t"), state: try vector("state"),
                observation: try vector("obs"), action: try vector("action").map { Float($0) },
                reward: reward[0], terminated: try flag("terminated"), truncated: try flag("truncated"),
                nextObservation: try vector("next_obs")))
        }
        guard !steps.isEmpty else { throw ParseError(description: "\(name): no steps after the header") }
        guard steps[0].t == 0 else { throw ParseError(description: "\(name):2: the first step must have t == 0") }
    }
}
