import Foundation
import RunFiles

/// `compare-run.json` in a run folder: the settings the run was started with and how its last
/// attempt ended. A run is finished when its last attempt exited with status 0 and its
/// progress.csv reached the planned steps.
struct RunRecord: Codable, Equatable {
    var settings: [String]
    var steps: Int
    /// The last attempt's exit status; nil while it runs or after a death by signal.
    var exitStatus: Int32?
    /// The signal that ended the last attempt, if one did.
    var signal: Int32?

    static func read(_ run: PlannedRun) throws -> RunRecord? {
        let data: Data
        do {
            guard let contents = try SmallFile.contents(of: run.recordFile, limit: 1 << 20) else { return nil }
            data = contents
        } catch let RunFileError.unreadable(path, reason) {
            throw ComparisonError.unreadable(path, reason)
        }
        do { return try JSONDecoder().decode(RunRecord.self, from: data) } catch {
            throw ComparisonError.unreadable(run.recordFile.path, FileProblem.reason(error))
        }
    }

    func write(_ run: PlannedRun) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            try encoder.encode(self).write(to: run.recordFile, options: .atomic)
        } catch {
            throw ComparisonError.unwritable(run.recordFile.path, FileProblem.reason(error))
        }
    }
}
