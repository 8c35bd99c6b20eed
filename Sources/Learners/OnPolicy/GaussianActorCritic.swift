import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// What REINFORCE, A2C and PPO share (Stable-Baselines3's `ActorCriticPolicy` with separate networks):
/// a policy network s → μ(s) (environment units), a state-independent log σ (or, with gSDE, the
/// k × n log σ matrix of `StateDependentNoise` and σ(s) from the last hidden layer), a separate value network
/// s → V(s), optional running observation statistics, their Adam optimisers, one gradient step with
/// global-norm clipping, acting, policy files and checkpoint items.
///
/// A gradient step is `computeGradients` (the losses of explicit inputs, gradients accumulated into the
/// networks) followed by `applyGradients` (clip the global norm, one Adam step per parameter group; Adam
/// works element by element, so three optimisers over the three groups are one Adam over all of them).
final class GaussianActorCritic {
    let observationSize: Int
    let actionSize: Int
    let actionLow: [Float]
    let actionHigh: [Float]
    /// The action bounds, checked at creation (finite, low < high).
    let actionScale: ActionScale
    let policy: MLP
    let logStd: FloatBuffer
    let logStdGradient: FloatBuffer
    let value: MLP
    let policyOptimizer: Adam
    let logStdOptimizer: Adam
    let valueOptimizer: Adam
    let statistics: RunningObservationStatistics?
    /// gSDE's noise matrices; nil: the state-independent Gaussian. With it, `logStd` is k × n.
    let stateDependentNoise: StateDependentNoise?
    /// Normalised observations of the rows being learned from (and scratch for acting).
    private var staged: [Float] = []
    private var meanGradient: [Float] = []
    private var valueGradient: [Float] = []

    init(observationSize: Int, actionLow: [Float], actionHigh: [Float], common: CommonHyperparameters,
         onPolicy: OnPolicyHyperparameters, stateDependentSampleFrequency: Int? = nil, generator: inout SeededGenerator) throws {
        try common.validate()
        try onPolicy.validate()
        actionScale = try ActionScale(low: actionLow, high: actionHigh)  // finite bounds, low < high
        guard observationSize > 0 else { throw LearnerError.invalidConfiguration("the observation size must be positive, got \(observationSize)") }
        self.observationSize = observationSize
        actionSize = actionLow.count
        self.actionLow = actionLow
        self.actionHigh = actionHigh
        policy = MLP(layerSizes: [observationSize] + common.hiddenSizes + [actionSize], hiddenActivation: common.activation,
                     generator: &generator)
        value = MLP(layerSizes: [observationSize] + common.hiddenSizes + [1], hiddenActivation: common.activation,
                    generator: &generator)
        if onPolicy.orthogonalInitialization {
            OrthogonalInitialization.apply(to: policy, hiddenGain: 2.0.squareRoot(), outputGain: 0.01, using: &generator)
            OrthogonalInitialization.apply(to: value, hiddenGain: 2.0.squareRoot(), outputGain: 1, using: &generator)
        }
        if let stateDependentSampleFrequency {
            stateDependentNoise = StateDependentNoise(latentSize: common.hiddenSizes[common.hiddenSizes.count - 1], actionSize: actionSize,
                                                      copies: onPolicy.environmentCount, sampleFrequency: stateDependentSampleFrequency)
        } else {
            stateDependentNoise = nil
        }
        let logStdCount = (stateDependentNoise?.latentSize ?? 1) * actionSize
        logStd = FloatBuffer([Float](repeating: Float(onPolicy.logStdInit), count: logStdCount))
        logStdGradient = FloatBuffer(count: logStdCount)
        let rate = Float(common.learningRate), epsilon = Float(onPolicy.adamEpsilon)
        policyOptimizer = Adam(parameterCount: policy.parameterCount, learningRate: rate, epsilon: epsilon)
        logStdOptimizer = Adam(parameterCount: logStdCount, learningRate: rate, epsilon: epsilon)
        valueOptimizer = Adam(parameterCount: value.parameterCount, learningRate: rate, epsilon: epsilon)
        statistics = onPolicy.normalizeObservations ? RunningObservationStatistics(size: observationSize) : nil
    }

    // MARK: Inputs

    /// The networks' input for `rows` observations: normalised when statistics are kept, else a copy.
    func input(_ observations: UnsafePointer<Float>, rows: Int) -> [Float] {
        var result = [Float](repeating: 0, count: rows * observationSize)
        result.withUnsafeMutableBufferPointer { destination in
            if let statistics {
                statistics.normalize(observations, rows: rows, into: destination.baseAddress!)
            } else {
                destination.baseAddress!.update(from: observations, count: rows * observationSize)
            }
        }
        return result
    }

