import Foundation
import TenureCore
import Testing

/// The simulator's campaign responses: response types learnable from behaviour, a response
/// model whose true uplift is exact, and response events that reproduce it.
@Suite("Simulated campaign responses with a known true uplift")
struct CampaignResponseTests {
    static let model = CampaignResponse()

    static func simulator(_ profile: SimulationProfile = .d2c, customers: Int, seed: UInt64, months: Int = 12) -> BusinessSimulator {
        try! BusinessSimulator(SimulationFixtures.configuration(profile, customers: customers, seed: seed, months: months))
    }

    /// Every customer, contacted at the end of the period, in the arm `treated` gives.
    static func deliveries(_ truths: [CustomerTruth], at time: Date, treated: (CustomerTruth) -> Bool) -> [CampaignDelivery] {
        truths.map { CampaignDelivery(userId: $0.userId, time: time, treated: treated($0)) }
    }

    @Test("every profile has all four types, and behaviour tilts them: sure things order most, lost causes least, sleeping dogs are mostly app customers")
    func typesFollowBehaviour() {
        for profile in SimulationProfile.allCases {
            let truths = SimulationFixtures.all(profile).map(\.truth)
            var byType: [CampaignResponseType: [CustomerTruth]] = [:]
            for t in truths { byType[t.campaignResponse, default: []].append(t) }
            for type in CampaignResponseType.allCases {
                let share = Double(byType[type]?.count ?? 0) / Double(truths.count)
                #expect(share > 0.03 && share < 0.7, "\(profile) \(type) share \(share)")
            }
            func meanOrders(_ type: CampaignResponseType) -> Double {
                let group = byType[type] ?? []
                return Double(group.reduce(0) { $0 + $1.orders }) / Double(max(1, group.count))
            }
            #expect(meanOrders(.sureThing) > 1.3 * meanOrders(.lostCause), "\(profile): sure things \(meanOrders(.sureThing)) orders, lost causes \(meanOrders(.lostCause))")
            if profile != .gaming {  // every player is on the app
                let appShare = { (type: CampaignResponseType) -> Double in
                    let group = byType[type] ?? []
                    return Double(group.filter { $0.platform != .web }.count) / Double(max(1, group.count))
                }
                #expect(appShare(.sleepingDog) > appShare(.persuadable) + 0.1, "\(profile): app share of sleeping dogs \(appShare(.sleepingDog))")
            }
        }
    }

    @Test("the model: persuadables up, sleeping dogs down, sure things and lost causes unchanged; nobody before signup")
    func probabilitiesByType() {
        let end = SimulationFixtures.end
        var seen = Set<CampaignResponseType>()
        for t in SimulationFixtures.d2c.prefix(2_000).map(\.truth) {
            seen.insert(t.campaignResponse)
            let treated = Self.model.probability(t, at: end, treated: true), control = Self.model.probability(t, at: end, treated: false)
            #expect(treated >= 0 && treated <= 1 && control >= 0 && control <= 1)
            switch t.campaignResponse {
            case .persuadable: #expect(treated > control)
            case .sleepingDog: #expect(treated < control && control >= Self.model.sleepingDogFloor)
            case .sureThing: #expect(treated == control && control >= Self.model.sureThingFloor)
            case .lostCause: #expect(treated == control && control <= Self.model.lostCauseCeiling)
            }
            let beforeSignup = t.signup.addingTimeInterval(-1)
            #expect(Self.model.probability(t, at: beforeSignup, treated: true) == 0 && Self.model.uplift(t, at: beforeSignup) == 0)
        }
        #expect(seen.count == 4)
    }

    /// 40 replicate campaigns over the same 2,000 customers, each customer in both arms: the
    /// mean of (treated order − control order) estimates the true uplift with a standard error
    /// of about 0.002, and the exact value must lie within 4 of them.
    @Test("the true average uplift equals the Monte-Carlo average of the generated responses")
    func trueUpliftMatchesMonteCarlo() {
        let simulator = Self.simulator(customers: 2_000, seed: 31)
        let truths = simulator.map(\.truth)
        let byId = Dictionary(uniqueKeysWithValues: truths.map { ($0.userId, $0) })
        let end = SimulationFixtures.end
        let exact = Self.model.averageUplift(truths.map { ($0, end) })
        var differences: [Double] = []
        for replicate in 0..<40 {
            let time = end.addingTimeInterval(Double(replicate))
            let treated = simulator.campaignResponses(to: Self.deliveries(truths, at: time) { _ in true }, model: Self.model, truths: byId)
            let control = simulator.campaignResponses(to: Self.deliveries(truths, at: time) { _ in false }, model: Self.model, truths: byId)
            #expect(abs(treated.trueUplift - exact) < 1e-12)
            let d = Double(treated.treatedCounts.successes - control.controlCounts.successes) / Double(truths.count)
            differences.append(d)
        }
        let (mean, se) = SimulationFixtures.meanAndStandardError(differences)
        #expect(exact > 0.02, "the d2c mix should help on average, true uplift \(exact)")
        #expect(abs(mean - exact) < 4 * max(se, 0.001), "Monte-Carlo \(mean) ± \(se) against exact \(exact)")
    }

