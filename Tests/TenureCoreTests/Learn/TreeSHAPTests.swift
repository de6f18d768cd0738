import Foundation
import Testing
import TenureCore

@Suite("TreeSHAP")
struct TreeSHAPTests {
    /// E[f(x) | x_S] as TreeSHAP defines it: follow x at splits on features in S, otherwise
    /// average the children by cover (training hessian).
    static func conditionalExpectation(_ tree: RegressionTree, _ x: [Float], _ subset: Set<Int>, node k: Int = 0) -> Double {
        let n = tree.nodes[k]
        if n.isLeaf { return n.value }
        let f = Int(n.feature)
        if subset.contains(f) {
            let v = x[f]
            let left: Bool
            if v.isNaN {
                left = n.defaultLeft
            } else if n.categorySet >= 0 {
                let code = Int(v)
                left = tree.categorySets[Int(n.categorySet)][code >> 6] & (1 << UInt64(code & 63)) != 0
            } else {
                left = v <= n.threshold
            }
            return conditionalExpectation(tree, x, subset, node: Int(left ? n.left : n.right))
        }
        let l = Int(n.left), r = Int(n.right)
        return (tree.nodes[l].cover * conditionalExpectation(tree, x, subset, node: l)
            + tree.nodes[r].cover * conditionalExpectation(tree, x, subset, node: r)) / n.cover
    }

    /// Shapley values by enumerating all 2^M coalitions.
    static func bruteForceShapley(_ model: GradientBoostedTreesModel, _ x: [Float]) -> [Double] {
        let m = x.count
        func value(_ s: Set<Int>) -> Double {
            model.trees.reduce(model.baseMargin) { $0 + conditionalExpectation($1, x, s) }
        }
        func factorial(_ k: Int) -> Double { k <= 1 ? 1 : Double(k) * factorial(k - 1) }
        var phi = [Double](repeating: 0, count: m)
        for i in 0..<m {
            for mask in 0 ..< (1 << m) where mask & (1 << i) == 0 {
                let s = Set((0..<m).filter { mask & (1 << $0) != 0 })
                let weight = factorial(s.count) * factorial(m - s.count - 1) / factorial(m)
                phi[i] += weight * (value(s.union([i])) - value(s))
            }
        }
        return phi
    }

    /// Four features (one categorical, one with missing values), trees deep enough to reuse features on a path.
    static func smallModel(depth: Int = 4) throws -> (GradientBoostedTreesModel, FeatureMatrix) {
        var generator = SeededGenerator(seed: 31)
        var a: [Float] = [], b: [Float] = [], c: [Float] = [], d: [Float] = [], labels: [Bool] = []
        for _ in 0..<1_500 {
            let u = Float(generator.nextUnitInterval()), v = Float(generator.nextUnitInterval())
            let plan = Float(Int(generator.nextUnitInterval() * 3))
            let w: Float = generator.nextUnitInterval() < 0.15 ? .nan : Float(generator.nextUnitInterval())
            a.append(u); b.append(v); c.append(plan); d.append(w)
            let eta = 3 * Double(u - 0.5) * Double(v - 0.3) + (plan == 1 ? 1 : -0.5) + (w.isNaN ? 1 : Double(w) - 0.5)
            labels.append(generator.nextUnitInterval() < 1 / (1 + exp(-2 * eta)))
        }
        let x = FeatureMatrix(columns: [
            (.init(name: "a"), a), (.init(name: "b"), b),
            (.init(name: "plan", kind: .categorical(levels: ["basic", "plus", "pro"])), c), (.init(name: "d"), d),
        ])
        let model = try GradientBoostedTreesModel.fit(x, labels: labels, options: .init(trees: 4, learningRate: 0.5, maxDepth: depth))
        return (model, x)
    }

    /// Depth 3 exercises the explainer's per-decision-pattern tables, depth 4 its per-leaf tables.
    @Test(arguments: [3, 4]) func matchesBruteForceShapleyValues(depth: Int) throws {
        let (model, x) = try Self.smallModel(depth: depth)
        #expect(model.trees.contains { $0.nodes.contains { $0.categorySet >= 0 } })
        let explainer = TreeExplainer(model: model)
        let rows = [0, 1, 2, 3, 10, 77] + x.features.indices.compactMap { j in (0..<x.rowCount).first { x[$0, j].isNaN } }
        let fast = explainer.explain(x.rows(rows)).contributions
        for (k, row) in rows.enumerated() {
            let exact = Self.bruteForceShapley(model, x.row(row))
            let treeSHAP = try model.contributions(x, row: row).contributions
            for j in 0..<4 {
                #expect(abs(treeSHAP[j] - exact[j]) < 1e-9, "row \(row) feature \(j)")
                #expect(abs(Double(fast[k * 4 + j]) - exact[j]) < 1e-5, "row \(row) feature \(j)")
            }
        }
    }

    @Test func contributionsSumToTheMargin() throws {
        let (x, y) = LearnTestSupport.logisticData(n: 5_000, seed: 12, weights: [1, -2, 0.5, 0, 1.5, -0.3], intercept: 0)
        let model = try GradientBoostedTreesModel.fit(x, labels: y, options: .init(trees: 40, maxDepth: 6, rowSubsample: 0.8))
        let margins = try model.margins(x)
        let explained = TreeExplainer(model: model).explain(x)
        #expect(abs(TreeExplainer(model: model).baseValue - model.expectedMargin) < 1e-12)
        for row in stride(from: 0, to: 5_000, by: 97) {
            let c = try model.contributions(x, row: row)
            #expect(abs(c.margin - margins[row]) < 1e-9)
            #expect(abs(explained.margins[row] - margins[row]) < 1e-9)
        }
    }

    @Test func topReasonsListRiskRaisingFeaturesWithValues() throws {
        let (model, x) = try Self.smallModel()
        let c = try model.contributions(x, row: 5)
        let reasons = c.topReasons(2)
        #expect(reasons.count <= 2)
        #expect(reasons.allSatisfy { $0.contribution > 0 })
        if let first = reasons.first {
            let j = try #require(x.featureIndex(named: first.feature))
            #expect(first.value == x.displayValue(row: 5, feature: j))
            #expect(first.contribution == c.contributions.max())
        }
        let all = c.topReasons(10)
        #expect(all.count == c.contributions.filter { $0 > 0 }.count)
    }

    @Test func bulkScoringKeepsTheStrongestReasons() throws {
        let (x, y) = LearnTestSupport.logisticData(n: 2_000, seed: 13, weights: [1, -2, 0.5, 0, 1.5], intercept: 0)
        let model = try GradientBoostedTreesModel.fit(x, labels: y, options: .init(trees: 20, maxDepth: 4))
        let scored = TreeExplainer(model: model).score(x, topReasons: 2)
        let probabilities = try model.predictProbabilities(x)
        for row in stride(from: 0, to: 2_000, by: 37) {
            #expect(abs(scored.probabilities[row] - probabilities[row]) < 1e-9)
            let expected = try model.contributions(x, row: row).topReasons(2)
            let got = scored.reasons(row: row, in: x)
            #expect(got.map(\.feature) == expected.map(\.feature))
            for (a, b) in zip(got, expected) { #expect(abs(a.contribution - b.contribution) < 1e-5) }
        }
    }
}
