import Foundation

/// The sane limits the store checks every size from a caller or a file against, before any
/// arithmetic or allocation uses it (issue 7: absurd sizes trapped on overflow or allocation).
public enum StoreLimits {
    /// Transitions in one sampled batch (`sample(batchSize:)`): 16 Mi.
    public static let maximumBatchSize = 1 << 24
    /// Bytes one sampled batch may take in `TransitionBatch` form: 4 GiB.
    public static let maximumBatchBytes = 1 << 32
    /// Transitions a store may ever have appended: 2^48. A state record claiming more is damaged.
    public static let maximumAppendedTransitions: UInt64 = 1 << 48
    /// Largest initial map size: the largest map the store grows to.
    public static let maximumMapSizeBytes = LMDBEnvironment.largestMapSize

    /// The decompressed-chunk cache may not exceed the machine's physical memory.
    public static var maximumCacheBudgetBytes: Int { Int(clamping: ProcessInfo.processInfo.physicalMemory) }

    /// `count × bytesPerItem`, or nil when the product overflows `Int` or either factor is negative.
    public static func product(_ count: Int, _ bytesPerItem: Int) -> Int? {
        guard count >= 0, bytesPerItem >= 0 else { return nil }
        let (result, overflow) = count.multipliedReportingOverflow(by: bytesPerItem)
        return overflow ? nil : result
    }
}
