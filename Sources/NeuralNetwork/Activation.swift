internal import CVectorKernels
import Foundation

/// An elementwise activation applied after a dense layer.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu
    case tanh
    case identity
}

/// The passes below run as AVX2 kernels where the CPU has AVX2 and FMA (`VectorKernels`), as the
/// portable Swift loops written here elsewhere; both compute the same operations in the same order.
/// tanh itself always runs here (one call to the C library's tanhf per value).
extension Activation {
    /// y[r, c] ← f(y[r, c] + bias[c]): the bias add and the activation in one pass.
    @inline(__always)
    func applyAddingBias(to y: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int) {
        if VectorKernels.useAVX2AndFMA && self != .tanh {
            if self == .relu {
                cvk_add_bias_relu_avx2(y, bias, rows, columns)
            } else {
                cvk_add_bias_avx2(y, bias, rows, columns)
            }
            return
        }
        switch self {
        case .relu:
            let whole = vectorizedCount(columns)
            let zero = Vector(repeating: 0)
            for r in 0..<rows {
                let row = y + r * columns
                var c = 0
                while c < whole {
                    let v = row.vector(at: c) + bias.vector(at: c)
                    row.setVector(v.replacing(with: zero, where: v .< zero), at: c)
                    c += Vector.scalarCount
                }
                while c < columns {
                    let v = row[c] + bias[c]
                    row[c] = v > 0 ? v : 0
                    c += 1
                }
            }
        case .tanh:
            for r in 0..<rows {
                let row = y + r * columns
                for c in 0..<columns { row[c] = Foundation.tanh(row[c] + bias[c]) }
            }
        case .identity:
            let whole = vectorizedCount(columns)
            for r in 0..<rows {
                let row = y + r * columns
                var c = 0
                while c < whole {
                    row.setVector(row.vector(at: c) + bias.vector(at: c), at: c)
                    c += Vector.scalarCount
                }
                while c < columns {
                    row[c] += bias[c]
                    c += 1
                }
            }
        }
    }

    /// Row by row (rows × columns): g ← g · f′ as `multiplyDerivative` does, and the masked row added to
    /// `sum` (the bias gradient Σ_rows δ, summed in row order), in one pass over g while each row is in cache.
    @inline(__always)
    func multiplyDerivative(into g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, rows: Int, columns: Int,
                            addingRowsTo sum: UnsafeMutablePointer<Float>) {
        if VectorKernels.useAVX2AndFMA {
            multiplyDerivativeWithAVX2(into: g, output: y, rows: rows, columns: columns, addingRowsTo: sum)
            return
        }
        for r in 0..<rows {
            multiplyDerivative(intoRow: g + r * columns, output: y + r * columns, columns: columns, addingTo: sum)
        }
    }

    /// One row of the above: g ← g · f′, then (if `sum` is given) sum ← sum + g.
    @inline(__always)
    func multiplyDerivative(intoRow row: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, columns: Int,
                            addingTo sum: UnsafeMutablePointer<Float>?) {
        if VectorKernels.useAVX2AndFMA {
            multiplyDerivativeWithAVX2(into: row, output: y, rows: 1, columns: columns, addingRowsTo: sum)
            return
        }
        multiplyDerivative(into: row, output: y, count: columns)
        guard let sum else { return }
        let whole = vectorizedCount(columns)
        var c = 0
        while c < whole {
            sum.setVector(sum.vector(at: c) + row.vector(at: c), at: c)
            c += Vector.scalarCount
        }
        while c < columns {
            sum[c] += row[c]
            c += 1
        }
    }

    /// g[i] ← g[i] · f′, with f′ written in terms of the activation's output y
    /// (ReLU: 1 where y > 0; tanh: 1 − y²; identity: 1).
    @inline(__always)
    func multiplyDerivative(into g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>, count: Int) {
        if VectorKernels.useAVX2AndFMA {
            multiplyDerivativeWithAVX2(into: g, output: y, rows: 1, columns: count, addingRowsTo: nil)
            return
        }
        switch self {
        case .relu:
            let whole = vectorizedCount(count)
            let zero = Vector(repeating: 0)
            var i = 0
            while i < whole {
                g.setVector(g.vector(at: i).replacing(with: zero, where: y.vector(at: i) .<= zero), at: i)
                i += Vector.scalarCount
            }
            while i < count {
                if !(y[i] > 0) { g[i] = 0 }
                i += 1
            }
        case .tanh:
            let whole = vectorizedCount(count)
            let one = Vector(repeating: 1)
            var i = 0
            while i < whole {
                let v = y.vector(at: i)
                g.setVector(g.vector(at: i) * (one - v * v), at: i)
                i += Vector.scalarCount
            }
            while i < count {
                g[i] *= 1 - y[i] * y[i]
                i += 1
            }
        case .identity:
            break
        }
    }

    /// The AVX2 kernels of the passes above, row by row: g ← g · f′, then (if `sum` is given) each row
    /// added to `sum`.
    @inline(__always)
    private func multiplyDerivativeWithAVX2(into g: UnsafeMutablePointer<Float>, output y: UnsafePointer<Float>,
                                            rows: Int, columns: Int, addingRowsTo sum: UnsafeMutablePointer<Float>?) {
        switch self {
        case .relu: cvk_relu_derivative_avx2(g, y, rows, columns, sum)
        case .tanh: cvk_tanh_derivative_avx2(g, y, rows, columns, sum)
        case .identity: if let sum { cvk_add_rows_avx2(sum, g, rows, columns) }
        }
    }
}
