internal import CVectorKernels

/// What `BLAS.shallowProduct` does to each row of its result right after computing it, while the row
/// is in cache. The result is the same as a separate pass over the whole result afterwards.
enum RowEpilogue {
    case none
    /// row ← activation(row + bias), bias n values: a dense layer's forward pass
    /// (`Activation.applyAddingBias`).
    case addingBias(UnsafePointer<Float>, activation: Activation)
    /// row ← row · f′ for `activation`, written in terms of its output (row i at output + i · outputLeading),
    /// then the row added to `sum` if given: the backward pass through the layer below
    /// (`Activation.multiplyDerivative(intoRow:output:columns:addingTo:)`).
    case multiplyingDerivative(Activation, output: UnsafePointer<Float>, outputLeading: Int,
                               addingRowsTo: UnsafeMutablePointer<Float>?)

    /// The epilogue on row `index` (`columns` values at `row`), in Swift.
    @inline(__always)
    func apply(to row: UnsafeMutablePointer<Float>, index: Int, columns: Int) {
        switch self {
        case .none:
            break
        case .addingBias(let bias, let activation):
            activation.applyAddingBias(to: row, bias: bias, rows: 1, columns: columns)
        case .multiplyingDerivative(let activation, let output, let outputLeading, let sum):
            activation.multiplyDerivative(intoRow: row, output: output + index * outputLeading, columns: columns, addingTo: sum)
        }
    }

    /// The same epilogue for `cvk_shallow_product_avx2`, or nil for one it does not do (tanh after the
    /// bias, which stays a separate pass calling the C library's tanhf).
    var kernelEpilogue: cvk_epilogue? {
        switch self {
        case .none:
            return cvk_epilogue(kind: cvk_epilogue_none, bias: nil, output: nil, outputLeading: 0, sum: nil)
        case .addingBias(let bias, let activation):
            switch activation {
            case .relu: return cvk_epilogue(kind: cvk_epilogue_bias_relu, bias: bias, output: nil, outputLeading: 0, sum: nil)
            case .identity: return cvk_epilogue(kind: cvk_epilogue_bias, bias: bias, output: nil, outputLeading: 0, sum: nil)
            case .tanh: return nil
            }
        case .multiplyingDerivative(let activation, let output, let outputLeading, let sum):
            let kind: cvk_epilogue_kind
            switch activation {
            case .relu: kind = cvk_epilogue_relu_derivative
            case .tanh: kind = cvk_epilogue_tanh_derivative
            case .identity: kind = cvk_epilogue_identity_derivative
            }
            return cvk_epilogue(kind: kind, bias: nil, output: output, outputLeading: outputLeading, sum: sum)
        }
    }
}
