import Foundation
import RunFiles

/// Keeps the policy of the run's best evaluation (highest mean return) as `best-policy.safetensors` in
/// the run directory, in `policy.safetensors`'s format, with `best-policy.json` (a `BestPolicyRecord`)
/// beside it; Stable-Baselines3's `EvalCallback(best_model_save_path=...)`. The policy is written first,
/// then the record, each atomically.
///
/// It never overwrites a file it did not create: a `best-policy.safetensors` without a `best-policy.json`
/// beside it makes the run refuse to start. A resumed run continues from the record; a record of an
/// evaluation after the checkpoint resumed from (dropped with its progress row) is replaced at the next
/// evaluation.
public final class KeepBestPolicy: TrainingCallback {
    public static let policyFileName = "best-policy.safetensors"
    public static let recordFileName = "best-policy.json"
    /// The evaluation the kept policy comes from; nil before the first.
    public private(set) var best: BestPolicyRecord?

    public init() {}

    /// `best-policy.safetensors` in `directory`.
    public static func policyFile(in directory: RunDirectory) -> URL { directory.root.appendingPathComponent(policyFileName) }
    /// `best-policy.json` in `directory`.
    public static func recordFile(in directory: RunDirectory) -> URL { directory.root.appendingPathComponent(recordFileName) }

    public func runWillStart(_ run: RunCore) throws {
        let policy = Self.policyFile(in: run.directory), record = Self.recordFile(in: run.directory)
        best = nil
        let contents: Data?
        do { contents = try SmallFile.contents(of: record, limit: 1 << 20) } catch let RunFileError.unreadable(path, reason) {
            throw TrainingError.corruptFile(path, reason)
        }
        guard let data = contents else {
            if FileManager.default.fileExists(atPath: policy.path) {
                throw TrainingError.unwritable(policy.path, "it exists and KeepBestPolicy did not write it (there is no \(Self.recordFileName) beside it); move it away or train in another directory")
            }
            return
        }
        let kept: BestPolicyRecord
        do { kept = try JSONDecoder().decode(BestPolicyRecord.self, from: data) } catch {
            throw TrainingError.corruptFile(record.path, FileProblem.reason(error))
        }
        if kept.steps <= run.steps { best = kept }
    }

    public func afterEvaluation(_ row: ProgressRow, of run: RunCore) throws -> CallbackDecision {
        let value = row.evaluationReturnMean
        guard !value.isNaN, best.map({ value > $0.evaluationReturnMean }) ?? true else { return .proceed }
        let record = BestPolicyRecord(steps: run.steps, environmentSteps: row.environmentSteps, updates: row.updates,
                                      evaluationReturnMean: value, evaluationReturnStd: row.evaluationReturnStd)
        let policy = Self.policyFile(in: run.directory)
        do { try run.savePolicy(to: policy) } catch let error as TrainingError { throw error } catch {
            throw TrainingError.unwritable(policy.path, FileProblem.reason(error))
        }
        let recordFile = Self.recordFile(in: run.directory)
        do { try JSONFile.write(record, to: recordFile) } catch {
            throw TrainingError.unwritable(recordFile.path, FileProblem.reason(error))
        }
        best = record
        return .proceed
    }
}
