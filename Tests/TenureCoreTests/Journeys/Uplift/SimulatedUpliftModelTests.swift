import Foundation
import TenureCore
import Testing

/// The T-learner on a simulated win-back campaign: the customers' response types are hidden, and
/// the model sees only behaviour (recency, frequency, monetary value, tenure, platform) and the
/// randomized treatment/control outcomes.
@Suite("T-learner uplift model on simulated campaign responses")
struct SimulatedUpliftModelTests {
    struct Campaign {
        var x: FeatureMatrix
        var types: [CampaignResponseType]
        var treated: [Bool]
        var outcomes: [Bool]
        var trueUplift: [Double]
    }

    /// 6,000 d2c customers, half held out, contacted at the end of the period; features from
    /// their messages alone.
    static let campaign: Campaign = {
        let end = SimulationFixtures.end
        let simulator = try! BusinessSimulator(SimulationFixtures.configuration(.d2c, customers: 6_000, seed: 77))
        var recency: [Float] = [], orders: [Float] = [], value: [Float] = [], tenure: [Float] = [], platform: [Float] = []
        var truths: [String: CustomerTruth] = [:], deliveries: [CampaignDelivery] = []
        for customer in simulator {
            let purchases = customer.messages.filter(SimulationFixtures.isOrder)
            let revenue = purchases.reduce(0.0) { $0 + (SimulationFixtures.number($1, "revenue") ?? 0) }
            let first = customer.messages.first?.timestamp ?? end
            recency.append(Float(end.timeIntervalSince(purchases.last?.timestamp ?? first) / 86_400))
            orders.append(Float(purchases.count))
            value.append(purchases.isEmpty ? .nan : Float(revenue / Double(purchases.count)))
            tenure.append(Float(end.timeIntervalSince(first) / 86_400))
            platform.append(Float(CustomerTruth.Platform.allCases.firstIndex(of: customer.truth.platform) ?? 0))
            truths[customer.truth.userId] = customer.truth
            deliveries.append(CampaignDelivery(
                userId: customer.truth.userId, time: end,
                treated: !JourneyHoldout.isHeldOut(customer: customer.truth.userId, journey: "win-back", share: 0.5)))
        }
        let responses = simulator.campaignResponses(to: deliveries, truths: truths)
        let x = FeatureMatrix(columns: [
            (FeatureMatrix.Feature(name: "days_since_last_order"), recency), (FeatureMatrix.Feature(name: "orders"), orders),
            (FeatureMatrix.Feature(name: "average_order_value"), value), (FeatureMatrix.Feature(name: "tenure_days"), tenure),
            (FeatureMatrix.Feature(name: "platform", kind: .categorical(levels: CustomerTruth.Platform.allCases.map(\.rawValue))), platform),
        ])
        return Campaign(
            x: x, types: responses.outcomes.map(\.type), treated: responses.outcomes.map(\.delivery.treated),
            outcomes: responses.outcomes.map(\.ordered), trueUplift: responses.outcomes.map(\.trueUplift))
    }()

    @Test("cross-fitted predictions rank persuadables above sleeping dogs, and the Qini coefficient is well above random")
    func ranksPersuadablesAboveSleepingDogs() throws {
        let c = Self.campaign
        let scores = try TLearnerUpliftModel.crossFittedUplift(c.x, treated: c.treated, outcomes: c.outcomes, folds: 2, seed: 3)
        func mean(_ type: CampaignResponseType) -> Double {
            let rows = c.types.indices.filter { c.types[$0] == type }
            return rows.reduce(0) { $0 + scores[$1] } / Double(max(1, rows.count))
        }
        #expect(mean(.persuadable) > mean(.sleepingDog) + 0.05, "persuadables \(mean(.persuadable)), sleeping dogs \(mean(.sleepingDog))")
        #expect(mean(.persuadable) > mean(.sureThing) && mean(.persuadable) > mean(.lostCause))
        let qini = try QiniCurve(scores: scores, treated: c.treated, outcomes: c.outcomes)
        let coefficient = try #require(qini.coefficient)
        // Ranking by the true uplift reaches about 0.12 on these outcomes (the perfect curve, which
        // knows the outcomes, is far above any ranking); the model gets about half of it.
        let oracle = try #require(try QiniCurve(scores: c.trueUplift, treated: c.treated, outcomes: c.outcomes).coefficient)
        #expect(coefficient > 0.03 && coefficient > 0.3 * oracle, "Qini coefficient \(coefficient), ranking by the truth \(oracle)")
        #expect(coefficient < oracle, "the model \(coefficient) beat the truth \(oracle)")
        // A ranking that ignores the customers is the random baseline.
        let constant = try #require(try QiniCurve(scores: c.trueUplift.map { _ in 0 }, treated: c.treated, outcomes: c.outcomes).coefficient)
        #expect(abs(constant) < 1e-9)
    }

    @Test("cross-fitting refuses a journey without a holdout")
    func needsBothArms() {
        let c = Self.campaign
        #expect(throws: UpliftModelError.noControlCustomers) {
            try TLearnerUpliftModel.crossFittedUplift(c.x, treated: c.treated.map { _ in true }, outcomes: c.outcomes)
        }
    }
}
