import NeuralNetwork

/// Settings of fitted Q evaluation. Defaults are d3rlpy 2.8.1's `FQEConfig` (`d3rlpy/ope/fqe.py`) where it
/// has the setting, named for each.
public struct FQEConfig: Codable, Equatable, Sendable {
    /// d3rlpy: `learning_rate=1e-4` (Adam, `optim_factory` default).
    public var learningRate: Double = 1e-4
    /// d3rlpy: `batch_size=100`.
    public var batchSize: Int = 100
    /// d3rlpy: `target_update_interval=100`: the target network is a copy of the Q-network, refreshed
    /// every this many updates (a hard copy, as d3rlpy's `hard_sync`). d3rlpy's `n_critics=1`: one Q-network.
    public var targetUpdateInterval: Int = 100
    /// d3rlpy's default encoder (`VectorEncoderFactory`): two hidden layers of 256 ReLU units.
    public var hiddenSizes: [Int] = [256, 256]
    /// The hidden layers' activation (d3rlpy: ReLU).
    public var activation: Activation = .relu
    /// Gradient steps. d3rlpy leaves this to the caller (`n_steps` of `fit`). On Pendulum (γ = 0.99) 20,000
    /// and 60,000 updates gave the same estimate within 3 on data the target logged itself (docs/results.md).
    public var updates: Int = 20_000
    /// Actions drawn from π per state for V̂(s) = mean_k Q̂(s, a_k) (1 for a deterministic target).
    public var valueSamples: Int = 10
    /// Not in d3rlpy: keep Q̄(s', a') in each Bellman target, and every value read from the fit, inside the
    /// range the data's rewards allow (`FittedQEvaluation.valueRange`). Exact FQE on the data never leaves it
    /// (every fixed-point value is a discounted sum of logged rewards, cut at termination), so the clip moves
    /// only the network's extrapolations, and always toward the fixed point's range. `offpolicy ope
    /// --fqe-unclipped` turns it off (d3rlpy's behaviour).
    public var clipsToRewardRange: Bool = true

    public init() {}

    private enum CodingKeys: String, CodingKey {
        case learningRate, batchSize, targetUpdateInterval, hiddenSizes, activation, updates, valueSamples, clipsToRewardRange
    }

    /// Settings written before `clipsToRewardRange` existed read as unclipped, as they ran.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        learningRate = try container.decode(Double.self, forKey: .learningRate)
        batchSize = try container.decode(Int.self, forKey: .batchSize)
        targetUpdateInterval = try container.decode(Int.self, forKey: .targetUpdateInterval)
        hiddenSizes = try container.decode([Int].self, forKey: .hiddenSizes)
        activation = try container.decode(Activation.self, forKey: .activation)
        updates = try container.decode(Int.self, forKey: .updates)
        valueSamples = try container.decode(Int.self, forKey: .valueSamples)
        clipsToRewardRange = try container.decodeIfPresent(Bool.self, forKey: .clipsToRewardRange) ?? false
    }
}
