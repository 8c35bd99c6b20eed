import NeuralNetwork
import Transitions

/// The critics' input rows for one batch, staged once per update (rows × (observationSize + actionSize)):
/// - `current`: [s | a], the batch's actions mapped to the network's [−1, 1];
/// - `next`: [s' | ·], whose action half the target computation fills with ã';
/// - `policy`: [s | ·], whose action half the actor step fills with the policy's ã.
final class CriticInputs {
    let observationSize: Int
    let actionSize: Int
    private(set) var rowCapacity = 0
    private(set) var current = FloatBuffer(count: 0)
    private(set) var next = FloatBuffer(count: 0)
    private(set) var policy = FloatBuffer(count: 0)
    /// rows × A: the batch's actions in [−1, 1].
    private var batchActions = FloatBuffer(count: 0)

    init(observationSize: Int, actionSize: Int) {
        self.observationSize = observationSize
        self.actionSize = actionSize
    }

    var width: Int { observationSize + actionSize }
    var actionColumns: Range<Int> { observationSize..<width }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        current = FloatBuffer(count: rows * width)
        next = FloatBuffer(count: rows * width)
        policy = FloatBuffer(count: rows * width)
        batchActions = FloatBuffer(count: rows * actionSize)
        rowCapacity = rows
    }

    /// Writes [s | a], and the observation halves of [s' | ·] and [s | ·].
    func stage(_ batch: TransitionBatch, actionScale: ActionScale) {
        checkShape(of: batch)
        batch.observations.withUnsafeBufferPointer { s in
            batch.nextObservations.withUnsafeBufferPointer { next in
                stage(observations: s.baseAddress!, nextObservations: next.baseAddress!, batch, actionScale: actionScale)
            }
        }
    }

    /// As `stage(_:actionScale:)`, with the observation columns taken from `observations` and
    /// `nextObservations` (rows × observationSize; the batch's own, or standardised copies of them).
    func stage(observations: UnsafePointer<Float>, nextObservations: UnsafePointer<Float>, _ batch: TransitionBatch,
               actionScale: ActionScale) {
        reserveRows(batch.count)
        let rows = batch.count
        writeObservations(observations, rows: rows, into: current.base)
        writeObservations(observations, rows: rows, into: policy.base)
        writeObservations(nextObservations, rows: rows, into: next.base)
        batch.actions.withUnsafeBufferPointer { actionScale.toNetwork($0.baseAddress!, rows: rows, into: batchActions.base) }
        writeActions(batchActions.base, rows: rows, into: current.base)
    }

    /// The batch's actions in [−1, 1], as the last `stage` wrote them (rows × A).
    var networkActions: UnsafePointer<Float> { UnsafePointer(batchActions.base) }

    func checkShape(of batch: TransitionBatch) {
        precondition(batch.observationSize == observationSize && batch.actionSize == actionSize,
                     "batch has observation size \(batch.observationSize) and action size \(batch.actionSize); the learner expects \(observationSize) and \(actionSize)")
    }

    /// Network-unit actions (rows × A) into the action half of [s' | ·].
    func writeNextActions(_ actions: UnsafePointer<Float>, rows: Int) { writeActions(actions, rows: rows, into: next.base) }

    /// Network-unit actions (rows × A) into the action half of [s | ·].
    func writePolicyActions(_ actions: UnsafePointer<Float>, rows: Int) { writeActions(actions, rows: rows, into: policy.base) }

    @inline(__always)
    private func writeObservations(_ observations: UnsafePointer<Float>, rows: Int, into input: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { (input + r * width).update(from: observations + r * observationSize, count: observationSize) }
    }

    @inline(__always)
    private func writeActions(_ actions: UnsafePointer<Float>, rows: Int, into input: UnsafeMutablePointer<Float>) {
        for r in 0..<rows { (input + r * width + observationSize).update(from: actions + r * actionSize, count: actionSize) }
    }
}
