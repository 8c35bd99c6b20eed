import Randomness

/// A multilayer perceptron: dense layers with `hiddenActivation` between them and
/// `outputActivation` after the last one.
///
/// All parameters live in one flat buffer, laid out layer by layer as [W₁, b₁, W₂, b₂, …] with each
/// W row-major [output, input], the order of a PyTorch `state_dict`. Gradients use the same layout,
/// so Adam, Polyak averaging and weight files each work on one contiguous array.
///
/// Forward and backward passes reuse workspaces sized for the largest batch seen so far; after the
/// first call with a given batch size nothing is allocated. A network keeps its activations in
/// `activations` (needed from a forward pass to the backward pass that follows it) and its backward
/// scratch in `scratch`; networks whose passes never interleave may share either (see `Workspace`).
public final class MLP {
    public let layerSizes: [Int]
    public let hiddenActivation: Activation
    public let outputActivation: Activation
    public let layers: [Dense]
    public let parameters: FloatBuffer
    public let gradients: FloatBuffer

    /// Buffer l: rows × layers[l].outputSize, the activations of layer l from the last forward pass.
    public let activations: Workspace
    /// Buffer l: rows × layers[l].outputSize, scratch for ∂L/∂(output of layer l) in the backward pass.
    public let scratch: Workspace
    public private(set) var rowCapacity = 0

    public var inputSize: Int { layerSizes[0] }
    public var outputSize: Int { layerSizes[layerSizes.count - 1] }
    public var parameterCount: Int { parameters.count }

    /// A network with PyTorch's default `nn.Linear` initialisation, drawn from `generator`.
    /// `layerSizes` is [input, hidden…, output]. `activations` and `scratch` may be shared with other
    /// networks (see the type's documentation); by default the network has its own.
    public init(layerSizes: [Int], hiddenActivation: Activation = .relu, outputActivation: Activation = .identity,
                activations: Workspace = Workspace(), scratch: Workspace = Workspace(),
                generator: inout SeededGenerator) {
        precondition(layerSizes.count >= 2, "an MLP needs at least an input and an output size")
        precondition(layerSizes.allSatisfy { $0 > 0 }, "layer sizes must be positive, got \(layerSizes)")
        BLAS.useSingleThread()
        self.layerSizes = layerSizes
        self.hiddenActivation = hiddenActivation
        self.outputActivation = outputActivation
        self.activations = activations
        self.scratch = scratch
        var layers: [Dense] = []
        var offset = 0
        for l in 0..<(layerSizes.count - 1) {
            let layer = Dense(inputSize: layerSizes[l], outputSize: layerSizes[l + 1], offset: offset)
            layers.append(layer)
            offset += layer.parameterCount
        }
        self.layers = layers
        parameters = FloatBuffer(count: offset)
        gradients = FloatBuffer(count: offset)
        for layer in layers { layer.initialise(parameters.base, using: &generator) }
    }

    /// An independent network with the same shape and a copy of this one's parameters (a target network),
    /// with the given workspaces (by default its own).
    public func copy(activations: Workspace = Workspace(), scratch: Workspace = Workspace()) -> MLP {
        var unused = SeededGenerator(seed: 0)
        let other = MLP(layerSizes: layerSizes, hiddenActivation: hiddenActivation,
                        outputActivation: outputActivation, activations: activations, scratch: scratch, generator: &unused)
        other.parameters.assign(parameters)
        return other
    }

    /// A network that reads this one's parameters (the same buffer: it sees every step this one takes)
    /// with activations and scratch of its own, so a forward pass of each can run at once on two threads
    /// (SAC's actor on s′ and on s). Its gradients are its own.
    public func sharingParameters(activations: Workspace = Workspace(), scratch: Workspace = Workspace()) -> MLP {
        MLP(sharingParametersOf: self, activations: activations, scratch: scratch)
    }

    private init(sharingParametersOf other: MLP, activations: Workspace, scratch: Workspace) {
        layerSizes = other.layerSizes
        hiddenActivation = other.hiddenActivation
        outputActivation = other.outputActivation
        layers = other.layers
        parameters = other.parameters
        gradients = FloatBuffer(count: other.parameterCount)
        self.activations = activations
        self.scratch = scratch
    }

    /// Whether two independent passes with `rows` rows through this network (or through it and a network
    /// `sharingParameters` with it) gain from running at once on two pool threads: they do where the
    /// products of its widest layer each run whole on one thread (`splitsBackward`).
    public func gainsFromPassesAtOnce(rows: Int) -> Bool {
        guard let widest = layers.max(by: { $0.inputSize * $0.outputSize < $1.inputSize * $1.outputSize }) else { return false }
        return Self.splitsBackward(of: widest, rows: rows)
    }