    /// V(s) of each row of `input` (rows × observationSize, already normalised).
    func values(ofInput input: [Float], rows: Int) -> [Double] {
        guard rows > 0 else { return [] }
        let output = input.withUnsafeBufferPointer { value.forward($0.baseAddress!, rows: rows) }
        return (0..<rows).map { Double(output[$0]) }
    }

    /// log π(a|s) of each row under the current policy (input normalised, actions rows × actionSize).
    func logProbabilities(ofInput input: [Float], actions: [Float], rows: Int) -> [Double] {
        var result = [Double](repeating: 0, count: rows)
        guard rows > 0 else { return result }
        input.withUnsafeBufferPointer { x in
            let means = policy.forward(x.baseAddress!, rows: rows)
            actions.withUnsafeBufferPointer { a in
                result.withUnsafeMutableBufferPointer {
                    if stateDependentNoise != nil {
                        let rowLogStd = rowLogStdOfLastForward(rows: rows)
                        DiagonalGaussian.logProbabilities(means: means, rowLogStd: rowLogStd, actions: a.baseAddress!, rows: rows,
                                                          actionSize: actionSize, into: $0.baseAddress!)
                    } else {
                        DiagonalGaussian.logProbabilities(means: means, logStd: logStd.base, actions: a.baseAddress!, rows: rows,
                                                          actionSize: actionSize, into: $0.baseAddress!)
                    }
                }
            }
        }
        return result
    }

    // MARK: gSDE

    /// φ(s) of the last policy forward pass: its last hidden layer (rows × k). Constants for the loss.
    var featuresOfLastForward: UnsafePointer<Float> {
        policy.outputOfLastForward(layer: policy.layers.count - 2)
    }

    /// log σ_a(s_r) (rows × n) of the rows of the last policy forward pass, from gSDE's features and L.
    func rowLogStdOfLastForward(rows: Int) -> [Double] {
        let noise = stateDependentNoise!
        var result = [Double](repeating: 0, count: rows * actionSize)
        StateDependentNoise.rowLogStd(features: featuresOfLastForward, logStd: logStd.base, rows: rows, latentSize: noise.latentSize,
                                      actionSize: actionSize, into: &result)
        return result
    }

    /// Adds ∂loss/∂L to `logStdGradient` from ∂loss/∂log σ_a(s_r) of the last policy forward pass's rows.
    func addRowLogStdGradient(_ rowLogStdGradient: [Double], rowLogStd: [Double], rows: Int) {
        StateDependentNoise.addLogStdGradient(rowLogStdGradient: rowLogStdGradient, rowLogStd: rowLogStd, features: featuresOfLastForward,
                                              logStd: logStd.base, rows: rows, latentSize: stateDependentNoise!.latentSize,
                                              actionSize: actionSize, into: logStdGradient.base)
    }

    /// Draws every environment copy's noise matrix anew when gSDE resamples before lockstep `step` of a rollout.
    func prepareExploration(step: Int, using generator: inout SeededGenerator) {
        guard let stateDependentNoise, stateDependentNoise.resamples(atStep: step) else { return }
        stateDependentNoise.resample(logStd: logStd.base, using: &generator)
    }

    // MARK: Acting

    /// Stochastic: a = μ(s) + σ ε, unclipped (the caller clips what it sends to the environment), with
    /// log π(a|s). With gSDE: a = μ(s) + φ(s)ᵀ W with `copy`'s current noise matrix W (without a copy, a
    /// fresh W drawn for this call alone), and log π(a|s) = log N(a; μ(s), σ(s)²).
    /// Deterministic: μ(s) clipped to the box, log-density NaN.
    func act(on observation: [Float], deterministic: Bool, copy: Int? = nil, using generator: inout SeededGenerator) -> ChosenAction {
        precondition(observation.count == observationSize, "expected \(observationSize) observation values, got \(observation.count)")
        let x = observation.withUnsafeBufferPointer { input($0.baseAddress!, rows: 1) }
        var action = x.withUnsafeBufferPointer { Array(UnsafeBufferPointer(start: policy.forward($0.baseAddress!, rows: 1), count: actionSize)) }
        if deterministic {
            for j in 0..<actionSize { action[j] = min(max(action[j], actionLow[j]), actionHigh[j]) }
            return ChosenAction(action: action, logProbability: .nan)
        }
        let means = action
        if let stateDependentNoise {
            return explore(means: means, noise: stateDependentNoise, copy: copy, using: &generator)
        }
        for j in 0..<actionSize { action[j] = means[j] + exp(logStd.base[j]) * Float(generator.nextGaussian()) }
        var logProbability = 0.0
        means.withUnsafeBufferPointer { m in
            action.withUnsafeBufferPointer { a in
                DiagonalGaussian.logProbabilities(means: m.baseAddress!, logStd: logStd.base, actions: a.baseAddress!, rows: 1,
                                                  actionSize: actionSize, into: &logProbability)
            }
        }
        return ChosenAction(action: action, logProbability: Float(logProbability))
    }

