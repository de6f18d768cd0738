import Foundation

/// Fast exact TreeSHAP for scoring many customers with a boosted model (the precomputation of
/// Yang 2021, "Fast TreeSHAP", v2): for each leaf, the contribution to each feature on its path
/// depends only on which of those features the customer satisfies the path conditions for, so the
/// contributions for all 2^k satisfaction patterns (k ≤ 12 distinct path features) are tabulated
/// once. Explaining a customer is then one pass over the tree computing the pattern of every leaf,
/// O(leaves × depth) per tree instead of O(leaves × depth²). Deeper paths fall back to Algorithm 2.
public struct TreeExplainer: Sendable {
    /// Most distinct features on a path that get tables (2^12 × 12 entries per leaf at most).
    static let maxTabulatedPathFeatures = 12

    struct Node: Sendable {
        var feature: Int32  // -1: leaf
        var threshold: Float
        var defaultLeft: Bool
        var categorySet: Int32
        var left: Int32
        var right: Int32
        /// Internal nodes: the position of `feature` among the distinct features of the root path.
        var position: Int32
        /// Leaves: index into `leaves`.
        var leaf: Int32
    }

    struct Leaf: Sendable {
        var features: [Int32]
        var tableOffset: Int
    }

    struct Tree: Sendable {
        var nodes: [Node]
        var categorySets: [[UInt64]]
        var leaves: [Leaf]
        var table: [Double]
        var original: RegressionTree?  // set when a path is too deep to tabulate
    }

    public let model: GradientBoostedTreesModel
    /// The SHAP base value (expected margin over the training data, log-odds).
    public let baseValue: Double
    let trees: [Tree]

    public init(model: GradientBoostedTreesModel) {
        self.model = model
        self.baseValue = model.expectedMargin
        self.trees = model.trees.map(Self.prepare)
    }

    static func prepare(_ tree: RegressionTree) -> Tree {
        var nodes: [Node] = []
        var leaves: [Leaf] = []
        var table: [Double] = []
        var tooDeep = false
        nodes.reserveCapacity(tree.nodes.count)
        for n in tree.nodes {
            nodes.append(Node(feature: n.feature, threshold: n.threshold, defaultLeft: n.defaultLeft,
                              categorySet: n.categorySet, left: n.left, right: n.right, position: -1, leaf: -1))
        }
        // Walk root → leaves with the path's distinct features and their zero fractions.
        func walk(_ k: Int, _ features: [Int32], _ zeros: [Double]) {
            let n = tree.nodes[k]
            if n.isLeaf {
                if features.count > maxTabulatedPathFeatures {
                    tooDeep = true
                    return
                }
                nodes[k].leaf = Int32(leaves.count)
                leaves.append(Leaf(features: features, tableOffset: table.count))
                table.append(contentsOf: leafTable(zeros: zeros, value: n.value))
                return
            }
            var features = features, zeros = zeros
            let position = features.firstIndex(of: n.feature) ?? {
                features.append(n.feature)
                zeros.append(1)
                return features.count - 1
            }()
            nodes[k].position = Int32(position)
            for child in [Int(n.left), Int(n.right)] {
                var childZeros = zeros
                childZeros[position] *= tree.nodes[child].cover / n.cover
                walk(child, features, childZeros)
            }
        }
        walk(0, [], [])
        return Tree(nodes: nodes, categorySets: tree.categorySets, leaves: leaves, table: table,
                    original: tooDeep ? tree : nil)
    }

    /// For every satisfaction pattern `mask` of a leaf's k path features, the contribution to each
    /// of them: Σ_{S ⊆ mask∖{i}} |S|!(k−|S|−1)!/k! · Π_{j∉S∪{i}} z_j · (o_i − z_i) · v.
    static func leafTable(zeros: [Double], value: Double) -> [Double] {
        let k = zeros.count
        guard k > 0 else { return [] }
        var out = [Double](repeating: 0, count: (1 << k) * k)
        var path = [TreeSHAP.PathElement](repeating: .init(feature: -1, zeroFraction: 1, oneFraction: 1, weight: 0), count: k + 1)
        for mask in 0 ..< (1 << k) {
            // Rebuild the TreeSHAP path polynomial for this pattern (dummy root element first).
            TreeSHAP.extend(&path, 0, 0, 1, 1, -1)
            for j in 0..<k {
                TreeSHAP.extend(&path, 0, j + 1, zeros[j], mask & (1 << j) != 0 ? 1 : 0, j)
            }
            for i in 0..<k {
                let e = path[i + 1]
                let w = TreeSHAP.unwoundSum(path, 0, k, i + 1)
                out[mask * k + i] = w * (e.oneFraction - e.zeroFraction) * value
            }
        }
        return out
    }

