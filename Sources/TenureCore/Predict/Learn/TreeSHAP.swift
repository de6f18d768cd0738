import Foundation

/// Exact SHAP values of tree ensembles: Lundberg, Erion & Lee (2018), "Consistent Individualized
/// Feature Attribution for Tree Ensembles", Algorithm 2 (polynomial-time TreeSHAP), with node covers
/// (training hessian sums) as the path-dependent background weights, as in XGBoost's `pred_contribs`.
enum TreeSHAP {
    struct PathElement {
        var feature: Int
        var zeroFraction: Double
        var oneFraction: Double
        var weight: Double
    }

    /// Adds the contributions of `tree` for the row given by `value` (feature index → value) to `phi`.
    static func accumulate(_ tree: RegressionTree, value: (Int) -> Float, into phi: inout [Double]) {
        let maxDepth = tree.depth + 2
        var path = [PathElement](repeating: PathElement(feature: -1, zeroFraction: 0, oneFraction: 0, weight: 0),
                                 count: maxDepth * (maxDepth + 1) / 2 + maxDepth + 1)
        recurse(tree, node: 0, uniqueDepth: 0, pathStart: 0, path: &path, zeroFraction: 1, oneFraction: 1,
                feature: -1, value: value, phi: &phi)
    }

    /// The expected output of `tree` over the training data (cover-weighted mean of leaf values).
    static func expectedValue(_ tree: RegressionTree) -> Double {
        let root = tree.nodes[0].cover
        guard root > 0 else { return tree.nodes[0].value }
        var s = 0.0
        for node in tree.nodes where node.isLeaf { s += node.value * node.cover }
        return s / root
    }

    // Each recursion level copies its parent's path segment to a fresh segment, as in the
    // reference implementation, so siblings see the parent's path unchanged.
    private static func recurse(_ tree: RegressionTree, node: Int, uniqueDepth: Int, pathStart parentStart: Int,
                                path: inout [PathElement], zeroFraction: Double, oneFraction: Double, feature: Int,
                                value: (Int) -> Float, phi: inout [Double]) {
        var uniqueDepth = uniqueDepth
        let start = parentStart + uniqueDepth + 1
        for k in 0...uniqueDepth { path[start + k] = path[parentStart + k] }
        extend(&path, start, uniqueDepth, zeroFraction, oneFraction, feature)
        let n = tree.nodes[node]
        if n.isLeaf {
            if uniqueDepth > 0 {
                for i in 1...uniqueDepth {
                    let w = unwoundSum(path, start, uniqueDepth, i)
                    let e = path[start + i]
                    phi[e.feature] += w * (e.oneFraction - e.zeroFraction) * n.value
                }
            }
            return
        }
        let f = Int(n.feature)
        let left = tree.goesLeft(n, value: value(f))
        let hot = Int(left ? n.left : n.right), cold = Int(left ? n.right : n.left)
        let hotZero = tree.nodes[hot].cover / n.cover, coldZero = tree.nodes[cold].cover / n.cover
        var incomingZero = 1.0, incomingOne = 1.0
        var k = 0
        while k <= uniqueDepth && path[start + k].feature != f { k += 1 }
        if k <= uniqueDepth {
            incomingZero = path[start + k].zeroFraction
            incomingOne = path[start + k].oneFraction
            unwind(&path, start, uniqueDepth, k)
            uniqueDepth -= 1
        }
        recurse(tree, node: hot, uniqueDepth: uniqueDepth + 1, pathStart: start, path: &path,
                zeroFraction: hotZero * incomingZero, oneFraction: incomingOne, feature: f, value: value, phi: &phi)
        recurse(tree, node: cold, uniqueDepth: uniqueDepth + 1, pathStart: start, path: &path,
                zeroFraction: coldZero * incomingZero, oneFraction: 0, feature: f, value: value, phi: &phi)
    }

    static func extend(_ path: inout [PathElement], _ s: Int, _ depth: Int, _ zero: Double, _ one: Double, _ feature: Int) {
        path[s + depth] = PathElement(feature: feature, zeroFraction: zero, oneFraction: one, weight: depth == 0 ? 1 : 0)
        var i = depth - 1
        while i >= 0 {
            path[s + i + 1].weight += one * path[s + i].weight * Double(i + 1) / Double(depth + 1)
            path[s + i].weight = zero * path[s + i].weight * Double(depth - i) / Double(depth + 1)
            i -= 1
        }
    }

    static func unwind(_ path: inout [PathElement], _ s: Int, _ depth: Int, _ index: Int) {
        let one = path[s + index].oneFraction, zero = path[s + index].zeroFraction
        var next = path[s + depth].weight
        var i = depth - 1
        while i >= 0 {
            if one != 0 {
                let t = path[s + i].weight
                path[s + i].weight = next * Double(depth + 1) / (Double(i + 1) * one)
                next = t - path[s + i].weight * zero * Double(depth - i) / Double(depth + 1)
            } else {
                path[s + i].weight = path[s + i].weight * Double(depth + 1) / (zero * Double(depth - i))
            }
            i -= 1
        }
        for j in index..<depth {
            path[s + j].feature = path[s + j + 1].feature
            path[s + j].zeroFraction = path[s + j + 1].zeroFraction
            path[s + j].oneFraction = path[s + j + 1].oneFraction
        }
    }

    /// Σ of the path weights with element `index` unwound (without modifying the path).
    static func unwoundSum(_ path: [PathElement], _ s: Int, _ depth: Int, _ index: Int) -> Double {
        let one = path[s + index].oneFraction, zero = path[s + index].zeroFraction
        var next = path[s + depth].weight
        var total = 0.0
        var i = depth - 1
        if one != 0 {
            while i >= 0 {
                let t = next / (Double(i + 1) * one)
                total += t
                next = path[s + i].weight - t * zero * Double(depth - i)
                i -= 1
            }
        } else {
            while i >= 0 {
                total += path[s + i].weight / (zero * Double(depth - i))
                i -= 1
            }
        }
        return total * Double(depth + 1)
    }
}

extension GradientBoostedTreesModel {
    /// The expected margin over the training data: the SHAP base value (log-odds).
    public var expectedMargin: Double {
        trees.reduce(baseMargin) { $0 + TreeSHAP.expectedValue($1) }
    }

    /// Exact TreeSHAP contributions for row `row` of `x` (log-odds; they sum with the base value
    /// ``expectedMargin`` to the model's margin).
    public func contributions(_ x: FeatureMatrix, row: Int) throws(LearnError) -> FeatureContributions {
        try LearnError.checkFeatures(features, x.features)
        var phi = [Double](repeating: 0, count: features.count)
        for tree in trees { TreeSHAP.accumulate(tree, value: { x[row, $0] }, into: &phi) }
        return FeatureContributions(
            baseValue: expectedMargin, contributions: phi, featureNames: features.map(\.name),
            values: (0..<features.count).map { x.displayValue(row: row, feature: $0) })
    }
}