    /// gSDE's action after a forward pass of one row: μ + φᵀ W and its log-density under N(μ, σ(s)²).
    private func explore(means: [Float], noise: StateDependentNoise, copy: Int?, using generator: inout SeededGenerator) -> ChosenAction {
        let k = noise.latentSize, n = actionSize
        let features = featuresOfLastForward
        let offsets: [Float]
        if let copy {
            precondition((0..<noise.copies).contains(copy), "copy \(copy) of \(noise.copies)")
            offsets = StateDependentNoise.noise(features: features, matrix: noise.matrices.base + copy * k * n, latentSize: k, actionSize: n)
        } else {
            var matrix = [Float](repeating: 0, count: k * n)
            StateDependentNoise.sample(logStd: logStd.base, count: k * n, using: &generator, into: &matrix)
            offsets = StateDependentNoise.noise(features: features, matrix: matrix, latentSize: k, actionSize: n)
        }
        let action = zip(means, offsets).map { $0 + $1 }
        let rowLogStd = rowLogStdOfLastForward(rows: 1)
        var logProbability = 0.0
        DiagonalGaussian.logProbabilities(means: means, rowLogStd: rowLogStd, actions: action, rows: 1, actionSize: n, into: &logProbability)
        return ChosenAction(action: action, logProbability: Float(logProbability))
    }

    // MARK: One gradient step

    /// The policy part of a loss: given μ(s) of the rows (rows × actionSize), returns the loss and adds
    /// ∂loss/∂μ to `meanGradient` (rows × actionSize) and ∂loss/∂log σ to `logStdGradient` (actionSize).
    typealias PolicyLoss = (_ means: UnsafePointer<Float>, _ meanGradient: UnsafeMutablePointer<Float>,
                            _ logStdGradient: UnsafeMutablePointer<Float>) -> Double
    /// The value part: given V(s) of the rows, returns the loss and writes ∂loss/∂V into `valueGradient`.
    typealias ValueLoss = (_ values: UnsafePointer<Float>, _ valueGradient: UnsafeMutablePointer<Float>) -> Double

    /// Runs both networks forward on `input` (rows × observationSize, normalised), evaluates the two
    /// losses and accumulates their gradients into the networks and `logStdGradient`. Returns the losses.
    @discardableResult
    func computeGradients(input: [Float], rows: Int, policyLoss: PolicyLoss, valueLoss: ValueLoss) -> (policy: Double, value: Double) {
        if meanGradient.count < rows * actionSize { meanGradient = [Float](repeating: 0, count: rows * actionSize) }
        if valueGradient.count < rows { valueGradient = [Float](repeating: 0, count: rows) }
        return input.withUnsafeBufferPointer { x in
            let means = policy.forward(x.baseAddress!, rows: rows)
            let policyValue = meanGradient.withUnsafeMutableBufferPointer { g -> Double in
                g.baseAddress!.update(repeating: 0, count: rows * actionSize)
                let loss = policyLoss(means, g.baseAddress!, logStdGradient.base)
                policy.backward(outputGradient: g.baseAddress!, input: x.baseAddress!, rows: rows)
                return loss
            }
            let values = value.forward(x.baseAddress!, rows: rows)
            let valueValue = valueGradient.withUnsafeMutableBufferPointer { g -> Double in
                let loss = valueLoss(values, g.baseAddress!)
                value.backward(outputGradient: g.baseAddress!, input: x.baseAddress!, rows: rows)
                return loss
            }
            return (policyValue, valueValue)
        }
    }

    /// The global L2 norm of every accumulated gradient.
    var gradientNorm: Double {
        func squares(_ buffer: FloatBuffer) -> Double { (0..<buffer.count).reduce(0.0) { $0 + Double(buffer.base[$1]) * Double(buffer.base[$1]) } }
        return (squares(policy.gradients) + squares(logStdGradient) + squares(value.gradients)).squareRoot()
    }

    /// Clips the global gradient norm to `maxNorm` (as `torch.nn.utils.clip_grad_norm_`: scale by
    /// maxNorm / (norm + 1e-6) when that is below 1), then one Adam step of every group at `learningRate`.
    /// Returns the norm before clipping. The steps clear the gradients.
    @discardableResult
    func applyGradients(learningRate: Float, maxNorm: Double?) -> Double {
        let norm = gradientNorm
        if let maxNorm {
            let scale = maxNorm / (norm + 1e-6)
            if scale < 1 {
                for buffer in [policy.gradients, logStdGradient, value.gradients] {
                    for i in 0..<buffer.count { buffer.base[i] *= Float(scale) }
                }
            }
        }
        for optimizer in [policyOptimizer, logStdOptimizer, valueOptimizer] { optimizer.learningRate = learningRate }
        policyOptimizer.step(policy)
        logStdOptimizer.step(parameters: logStd, gradients: logStdGradient)
        valueOptimizer.step(value)
        return norm
    }

