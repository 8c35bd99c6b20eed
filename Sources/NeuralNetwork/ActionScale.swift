import Foundation

/// Maps actions between the network's [−1, 1] box and the environment's [low, high] box,
/// as Stable-Baselines3 does (`scale_action` / `unscale_action`):
///
///     environment = low + (network + 1) · (high − low) / 2
///     network     = 2 (environment − low) / (high − low) − 1
///
/// A density over network actions becomes one over environment actions by subtracting
/// `logJacobian` = Σⱼ log((highⱼ − lowⱼ) / 2), the log-determinant of the map.
public struct ActionScale: Codable, Equatable, Sendable {
    public let low: [Float]
    public let high: [Float]

    public struct InvalidBounds: Error, CustomStringConvertible {
        public let description: String
    }

    public init(low: [Float], high: [Float]) throws {
        guard !low.isEmpty, low.count == high.count else {
            throw InvalidBounds(description: "action bounds need the same positive number of lows and highs, got \(low.count) and \(high.count)")
        }
        for j in low.indices {
            guard low[j].isFinite, high[j].isFinite, low[j] < high[j] else {
                throw InvalidBounds(description: "action dimension \(j) needs finite bounds with low < high, got [\(low[j]), \(high[j])]")
            }
        }
        self.low = low
        self.high = high
    }

    public var count: Int { low.count }

    public var logJacobian: Float {
        var sum: Double = 0
        for j in low.indices { sum += log(Double(high[j] - low[j]) / 2) }
        return Float(sum)
    }

    /// `count` values (one action row, or rows × count when `rows` > 1) from network to environment units.
    @inline(__always)
    public func toEnvironment(_ network: UnsafePointer<Float>, rows: Int = 1, into environment: UnsafeMutablePointer<Float>) {
        let n = low.count
        for r in 0..<rows {
            for j in 0..<n {
                environment[r * n + j] = low[j] + (network[r * n + j] + 1) * 0.5 * (high[j] - low[j])
            }
        }
    }

    @inline(__always)
    public func toNetwork(_ environment: UnsafePointer<Float>, rows: Int = 1, into network: UnsafeMutablePointer<Float>) {
        let n = low.count
        for r in 0..<rows {
            for j in 0..<n {
                network[r * n + j] = 2 * (environment[r * n + j] - low[j]) / (high[j] - low[j]) - 1
            }
        }
    }
}
