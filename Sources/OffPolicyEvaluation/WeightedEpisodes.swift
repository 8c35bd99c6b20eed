import Foundation

/// Logged episodes with their per-decision importance weights, in log space, and their discounted returns.
///
/// The weight of episode i after step t is w_{i,t} = Π_{k≤t} ρ̃_{i,k}, kept as log w_{i,t} = Σ_{k≤t} log ρ̃_{i,k},
/// where ρ̃ = min(ρ, C) with a clip C (`clip`), or ρ itself without one. The trajectory weight is w_{i,T_i−1}.
/// Weighted estimators normalise in log space (subtracting the largest log-weight first), so weights far
/// beyond a Double's range still give finite ratios.
///
/// Episodes of different lengths: after its last recorded step t = T_i − 1 an episode's weight carries on
/// unchanged (`paddedLogWeight(_:at:)`) with zero reward and zero model value, as if it sat in an absorbing
/// state where π and μ agree; the normalisers of WPDIS and WDR at step t sum over every episode, finished
/// or not. This is the usual convention (Thomas 2015's thesis; COBS, Voloshin et al. 2021, pads episodes
/// with an absorbing state the same way).
public struct WeightedEpisodes: Sendable {
    public let episodes: [LoggedEpisode]
    public let discount: Double
    /// The per-step clip C, when set: ρ̃_t = min(ρ_t, C).
    public let clip: Double?
    /// log w_{i,t} for every step of every episode.
    public let logWeights: [[Double]]
    /// Σ_t γ^t r_{i,t} of each episode.
    public let discountedReturns: [Double]
    /// Whether some step of episode i had ρ_t > C.
    public let clipped: [Bool]
    /// γ^t for t up to the longest episode.
    public let discountPowers: [Double]

    public init(_ episodes: [LoggedEpisode], discount: Double, clip: Double? = nil) {
        precondition(!episodes.isEmpty, "no episodes to weigh")
        precondition(clip.map { $0 > 0 } ?? true, "a clip must be positive")
        self.episodes = episodes
        self.discount = discount
        self.clip = clip
        let logClip = clip.map { Foundation.log($0) } ?? .infinity
        var logWeights: [[Double]] = []
        var clipped: [Bool] = []
        for episode in episodes {
            var sum = 0.0
            var wasClipped = false
            logWeights.append(episode.logRatios.map { logRatio in
                if logRatio > logClip { wasClipped = true }
                sum += min(logRatio, logClip)
                return sum
            })
            clipped.append(wasClipped)
        }
        self.logWeights = logWeights
        self.clipped = clipped
        let longest = episodes.map(\.length).max()!
        var powers = [Double](repeating: 1, count: longest)
        for t in stride(from: 1, to: longest, by: 1) { powers[t] = powers[t - 1] * discount }
        discountPowers = powers
        discountedReturns = episodes.map { episode in
            episode.rewards.enumerated().reduce(0.0) { $0 + powers[$1.offset] * $1.element }
        }
    }

    public var count: Int { episodes.count }

    /// log w_{i,T_i−1}, the trajectory weight's logarithm.
    public func trajectoryLogWeight(_ i: Int) -> Double { logWeights[i][logWeights[i].count - 1] }

    /// log w_{i,t}, carried on unchanged past the episode's last step (see the type's documentation).
    public func paddedLogWeight(_ i: Int, at t: Int) -> Double { logWeights[i][min(t, logWeights[i].count - 1)] }

    /// The share of episodes whose ratio was clipped at some step (0 without a clip).
    public var clippedShare: Double { Double(clipped.filter { $0 }.count) / Double(count) }

    /// The share of episodes whose trajectory weight is zero in a Double (some ρ_t = 0, or a product below 10⁻³⁰⁸).
    public var zeroShare: Double {
        Double((0..<count).filter { exp(trajectoryLogWeight($0)) == 0 }.count) / Double(count)
    }
}
