import Foundation
import Testing
import TenureCore

@Suite("At-risk ranking explains only the kept customers")
struct AtRiskExplanationTests {
    let label = ChurnLabel.noPurchase(horizonDays: 90, lookbackDays: 365)
    /// Small enough for a debug build.
    let options = GradientBoostedTreesModel.Options(trees: 30, learningRate: 0.1, maxDepth: 3, minChildWeight: 5, maxBins: 32, seed: 1)

    @Test("top-only reasons give the same order and the same reasons as explaining everyone")
    func topOnlyExplanations() throws {
        // Given a model trained on the synthetic shop
        let model = try ChurnModelFile.train(on: churnSynthetic, label: label, boostedTrees: options, backtest: false)
        // When every customer is ranked, only the top 25 explained, and ranked again with 60 kept
        let everyone = try AtRiskRanking(label: label, limit: .max, explainedCount: 25).rank(churnSynthetic, using: model)
        let kept = try AtRiskRanking(label: label, limit: 60).rank(churnSynthetic, using: model)
        // And every customer is explained the old way (TreeSHAP for all, before ranking)
        let reference = try model.score(churnSynthetic)
        let rowOf = Dictionary(uniqueKeysWithValues: reference.customers.enumerated().map { ($1, $0) })

        // Then everyone scored is in the ranking, ordered by expected loss
        #expect(everyone.customers.count == everyone.scoredCount && everyone.scoredCount == reference.customers.count)
        #expect(everyone.scoredCount > 500)
        let losses = everyone.customers.map(\.expectedLoss)
        #expect(losses == losses.sorted(by: >))
        // Risks agree with the explaining scorer (trees summed directly vs base value + contributions)
        for c in everyone.customers {
            #expect(abs(c.churnRisk - reference.scored.probabilities[rowOf[c.customer]!]) < 1e-9)
        }
        // The kept list is the head of the full ranking, with the same figures
        #expect(kept.customers.map(\.customer) == everyone.customers.prefix(60).map(\.customer))
        #expect(kept.customers.map(\.expectedLoss) == everyone.customers.prefix(60).map(\.expectedLoss))
        #expect(kept.customers.map(\.action) == everyone.customers.prefix(60).map(\.action))
        // And the reasons of every kept customer are exactly those of explaining everyone
        for (i, c) in kept.customers.enumerated() {
            let row = try #require(rowOf[c.customer])
            let expected = reference.scored.reasons(row: row, in: reference.features)
            #expect(!expected.isEmpty)
            #expect(c.reasons == expected, "customer \(c.customer)")
            if i < 25 { #expect(everyone.customers[i].reasons == expected) }
        }
        // Beyond the explained head, reasons are left empty …
        let unexplained = everyone.customers.dropFirst(25).filter { !$0.reasons.isEmpty }
        #expect(unexplained.isEmpty)
        // … and computed on demand, the same as explaining everyone
        let later = everyone.customers.dropFirst(25).prefix(200).map(\.customer) + [everyone.customers.last!.customer]
        let onDemand = try model.reasons(churnSynthetic, customers: later)
        for (customer, reasons) in zip(later, onDemand) {
            #expect(reasons == reference.scored.reasons(row: rowOf[customer]!, in: reference.features), "customer \(customer)")
        }
    }

    @Test("training samples are seeded, uniform, in customer order and only taken above the cap")
    func trainingSample() throws {
        let sample = ChurnTrainingSample(maxCustomers: 1_000, seed: 7)
        #expect(sample.rows(outOf: 800) == Array(0..<800))
        let rows = sample.rows(outOf: 10_000)
        #expect(rows.count == 1_000 && Set(rows).count == 1_000)
        #expect(rows == rows.sorted() && rows.first! >= 0 && rows.last! < 10_000)
        #expect(sample.rows(outOf: 10_000) == rows)
        #expect(ChurnTrainingSample(maxCustomers: 1_000, seed: 8).rows(outOf: 10_000) != rows)
        // Spread over the whole range: about a tenth of each tenth.
        for decile in 0..<10 {
            let n = rows.filter { $0 / 1_000 == decile }.count
            #expect((60...140).contains(n), "decile \(decile): \(n)")
        }
        // A model trained on a capped sample says so, and still ranks.
        let capped = try ChurnModelFile.train(
            on: churnSynthetic, label: label, boostedTrees: options, backtest: false, sample: ChurnTrainingSample(maxCustomers: 400))
        let full = try ChurnModelFile.train(on: churnSynthetic, label: label, boostedTrees: options, backtest: false, sample: .everyone)
        #expect(capped.trainCount == 400 && full.trainCount > 400)
        #expect(capped.trainPositives < full.trainPositives)
        #expect(try AtRiskRanking(label: label, limit: 10).rank(churnSynthetic, using: capped).customers.count == 10)
    }

    @Test("exit feedback is read from exit surveys and account closures only")
    func exitFeedback() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        func feedback(_ name: String, _ p: [String: JSONValue]) -> ExitFeedback? { ExitFeedback(event: name, properties: p, at: at) }
        #expect(feedback("Survey Responded", ["survey": "exit", "reason": "price"]) == ExitFeedback(source: .survey, reason: "price", at: at))
        #expect(feedback("Survey Responded", ["survey_name": "Why are you cancelling?", "answer": "  moving "])?.reason == "moving")
        #expect(feedback("Survey Responded", ["type": "churn-survey", "exit_reason": "bugs"])?.reason == "bugs")
        #expect(feedback("Survey Responded", ["survey": "nps", "reason": "price"]) == nil)
        #expect(feedback("Survey Responded", ["reason": "price"]) == nil)
        #expect(feedback("Survey Responded", ["survey": "exit", "score": 3]) == nil)
        #expect(feedback("Survey Responded", ["survey": "exit", "reason": "   "]) == nil)
        #expect(feedback("Account Closed", ["reason": "privacy"]) == ExitFeedback(source: .accountClosed, reason: "privacy", at: at))
        #expect(feedback("Account Deleted", ["cancel_reason": "duplicate account"])?.source == .accountClosed)
        #expect(feedback("Account Closed", [:]) == nil)
        #expect(feedback("Subscription Cancelled", ["reason": "price"]) == nil)
        #expect(feedback("Survey Responded", ["survey": "exit", "reason": .string(String(repeating: "x", count: 500))])?.reason.count == 200)
    }
}
