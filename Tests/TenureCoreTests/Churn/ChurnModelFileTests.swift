import Foundation
import Testing
import TenureCore

@Suite("Churn model files")
struct ChurnModelFileTests {
    let label = ChurnLabel.noPurchase(horizonDays: 90, lookbackDays: 365)
    /// Small enough for a debug build.
    let options = GradientBoostedTreesModel.Options(trees: 30, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)

    @Test("saved and loaded models score bit-identically", arguments: ChurnModelFile.Learner.allCases)
    func roundTrip(learner: ChurnModelFile.Learner) throws {
        // Given a model trained on the synthetic shop
        let file = try ChurnModelFile.train(on: churnSynthetic, label: label, learner: learner, boostedTrees: options)
        #expect(file.version == ChurnModelFile.currentVersion && file.format == ChurnModelFile.formatName)
        #expect(file.trainCutoffDay == churnSynthetic.dayRange!.upperBound - 90)
        #expect(file.model.kindName == learner.rawValue)
        let backtest = try #require(file.backtest)
        #expect(backtest.test.rocAUC > 0.6 && backtest.logisticRegressionTest.rocAUC > 0.6)
        // When it is written and read back
        let data = try file.jsonData()
        let loaded = try ChurnModelFile(jsonData: data)
        // Then it is the same model, writes the same bytes and gives the same scores to the bit
        #expect(loaded == file)
        #expect(try loaded.jsonData() == data)
        let before = try file.score(churnSynthetic), after = try loaded.score(churnSynthetic)
        #expect(before.customers == after.customers)
        #expect(before.scored.probabilities.map(\.bitPattern) == after.scored.probabilities.map(\.bitPattern))
        #expect(before.scored.reasonFeatures == after.scored.reasonFeatures)
        #expect(before.scored.reasonContributions.map(\.bitPattern) == after.scored.reasonContributions.map(\.bitPattern))
        // And ranking with the loaded model equals ranking with a freshly trained one
        let ranking = AtRiskRanking(label: label, limit: 20, options: options)
        if learner == .boostedTrees {
            #expect(try ranking.rank(churnSynthetic, using: loaded) == ranking.run(on: churnSynthetic))
        }
    }

    @Test("files of another format or a newer version are refused with a message")
    func versionChecks() throws {
        let file = try ChurnModelFile.train(on: churnSynthetic, label: label, boostedTrees: options, backtest: false)
        var newer = file
        newer.version = ChurnModelFile.currentVersion + 1
        #expect(throws: ChurnModelFileError.newerVersion(ChurnModelFile.currentVersion + 1, supported: ChurnModelFile.currentVersion)) {
            try ChurnModelFile(jsonData: newer.jsonData())
        }
        let tableModel = try file.model.jsonData()  // a bare table model, as `model train --table` saves
        #expect(throws: ChurnModelFileError.notAModelFile(format: nil)) { try ChurnModelFile(jsonData: tableModel) }
        #expect(throws: ChurnModelFileError.self) { try ChurnModelFile(jsonData: Data("[1]".utf8)) }
        #expect(ChurnModelFileError.newerVersion(2, supported: 1).description.contains("upgrade"))
    }

    @Test("scoring aligns columns by name and translates category levels")
    func alignment() throws {
        let x = FeatureMatrix(columns: [
            (.init(name: "plan", kind: .categorical(levels: ["basic", "pro"])), [0, 1, 0, 1, 0, 1, 0, 1]),
            (.init(name: "n"), [1, 2, 3, 4, 5, 6, 7, 8]),
        ])
        let labels = [false, true, false, true, false, true, true, false]
        let lr = try LogisticRegressionModel.fit(x, labels: labels)
        let file = ChurnModelFile(model: .logisticRegression(lr), features: ChurnFeatures(), label: label, trainCutoffDay: 0,
                                  trainCount: 8, trainPositives: 4, backtest: nil)
        // The same customers with the levels in another order, an unseen level and the columns swapped.
        let other = FeatureMatrix(columns: [
            (.init(name: "n"), [1, 2, 3]),
            (.init(name: "plan", kind: .categorical(levels: ["pro", "basic", "enterprise"])), [1, 0, 2]),
        ])
        let aligned = file.aligned(other)
        #expect(aligned.features == x.features)
        #expect(aligned.column(0).prefix(2) == [0, 1] && aligned[2, 0].isNaN)
        #expect(Array(aligned.column(1)) == [1, 2, 3])
        #expect(try lr.predictProbabilities(aligned).prefix(2) == lr.predictProbabilities(x).prefix(2))
    }
}