    @Test("responses are deterministic, inside their windows, one order per converted customer, and unknown ids are counted")
    func responseEvents() {
        let simulator = Self.simulator(customers: 500, seed: 5)
        let end = SimulationFixtures.end
        var deliveries = (0..<500).map { i in CampaignDelivery(userId: simulator.customer(at: i).truth.userId, time: end, treated: i % 2 == 0) }
        deliveries.append(CampaignDelivery(userId: "someone-else", time: end, treated: true))
        let a = simulator.campaignResponses(to: deliveries), b = simulator.campaignResponses(to: deliveries)
        #expect(a.messages == b.messages && a.outcomes == b.outcomes)
        #expect(a.unknownCustomers == 1 && a.outcomes.count == 500)
        #expect(a.messages.count == a.outcomes.filter(\.ordered).count && !a.messages.isEmpty)
        #expect(Set(a.messages.map(\.messageId)).count == a.messages.count)
        for m in a.messages {
            #expect(m.name == StandardEvent.orderCompleted && m.timestamp > end && m.timestamp < end.addingTimeInterval(14 * 86_400))
            #expect((m.properties["revenue"]?.doubleValue ?? 0) > 0)
        }
        // A customer's response does not depend on who else was contacted.
        let alone = simulator.campaignResponses(to: [deliveries[3]])
        #expect(alone.outcomes.first == a.outcomes[3])
    }

    /// The issue's statistical test: 100 seeded runs (20 seeded businesses of 2,000 customers,
    /// five campaigns each with their own holdout and response draws), a 30 % holdout chosen by
    /// the journeys' own hash, responses from the simulator. Newcombe's 95 % interval for treated −
    /// control conversion must cover the true average uplift in at least 90 runs (95 expected; 90
    /// is 2.3 standard deviations below), and be informative: about ±0.045 at these sizes
    /// (se ≈ √(0.22/600 + 0.22/1,400) ≈ 0.023), so a mean width under 0.12.
    @Test("the journey's uplift CI covers the true uplift in at least 90 of 100 seeded runs, with a sane width")
    func coverageOverSeededRuns() {
        var covered = 0, widths = 0.0, errors = 0.0, significant = 0, runs = 0
        let end = SimulationFixtures.end
        for business in 0..<20 {
            let simulator = Self.simulator(customers: 2_000, seed: 1_000 + UInt64(business), months: 6)
            let truths = simulator.map(\.truth)
            let byId = Dictionary(uniqueKeysWithValues: truths.map { ($0.userId, $0) })
            for campaign in 0..<5 {
                runs += 1
                let journey = "win-back \(campaign)", time = end.addingTimeInterval(Double(campaign) * 3_600)
                let deliveries = Self.deliveries(truths, at: time) { !JourneyHoldout.isHeldOut(customer: $0.userId, journey: journey, share: 0.3) }
                let responses = simulator.campaignResponses(to: deliveries, model: Self.model, truths: byId)
                let estimate = UpliftEstimate.proportions(treatment: responses.treatedCounts, control: responses.controlCounts)
                guard let interval = estimate.interval, let uplift = estimate.uplift else {
                    Issue.record("business \(business), campaign \(campaign): no interval (\(estimate.unavailable?.description ?? "?"))")
                    continue
                }
                if interval.contains(responses.trueUplift) { covered += 1 }
                if estimate.isSignificant { significant += 1 }
                widths += interval.upper - interval.lower
                errors += uplift - responses.trueUplift
            }
        }
        #expect(runs == 100)
        #expect(covered >= 90, "covered the truth in \(covered) of 100 runs")
        #expect(widths / 100 < 0.12 && widths / 100 > 0.03, "mean interval width \(widths / 100)")
        #expect(abs(errors / 100) < 0.01, "mean error \(errors / 100): the estimate is biased")
        // Over the whole base (recent buyers included) the true uplift is about +0.02 to +0.03,
        // so only some runs detect it (about 20); none at all would mean intervals too wide to use.
        #expect(significant >= 10, "the uplift was significant in only \(significant) runs")
    }
}
