/// A sum tree and a min tree over the same leaves, in two flat arrays (node 1 is the root, node k's
/// children are 2k and 2k + 1, leaf i is node `leafCount + i`). An empty leaf adds 0 to the sums and
/// +∞ to the minima. Setting a leaf recomputes its ancestors from their children (not by adding a
/// difference), so every node is exactly the sum and the minimum of its two children: no drift.
///
/// Sampling descends from the root: O(log N) per draw, as a leaf update.
struct PriorityTree {
    /// Leaves, a power of two.
    private(set) var leafCount: Int
    private var sums: [Double]
    private var minima: [Double]

    init(leafCount requested: Int) {
        var count = 1
        while count < requested { count <<= 1 }
        leafCount = count
        sums = [Double](repeating: 0, count: 2 * count)
        minima = [Double](repeating: .infinity, count: 2 * count)
    }

    /// Σ of all leaves.
    var total: Double { sums[1] }
    /// The smallest non-empty leaf, +∞ when all are empty.
    var minimum: Double { minima[1] }

    /// The value of leaf `leaf` (0 when empty).
    func value(_ leaf: Int) -> Double { sums[leafCount + leaf] }

    /// Sets leaf `leaf` to `value` (> 0), or empties it (nil), and updates its ancestors.
    mutating func set(_ leaf: Int, to value: Double?) {
        var node = leafCount + leaf
        sums[node] = value ?? 0
        minima[node] = value ?? .infinity
        node >>= 1
        while node >= 1 {
            sums[node] = sums[2 * node] + sums[2 * node + 1]
            minima[node] = min(minima[2 * node], minima[2 * node + 1])
            node >>= 1
        }
    }

    /// Sets leaf `leaf` without updating ancestors; call `rebuildInnerNodes()` after a batch of these.
    mutating func setWithoutPropagating(_ leaf: Int, to value: Double?) {
        sums[leafCount + leaf] = value ?? 0
        minima[leafCount + leaf] = value ?? .infinity
    }

    /// Recomputes every inner node from the leaves: O(N).
    mutating func rebuildInnerNodes() {
        var node = leafCount - 1
        while node >= 1 {
            sums[node] = sums[2 * node] + sums[2 * node + 1]
            minima[node] = min(minima[2 * node], minima[2 * node + 1])
            node -= 1
        }
    }

    /// Doubles the leaves until there are at least `requested`, keeping every leaf's value and index.
    mutating func grow(toAtLeast requested: Int) {
        guard requested > leafCount else { return }
        var grown = PriorityTree(leafCount: requested)
        for leaf in 0..<leafCount { grown.setWithoutPropagating(leaf, to: sums[leafCount + leaf] > 0 ? sums[leafCount + leaf] : nil) }
        grown.rebuildInnerNodes()
        self = grown
    }

    /// The leaf where the prefix sums of the leaves pass `mass` (0 ≤ mass < total): leaf i is found for
    /// mass in [Σ_{j<i} v_j, Σ_{j≤i} v_j). Never an empty leaf: the descent enters only subtrees with a
    /// positive sum, also when rounding puts `mass` at or past the total.
    func leaf(atMass mass: Double) -> Int {
        var remaining = mass
        var node = 1
        while node < leafCount {
            let left = 2 * node
            if remaining < sums[left] || !(sums[left + 1] > 0) {
                node = left
            } else {
                remaining -= sums[left]
                node = left + 1
            }
        }
        return node - leafCount
    }
}
