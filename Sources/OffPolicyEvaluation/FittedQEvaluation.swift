import Foundation
import NeuralNetwork
import Randomness
import Transitions

/// Fitted Q evaluation (Le, Voloshin & Yue 2019): a Q-network regressed on the Bellman targets of the
/// policy being evaluated, over the logged transitions,
///
///     L(θ) = mean_b (Q_θ(s, a) − y)²,   y = r + γ (1 − terminated) Q̄(s', a'),   a' ∼ π(·|s'),
///
/// Q̄ a copy of Q_θ refreshed every `targetUpdateInterval` updates. A fresh a' is drawn for every row of
/// every batch (the deterministic action for a deterministic target), so y estimates r + γ E_π Q̄(s', ·).
/// Bootstrapping stops at termination and goes on through truncation (a time limit), as the learners'
/// targets do: Q̂ estimates the discounted return of the task without its time limit.
///
/// The network takes [s | a] in environment units (no scaling, as d3rlpy's default). Updates come in paper
/// order: targets, then the regression step (Adam), then the target refresh.
///
/// With a `valueRange` (set from the data's rewards when `config.clipsToRewardRange`), Q̄(s', a') is clamped
/// into it before it enters y, and every value `actionValues` and `stateValues` read is clamped too: a
/// network extrapolating to actions the data never pair with a state cannot carry a value the data's
/// rewards could never sum to into the next targets.
public final class FittedQEvaluation {
    public let config: FQEConfig
    public let discount: Double
    public let observationSize: Int
    public let actionSize: Int
    public let network: MLP
    public let target: MLP
    let optimizer: Adam
    public private(set) var updateCount = 0
    /// The values Q̄ and Q̂ are clamped into (nil: none); see `valueRange(rewards:discount:)`.
    public var valueRange: ClosedRange<Double>?

    /// The range every discounted sum of the rewards `rewards` lies in, cut at any step (termination) or
    /// not: [min(0, r_min) / (1 − γ), max(0, r_max) / (1 − γ)]; nil when γ = 1 (no bound) or without rewards.
    public static func valueRange(rewards: [Float], discount: Double) -> ClosedRange<Double>? {
        guard discount < 1, let low = rewards.min(), let high = rewards.max(), low.isFinite, high.isFinite else { return nil }
        return (min(0, Double(low)) / (1 - discount))...(max(0, Double(high)) / (1 - discount))
    }

    @inline(__always)
    func clamped(_ value: Double) -> Double {
        guard let valueRange else { return value }
        return min(max(value, valueRange.lowerBound), valueRange.upperBound)
    }

    public init(observationSize: Int, actionSize: Int, discount: Double, config: FQEConfig = FQEConfig(), generator: inout SeededGenerator) {
        self.config = config
        self.discount = discount
        self.observationSize = observationSize
        self.actionSize = actionSize
        network = MLP(layerSizes: [observationSize + actionSize] + config.hiddenSizes + [1], hiddenActivation: config.activation,
                      outputActivation: .identity, generator: &generator)
        target = network.copy()
        optimizer = Adam(parameterCount: network.parameterCount, learningRate: Float(config.learningRate))
    }

    var width: Int { observationSize + actionSize }

    /// Rows [s | a] from `observations` (rows × observationSize) and `actions` (rows × actionSize).
    func inputs(observations: UnsafePointer<Float>, actions: UnsafePointer<Float>, rows: Int) -> [Float] {
        var input = [Float](repeating: 0, count: rows * width)
        for r in 0..<rows {
            for j in 0..<observationSize { input[r * width + j] = observations[r * observationSize + j] }
            for j in 0..<actionSize { input[r * width + observationSize + j] = actions[r * actionSize + j] }
        }
        return input
    }

    /// y = r + γ (1 − terminated) Q̄(s', a') for each row, with `nextInputs` = [s' | a'] (Q̄ clamped into
    /// `valueRange` when there is one).
    public func bellmanTargets(rewards: [Float], terminated: [Bool], nextInputs: [Float]) -> [Float] {
        let rows = rewards.count
        precondition(terminated.count == rows && nextInputs.count == rows * width, "one reward, flag and [s' | a'] row per target")
        let next = nextInputs.withUnsafeBufferPointer { target.forward($0.baseAddress!, rows: rows) }
        return (0..<rows).map { r in
            Float(Double(rewards[r]) + (terminated[r] ? 0 : discount * clamped(Double(next[r]))))
        }
    }

