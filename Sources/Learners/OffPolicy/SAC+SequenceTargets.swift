import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Corrected n-step critic targets for SAC from runs of consecutive transitions
/// (`ReplayStore.sampleSequences`): the composition the `--n-step`/`--correction` options will use.
/// `update(on:)` uses them when `SACConfig.nStep` > 1; the one-step update is unchanged.
///
/// **Windows that end early** (SB3's `NStepReplayBuffer`; `SequenceWindows.fromEveryTransition`): a run
/// may reach its episode's end before `length` rows. Its return stops at the first row e that is
/// terminated or truncated: G_e = r_e with termination (never bootstrap), G_e = r_e + γ V(s'_e) with
/// truncation (s'_e the stored final observation); the rows after e are masked (they repeat row e and
/// belong to no return, and their targets are NaN). A whole run (no end inside) bootstraps from its
/// last row as before.
extension SAC {
    /// The inputs and the result of `sequenceTargets`, per row of the sequence batch (count × length).
    public struct SequenceTargets {
        /// V(s_{i+1}) = min_k Q̄_k(s_{i+1}, a') − α log π(a'|s_{i+1}), a' ~ π (eqs. 2–3), per row.
        public var nextValues: [Double]
        /// min_k Q̄_k(s_i, a_i) at the logged action, per row (row i+1 of a run is Q̄(s_{i+1}, a_{i+1}) for row i).
        public var actionValues: [Double]
        /// log π(a_i|s_i) − log μ(a_i|s_i), per row; −∞ where the behavior log-probability is unknown (NaN),
        /// so ρ = 0 and the trace is cut there (c = 0): an action of an unknown policy is not trusted.
        public var logRatios: [Double]
        /// The targets G_0 … G_e of every run (`OffPolicyCorrection.targets` over the rows up to the run's
        /// end e), per row; NaN on the masked rows after e.
        public var targets: [Double]
        /// Per run, the index e of its last row: the first terminated or truncated row, else length − 1.
        public var lastRows: [Int]
    }

    /// Targets for every row of `batch`, `length` rows per run. Runs the actor and the target critics
    /// (their workspaces are reused: call this before an update, not inside one) and draws a' from
    /// `generator` as `softBellmanTargets` draws ã'. Without a correction only V(s') of each run's last
    /// row e enters the targets: V is evaluated (and a' drawn) for those rows alone, and `nextValues`
    /// and `actionValues` are NaN elsewhere. With a correction V(s') is evaluated for every row, Q̄ at every
    /// logged action, and the ratios of the rows 1 … L−1 of each run.
    public func sequenceTargets(_ batch: TransitionBatch, length: Int, correction: OffPolicyCorrection, alpha: Float,
                                using generator: inout SeededGenerator) -> SequenceTargets {
        precondition(length > 0 && batch.count % length == 0, "a sequence batch holds whole runs of \(length) rows")
        let rows = batch.count
        var nextValues = [Double](repeating: .nan, count: rows)
        var actionValues = [Double](repeating: .nan, count: rows)
        var logRatios = [Double](repeating: .nan, count: rows)
        let lastRows = (0..<(rows / length)).map { run in
            (0..<length).first { batch.terminated[run * length + $0] || batch.truncated[run * length + $0] } ?? length - 1
        }
        if correction == .none {
            var ends = TransitionBatch(observationSize: batch.observationSize, actionSize: batch.actionSize, reservingCapacity: lastRows.count)
            for (run, last) in lastRows.enumerated() { ends.appendRows(of: batch, (run * length + last)..<(run * length + last + 1)) }
            for (run, value) in softNextValues(ends, alpha: alpha, using: &generator).enumerated() {
                nextValues[run * length + lastRows[run]] = value
            }
        } else {
            nextValues = softNextValues(batch, alpha: alpha, using: &generator)
            // Q̄(s, a) at the logged actions (on [s | a], which softNextValues staged).
            var minimum = [Float](repeating: 0, count: rows)
            minimum.withUnsafeMutableBufferPointer { critics.targetMinimum(inputs.current.base, rows: rows, into: $0.baseAddress!) }
            actionValues = minimum.map(Double.init)
            let target = logProbabilities(observations: batch.observations, actions: batch.actions)
            for i in 0..<rows {
                let behavior = batch.behaviorLogProbabilities[i]
                logRatios[i] = ImportanceRatio.knownLog(Double(target[i]) - Double(behavior))
            }
        }
        let discounts = NStepReturn.discounts(terminated: batch.terminated, discount: config.common.discount)
        var targets: [Double] = []
        targets.reserveCapacity(rows)
        for (index, start) in stride(from: 0, to: rows, by: length).enumerated() {
            let end = start + lastRows[index]
            let run = start...end, later = (start + 1)..<(end + 1)
            targets += correction.targets(rewards: batch.rewards[run].map(Double.init), discounts: Array(discounts[run]),
                                          nextValues: Array(nextValues[run]), nextActionValues: Array(actionValues[later]),
                                          nextLogRatios: Array(logRatios[later]))
            targets += [Double](repeating: .nan, count: length - 1 - lastRows[index])  // masked rows
        }
        return SequenceTargets(nextValues: nextValues, actionValues: actionValues, logRatios: logRatios, targets: targets,
                               lastRows: lastRows)
    }

    /// V(s') = min_k Q̄_k(s', a') − α log π(a'|s'), a' ~ π, for every row of `batch` (staged first), as in
    /// `softBellmanTargets`.
    private func softNextValues(_ batch: TransitionBatch, alpha: Float, using generator: inout SeededGenerator) -> [Double] {
        let rows = batch.count
        stage(batch)
        batch.nextObservations.withUnsafeBufferPointer { next in
            head.sample(raw: actor.forward(next.baseAddress!, rows: rows), rows: rows, using: &generator)
        }
        inputs.writeNextActions(head.actions.base, rows: rows)
        var minimum = [Float](repeating: 0, count: rows)
        minimum.withUnsafeMutableBufferPointer { critics.targetMinimum(inputs.next.base, rows: rows, into: $0.baseAddress!) }
        let logp = head.logProbabilities.base
        return (0..<rows).map { Double(minimum[$0] - alpha * logp[$0]) }
    }
}
