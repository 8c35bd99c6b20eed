import NeuralNetwork

extension FloatBuffer {
    /// Whether no value is NaN or ±∞ (one vectorisable pass: x − x is 0 for finite x and NaN otherwise).
    var isFinite: Bool {
        var sum: Float = 0
        let values = base
        for i in 0..<count { sum += values[i] - values[i] }
        return sum == 0
    }

    /// The index of the first NaN or ±∞, if any.
    var firstNonFiniteIndex: Int? {
        (0..<count).first { !base[$0].isFinite }
    }
}
