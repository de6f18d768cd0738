import Foundation
import Testing
import TenureCore

@Suite("Model persistence")
struct ModelPersistenceTests {
    static func data() -> (FeatureMatrix, [Bool]) {
        var generator = SeededGenerator(seed: 23)
        var a: [Float] = [], plan: [Float] = [], labels: [Bool] = []
        for _ in 0..<1_000 {
            let u = generator.nextUnitInterval() < 0.1 ? Float.nan : Float(generator.nextUnitInterval() * 100)
            let c = Float(Int(generator.nextUnitInterval() * 3))
            a.append(u); plan.append(c)
            labels.append(generator.nextUnitInterval() < (u.isNaN ? 0.7 : Double(u) / 150) + (c == 2 ? 0.2 : 0))
        }
        return (FeatureMatrix(columns: [
            (.init(name: "usage"), a), (.init(name: "plan", kind: .categorical(levels: ["a", "b", "c"])), plan),
        ]), labels)
    }

    @Test func bothModelKindsRoundTripThroughJSON() throws {
        let (x, y) = Self.data()
        let models: [ChurnModel] = [
            .logisticRegression(try LogisticRegressionModel.fit(x, labels: y)),
            .boostedTrees(try GradientBoostedTreesModel.fit(x, labels: y, options: .init(trees: 15, maxDepth: 4))),
        ]
        for model in models {
            let data = try model.jsonData()
            let loaded = try ChurnModel(jsonData: data)
            #expect(loaded == model)
            #expect(try loaded.predictProbabilities(x) == model.predictProbabilities(x))
            #expect(try loaded.jsonData() == data)
            #expect(try loaded.contributions(x, row: 3) == model.contributions(x, row: 3))
        }
    }

    @Test func scoringWithOtherColumnsIsAnError() throws {
        let (x, y) = Self.data()
        let model = try LogisticRegressionModel.fit(x, labels: y)
        let other = x.selectingFeatures([1, 0])
        #expect(throws: LearnError.self) { try model.predictProbabilities(other) }
    }
}
