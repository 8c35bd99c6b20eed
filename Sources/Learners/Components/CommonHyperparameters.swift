import NeuralNetwork

/// The hyperparameters every actor-critic learner here has. Each algorithm's config holds one,
/// with that algorithm's defaults (documented there); validation is written once, here.
public struct CommonHyperparameters: Codable, Equatable, Sendable {
    /// Widths of the hidden layers of the actor and of every critic.
    public var hiddenSizes: [Int]
    /// Activation between hidden layers.
    public var activation: Activation
    /// Adam step size of every network (and of SAC's temperature).
    public var learningRate: Double
    /// Transitions per gradient step.
    public var batchSize: Int
    /// γ.
    public var discount: Double
    /// τ of the Polyak target updates θ̄ ← τ θ + (1 − τ) θ̄.
    public var tau: Double

    public init(hiddenSizes: [Int], activation: Activation = .relu, learningRate: Double, batchSize: Int = 256,
                discount: Double = 0.99, tau: Double = 0.005) {
        self.hiddenSizes = hiddenSizes
        self.activation = activation
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.discount = discount
        self.tau = tau
    }

    /// The largest hidden width and batch size accepted: far beyond what fits a CPU learner, small
    /// enough that no buffer size computed from them overflows.
    public static let widthLimit = 1 << 16
    public static let batchSizeLimit = 1 << 20

    /// Throws `LearnerError.invalidConfiguration` naming the first setting out of range.
    public func validate() throws {
        func fail(_ message: String) -> LearnerError { .invalidConfiguration(message) }
        guard !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 > 0 && $0 <= Self.widthLimit }) else {
            throw fail("hidden sizes must be one or more widths in 1...\(Self.widthLimit), got \(hiddenSizes)")
        }
        guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be positive, got \(learningRate)") }
        guard batchSize > 0, batchSize <= Self.batchSizeLimit else {
            throw fail("the batch size must lie in 1...\(Self.batchSizeLimit), got \(batchSize)")
        }
        guard (0...1).contains(discount) else { throw fail("the discount γ must lie in [0, 1], got \(discount)") }
        guard (0...1).contains(tau) else { throw fail("τ must lie in [0, 1], got \(tau)") }
    }
}
