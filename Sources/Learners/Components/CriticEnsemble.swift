import NeuralNetwork
import Randomness

/// K critics Q_k([s | a]) → ℝ, each with a target copy Q̄_k and its own Adam: SAC's and TD3's twin
/// critics (K = 2), DDPG's single one (K = 1).
///
/// Target k shares critic k's activations and backward scratch: target passes finish (their values read)
/// before critic k's forward pass, so the update touches less memory. Made while products may use several
/// threads (`BLAS.threads`), each critic has a backward scratch of its own, so critic k with its target,
/// optimiser and buffers touches nothing of another critic's, and `forEachCritic` runs the critics' work at
/// once on the pool's threads (`ThreadPool`) with the same results as one after another. Made on one thread,
/// all share the learner's scratch (less memory touched per update: 2% faster SAC 256-256 training) and
/// `forEachCritic` runs them in order.
final class CriticEnsemble {
    let critics: [MLP]
    let targets: [MLP]
    let optimizers: [Adam]
    /// rows each: ∂L/∂Q of critic k.
    private(set) var valueGradients: [FloatBuffer]
    /// rows each: |Q_k(s, a) − y| of critic k's last weighted regression (`regressionLoss` with `weights`).
    private(set) var absoluteErrors: [FloatBuffer]
    private var rowCapacity = 0

    var count: Int { critics.count }

    /// Whether the critics have scratches of their own, so their work may run at once.
    let runsAtOnce: Bool

    /// `scratch`: the learner's backward scratch, which the critics share unless products may use several threads.
    init(count: Int, inputSize: Int, common: CommonHyperparameters, scratch: Workspace, generator: inout SeededGenerator) {
        runsAtOnce = BLAS.threads > 1 && count > 1
        var critics: [MLP] = []
        for _ in 0..<count {
            critics.append(MLP(layerSizes: [inputSize] + common.hiddenSizes + [1], hiddenActivation: common.activation,
                               outputActivation: .identity, scratch: runsAtOnce ? Workspace() : scratch, generator: &generator))
        }
        self.critics = critics
        targets = critics.map { $0.copy(activations: $0.activations, scratch: $0.scratch) }
        optimizers = critics.map { Adam(parameterCount: $0.parameterCount, learningRate: Float(common.learningRate)) }
        valueGradients = critics.map { _ in FloatBuffer(count: 0) }
        absoluteErrors = critics.map { _ in FloatBuffer(count: 0) }
    }

    /// Runs body(k) for every critic k: at once on the pool's threads when the critics have scratches of
    /// their own (`runsAtOnce`), else in order. body(k) may change only critic k, its target, its optimiser
    /// and memory of its own.
    func forEachCritic(_ body: (Int) -> Void) {
        if runsAtOnce {
            ThreadPool.run(parts: count, body)
        } else {
            for k in 0..<count { body(k) }
        }
    }

    func reserveRows(_ rows: Int) {
        guard rows > rowCapacity else { return }
        valueGradients = critics.map { _ in FloatBuffer(count: rows) }
        absoluteErrors = critics.map { _ in FloatBuffer(count: rows) }
        for network in critics + targets { network.reserveRows(rows) }
        rowCapacity = rows
    }

    /// min_k Q̄_k(input) for each row, into `values` (the clipped double-Q estimate; Q̄₁ itself when K = 1).
    func targetMinimum(_ input: UnsafePointer<Float>, rows: Int, into values: UnsafeMutablePointer<Float>) {
        var outputs = [UnsafeMutablePointer<Float>?](repeating: nil, count: count)
        outputs.withUnsafeMutableBufferPointer { outputs in
            forEachCritic { k in outputs[k] = targets[k].forward(input, rows: rows) }
        }
        values.update(from: outputs[0]!, count: rows)
        for k in 1..<count {
            let q = outputs[k]!
            for i in 0..<rows { values[i] = min(values[i], q[i]) }
        }
    }

