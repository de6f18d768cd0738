import Foundation
import Testing
import TenureCore

/// 3,000 customers with exponential lifetimes (mean 300 days) over two years: churners stop all
/// activity, so recency and frequency carry signal.
let churnSynthetic = SyntheticActivity.makeSnapshot(customers: 3_000, events: 30_000, seed: 1)

@Suite("Churn backtest and at-risk ranking")
struct ChurnBacktestTests {
    let label = ChurnLabel.noPurchase(horizonDays: 90, lookbackDays: 365)
    let t1 = SyntheticActivity.firstDay + 450
    /// Small enough for a debug build.
    let options = GradientBoostedTreesModel.Options(trees: 40, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)

    @Test("out-of-time AUC is clearly above chance and the run is deterministic")
    func backtest() throws {
        let backtest = ChurnBacktest(label: label, trainCutoffDay: t1, options: options)
        let report = try backtest.run(on: churnSynthetic)
        print("churn backtest:", report.test.rocAUC, report.test.averagePrecision, report.test.liftTopDecile,
              report.test.brierScore, "baseline", report.recencyBaselineAUC, "n", report.trainCount, report.test.count,
              report.featureImportance.prefix(4).map { "\($0.feature) \($0.share)" })
        #expect(report.testCutoffDay == t1 + 90)
        #expect(report.trainCount > 300 && report.test.count > 300)
        #expect(report.test.rocAUC > 0.7)
        #expect(report.test.liftTopDecile > 1.1)
        #expect(report.test.brierScore < 0.25)
        #expect(!report.test.calibration.isEmpty)
        #expect(try backtest.run(on: churnSynthetic) == report)
    }

    @Test("at-risk list is ranked by expected loss, each with reasons and an action")
    func atRisk() throws {
        let ranking = AtRiskRanking(label: label, limit: 50, options: options)
        let report = try ranking.run(on: churnSynthetic)
        let last = try #require(churnSynthetic.dayRange?.upperBound)
        #expect(report.cutoffDay == last && report.trainCutoffDay == last - 90)
        #expect(report.customers.count == 50 && report.scoredCount >= 50)
        let losses = report.customers.map(\.expectedLoss)
        #expect(losses == losses.sorted(by: >))
        for entry in report.customers {
            #expect(!entry.reasons.isEmpty && entry.reasons.count <= 3)
            #expect((0...1).contains(entry.churnRisk))
            #expect(entry.predictedCLV > 0)
            #expect(abs(entry.expectedLoss - entry.churnRisk * entry.predictedCLV) < 1e-9)
            #expect(entry.probabilityAlive.map { (0...1).contains($0) } ?? false)
        }
        print("at-risk top 3:", report.customers.prefix(3).map { "\($0.customer) risk \($0.churnRisk) clv \($0.predictedCLV) \($0.action.rawValue) \($0.reasons.map { "\($0.feature)=\($0.value ?? "-")" })" })
        print("actions:", Dictionary(grouping: report.customers, by: \.action).mapValues(\.count))
        // Every customer's scores are kept beside the report, not in its JSON (a million customers'
        // columns are rebuilt by the next scoring): the rest round-trips.
        #expect(report.scores?.scoredCount == report.scoredCount)
        let decoded = try JSONDecoder().decode(AtRiskReport.self, from: JSONEncoder().encode(report))
        var coded = report
        coded.scores = nil
        #expect(decoded == coded)
    }
}