    private func activation(ofLayer l: Int) -> Activation {
        l == layers.count - 1 ? outputActivation : hiddenActivation
    }

    /// Makes sure forward and backward passes of up to `rows` rows allocate nothing.
    public func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        for (l, layer) in layers.enumerated() {
            activations.reserve(l, count: rows * layer.outputSize)
            scratch.reserve(l, count: rows * layer.outputSize)
        }
        rowCapacity = rows
    }

    /// The activations of layer l from the last forward pass.
    @inline(__always)
    func output(ofLayer l: Int) -> UnsafeMutablePointer<Float> {
        activations.pointer(l)
    }

    /// The output of layer `l` (rows × layers[l].outputSize, after its activation) from the last forward
    /// pass; valid until the next one. The last hidden layer's is what gSDE uses as its features.
    public func outputOfLastForward(layer l: Int) -> UnsafePointer<Float> {
        precondition(rowCapacity > 0 && layers.indices.contains(l), "no forward pass yet, or no layer \(l)")
        return UnsafePointer(output(ofLayer: l))
    }

    /// Runs `input` (rows × inputSize, row-major) through the network. The result (rows × outputSize)
    /// lives in the network's workspace and stays valid until the next forward pass.
    @discardableResult
    public func forward(_ input: UnsafePointer<Float>, rows: Int) -> UnsafeMutablePointer<Float> {
        reserveRows(rows)
        var x = input
        for (l, layer) in layers.enumerated() {
            let y = output(ofLayer: l)
            layer.forward(x, rows: rows, parameters: parameters.base, activation: activation(ofLayer: l), into: y)
            x = UnsafePointer(y)
        }
        return output(ofLayer: layers.count - 1)
    }

    /// Backpropagates through the last forward pass.
    ///
    /// - Parameters:
    ///   - outputGradient: ∂L/∂output (rows × outputSize). It is overwritten (used as scratch).
    ///   - input: the input of that forward pass.
    ///   - rows: the rows of that forward pass (at most the workspace's row capacity).
    ///   - computeParameterGradients: when true, ∂L/∂parameters is added to `gradients` (which
    ///     `Adam.step` and `zeroGradients()` clear). Pass false when only the input gradient is wanted
    ///     (an actor's loss through a critic).
    ///   - inputGradient: if given, receives ∂L/∂input[:, inputColumns] (rows × inputColumns.count).
    ///   - inputColumns: the input columns whose gradient `inputGradient` receives; all of them when nil.
    public func backward(
        outputGradient: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, rows: Int,
        computeParameterGradients: Bool = true,
        inputGradient: UnsafeMutablePointer<Float>? = nil, inputColumns: Range<Int>? = nil
    ) {
        precondition(rows <= rowCapacity, "backward needs a forward pass with at least as many rows")
        var delta = outputGradient
        // Whether `delta` is already through layer l's activation (and its bias gradient added): the
        // input-gradient product of the layer above does both when it takes the shallow route.
        var throughActivation = false
        for l in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[l]
            let layerInput = l == 0 ? input : UnsafePointer(output(ofLayer: l - 1))
            if computeParameterGradients {
                if !throughActivation {
                    layer.backwardThroughActivation(delta: delta, output: output(ofLayer: l), rows: rows,
                                                    activation: activation(ofLayer: l), addingBiasGradientTo: gradients.base)
                }
            } else if !throughActivation {
                activation(ofLayer: l).multiplyDerivative(into: delta, output: output(ofLayer: l), count: rows * layer.outputSize)
            }
            if l > 0 {
                // ∂L/∂W_l = δᵀ · input and δ of the layer below = δ · W_l read δ and write disjoint memory (W_l's
                // gradient; the scratch below and its bias gradient): at once on two threads when both are large
                // products that would otherwise each run on one (`splitsBackward`), in order otherwise.
                let previous = scratch.pointer(l - 1), currentDelta = UnsafePointer(delta)
                let previousBiasGradient = computeParameterGradients ? gradients.base + layers[l - 1].biasOffset : nil
                var below = false
                let weightGradientPart = { layer.weightGradient(delta: currentDelta, input: layerInput, rows: rows, into: self.gradients.base) }
                let inputGradientPart = {
                    below = layer.inputGradientThroughActivation(
                        delta: currentDelta, rows: rows, parameters: self.parameters.base,
                        previousActivation: self.activation(ofLayer: l - 1), previousOutput: self.output(ofLayer: l - 1),
                        previousBiasGradient: previousBiasGradient, into: previous)
                    if !below {
                        layer.inputGradient(delta: currentDelta, rows: rows, parameters: self.parameters.base,
                                            columns: 0..<layer.inputSize, into: previous)
                    }
                }
                if computeParameterGradients && Self.splitsBackward(of: layer, rows: rows) {
                    ThreadPool.run(parts: 2) { part in part == 0 ? weightGradientPart() : inputGradientPart() }
                } else {
                    if computeParameterGradients { weightGradientPart() }
                    inputGradientPart()
                }
                throughActivation = below
                delta = previous
            } else if computeParameterGradients {
                layer.weightGradient(delta: delta, input: layerInput, rows: rows, into: gradients.base)
            }
            if l == 0, let inputGradient {
                layer.inputGradient(delta: delta, rows: rows, parameters: parameters.base,
                                    columns: inputColumns ?? 0..<layer.inputSize, into: inputGradient)
            }
        }
    }

    /// Whether a backward pass computes layer `layer`'s weight gradient and the gradient below it at once
    /// on two pool threads: with several threads (`BLAS.threads`), where neither product is cut over them
    /// (`BLAS.cutsOverThreads`: OpenBLAS computes them, as under `OPENBLAS_CORETYPE`), and each has at least
    /// `BLAS.minimumThreadedWork` multiply-adds. Either way each product runs whole on one thread, so the
    /// bits do not depend on the thread count. Called from inside a pool part (critics at once), the two
    /// run in order there.
    static func splitsBackward(of layer: Dense, rows: Int) -> Bool {
        let threads = BLAS.threads, work = rows * layer.inputSize * layer.outputSize
        return threads > 1 && work >= BLAS.minimumThreadedWork
            && !BLAS.cutsOverThreads(m: layer.outputSize, n: layer.inputSize, k: rows, threads: threads, kernel: BLAS.productKernel)
            && !BLAS.cutsOverThreads(m: rows, n: layer.inputSize, k: layer.outputSize, threads: threads, kernel: BLAS.productKernel)
    }

    /// Clears `gradients` (backward passes accumulate into it; `Adam.step` clears it too).
    public func zeroGradients() {
        gradients.setZero()
    }

    // MARK: FLOP accounting (matrix products only)

    public func forwardFLOPs(rows: Int) -> Double {
        layers.reduce(0) { $0 + $1.forwardFLOPs(rows: rows) }
    }

    /// The products one `backward` call performs.
    public func backwardFLOPs(rows: Int, computeParameterGradients: Bool = true, inputColumns: Int = 0) -> Double {
        var flops = 0.0
        for (l, layer) in layers.enumerated() {
            if computeParameterGradients { flops += layer.forwardFLOPs(rows: rows) }
            if l > 0 {
                flops += layer.forwardFLOPs(rows: rows)
            } else if inputColumns > 0 {
                flops += BLAS.productFLOPs(m: rows, n: inputColumns, k: layer.outputSize)
            }
        }
        return flops
    }

    // MARK: Convenience API (allocates; for tests and one-off use)

    /// The network's output for `input` (rows × inputSize).
    public func callAsFunction(_ input: Matrix) -> Matrix {
        precondition(input.columns == inputSize, "expected \(inputSize) input columns, got \(input.columns)")
        let output = input.values.withUnsafeBufferPointer { forward($0.baseAddress!, rows: input.rows) }
        return Matrix(rows: input.rows, columns: outputSize,
                      values: Array(UnsafeBufferPointer(start: output, count: input.rows * outputSize)))
    }

    /// Runs forward on `input`, then backward with `outputGradient`; sets `gradients` to ∂L/∂parameters
    /// and returns ∂L/∂input.
    public func gradient(input: Matrix, outputGradient: Matrix) -> Matrix {
        precondition(outputGradient.rows == input.rows && outputGradient.columns == outputSize)
        var scratch = outputGradient.values
        var inputGradient = [Float](repeating: 0, count: input.rows * inputSize)
        zeroGradients()
        input.values.withUnsafeBufferPointer { x in
            forward(x.baseAddress!, rows: input.rows)
            scratch.withUnsafeMutableBufferPointer { g in
                inputGradient.withUnsafeMutableBufferPointer { gx in
                    backward(outputGradient: g.baseAddress!, input: x.baseAddress!, rows: input.rows,
                             inputGradient: gx.baseAddress!, inputColumns: 0..<inputSize)
                }
            }
        }
        return Matrix(rows: input.rows, columns: inputSize, values: inputGradient)
    }
}