    /// L(θ) = mean_b (Q_θ(s, a) − y_b)² on `inputs` = [s | a] rows and `targets` y; the network's gradient
    /// holds ∂L/∂θ afterwards (cleared first).
    @discardableResult
    public func lossAndGradient(inputs: [Float], targets: [Float]) -> Double {
        let rows = targets.count
        precondition(inputs.count == rows * width, "one [s | a] row per target")
        network.zeroGradients()
        return inputs.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                let q = network.forward(x.baseAddress!, rows: rows)
                var gradient = [Float](repeating: 0, count: rows)
                let loss = gradient.withUnsafeMutableBufferPointer {
                    MeanSquaredError.evaluate(prediction: q, target: y.baseAddress!, count: rows, gradient: $0.baseAddress!)
                }
                gradient.withUnsafeMutableBufferPointer {
                    network.backward(outputGradient: $0.baseAddress!, input: x.baseAddress!, rows: rows)
                }
                return loss
            }
        }
    }

    /// One update on the transitions `rows` of `transitions`; returns the loss.
    @discardableResult
    public func update(on transitions: TransitionBatch, rows: [Int], policy: TargetPolicy, using generator: inout SeededGenerator) -> Double {
        let o = observationSize, a = actionSize, count = rows.count
        var currentInputs = [Float](repeating: 0, count: count * width)
        var nextObservations = [Float](repeating: 0, count: count * o)
        var rewards = [Float](repeating: 0, count: count)
        var terminated = [Bool](repeating: false, count: count)
        for (slot, row) in rows.enumerated() {
            for j in 0..<o {
                currentInputs[slot * width + j] = transitions.observations[row * o + j]
                nextObservations[slot * o + j] = transitions.nextObservations[row * o + j]
            }
            for j in 0..<a { currentInputs[slot * width + o + j] = transitions.actions[row * a + j] }
            rewards[slot] = transitions.rewards[row]
            terminated[slot] = transitions.terminated[row]
        }
        let nextActions = nextObservations.withUnsafeBufferPointer {
            policy.actions(observations: $0.baseAddress!, rows: count, using: &generator)
        }
        let nextInputs = nextObservations.withUnsafeBufferPointer { s in
            nextActions.withUnsafeBufferPointer { inputs(observations: s.baseAddress!, actions: $0.baseAddress!, rows: count) }
        }
        let targets = bellmanTargets(rewards: rewards, terminated: terminated, nextInputs: nextInputs)
        let loss = lossAndGradient(inputs: currentInputs, targets: targets)
        optimizer.step(network)
        updateCount += 1
        if updateCount % config.targetUpdateInterval == 0 { target.parameters.assign(network.parameters) }
        return loss
    }

    /// `config.updates` updates on batches drawn uniformly (with replacement) from `transitions`. `progress`
    /// is called after every update with the count so far and the mean loss of the last 100 updates.
    /// Returns that mean loss at the end.
    @discardableResult
    public func fit(_ transitions: TransitionBatch, policy: TargetPolicy, using generator: inout SeededGenerator,
                    progress: (_ updates: Int, _ recentLoss: Double) -> Void = { _, _ in }) -> Double {
        precondition(transitions.count > 0, "FQE needs transitions")
        var recent: [Double] = []
        var rows = [Int](repeating: 0, count: config.batchSize)
        for _ in 0..<config.updates {
            for slot in rows.indices { rows[slot] = generator.nextIndex(below: transitions.count) }
            recent.append(update(on: transitions, rows: rows, policy: policy, using: &generator))
            if recent.count > 100 { recent.removeFirst() }
            progress(updateCount, recent.reduce(0, +) / Double(recent.count))
        }
        return recent.isEmpty ? .nan : recent.reduce(0, +) / Double(recent.count)
    }

    /// Q̂(s, a) for each row (clamped into `valueRange` when there is one), in blocks of 1024 rows.
    public func actionValues(observations: [Float], actions: [Float]) -> [Double] {
        let rows = observations.count / observationSize
        precondition(actions.count == rows * actionSize, "one action row per observation row")
        var values: [Double] = []
        values.reserveCapacity(rows)
        observations.withUnsafeBufferPointer { s in
            actions.withUnsafeBufferPointer { a in
                var start = 0
                while start < rows {
                    let count = min(1024, rows - start)
                    let input = inputs(observations: s.baseAddress! + start * observationSize, actions: a.baseAddress! + start * actionSize, rows: count)
                    let q = input.withUnsafeBufferPointer { network.forward($0.baseAddress!, rows: count) }
                    for r in 0..<count { values.append(clamped(Double(q[r]))) }
                    start += count
                }
            }
        }
        return values
    }

    /// V̂(s) = mean over `config.valueSamples` actions a ∼ π(·|s) of Q̂(s, a) (one deterministic action for a
    /// deterministic target), for each row of `observations`.
    public func stateValues(observations: [Float], policy: TargetPolicy, using generator: inout SeededGenerator) -> [Double] {
        let rows = observations.count / observationSize
        let samples = policy.deterministic ? 1 : max(1, config.valueSamples)
        var total = [Double](repeating: 0, count: rows)
        for _ in 0..<samples {
            let actions = observations.withUnsafeBufferPointer { policy.actions(observations: $0.baseAddress!, rows: rows, using: &generator) }
            for (r, value) in actionValues(observations: observations, actions: actions).enumerated() { total[r] += value }
        }
        return total.map { $0 / Double(samples) }
    }
}
