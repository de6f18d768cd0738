import Testing
import TenureCore

@Suite("Customer lifetime (Kaplan–Meier)")
struct CustomerLifetimeTests {
    /// Remission weeks of the 6-MP arm of Freireich et al. (1963), the classic Kaplan–Meier example
    /// (MASS::gehan); `false` = censored.
    static let sixMP: [(Int32, Bool)] = [
        (6, true), (6, true), (6, true), (6, false), (7, true), (9, false), (10, true), (10, false), (11, false),
        (13, true), (16, true), (17, false), (19, false), (20, false), (22, true), (23, true), (25, false),
        (32, false), (32, false), (34, false), (35, false),
    ]

    @Test("reproduces R survfit(conf.type = 'log-log') on the 6-MP data")
    func referenceCurve() throws {
        let curve = SurvivalCurve(durations: Self.sixMP.map(\.0), observed: Self.sixMP.map(\.1))
        let eventPoints = curve.points.filter { $0.events > 0 }
        // time, n.risk, n.event, survival, std.err, lower 95%, upper 95% as printed by
        // summary(survfit(Surv(time, cens) ~ 1, data = gehan[gehan$treat == "6-MP", ], conf.type = "log-log")).
        let reference: [(Int, Int, Int, Double, Double, Double, Double)] = [
            (6, 21, 3, 0.857, 0.0764, 0.620, 0.952),
            (7, 17, 1, 0.807, 0.0869, 0.563, 0.923),
            (10, 15, 1, 0.753, 0.0963, 0.503, 0.889),
            (13, 12, 1, 0.690, 0.1068, 0.432, 0.849),
            (16, 11, 1, 0.627, 0.1141, 0.368, 0.805),
            (22, 7, 1, 0.538, 0.1282, 0.268, 0.747),
            (23, 6, 1, 0.448, 0.1346, 0.188, 0.680),
        ]
        #expect(eventPoints.count == reference.count)
        for (p, r) in zip(eventPoints, reference) {
            #expect(p.time == r.0 && p.atRisk == r.1 && p.events == r.2)
            #expect(abs(p.survival - r.3) < 0.0005, "S(\(p.time))")
            #expect(abs(p.standardError - r.4) < 0.00005, "se(\(p.time))")
            #expect(abs(p.lower - r.5) < 0.0005, "lower(\(p.time))")
            #expect(abs(p.upper - r.6) < 0.0005, "upper(\(p.time))")
        }
        #expect(curve.medianDays == 23)
        // R: print(fit, rmean = "common") → rmean 23.287 up to τ = 35 (the area under the steps:
        // 6 + 0.857 + 3·0.807 + 3·0.753 + 3·0.690 + 6·0.627 + 0.538 + 12·0.448).
        #expect(curve.restrictionDays == 35)
        #expect(abs(curve.restrictedMeanDays - 23.287) < 0.001)
        #expect(curve.subjects == 21 && curve.events == 9)
        #expect(curve.survival(at: 12) == eventPoints[2].survival)
    }

    @Test("non-contractual lifetimes: first loss observed, still-active customers censored at asOf")
    func nonContractual() throws {
        // Window 30. c0: Jan 1, Jan 20 → lost Feb 19 (49 days). c1: Jun 15, still active on Jun 30
        // (censored at 16 days). c2: Mar 1, then May 1 → first lost Mar 31 (30 days).
        let s = AnalyticsFixture.snapshot([
            (0, "2024-01-01", AnalyticsFixture.order, 1), (0, "2024-01-20", AnalyticsFixture.order, 1),
            (1, "2024-06-15", AnalyticsFixture.order, 1),
            (2, "2024-03-01", AnalyticsFixture.order, 1), (2, "2024-05-01", AnalyticsFixture.order, 1),
        ])
        let r = CustomerLifetimeQuery(grouping: .cohort(.month), asOf: AnalyticsFixture.day("2024-06-30")).run(on: s, windowDays: 30)
        let c = r.overall
        #expect(c.points.map(\.time) == [16, 30, 49])
        #expect(c.points.map(\.censored) == [1, 0, 0])
        #expect(c.points.map(\.survival) == [1, 0.5, 0])
        #expect(c.medianDays == 30)
        #expect(c.restrictedMeanDays == 39.5)
        #expect(r.groups.map(\.label) == ["2024-01", "2024-03", "2024-06"])
        #expect(r.inactivityWindow?.days == 30)
    }

    @Test("contractual lifetimes from subscription spans, grouped by first plan")
    func contractual() {
        let spans = SubscriptionSpans(spans: [
            SubscriptionSpan(customer: 0, plan: 0, startDay: AnalyticsFixture.day("2024-01-15"), endDay: AnalyticsFixture.day("2024-03-10"), monthlyAmount: 10),
            SubscriptionSpan(customer: 0, plan: 1, startDay: AnalyticsFixture.day("2024-03-10"), monthlyAmount: 20),
            SubscriptionSpan(customer: 1, plan: 1, startDay: AnalyticsFixture.day("2023-12-01"), endDay: AnalyticsFixture.day("2024-02-01"), monthlyAmount: 30),
            SubscriptionSpan(customer: 2, plan: 0, startDay: AnalyticsFixture.day("2024-01-01"), endDay: AnalyticsFixture.day("2024-01-31"), monthlyAmount: 5),
            SubscriptionSpan(customer: 2, plan: 0, startDay: AnalyticsFixture.day("2024-03-05"), monthlyAmount: 5),
        ], plans: ["basic", "pro"])
        let r = CustomerLifetimeQuery(grouping: .plan, asOf: AnalyticsFixture.day("2024-04-30")).run(on: spans)
        // c2 30 days (lost), c1 62 days (lost), c0 still subscribed after 107 days (censored).
        #expect(r.overall.points.map(\.time) == [30, 62, 107])
        #expect(r.overall.points.map(\.events) == [1, 1, 0])
        #expect(r.overall.medianDays == 62)
        #expect(r.groups.map(\.label) == ["basic", "pro"])
        #expect(r.groups[0].curve.subjects == 2)
        #expect(r.groups[1].curve.points.map(\.time) == [62])
    }
}
