import NeuralNetwork

/// Builds a critic's input rows [observation | action] (rows × (observationSize + actionSize)).
enum CriticInput {
    /// Copies the observations into the first `observationSize` columns.
    @inline(__always)
    static func writeObservations(_ observations: UnsafePointer<Float>, rows: Int, observationSize: Int, actionSize: Int,
                                  into input: UnsafeMutablePointer<Float>) {
        let width = observationSize + actionSize
        for r in 0..<rows {
            (input + r * width).update(from: observations + r * observationSize, count: observationSize)
        }
    }

    /// Copies network-unit actions into the last `actionSize` columns.
    @inline(__always)
    static func writeActions(_ actions: UnsafePointer<Float>, rows: Int, observationSize: Int, actionSize: Int,
                             into input: UnsafeMutablePointer<Float>) {
        let width = observationSize + actionSize
        for r in 0..<rows {
            (input + r * width + observationSize).update(from: actions + r * actionSize, count: actionSize)
        }
    }

    /// Validates a batch's shape against a learner's.
    static func check(_ batchObservationSize: Int, _ batchActionSize: Int, observationSize: Int, actionSize: Int) {
        precondition(batchObservationSize == observationSize && batchActionSize == actionSize,
                     "batch has observation size \(batchObservationSize) and action size \(batchActionSize); the learner expects \(observationSize) and \(actionSize)")
    }
}
