/// A sum tree and a min tree over the same leaves, in one flat array of (sum, minimum) nodes (node 1 is
/// the root, node k's children are 2k and 2k + 1, leaf i is node `leafCount + i`). An empty leaf adds 0 to
/// the sums and +∞ to the minima. Setting a leaf recomputes its ancestors from their children (not by
/// adding a difference), so every node is exactly the sum and the minimum of its two children: no drift.
///
/// Sampling descends from the root: O(log N) per draw, as a leaf update. A node's sum and minimum share a
/// cache line, and so do two siblings: an update walking up a tree of a million leaves misses the cache
/// about once per level below the cached top, where two separate arrays missed twice.
struct PriorityTree {
    struct Node {
        var sum: Double
        var minimum: Double
        static let empty = Node(sum: 0, minimum: .infinity)
    }

    /// Leaves, a power of two.
    private(set) var leafCount: Int
    private var nodes: [Node]

    init(leafCount requested: Int) {
        var count = 1
        while count < requested { count <<= 1 }
        leafCount = count
        nodes = [Node](repeating: .empty, count: 2 * count)
    }

    /// Σ of all leaves.
    var total: Double { nodes[1].sum }
    /// The smallest non-empty leaf, +∞ when all are empty.
    var minimum: Double { nodes[1].minimum }

    /// The value of leaf `leaf` (0 when empty).
    func value(_ leaf: Int) -> Double { nodes[leafCount + leaf].sum }

    /// Sets leaf `leaf` to `value` (> 0), or empties it (nil), and updates its ancestors.
    mutating func set(_ leaf: Int, to value: Double?) {
        let leafCount = leafCount
        nodes.withUnsafeMutableBufferPointer { nodes in
            var node = leafCount + leaf
            nodes[node] = value.map { Node(sum: $0, minimum: $0) } ?? .empty
            node >>= 1
            while node >= 1 {
                let left = nodes[2 * node], right = nodes[2 * node + 1]
                nodes[node] = Node(sum: left.sum + right.sum, minimum: min(left.minimum, right.minimum))
                node >>= 1
            }
        }
    }

    /// Sets leaf `leaf` without updating ancestors; call `rebuildInnerNodes()` after a batch of these.
    mutating func setWithoutPropagating(_ leaf: Int, to value: Double?) {
        nodes[leafCount + leaf] = value.map { Node(sum: $0, minimum: $0) } ?? .empty
    }

    /// Recomputes every inner node from the leaves: O(N).
    mutating func rebuildInnerNodes() {
        let leafCount = leafCount
        nodes.withUnsafeMutableBufferPointer { nodes in
            var node = leafCount - 1
            while node >= 1 {
                let left = nodes[2 * node], right = nodes[2 * node + 1]
                nodes[node] = Node(sum: left.sum + right.sum, minimum: min(left.minimum, right.minimum))
                node -= 1
            }
        }
    }

    /// Doubles the leaves until there are at least `requested`, keeping every leaf's value and index.
    mutating func grow(toAtLeast requested: Int) {
        guard requested > leafCount else { return }
        var grown = PriorityTree(leafCount: requested)
        for leaf in 0..<leafCount { grown.nodes[grown.leafCount + leaf] = nodes[leafCount + leaf] }
        grown.rebuildInnerNodes()
        self = grown
    }

    /// The leaf where the prefix sums of the leaves pass `mass` (0 ≤ mass < total): leaf i is found for
    /// mass in [Σ_{j<i} v_j, Σ_{j≤i} v_j). Never an empty leaf: the descent enters only subtrees with a
    /// positive sum, also when rounding puts `mass` at or past the total.
    func leaf(atMass mass: Double) -> Int {
        let leafCount = leafCount
        return nodes.withUnsafeBufferPointer { nodes in
            var remaining = mass
            var node = 1
            while node < leafCount {
                let left = 2 * node
                let leftSum = nodes[left].sum
                if remaining < leftSum || !(nodes[left + 1].sum > 0) {
                    node = left
                } else {
                    remaining -= leftSum
                    node = left + 1
                }
            }
            return node - leafCount
        }
    }
}
