import Foundation

/// An elementwise activation applied after a dense layer.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu
    case tanh
    case identity
}

extension Activation {
    /// y[r, c] ← f(y[r, c] + bias[c]): the bias add and the activation in one pass.
    @inline(__always)
    func applyAddingBias(to y: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int) {
        switch self {
        case .relu:
            for r in 0..<rows {
                let row = y + r * columns
                for c in 0..<columns {
                    let v = row[c] + bias[c]
                    row[c] = v > 0 ? v : 0
                }
            }
        case .tanh:
            for r in 0..<rows {
                let row = y + r * columns
                for c in 0..<columns { row[c] = Foundation.tanh(row[c] + bias[c]) }
            }
        case .identity:
            for r in 0..<rows {
                let row = y + r * columns
                for c in 0..<columns { row[c] += bias[c] }
            }
        }
    }

    /// g[i] ← g[i] · f′, with f′ written in terms of the activation's output y
    /// (ReLU: 1 where y > 0; tanh: 1 − y²; identity: 1).
    @inline(__always)
    func multiplyDerivative(into g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        switch self {
        case .relu:
            for i in 0..<count { g[i] = y[i] > 0 ? g[i] : 0 }
        case .tanh:
            for i in 0..<count { g[i] *= 1 - y[i] * y[i] }
        case .identity:
            break
        }
    }
}
