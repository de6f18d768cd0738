import Foundation
import Testing
import TenureCore

@Suite("Gradient-boosted trees")
struct GradientBoostedTreesTests {
    /// An interaction a linear model cannot see (churn when exactly one of two signals is high).
    static func xorData(n: Int, seed: UInt64) -> (FeatureMatrix, [Bool]) {
        var generator = SeededGenerator(seed: seed)
        var a: [Float] = [], b: [Float] = [], noise: [Float] = [], labels: [Bool] = []
        for _ in 0..<n {
            let u = Float(generator.nextUnitInterval()), v = Float(generator.nextUnitInterval())
            a.append(u); b.append(v); noise.append(Float(generator.nextUnitInterval()))
            let p = (u > 0.5) != (v > 0.5) ? 0.9 : 0.1
            labels.append(generator.nextUnitInterval() < p)
        }
        return (FeatureMatrix(columns: [(.init(name: "a"), a), (.init(name: "b"), b), (.init(name: "noise"), noise)]), labels)
    }

    @Test func learnsAnInteraction() throws {
        let (x, y) = Self.xorData(n: 6_000, seed: 1)
        let (tx, ty) = Self.xorData(n: 4_000, seed: 2)
        let model = try GradientBoostedTreesModel.fit(x, labels: y, options: .init(trees: 30, learningRate: 0.3, maxDepth: 3))
        let auc = ClassificationMetrics.rocAUC(scores: try model.margins(tx), labels: ty)
        // The Bayes-optimal AUC here is 0.9; a linear model gets about 0.5.
        #expect(auc > 0.88)
        let linear = try LogisticRegressionModel.fit(x, labels: y)
        #expect(ClassificationMetrics.rocAUC(scores: try linear.margins(tx), labels: ty) < 0.6)
    }

    @Test func isDeterministicForASeedWithSubsampling() throws {
        let (x, y) = Self.xorData(n: 3_000, seed: 3)
        let options = GradientBoostedTreesModel.Options(trees: 20, maxDepth: 4, rowSubsample: 0.7, columnSubsample: 0.67, seed: 99)
        let first = try GradientBoostedTreesModel.fit(x, labels: y, options: options)
        let second = try GradientBoostedTreesModel.fit(x, labels: y, options: options)
        #expect(first == second)
        var other = options
        other.seed = 100
        #expect(try GradientBoostedTreesModel.fit(x, labels: y, options: other) != first)
    }

    @Test func learnsWhereMissingValuesGo() throws {
        // Customers with no recorded last-login churn; the rest churn when the value is high.
        var generator = SeededGenerator(seed: 4)
        var v: [Float] = [], labels: [Bool] = []
        for _ in 0..<4_000 {
            let missing = generator.nextUnitInterval() < 0.2
            let value = Float(generator.nextUnitInterval())
            v.append(missing ? .nan : value)
            labels.append(missing ? generator.nextUnitInterval() < 0.95 : generator.nextUnitInterval() < Double(value) * 0.5)
        }
        let x = FeatureMatrix(columns: [(.init(name: "days_since_login"), v)])
        let model = try GradientBoostedTreesModel.fit(x, labels: labels, options: .init(trees: 20, maxDepth: 2))
        let probe = FeatureMatrix(columns: [(.init(name: "days_since_login"), [.nan, 0.05, 0.95])])
        let p = try model.predictProbabilities(probe)
        #expect(p[0] > 0.85)
        #expect(p[1] < 0.15)
        #expect(p[2] > p[1])
    }

    @Test func splitsCategoriesByPartitionNotByCodeOrder() throws {
        // Levels 1 and 3 churn, 0 and 2 do not: one partition split separates them, which
        // ordered codes could not do at depth 1.
        let levels = ["a", "b", "c", "d"]
        var generator = SeededGenerator(seed: 5)
        var codes: [Float] = [], labels: [Bool] = []
        for _ in 0..<2_000 {
            let c = Int(generator.nextUnitInterval() * 4)
            codes.append(Float(c))
            labels.append(c == 1 || c == 3)
        }
        let x = FeatureMatrix(columns: [(.init(name: "plan", kind: .categorical(levels: levels)), codes)])
        let model = try GradientBoostedTreesModel.fit(x, labels: labels, options: .init(trees: 10, maxDepth: 1))
        let probe = FeatureMatrix(columns: [(.init(name: "plan", kind: .categorical(levels: levels)), [0, 1, 2, 3])])
        let p = try model.predictProbabilities(probe)
        #expect(p[1] > 0.9 && p[3] > 0.9)
        #expect(p[0] < 0.1 && p[2] < 0.1)
        #expect(model.trees.allSatisfy { $0.categorySets.count == 1 })
    }

    @Test func stopsEarlyOnAValidationSet() throws {
        let (x, y) = Self.xorData(n: 2_000, seed: 6)
        let (vx, vy) = Self.xorData(n: 2_000, seed: 7)
        let model = try GradientBoostedTreesModel.fit(
            x, labels: y, validation: (vx, vy),
            options: .init(trees: 300, learningRate: 0.5, maxDepth: 6, earlyStoppingRounds: 10))
        let history = try #require(model.validationLogLoss)
        #expect(model.trees.count < 300)
        #expect(history.count == model.trees.count + 10)
        #expect(history[model.trees.count - 1] == history.min())
    }

    @Test func regularizationLimitsTheTrees() throws {
        let (x, y) = Self.xorData(n: 2_000, seed: 8)
        let model = try GradientBoostedTreesModel.fit(
            x, labels: y, options: .init(trees: 5, maxDepth: 6, minChildWeight: 50, minSplitGain: 5))
        for tree in model.trees {
            #expect(tree.depth <= 6)
            for node in tree.nodes { #expect(node.cover >= 50 - 1e-9) }
            for node in tree.nodes where !node.isLeaf { #expect(node.gain >= 5) }
        }
    }
}