    @inline(__always) private static func goesLeft(_ node: Node, _ v: Float, _ sets: [[UInt64]]) -> Bool {
        if v.isNaN { return node.defaultLeft }
        if node.categorySet >= 0 {
            let code = Int(FeatureBinning.categoryBin(v))
            return sets[Int(node.categorySet)][code >> 6] & (1 << UInt64(code & 63)) != 0
        }
        return v <= node.threshold
    }

    /// Adds one tree's contributions for a row (`value(f)`) to `phi`.
    @inline(__always) private static func accumulate(_ tree: Tree, _ value: (Int) -> Float, _ phi: UnsafeMutablePointer<Double>,
                                                     _ stack: UnsafeMutablePointer<(Int32, UInt32)>) {
        var top = 0
        stack[0] = (0, UInt32.max)
        top = 1
        tree.nodes.withUnsafeBufferPointer { nodes in
            tree.table.withUnsafeBufferPointer { table in
                while top > 0 {
                    top -= 1
                    let (k, mask) = stack[top]
                    let node = nodes[Int(k)]
                    if node.feature < 0 {
                        let leaf = tree.leaves[Int(node.leaf)]
                        let count = leaf.features.count
                        if count == 0 { continue }
                        let base = leaf.tableOffset + Int(mask & ((1 << UInt32(count)) - 1)) * count
                        for p in 0..<count { phi[Int(leaf.features[p])] += table[base + p] }
                        continue
                    }
                    let left = goesLeft(node, value(Int(node.feature)), tree.categorySets)
                    let bit = ~(UInt32(1) << UInt32(node.position))
                    stack[top] = (node.left, left ? mask : mask & bit)
                    stack[top + 1] = (node.right, left ? mask & bit : mask)
                    top += 2
                }
            }
        }
    }

    /// SHAP contributions of every row of `x` (row-major, `rowCount × featureCount`, log-odds), and
    /// the margins, computed on all cores. Each row's contributions sum with ``baseValue`` to its margin.
    public func explain(_ x: FeatureMatrix) -> (contributions: [Float], margins: [Double]) {
        let n = x.rowCount, m = model.features.count
        precondition(x.featureCount == m, "the matrix must have the model's features")
        var contributions = [Float](repeating: 0, count: n * m)
        var margins = [Double](repeating: 0, count: n)
        let trees = self.trees, base = baseValue
        let maxNodes = trees.map(\.nodes.count).max() ?? 1
        contributions.withUnsafeMutableBufferPointer { cp in
            margins.withUnsafeMutableBufferPointer { mp in
                x.values.withUnsafeBufferPointer { vp in
                    let out = UnsafeSharedPointer(cp.baseAddress!), marginsOut = UnsafeSharedPointer(mp.baseAddress!)
                    let values = UnsafeSharedPointer(vp.baseAddress!)
                    LearnParallel.forEachChunk(count: n, minimumChunk: 1024) { range in
                        let phi = UnsafeMutablePointer<Double>.allocate(capacity: m)
                        let stack = UnsafeMutablePointer<(Int32, UInt32)>.allocate(capacity: maxNodes + 2)
                        defer {
                            phi.deallocate()
                            stack.deallocate()
                        }
                        for i in range {
                            phi.initialize(repeating: 0, count: m)
                            let value: (Int) -> Float = { values[$0 * n + i] }
                            for tree in trees {
                                if let original = tree.original {
                                    var slow = [Double](repeating: 0, count: m)
                                    TreeSHAP.accumulate(original, value: value, into: &slow)
                                    for j in 0..<m { phi[j] += slow[j] }
                                } else {
                                    Self.accumulate(tree, value, phi, stack)
                                }
                            }
                            var sum = base
                            for j in 0..<m {
                                out[i * m + j] = Float(phi[j])
                                sum += phi[j]
                            }
                            marginsOut[i] = sum
                        }
                    }
                }
            }
        }
        return (contributions, margins)
    }
}
