import Foundation

/// One tree of a boosted ensemble, as a flat array of nodes (node 0 is the root).
///
/// A split sends a row left when its value is `<= threshold` (numeric) or its category is in the
/// split's left set (categorical); a missing value follows `defaultLeft`, the direction learned
/// from the training rows that had the value missing.
public struct RegressionTree: Sendable, Codable, Equatable {
    public struct Node: Sendable, Codable, Equatable {
        /// The feature split on, or -1 for a leaf.
        public var feature: Int32
        /// Numeric splits: rows with value `<= threshold` go left.
        public var threshold: Float
        /// The same split on bins: rows with bin `<= binThreshold` go left (numeric only).
        public var binThreshold: UInt8
        /// Where rows with a missing value go.
        public var defaultLeft: Bool
        /// For a categorical split, the index into ``RegressionTree/categorySets``; -1 otherwise.
        public var categorySet: Int32
        public var left: Int32
        public var right: Int32
        /// Leaf output on the log-odds scale, learning rate included (0 for internal nodes).
        public var value: Double
        /// Sum of the training rows' hessians reaching the node (the "cover" TreeSHAP weighs by).
        public var cover: Double
        /// Loss reduction of the split (0 for leaves).
        public var gain: Double

        public var isLeaf: Bool { feature < 0 }

        static func leaf(value: Double, cover: Double) -> Node {
            Node(feature: -1, threshold: 0, binThreshold: 0, defaultLeft: false, categorySet: -1,
                 left: -1, right: -1, value: value, cover: cover, gain: 0)
        }
    }

    public var nodes: [Node]
    /// Bit sets of categories (by bin, i.e. code) sent left by categorical splits, 4 words each.
    public var categorySets: [[UInt64]]

    @inline(__always) func goesLeft(_ node: Node, value v: Float) -> Bool {
        if v.isNaN { return node.defaultLeft }
        if node.categorySet >= 0 {
            let code = Int(FeatureBinning.categoryBin(v))
            return categorySets[Int(node.categorySet)][code >> 6] & (1 << UInt64(code & 63)) != 0
        }
        return v <= node.threshold
    }

    @inline(__always) func goesLeft(_ node: Node, bin: UInt8) -> Bool {
        if bin == FeatureBinning.missingBin { return node.defaultLeft }
        if node.categorySet >= 0 {
            return categorySets[Int(node.categorySet)][Int(bin) >> 6] & (1 << UInt64(bin & 63)) != 0
        }
        return bin <= node.binThreshold
    }

    /// The leaf reached by a row given as a function from feature index to value.
    @inline(__always) func leafIndex(_ value: (Int) -> Float) -> Int {
        var k = 0
        while true {
            let node = nodes[k]
            if node.feature < 0 { return k }
            k = Int(goesLeft(node, value: value(Int(node.feature))) ? node.left : node.right)
        }
    }

    /// The leaf reached by row `row` of a bin matrix.
    @inline(__always) func leafIndex(bins: UnsafePointer<UInt8>, row: Int, featureCount: Int) -> Int {
        var k = 0
        let base = row * featureCount
        while true {
            let node = nodes[k]
            if node.feature < 0 { return k }
            k = Int(goesLeft(node, bin: bins[base + Int(node.feature)]) ? node.left : node.right)
        }
    }

    /// The tree's output for one customer (log-odds).
    public func predict(_ row: [Float]) -> Double {
        nodes[leafIndex { row[$0] }].value
    }

    /// Depth of the deepest leaf (a single leaf has depth 0).
    public var depth: Int {
        func depth(_ k: Int) -> Int {
            nodes[k].isLeaf ? 0 : 1 + max(depth(Int(nodes[k].left)), depth(Int(nodes[k].right)))
        }
        return depth(0)
    }

    public var leafCount: Int { nodes.reduce(0) { $0 + ($1.isLeaf ? 1 : 0) } }
}
