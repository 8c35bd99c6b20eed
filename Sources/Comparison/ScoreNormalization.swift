import Foundation

/// D4RL's normalised score of a return R: 100 · (R − R_random) / (R_expert − R_random), so that the
/// random reference scores 0 and the expert one 100 (Fu et al. 2020, "D4RL: Datasets for Deep
/// Data-Driven Reinforcement Learning", section 5).
///
/// Built from one of the three forms of `--normalize` by ``ScoreReference``; the two returns are finite
/// and differ.
public struct ScoreNormalization: Equatable, Sendable {
    /// R_random, the return that scores 0.
    public let randomReturn: Double
    /// R_expert, the return that scores 100.
    public let expertReturn: Double
    /// A few words naming the reference, for a chart's axis, a CSV cell or a JSON string, without a
    /// comma: "D4RL hopper", "returns -1000 and 0", "mean returns of A.hdf5 and B.hdf5".
    public let label: String
    /// The reference for a line of output: "D4RL's hopper returns (random -20.27, expert 3234.3)".
    public let description: String

    /// Refuses returns that are not finite or that are equal, naming them.
    public init(randomReturn: Double, expertReturn: Double, label: String, description: String) throws {
        try Self.check(randomReturn: randomReturn, expertReturn: expertReturn)
        self.randomReturn = randomReturn
        self.expertReturn = expertReturn
        self.label = label
        self.description = description
    }

    /// Throws unless both returns are finite and they differ.
    static func check(randomReturn: Double, expertReturn: Double) throws {
        for (role, value) in [(ScoreNormalizationError.Role.random, randomReturn), (.expert, expertReturn)] where !value.isFinite {
            throw ScoreNormalizationError.nonFinite(role, value)
        }
        guard randomReturn != expertReturn else { throw ScoreNormalizationError.equalReturns(randomReturn) }
    }

    /// The normalised score of `value`, a return.
    public func score(_ value: Double) -> Double {
        100 * (value - randomReturn) / (expertReturn - randomReturn)
    }

    /// A spread of returns (a standard deviation, an interval's width) as a spread of scores: times
    /// 100 / |R_expert − R_random|.
    public func scoreSpread(_ spread: Double) -> Double {
        spread * 100 / abs(expertReturn - randomReturn)
    }

    /// `value` with at most two decimals, trailing zeros dropped: -20.27, 3234.3, 12135.
    public static func shortNumber(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
