import Foundation
import Transitions

/// One process's sampling structure for the priorities of one commit: the stored priority and the
/// demonstration flag of every live transition, and a `PriorityTree` over q_i = (p_i + ε + b_i)^α.
///
/// Leaves come in blocks of one chunk: the live chunk `c` owns block `blockOfChunk[c]`, leaves
/// `block × chunkLength ..< (block + 1) × chunkLength`, row r at leaf `block × chunkLength + r`. An
/// evicted chunk's block is emptied and reused by the next new chunk, so the tree holds about
/// `capacity` leaves however long the store lives.
final class PriorityIndex {
    let chunkLength: Int
    /// The `PriorityState.generation` of the commit this index reflects.
    var generation: UInt64
    /// The priority a new transition receives.
    var maximumPriority: Float
    /// The α, ε and bonus the tree's leaves were computed with (β does not enter the tree).
    private(set) var settings: PrioritySettings
    private var blockOfChunk: [UInt64: Int] = [:]
    /// The chunk of each block, nil for a free one.
    private var chunkOfBlock: [UInt64?] = []
    private var freeBlocks: [Int] = []
    /// Stored priority of each leaf (NaN for an empty leaf).
    private var stored: [Float] = []
    private var isDemonstration: [Bool] = []
    private(set) var tree: PriorityTree

    init(chunkLength: Int, settings: PrioritySettings, generation: UInt64, maximumPriority: Float, expectedLeaves: Int) {
        self.chunkLength = chunkLength
        self.settings = settings
        self.generation = generation
        self.maximumPriority = maximumPriority
        tree = PriorityTree(leafCount: max(expectedLeaves, chunkLength))
        stored = [Float](repeating: .nan, count: tree.leafCount)
        isDemonstration = [Bool](repeating: false, count: tree.leafCount)
    }

    /// Live transitions in the index.
    private(set) var liveCount = 0

    /// q = (p + ε + b)^α for a stored priority p.
    @inline(__always)
    func leafValue(_ priority: Float, demonstration: Bool) -> Double {
        let base = Double(priority) + settings.epsilon + (demonstration ? settings.demonstrationBonus : 0)
        return settings.alpha == 1 ? base : pow(base, settings.alpha)
    }

    /// Whether the tree was computed with `other`'s α, ε and bonus.
    func matches(_ other: PrioritySettings) -> Bool {
        settings.alpha == other.alpha && settings.epsilon == other.epsilon && settings.demonstrationBonus == other.demonstrationBonus
    }

    /// Recomputes every leaf for new α, ε or bonus: O(N).
    func recompute(with newSettings: PrioritySettings) {
        settings = newSettings
        for leaf in 0..<stored.count {
            tree.setWithoutPropagating(leaf, to: stored[leaf].isNaN ? nil : leafValue(stored[leaf], demonstration: isDemonstration[leaf]))
        }
        tree.rebuildInnerNodes()
    }

    // MARK: Chunks and rows

    /// The leaf of transition `row` of chunk `chunk`, nil when the chunk is not in the index.
    func leaf(chunk: UInt64, row: Int) -> Int? {
        blockOfChunk[chunk].map { $0 * chunkLength + row }
    }

    /// The (chunk, row) of a non-empty leaf.
    func location(ofLeaf leaf: Int) -> (chunk: UInt64, row: Int) {
        (chunkOfBlock[leaf / chunkLength]!, leaf % chunkLength)
    }

    /// The stored priority and flag of a transition; nil when not live in the index.
    func entry(chunk: UInt64, row: Int) -> (priority: Float, demonstration: Bool)? {
        guard let leaf = leaf(chunk: chunk, row: row), !stored[leaf].isNaN else { return nil }
        return (stored[leaf], isDemonstration[leaf])
    }

    /// Sets rows `first ..< first + priorities.count` of `chunk` (adding the chunk if new). With
    /// `propagating` false the caller rebuilds the inner nodes afterwards.
    func setRows(chunk: UInt64, first: Int, priorities: [Float], demonstrations: [Bool], propagating: Bool = true) {
        let block: Int
        if let existing = blockOfChunk[chunk] {
            block = existing
        } else if let free = freeBlocks.popLast() {
            block = free
            blockOfChunk[chunk] = block
            chunkOfBlock[block] = chunk
        } else {
            block = chunkOfBlock.count
            chunkOfBlock.append(chunk)
            blockOfChunk[chunk] = block
            let needed = (block + 1) * chunkLength
            if needed > tree.leafCount {
                tree.grow(toAtLeast: needed)
                stored += [Float](repeating: .nan, count: tree.leafCount - stored.count)
                isDemonstration += [Bool](repeating: false, count: tree.leafCount - isDemonstration.count)
            }
        }
        for (k, priority) in priorities.enumerated() {
            let leaf = block * chunkLength + first + k
            if stored[leaf].isNaN { liveCount += 1 }
            stored[leaf] = priority
            isDemonstration[leaf] = demonstrations[k]
            let value = leafValue(priority, demonstration: demonstrations[k])
            if propagating { tree.set(leaf, to: value) } else { tree.setWithoutPropagating(leaf, to: value) }
        }
    }

    /// Sets the stored priority of one transition already in the index (nothing when it is not). With
    /// `propagating` false the caller rebuilds the inner nodes afterwards.
    func set(chunk: UInt64, row: Int, priority: Float, propagating: Bool = true) {
        guard let leaf = leaf(chunk: chunk, row: row), !stored[leaf].isNaN else { return }
        stored[leaf] = priority
        let value = leafValue(priority, demonstration: isDemonstration[leaf])
        if propagating { tree.set(leaf, to: value) } else { tree.setWithoutPropagating(leaf, to: value) }
    }

    /// Empties the leaves of an evicted chunk and frees its block.
    func remove(chunk: UInt64) {
        guard let block = blockOfChunk.removeValue(forKey: chunk) else { return }
        for leaf in (block * chunkLength)..<((block + 1) * chunkLength) where !stored[leaf].isNaN {
            stored[leaf] = .nan
            isDemonstration[leaf] = false
            tree.set(leaf, to: nil)
            liveCount -= 1
        }
        chunkOfBlock[block] = nil
        freeBlocks.append(block)
    }

    func rebuildInnerNodes() { tree.rebuildInnerNodes() }

    /// Applies the changes of one commit, in order.
    func apply(_ changes: [PriorityChange]) {
        for change in changes {
            switch change {
            case let .rows(chunk, first, priorities, demonstrations):
                setRows(chunk: chunk, first: first, priorities: priorities, demonstrations: demonstrations)
            case let .priorities(indices, priorities):
                let length = UInt64(chunkLength)
                for (index, priority) in zip(indices, priorities) {
                    set(chunk: index / length, row: Int(index % length), priority: priority)
                }
            case let .evicted(chunk):
                remove(chunk: chunk)
            }
        }
    }
}
