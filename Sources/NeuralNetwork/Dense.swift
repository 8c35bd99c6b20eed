import Randomness

/// A fully connected layer y = x · Wᵀ + b, with W stored row-major as [output, input]
/// (PyTorch's `nn.Linear` layout) and b as [output].
///
/// A `Dense` describes where its weight and bias live inside its network's flat parameter
/// buffer; the network owns the memory. Gradients live at the same offsets in the gradient buffer.
public struct Dense: Sendable {
    public let inputSize: Int
    public let outputSize: Int
    /// Offset of W (outputSize × inputSize) in the parameter buffer.
    public let weightOffset: Int
    /// Offset of b (outputSize) in the parameter buffer.
    public let biasOffset: Int

    public var parameterCount: Int { outputSize * inputSize + outputSize }

    init(inputSize: Int, outputSize: Int, offset: Int) {
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.weightOffset = offset
        self.biasOffset = offset + outputSize * inputSize
    }

    /// PyTorch's default `nn.Linear` initialisation: kaiming_uniform(a = √5) for W, which is
    /// U(−1/√fan_in, 1/√fan_in), and the same bound for b.
    func initialise(_ parameters: UnsafeMutablePointer<Float>, using generator: inout SeededGenerator) {
        let bound = 1 / Float(inputSize).squareRoot()
        for i in 0..<(outputSize * inputSize) {
            parameters[weightOffset + i] = generator.nextFloat(in: -bound, bound)
        }
        for i in 0..<outputSize {
            parameters[biasOffset + i] = generator.nextFloat(in: -bound, bound)
        }
    }

    /// output ← activation(input · Wᵀ + b) for `rows` rows.
    @inline(__always)
    func forward(
        _ input: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
        activation: Activation, into output: UnsafeMutablePointer<Float>
    ) {
        BLAS.multiply(input, transposed: false, leading: inputSize,
                      parameters + weightOffset, transposed: true, leading: inputSize,
                      into: output, leading: outputSize, m: rows, n: outputSize, k: inputSize,
                      addingBias: parameters + biasOffset, activation: activation)
    }

    /// Given ∂L/∂output in `delta` for `rows` rows, turns it into δ = ∂L/∂(pre-activation) in place
    /// (through `activation`, written in terms of the layer's `output`) and, in the same pass, adds
    /// ∂L/∂b = Σ_rows δ to `gradients`.
    @inline(__always)
    func backwardThroughActivation(
        delta: UnsafeMutablePointer<Float>, output: UnsafePointer<Float>, rows: Int, activation: Activation,
        addingBiasGradientTo gradients: UnsafeMutablePointer<Float>
    ) {
        activation.multiplyDerivative(into: delta, output: output, rows: rows, columns: outputSize,
                                      addingRowsTo: gradients + biasOffset)
    }

    /// Given δ = ∂L/∂(pre-activation) for `rows` rows, adds ∂L/∂W = δᵀ · input to `gradients`
    /// (accumulating, so sgemm runs with β = 1 and never has to clear its output).
    @inline(__always)
    func weightGradient(
        delta: UnsafePointer<Float>, input: UnsafePointer<Float>, rows: Int,
        into gradients: UnsafeMutablePointer<Float>
    ) {
        BLAS.multiply(delta, transposed: true, leading: outputSize,
                      input, transposed: false, leading: inputSize,
                      into: gradients + weightOffset, leading: inputSize, m: outputSize, n: inputSize, k: rows, beta: 1)
    }

    /// Writes δ of the layer below into `previousDelta` (rows × inputSize): ∂L/∂input = δ · W, multiplied
    /// by the derivative of `previousActivation` (written in terms of that layer's output
    /// `previousOutput`), with the rows summed into `previousBiasGradient` if given, as
    /// `backwardThroughActivation` of the layer below does. Returns false, doing nothing, unless the
    /// product takes the shallow route; there all of it happens row by row while each row is in cache.
    @inline(__always)
    func inputGradientThroughActivation(
        delta: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
        previousActivation: Activation, previousOutput: UnsafePointer<Float>,
        previousBiasGradient: UnsafeMutablePointer<Float>?, into previousDelta: UnsafeMutablePointer<Float>
    ) -> Bool {
        guard BLAS.takesShallowRoute(m: rows, n: inputSize, k: outputSize) else { return false }
        let columns = inputSize
        BLAS.shallowProduct(delta, transposed: false, leading: outputSize,
                            parameters + weightOffset, transposed: false, leading: inputSize,
                            into: previousDelta, leading: inputSize, m: rows, n: inputSize, k: outputSize,
                            rowEpilogue: .multiplyingDerivative(previousActivation, output: previousOutput, outputLeading: columns,
                                                                addingRowsTo: previousBiasGradient))
        return true
    }

    /// Writes ∂L/∂input[:, columns] = δ · W[:, columns] (rows × columns.count, row-major) into `inputGradient`.
    @inline(__always)
    func inputGradient(
        delta: UnsafePointer<Float>, rows: Int, parameters: UnsafePointer<Float>,
        columns: Range<Int>, into inputGradient: UnsafeMutablePointer<Float>
    ) {
        BLAS.multiply(delta, transposed: false, leading: outputSize,
                      parameters + weightOffset + columns.lowerBound, transposed: false, leading: inputSize,
                      into: inputGradient, leading: columns.count, m: rows, n: columns.count, k: outputSize)
    }

    func forwardFLOPs(rows: Int) -> Double {
        BLAS.productFLOPs(m: rows, n: outputSize, k: inputSize)
    }
}