    var parametersAreFinite: Bool {
        policyOptimizer.lastStepWasFinite && logStdOptimizer.lastStepWasFinite && valueOptimizer.lastStepWasFinite
    }

    // MARK: Files

    /// The policy's tensors under Stable-Baselines3's `ActorCriticPolicy` names:
    /// `mlp_extractor.policy_net.0.weight`, … (hidden layers), `action_net.weight`, `action_net.bias`.
    var policyRegions: [ParameterRegion] {
        let last = policy.layers[policy.layers.count - 1]
        return ParameterRegion.sequential(policy, prefix: "mlp_extractor.policy_net.", layers: 0..<(policy.layers.count - 1)) + [
            ParameterRegion(name: "action_net.weight", shape: [last.outputSize, last.inputSize], offset: last.weightOffset),
            ParameterRegion(name: "action_net.bias", shape: [last.outputSize], offset: last.biasOffset),
        ]
    }

    /// `mlp_extractor.value_net.0.weight`, … and `value_net.weight`, `value_net.bias`.
    var valueRegions: [ParameterRegion] {
        let last = value.layers[value.layers.count - 1]
        return ParameterRegion.sequential(value, prefix: "mlp_extractor.value_net.", layers: 0..<(value.layers.count - 1)) + [
            ParameterRegion(name: "value_net.weight", shape: [last.outputSize, last.inputSize], offset: last.weightOffset),
            ParameterRegion(name: "value_net.bias", shape: [last.outputSize], offset: last.biasOffset),
        ]
    }

    var checkpointItems: [CheckpointItem] {
        var items: [CheckpointItem] = [
            .network(policy, regions: policyRegions, prefix: ""),
            .vector(logStd, name: "log_std"),
            .network(value, regions: valueRegions, prefix: ""),
            .optimizer(policyOptimizer, name: "optimizer.policy"),
            .optimizer(logStdOptimizer, name: "optimizer.log_std"),
            .optimizer(valueOptimizer, name: "optimizer.value"),
        ]
        if let stateDependentNoise { items.append(.vector(stateDependentNoise.matrices, name: "sde.exploration_matrices")) }
        if let statistics {
            items += [.vector(statistics.mean, name: "observation_rms.mean"), .vector(statistics.variance, name: "observation_rms.var"),
                      .vector(statistics.count, name: "observation_rms.count")]
        }
        return items
    }

    /// Writes `policy.safetensors`: the policy network, `log_std`, and with observation normalisation
    /// `observation_rms.mean` / `.var` (input = clip((s − mean)/√(var + 1e-8), ±10)).
    func savePolicy(algorithm: String, hiddenSizes: [Int], activation: Activation, to file: URL) throws {
        var tensors = ParameterRegion.tensors(policyRegions, of: policy.parameters)
        let logStdShape = stateDependentNoise.map { [$0.latentSize, actionSize] } ?? [actionSize]
        tensors.append(Tensor(name: "log_std", shape: logStdShape, values: logStd.values))
        var metadata = PolicyMetadata.make(algorithm: algorithm, observationSize: observationSize,
                                           actionScale: actionScale,
                                           hiddenSizes: hiddenSizes, activation: activation)
        if stateDependentNoise != nil {
            metadata["policy"] = "gaussian: action = clip(action_net(policy_net(input)), action_low, action_high); exploration (gSDE) adds phi^T W before the clip, phi = the last hidden layer of policy_net, W ~ N(0, exp(log_std)^2) of shape log_std, resampled every few steps"
        } else {
            metadata["policy"] = "gaussian: action = clip(action_net(policy_net(input)), action_low, action_high); exploration adds exp(log_std) * N(0, 1) before the clip"
        }
        if let statistics {
            tensors.append(Tensor(name: "observation_rms.mean", shape: [observationSize], values: statistics.mean.values))
            tensors.append(Tensor(name: "observation_rms.var", shape: [observationSize], values: statistics.variance.values))
            metadata["observation_normalization"] = "input = clip((observation - observation_rms.mean) / sqrt(observation_rms.var + 1e-8), -10, 10)"
        }
        try Checkpoint.requireFinite(tensors)
        try Safetensors.write(tensors, metadata: metadata, to: file)
    }
}
