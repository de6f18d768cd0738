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
        /// The leaf's path features are `leafFeatures[featureOffset ..< featureOffset + count]`.
        var featureOffset: Int32
        var count: Int32
        var tableOffset: Int
    }

    struct Tree: Sendable {
        var nodes: [Node]
        /// Category bit sets, 4 words each, flattened.
        var categoryBits: [UInt64]
        var leaves: [Leaf]
        var leafFeatures: [Int32]
        var table: [Double]
        var original: RegressionTree?  // set when a path is too deep to tabulate
        /// Small trees: internal nodes in index order, and per decision pattern (bit i set when
        /// internal node i sends the row left) the contribution to each of the tree's features.
        var patternNodes: [Node] = []
        /// Per pattern node, 4 words of categories sent left with bit 255 (the missing code) set
        /// when missing values go left; zeros for numeric nodes.
        var patternSets: [UInt64] = []
        var patternFeatures: [Int32] = []
        /// Feature-major: the contribution to `patternFeatures[p]` under decision pattern `q` is at
        /// `p << patternNodes.count + q`, so one feature's column of a block is filled from one small slice.
        var patternTable: [Double] = []
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
        var leafFeatures: [Int32] = []
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
                leaves.append(Leaf(featureOffset: Int32(leafFeatures.count), count: Int32(features.count), tableOffset: table.count))
                leafFeatures.append(contentsOf: features)
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
        var prepared = Tree(nodes: nodes, categoryBits: tree.categorySets.flatMap { $0 }, leaves: leaves, leafFeatures: leafFeatures, table: table,
                    original: tooDeep ? tree : nil)
        if !tooDeep { tabulatePatterns(&prepared) }
        return prepared
    }

    /// Trees with at most this many internal nodes get one table row per decision pattern.
    static let maxPatternNodes = 10

    /// For a small tree, the SHAP vector is a function of which way each splitNodes node sends the
    /// row, so it is tabulated over all 2^splitNodes patterns: explaining is then one comparison per
    /// splitNodes node and one addition per feature of the tree.
    static func tabulatePatterns(_ tree: inout Tree) {
        let splitNodes = tree.nodes.indices.filter { tree.nodes[$0].feature >= 0 }
        guard !splitNodes.isEmpty, splitNodes.count <= maxPatternNodes else { return }
        var bitOf = [Int](repeating: -1, count: tree.nodes.count)
        for (b, k) in splitNodes.enumerated() { bitOf[k] = b }
        var features: [Int32] = []
        for k in splitNodes where !features.contains(tree.nodes[k].feature) { features.append(tree.nodes[k].feature) }
        let width = features.count
        var table = [Double](repeating: 0, count: (1 << splitNodes.count) * width)
        for pattern in 0 ..< (1 << splitNodes.count) {
            // Walk to every leaf, clearing the path-position bit where the row would not follow.
            func walk(_ k: Int, _ mask: UInt32) {
                let node = tree.nodes[k]
                if node.feature < 0 {
                    let leaf = tree.leaves[Int(node.leaf)]
                    let count = Int(leaf.count)
                    guard count > 0 else { return }
                    let base = leaf.tableOffset + Int(mask & ((1 << UInt32(count)) - 1)) * count
                    for p in 0..<count {
                        let feature = tree.leafFeatures[Int(leaf.featureOffset) + p]
                        table[pattern * width + features.firstIndex(of: feature)!] += tree.table[base + p]
                    }
                    return
                }
                let left = pattern & (1 << bitOf[k]) != 0
                let clear = ~(UInt32(1) << UInt32(node.position))
                walk(Int(node.left), left ? mask : mask & clear)
                walk(Int(node.right), left ? mask & clear : mask)
            }
            walk(0, UInt32.max)
        }
        tree.patternNodes = splitNodes.map { tree.nodes[$0] }
        tree.patternSets = tree.patternNodes.flatMap { node -> [UInt64] in
            guard node.categorySet >= 0 else { return [0, 0, 0, 0] }
            var set = Array(tree.categoryBits[Int(node.categorySet) * 4 ..< Int(node.categorySet) * 4 + 4])
            if node.defaultLeft { set[3] |= 1 << 63 }
            return set
        }
        tree.patternFeatures = features
        let patternCount = 1 << splitNodes.count
        var featureMajor = [Double](repeating: 0, count: table.count)
        for q in 0..<patternCount {
            for p in 0..<width { featureMajor[p * patternCount + q] = table[q * width + p] }
        }
        tree.patternTable = featureMajor
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

    @inline(__always) private static func goesLeft(_ node: Node, _ v: Float, _ bits: UnsafePointer<UInt64>) -> Bool {
        if v.isNaN { return node.defaultLeft }
        if node.categorySet >= 0 {
            let code = Int(FeatureBinning.categoryBin(v))
            return bits[Int(node.categorySet) &* 4 &+ (code &>> 6)] & (1 << UInt64(code & 63)) != 0
        }
        return v <= node.threshold
    }

    /// Adds one tree's contributions for rows `rows` of the column-major `values` (`n` rows) to
    /// `phi` (row-major per block row, `m` wide) or, for trees with decision-pattern tables, to
    /// `phiColumns` (feature-major, `blockSize` per feature: contiguous adds without aliasing stalls).
    @inline(__always) private static func accumulate(_ tree: Tree, values: UnsafeSharedPointer<Float>, n: Int, m: Int,
                                                     rows: Range<Int>, phi: UnsafeMutablePointer<Double>,
                                                     phiColumns: UnsafeMutablePointer<Double>,
                                                     stack: UnsafeMutablePointer<(Int32, UInt32)>,
                                                     patterns: UnsafeMutablePointer<Int32>,
                                                     codes: UnsafeMutablePointer<UInt8>, blockSize: Int) {
        if !tree.patternNodes.isEmpty {
            tree.patternNodes.withUnsafeBufferPointer { nodes in
                tree.patternSets.withUnsafeBufferPointer { sets in
                tree.patternFeatures.withUnsafeBufferPointer { features in
                    tree.patternTable.withUnsafeBufferPointer { table in
                        do {
                            let width = features.count, count = rows.count, patternShift = nodes.count
                            // Decisions node by node over the block's contiguous column slices
                            // (vectorizable), then one table row per customer.
                            patterns.initialize(repeating: 0, count: count)
                            for b in 0..<nodes.count {
                                let node = nodes[b]
                                let column = values.base + (Int(node.feature) &* n &+ rows.lowerBound)
                                let bit = Int32(1) &<< Int32(b)
                                if node.categorySet >= 0 {
                                    // Branch-free bit-set lookup on the block's category codes.
                                    let codeColumn = codes + Int(node.feature) &* blockSize
                                    let set = sets.baseAddress! + b &* 4
                                    for r in 0..<count {
                                        let code = Int(codeColumn[r])
                                        let left = Int32(truncatingIfNeeded: (set[code &>> 6] &>> UInt64(code & 63)) & 1)
                                        patterns[r] |= left &<< Int32(b)
                                    }
                                } else {
                                    let threshold = node.threshold, missingLeft = node.defaultLeft
                                    for r in 0..<count {
                                        let v = column[r]
                                        let left = v <= threshold || (missingLeft && v.isNaN)
                                        patterns[r] |= left ? bit : 0
                                    }
                                }
                            }
                            for p in 0..<width {
                                let column = phiColumns + Int(features[p]) &* blockSize
                                let slice = table.baseAddress! + (p &<< patternShift)
                                for r in 0..<count { column[r] += slice[Int(patterns[r])] }
                            }
                        }
                    }
                }
                }
            }
            return
        }
        tree.nodes.withUnsafeBufferPointer { nodes in
            tree.table.withUnsafeBufferPointer { table in
                tree.leaves.withUnsafeBufferPointer { leaves in
                    tree.leafFeatures.withUnsafeBufferPointer { leafFeatures in
                        tree.categoryBits.withUnsafeBufferPointer { bitsBuffer in
                            let bits = bitsBuffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                            for i in rows {
                                let rowPhi = phi + (i &- rows.lowerBound) &* m
                                stack[0] = (0, UInt32.max)
                                var top = 1
                                while top > 0 {
                                    top &-= 1
                                    let (k, mask) = stack[top]
                                    let node = nodes[Int(k)]
                                    if node.feature < 0 {
                                        let leaf = leaves[Int(node.leaf)]
                                        let count = Int(leaf.count)
                                        if count == 0 { continue }
                                        let base = leaf.tableOffset &+ Int(mask & ((1 << UInt32(count)) &- 1)) &* count
                                        let features = Int(leaf.featureOffset)
                                        for p in 0..<count { rowPhi[Int(leafFeatures[features &+ p])] += table[base &+ p] }
                                        continue
                                    }
                                    let left = goesLeft(node, values[Int(node.feature) &* n &+ i], bits)
                                    let bit = ~(UInt32(1) << UInt32(node.position))
                                    stack[top] = (node.left, left ? mask : mask & bit)
                                    stack[top &+ 1] = (node.right, left ? mask & bit : mask)
                                    top &+= 2
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Runs TreeSHAP on every row of `x` on all cores, handing each row's contributions (length
    /// `featureCount`) and margin to `body` from the worker threads.
    func forEachRow(_ x: FeatureMatrix, _ body: @Sendable (Int, UnsafeMutablePointer<Double>, Double) -> Void) {
        let n = x.rowCount, m = model.features.count
        precondition(x.featureCount == m, "the matrix must have the model's features")
        let trees = self.trees, base = baseValue
        let maxNodes = trees.map(\.nodes.count).max() ?? 1
        let categorical = model.features.indices.filter { model.features[$0].isCategorical }
        x.values.withUnsafeBufferPointer { vp in
            let values = UnsafeSharedPointer(vp.baseAddress!)
            LearnParallel.forEachChunk(count: n, minimumChunk: 1024) { range in
                // Blocks of rows, trees outermost: each tree's tables stay in cache for the block.
                let blockSize = 256
                let phi = UnsafeMutablePointer<Double>.allocate(capacity: blockSize * m)
                let phiColumns = UnsafeMutablePointer<Double>.allocate(capacity: blockSize * m)
                let stack = UnsafeMutablePointer<(Int32, UInt32)>.allocate(capacity: maxNodes + 2)
                let patterns = UnsafeMutablePointer<Int32>.allocate(capacity: blockSize)
                // Category codes of the block (255 = missing), column-major, for the pattern trees.
                let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: blockSize * m)
                defer {
                    phi.deallocate()
                    phiColumns.deallocate()
                    stack.deallocate()
                    patterns.deallocate()
                    codes.deallocate()
                }
                for blockStart in stride(from: range.lowerBound, to: range.upperBound, by: blockSize) {
                    let block = blockStart ..< min(range.upperBound, blockStart + blockSize)
                    phi.initialize(repeating: 0, count: block.count * m)
                    phiColumns.initialize(repeating: 0, count: blockSize * m)
                    for j in categorical {
                        for i in block {
                            let v = values[j &* n &+ i]
                            codes[j &* blockSize &+ i &- blockStart] = v.isNaN ? FeatureBinning.missingBin : FeatureBinning.categoryBin(v)
                        }
                    }
                    for tree in trees {
                        if let original = tree.original {
                            for i in block {
                                var slow = [Double](repeating: 0, count: m)
                                TreeSHAP.accumulate(original, value: { values[$0 &* n &+ i] }, into: &slow)
                                for j in 0..<m { phi[(i - blockStart) * m + j] += slow[j] }
                            }
                        } else {
                            Self.accumulate(tree, values: values, n: n, m: m, rows: block, phi: phi, phiColumns: phiColumns,
                                            stack: stack, patterns: patterns, codes: codes, blockSize: blockSize)
                        }
                    }
                    for i in block {
                        let r = i - blockStart
                        let rowPhi = phi + r * m
                        var margin = base
                        for j in 0..<m {
                            rowPhi[j] += phiColumns[j &* blockSize &+ r]
                            margin += rowPhi[j]
                        }
                        body(i, rowPhi, margin)
                    }
                }
            }
        }
    }

    /// SHAP contributions of every row of `x` (row-major, `rowCount × featureCount`, log-odds), and
    /// the margins, computed on all cores. Each row's contributions sum with ``baseValue`` to its margin.
    public func explain(_ x: FeatureMatrix) -> (contributions: [Float], margins: [Double]) {
        let n = x.rowCount, m = model.features.count
        var contributions = [Float](repeating: 0, count: n * m)
        var margins = [Double](repeating: 0, count: n)
        contributions.withUnsafeMutableBufferPointer { cp in
            margins.withUnsafeMutableBufferPointer { mp in
                let out = UnsafeSharedPointer(cp.baseAddress!), marginsOut = UnsafeSharedPointer(mp.baseAddress!)
                forEachRow(x) { i, phi, margin in
                    for j in 0..<m { out[i &* m &+ j] = Float(phi[j]) }
                    marginsOut[i] = margin
                }
            }
        }
        return (contributions, margins)
    }

    /// Churn probabilities with each customer's `k` strongest risk-raising features (TreeSHAP), the
    /// form a ranked at-risk list needs, without materializing all contributions.
    public func score(_ x: FeatureMatrix, topReasons k: Int) -> ScoredCustomers {
        let n = x.rowCount, m = model.features.count, k = max(0, min(k, m))
        var probabilities = [Double](repeating: 0, count: n)
        var features = [Int32](repeating: -1, count: n * k)
        var contributions = [Float](repeating: 0, count: n * k)
        probabilities.withUnsafeMutableBufferPointer { pp in
            features.withUnsafeMutableBufferPointer { fp in
                contributions.withUnsafeMutableBufferPointer { cp in
                    let p = UnsafeSharedPointer(pp.baseAddress!), f = UnsafeSharedPointer(fp.baseAddress!)
                    let c = UnsafeSharedPointer(cp.baseAddress!)
                    forEachRow(x) { i, phi, margin in
                        p[i] = LogOdds.probability(margin)
                        // Insertion into a sorted top-k (k is small).
                        let base = i &* k
                        var filled = 0
                        for j in 0..<m where phi[j] > 0 {
                            let v = Float(phi[j])
                            if filled == k && v <= c[base &+ k &- 1] { continue }
                            var slot = min(filled, k - 1)
                            while slot > 0 && c[base &+ slot &- 1] < v {
                                c[base &+ slot] = c[base &+ slot &- 1]
                                f[base &+ slot] = f[base &+ slot &- 1]
                                slot -= 1
                            }
                            c[base &+ slot] = v
                            f[base &+ slot] = Int32(j)
                            filled = min(k, filled + 1)
                        }
                    }
                }
            }
        }
        return ScoredCustomers(probabilities: probabilities, reasonsPerCustomer: k, reasonFeatures: features,
                               reasonContributions: contributions, featureNames: model.features.map(\.name))
    }
}
