import Foundation
import Testing
import TenureCore

@Suite("Classification metrics")
struct ClassificationMetricsTests {
    // scikit-learn documentation examples (roc_auc_score, average_precision_score, brier_score_loss, log_loss).
    @Test func scikitLearnDocumentationExamples() {
        let labels = [false, false, true, true]
        let scores = [0.1, 0.4, 0.35, 0.8]
        #expect(abs(ClassificationMetrics.rocAUC(scores: scores, labels: labels) - 0.75) < 1e-12)
        #expect(abs(ClassificationMetrics.averagePrecision(scores: scores, labels: labels) - 0.8333333333333333) < 1e-12)
        let brier = ClassificationMetrics.brierScore(probabilities: [0.1, 0.9, 0.8, 0.3], labels: [false, true, true, false])
        #expect(abs(brier - 0.0375) < 1e-12)
        let loss = ClassificationMetrics.logLoss(probabilities: [0.9, 0.1, 0.2, 0.65], labels: [true, false, false, true])
        #expect(abs(loss - 0.21616187468057912) < 1e-12)
    }

    @Test func tiesCountHalf() {
        #expect(ClassificationMetrics.rocAUC(scores: [0.5, 0.5, 0.5, 0.5], labels: [true, false, true, false]) == 0.5)
        // One positive tied with one negative above another negative: (1 + 0.5) / 2.
        #expect(ClassificationMetrics.rocAUC(scores: [0.2, 0.7, 0.7], labels: [false, false, true]) == 0.75)
        // All tied: AP is the churn rate.
        #expect(ClassificationMetrics.averagePrecision(scores: [1, 1, 1, 1], labels: [true, false, false, false]) == 0.25)
        #expect(ClassificationMetrics.rocAUC(scores: [0.1, 0.2], labels: [true, true]).isNaN)
    }

    @Test func liftInTheTopDecile() {
        // 20 customers, 4 churners; the top 2 by score are both churners: rate 1 vs 0.2 → lift 5.
        var scores = (0..<20).map { Double($0) }
        var labels = [Bool](repeating: false, count: 20)
        labels[19] = true; labels[18] = true; labels[0] = true; labels[1] = true
        #expect(ClassificationMetrics.lift(scores: scores, labels: labels, topFraction: 0.1) == 5)
        // A tie straddling the cut counts proportionally: top 2 out of a 4-way tie holding 2 churners.
        scores = [Double](repeating: 0, count: 20)
        for k in 16..<20 { scores[k] = 1 }
        labels = [Bool](repeating: false, count: 20)
        labels[19] = true; labels[16] = true; labels[0] = true; labels[1] = true
        #expect(abs(ClassificationMetrics.lift(scores: scores, labels: labels, topFraction: 0.1) - 2.5) < 1e-12)
    }

    @Test func calibrationDecilesCoverEveryCustomer() {
        var generator = SeededGenerator(seed: 7)
        let p = (0..<1003).map { _ in generator.nextUnitInterval() }
        let y = p.map { _ in generator.nextUnitInterval() < 0.3 }
        let table = ClassificationMetrics.calibration(probabilities: p, labels: y, bins: 10)
        #expect(table.count == 10)
        #expect(table.map(\.count).reduce(0, +) == 1003)
        #expect(zip(table, table.dropFirst()).allSatisfy { $0.maxPredicted <= $1.minPredicted })
        let observed = table.reduce(0.0) { $0 + $1.observedRate * Double($1.count) }
        #expect(Int(observed.rounded()) == y.filter { $0 }.count)
    }

    /// Same scores through scikit-learn 1.x must give the same AUC, AP, Brier and log loss to 1e-9.
    @Test func matchesScikitLearn() throws {
        var generator = SeededGenerator(seed: 2024)
        var rows = ["label,score"]
        var scores: [Double] = [], labels: [Bool] = []
        for _ in 0..<3000 {
            // Rounded scores create many ties.
            let s = (generator.nextUnitInterval() * 50).rounded() / 50
            let y = generator.nextUnitInterval() < 0.2 + 0.6 * s
            scores.append(s)
            labels.append(y)
            rows.append("\(y ? 1 : 0),\(s)")
        }
        let file = LearnTestSupport.temporaryFile("scores.csv")
        try rows.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        guard let reference = try LearnTestSupport.runSklearn(["metrics", file.path]) else { return }
        let auc = try #require(reference["roc_auc"] as? Double)
        let ap = try #require(reference["average_precision"] as? Double)
        let brier = try #require(reference["brier"] as? Double)
        let logLoss = try #require(reference["log_loss"] as? Double)
        #expect(abs(ClassificationMetrics.rocAUC(scores: scores, labels: labels) - auc) < 1e-9)
        #expect(abs(ClassificationMetrics.averagePrecision(scores: scores, labels: labels) - ap) < 1e-9)
        #expect(abs(ClassificationMetrics.brierScore(probabilities: scores, labels: labels) - brier) < 1e-9)
        #expect(abs(ClassificationMetrics.logLoss(probabilities: scores, labels: labels) - logLoss) < 1e-9)
    }
}

@Suite("Data splits")
struct DataSplitTests {
    @Test func stratifiedFoldsPartitionTheRowsAndKeepTheChurnRate() throws {
        let labels = (0..<1000).map { $0 % 4 == 0 }
        let folds = try DataSplit.stratifiedKFold(labels: labels, k: 5, seed: 1)
        #expect(folds.count == 5)
        let tested = folds.flatMap(\.test).sorted()
        #expect(tested == Array(0..<1000))
        for fold in folds {
            #expect(Set(fold.train).isDisjoint(with: fold.test))
            #expect(fold.train.count + fold.test.count == 1000)
            #expect(fold.test.filter { labels[$0] }.count == 50)
        }
        #expect(try DataSplit.stratifiedKFold(labels: labels, k: 5, seed: 1) == folds)
        #expect(try DataSplit.stratifiedKFold(labels: labels, k: 5, seed: 2) != folds)
    }

    @Test func holdoutKeepsTheFractionPerClass() throws {
        let labels = (0..<1000).map { $0 % 5 == 0 }
        let split = try DataSplit.holdout(labels: labels, testFraction: 0.2, seed: 3)
        #expect(split.test.count == 200)
        #expect(split.test.filter { labels[$0] }.count == 40)
        #expect(Set(split.train).union(split.test).count == 1000)
    }

    @Test func tooFewChurnersForTheFoldsIsAnError() {
        #expect(throws: LearnError.tooFewRowsForFolds(folds: 5, minorityCount: 3)) {
            try DataSplit.stratifiedKFold(labels: [true, true, true] + [Bool](repeating: false, count: 20), k: 5, seed: 0)
        }
    }
}
