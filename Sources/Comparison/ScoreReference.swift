import Foundation

/// The reference returns `--normalize` names, as typed: `d4rl`, two returns `RANDOM,EXPERT`, or two
/// dataset paths `RANDOM_DATASET,EXPERT_DATASET` (a D4RL HDF5 file or a Minari directory, whose mean
/// episode returns are the references). ``normalization(environment:meanReturn:)`` turns it into a
/// ``ScoreNormalization``.
public enum ScoreReference: Equatable, Sendable {
    /// D4RL's reference returns of the runs' environment (``D4RLReferenceReturns``).
    case d4rl
    case returns(random: Double, expert: Double)
    case datasets(random: String, expert: String)

    /// Parses the text of `--normalize`: `d4rl` (any case), else two items separated by a comma, both
    /// numbers (finite and different) or both paths (a path cannot hold a comma here).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "d4rl" {
            self = .d4rl
            return
        }
        let items = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard items.count == 2, items.allSatisfy({ !$0.isEmpty }) else { throw ScoreNormalizationError.malformed(text) }
        switch (Double(items[0]), Double(items[1])) {
        case let (random?, expert?):
            // Checked here, so that a bad pair is refused before anything runs.
            try ScoreNormalization.check(randomReturn: random, expertReturn: expert)
            self = .returns(random: random, expert: expert)
        case (nil, nil):
            self = .datasets(random: items[0], expert: items[1])
        default:
            throw ScoreNormalizationError.mixedForms(text)
        }
    }

    /// The normalisation of runs on `environment` (nil when they do not name one; only `d4rl` needs
    /// it). `meanReturn` reads a dataset's mean episode return (the caller's reader; an error it throws
    /// is reported with the path); a dataset that does not exist is refused before any is read.
    public func normalization(environment: String?, meanReturn: (String) throws -> Double) throws -> ScoreNormalization {
        let short = ScoreNormalization.shortNumber
        switch self {
        case .d4rl:
            guard let environment else { throw ScoreNormalizationError.unknownEnvironment }
            guard let task = D4RLReferenceReturns.task(forEnvironment: environment) else {
                throw ScoreNormalizationError.noD4RLReference(environment: environment)
            }
            return try ScoreNormalization(
                randomReturn: task.randomReturn, expertReturn: task.expertReturn, label: "D4RL \(task.name)",
                description: "D4RL's \(task.name) returns (random \(short(task.randomReturn)), expert \(short(task.expertReturn)))")
        case let .returns(random, expert):
            return try ScoreNormalization(
                randomReturn: random, expertReturn: expert, label: "returns \(short(random)) and \(short(expert))",
                description: "the given returns (random \(short(random)), expert \(short(expert)))")
        case let .datasets(randomPath, expertPath):
            let roles: [(ScoreNormalizationError.Role, String)] = [(.random, randomPath), (.expert, expertPath)]
            // Both are looked for before either is read, which may take a while.
            for (role, path) in roles where !FileManager.default.fileExists(atPath: path) {
                throw ScoreNormalizationError.missingDataset(role, path: path)
            }
            let means = try roles.map { role, path in
                do {
                    return try meanReturn(path)
                } catch {
                    throw ScoreNormalizationError.unreadableDataset(role, path: path, reason: "\(error)")
                }
            }
            let (random, expert) = (means[0], means[1])
            return try ScoreNormalization(
                randomReturn: random, expertReturn: expert, label: "mean returns of \(randomPath) and \(expertPath)",
                description: "the mean returns of \(randomPath) (\(short(random))) and \(expertPath) (\(short(expert)))")
        }
    }
}
