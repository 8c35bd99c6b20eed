import NeuralNetwork

extension ActionScale {
    /// The scale for a learner's action bounds; bad bounds are an `invalidConfiguration`.
    static func forLearner(low: [Float], high: [Float]) throws -> ActionScale {
        do {
            return try ActionScale(low: low, high: high)
        } catch {
            throw LearnerError.invalidConfiguration("\(error)")
        }
    }
}