    /// The regression loss of critic k, scale · mean_b (Q_k(s, a) − y_b)², on `input` = [s | a] and
    /// `targets` = y (rows values). Fills critic k's gradient; returns the loss. With `weights` (rows
    /// importance weights of prioritized replay) it is scale · mean_b w_b (Q_k(s, a) − y_b)², and
    /// |Q_k(s, a) − y_b| goes into `absoluteErrors[k]`.
    func regressionLoss(_ k: Int, input: UnsafePointer<Float>, targets y: UnsafePointer<Float>, rows: Int, scale: Float,
                        weights: UnsafePointer<Float>? = nil) -> Double {
        let q = critics[k].forward(input, rows: rows)
        let gradient = valueGradients[k].base
        let loss = weights.map {
            WeightedMeanSquaredError.evaluate(prediction: q, target: y, weights: $0, count: rows, scale: scale, gradient: gradient,
                                              absoluteErrors: absoluteErrors[k].base)
        } ?? MeanSquaredError.evaluate(prediction: q, target: y, count: rows, scale: scale, gradient: gradient)
        critics[k].backward(outputGradient: gradient, input: input, rows: rows)
        return loss
    }

    /// Row i's new priority after a weighted regression of every critic: the mean over the critics of
    /// |Q_k(s, a) − y| (for twin critics, the mean of the two absolute TD errors).
    func meanAbsoluteErrors(rows: Int) -> [Float] {
        (0..<rows).map { i in (0..<count).reduce(Float(0)) { $0 + absoluteErrors[$1].base[i] } / Float(count) }
    }

    /// Critic k's Adam step on its gradient.
    func step(_ k: Int) { optimizers[k].step(critics[k]) }

    /// Critic k's Adam step with the Polyak update of target k fused into the same pass
    /// (exactly `step(k)` followed by `Polyak.update` of that target).
    func step(_ k: Int, averagingTargetWith tau: Float) {
        optimizers[k].step(critics[k], averagingInto: targets[k], tau: tau)
    }

    /// Q̄_k ← τ Q_k + (1 − τ) Q̄_k for every k.
    func updateTargets(tau: Float) {
        for k in 0..<count { Polyak.update(target: targets[k], toward: critics[k], tau: tau) }
    }

    /// Backpropagates ∂L/∂Q_k (`valueGradient`, rows values, overwritten) through critic k's last forward pass on
    /// `input` to the action columns only, into `actionGradient` (rows × A); critic k's own gradient is left alone.
    func actionGradient(_ k: Int, valueGradient: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, rows: Int,
                        actionColumns: Range<Int>, into actionGradient: UnsafeMutablePointer<Float>) {
        critics[k].backward(outputGradient: valueGradient, input: input, rows: rows, computeParameterGradients: false,
                            inputGradient: actionGradient, inputColumns: actionColumns)
    }

    /// `critic.qf{k}.*`, `critic_target.qf{k}.*` and `optimizer.critic.qf{k}`.
    var checkpointItems: [CheckpointItem] {
        (0..<count).flatMap { k -> [CheckpointItem] in
            [.network(critics[k], regions: ParameterRegion.sequential(critics[k], prefix: "qf\(k)."), prefix: "critic."),
             .network(targets[k], regions: ParameterRegion.sequential(targets[k], prefix: "qf\(k)."), prefix: "critic_target."),
             .optimizer(optimizers[k], name: "optimizer.critic.qf\(k)")]
        }
    }

    /// Whether every parameter written by the critics' last Adam steps (and fused Polyak updates) is
    /// finite, as the optimisers checked it in the same pass. A target averaged separately
    /// (`updateTargets`) mixes finite values only when its critic's are finite.
    var parametersAreFinite: Bool {
        optimizers.allSatisfy(\.lastStepWasFinite)
    }

    // MARK: FLOPs (matrix products)

    /// One forward pass of every target.
    func targetFLOPs(rows: Int) -> Double { Double(count) * targets[0].forwardFLOPs(rows: rows) }

    /// Forward and full backward of every critic.
    func regressionFLOPs(rows: Int) -> Double {
        Double(count) * (critics[0].forwardFLOPs(rows: rows) + critics[0].backwardFLOPs(rows: rows))
    }

    /// Forward of `critics` critics and their backward to `actionCount` action columns.
    func actionGradientFLOPs(rows: Int, critics used: Int, actionCount: Int) -> Double {
        Double(used) * (critics[0].forwardFLOPs(rows: rows)
            + critics[0].backwardFLOPs(rows: rows, computeParameterGradients: false, inputColumns: actionCount))
    }
}
