import Foundation
import Testing
import TenureCore

@Suite("Churn rates")
struct ChurnTests {
    static let range = DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-04-30"))

    // Window 30 days. Spells (first inactive day in brackets):
    // c0: orders 2023-12-15, 01-10 | 02-20           → Dec 15…[Feb 9], Feb 20…[Mar 21]
    // c1: order 01-31                                 → Jan 31…[Mar 1]
    // c2: orders 03-31, 04-25                         → Mar 31…[May 25]
    // c3: app opens only                              → never active
    // c4: orders 01-01, 01-31 (gap = window: one spell) → Jan 1…[Mar 1]
    static let snapshot = AnalyticsFixture.snapshot([
        (0, "2023-12-15", AnalyticsFixture.order, 1), (0, "2024-01-10", AnalyticsFixture.order, 1), (0, "2024-02-20", AnalyticsFixture.order, 1),
        (1, "2024-01-31", AnalyticsFixture.order, 1),
        (2, "2024-03-31", AnalyticsFixture.order, 1), (2, "2024-04-25", AnalyticsFixture.order, 1),
        (3, "2024-01-05", AnalyticsFixture.open, 0), (3, "2024-03-05", AnalyticsFixture.open, 0),
        (4, "2024-01-01", AnalyticsFixture.order, 1), (4, "2024-01-31", AnalyticsFixture.order, 1),
    ])

    @Test("non-contractual: lost when the inactivity window runs out inside the period")
    func nonContractual() throws {
        let r = NonContractualChurnQuery(windowDays: 30, range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")).run(on: Self.snapshot)
        #expect(r.rows.map(\.activeAtStart) == [1, 3, 3, 1])
        #expect(r.rows.map(\.lost) == [0, 1, 3, 0])
        #expect(r.rows.map(\.acquired) == [2, 0, 1, 0])
        #expect(r.rows.map(\.reactivated) == [0, 1, 0, 0])
        #expect(r.rows.map(\.activeAtEnd) == [3, 3, 1, 1])
        #expect(r.rows.map(\.churnRate) == [0, 1.0 / 3, 1, 0])
        #expect(r.rows.map(\.retentionRate) == [1, 1 - 1.0 / 3, 0, 1])
        #expect(r.rows.map(\.incomplete) == [false, false, false, false])
        let window = try #require(r.inactivityWindow)
        #expect(window.days == 30)
        #expect(window.derivation == .fixed)
    }

    @Test("non-contractual: events after asOf are ignored and the open period is flagged")
    func nonContractualAsOf() {
        let r = NonContractualChurnQuery(windowDays: 30, range: Self.range, asOf: AnalyticsFixture.day("2024-04-15")).run(on: Self.snapshot)
        #expect(r.rows.count == 4)
        #expect(r.rows[3].incomplete)
        #expect(r.rows[3].activeAtStart == 1)
        #expect(r.rows[3].lost == 0)
        #expect(r.rows[3].activeAtEnd == 1)
    }

    @Test("the default window is the 90th percentile of gaps between activity days")
    func derivedWindow() {
        // One customer, gaps 1, 2, …, 20 days; a second order on the same day adds no gap.
        var rows: [(Int32, String, UInt16, Float32)] = []
        var d = AnalyticsFixture.day("2024-01-01")
        rows.append((0, DayNumber.isoString(d), AnalyticsFixture.order, 1))
        rows.append((0, DayNumber.isoString(d), AnalyticsFixture.order, 1))
        for g in 1...20 {
            d += Int32(g)
            rows.append((0, DayNumber.isoString(d), AnalyticsFixture.order, 1))
        }
        let w = InactivityWindow.derived(from: AnalyticsFixture.snapshot(rows))
        // Nearest rank ⌈0.9 × 20⌉ = 18th smallest gap = 18 days.
        #expect(w.days == 18)
        #expect(w.derivation == .gapPercentile(percentile: 0.9, gapCount: 20))
        #expect(w.explanation.contains("90th percentile of 20 gaps"))
        let median = InactivityWindow.derived(from: AnalyticsFixture.snapshot(rows), percentile: 0.5)
        #expect(median.days == 10)
        // Too few gaps: the fallback, said so.
        let few = InactivityWindow.derived(from: Self.snapshot)
        #expect(few.days == InactivityWindow.fallbackDays)
        #expect(few.derivation == .fallback(gapCount: 4))  // c0: 2, c2: 1, c4: 1
        // The churn report states the derived window.
        let r = NonContractualChurnQuery(range: Self.range).run(on: AnalyticsFixture.snapshot(rows))
        #expect(r.inactivityWindow?.days == 18)
    }

    // c0: plan 0 Jan 15…Mar 10 at 10/month, then plan 1 from Mar 10 at 20 (a switch, no gap).
    // c1: Dec 1…Feb 1 at 30, cancelled Jan 20. c2: Jan 1…Jan 31 at 5, back Mar 5 at 5.
    static let spans = SubscriptionSpans(spans: [
        SubscriptionSpan(customer: 0, plan: 0, startDay: AnalyticsFixture.day("2024-01-15"), endDay: AnalyticsFixture.day("2024-03-10"), monthlyAmount: 10),
        SubscriptionSpan(customer: 0, plan: 1, startDay: AnalyticsFixture.day("2024-03-10"), monthlyAmount: 20),
        SubscriptionSpan(
            customer: 1, plan: 0, startDay: AnalyticsFixture.day("2023-12-01"), endDay: AnalyticsFixture.day("2024-02-01"), monthlyAmount: 30,
            cancelledDay: AnalyticsFixture.day("2024-01-20")),
        SubscriptionSpan(customer: 2, plan: 0, startDay: AnalyticsFixture.day("2024-01-01"), endDay: AnalyticsFixture.day("2024-01-31"), monthlyAmount: 5),
        SubscriptionSpan(customer: 2, plan: 0, startDay: AnalyticsFixture.day("2024-03-05"), monthlyAmount: 5),
    ], plans: ["basic", "pro"])

    @Test("contractual: lost when the last subscription ends; plan switches are not losses")
    func contractual() {
        let r = ContractualChurnQuery(range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")).run(on: Self.spans)
        #expect(r.definition == .contractual)
        #expect(r.rows.map(\.activeAtStart) == [1, 2, 1, 2])
        #expect(r.rows.map(\.lost) == [0, 1, 0, 0])
        #expect(r.rows.map(\.acquired) == [2, 0, 0, 0])
        #expect(r.rows.map(\.reactivated) == [0, 0, 1, 0])
        #expect(r.rows.map(\.activeAtEnd) == [2, 1, 2, 2])
        #expect(r.rows.map(\.churnRate) == [0, 0.5, 0, 0])
    }

    @Test("contractual on the cancellation basis: lost the day they ask to cancel")
    func contractualCancellation() {
        let r = ContractualChurnQuery(basis: .cancellation, range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")).run(on: Self.spans)
        #expect(r.rows.map(\.activeAtStart) == [1, 1, 1, 2])
        #expect(r.rows.map(\.lost) == [1, 0, 0, 0])
        #expect(r.rows[0].churnRate == 1)
    }

    @Test("MRR movements, revenue churn and net revenue retention")
    func recurringRevenue() {
        let r = RecurringRevenueQuery(range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")).run(on: Self.spans)
        #expect(r.rows.map(\.openingMRR) == [30, 40, 10, 25])
        #expect(r.rows.map(\.closingMRR) == [40, 10, 25, 25])
        #expect(r.rows.map(\.newMRR) == [10, 0, 0, 0])
        #expect(r.rows.map(\.churnedMRR) == [0, 30, 0, 0])
        #expect(r.rows.map(\.expansionMRR) == [0, 0, 10, 0])
        #expect(r.rows.map(\.contractionMRR) == [0, 0, 0, 0])
        #expect(r.rows.map(\.reactivationMRR) == [0, 0, 5, 0])
        #expect(r.rows.map(\.customersAtStart) == [1, 2, 1, 2])
        #expect(r.rows.map(\.customersChurned) == [0, 1, 0, 0])
        #expect(r.rows.map(\.revenueChurnRate) == [0, 0.75, 0, 0])
        #expect(r.rows.map(\.netRevenueRetention) == [1, 0.25, 2, 1])
    }

    @Test("spans rebuilt from subscription events: yearly ÷ 12, lapses, upgrades")
    func spansFromChanges() throws {
        func change(_ name: String, _ iso: String, _ props: [String: JSONValue]) throws -> SubscriptionChange {
            let m = Message(
                kind: .track, messageId: UUID().uuidString, userId: "u", name: name,
                timestamp: DayNumber.date(of: AnalyticsFixture.day(iso)), properties: props)
            return try #require(SubscriptionChange(message: m))
        }
        let changes: [(customer: Int32, change: SubscriptionChange)] = [
            (0, try change(StandardEvent.subscriptionStarted, "2024-01-15", ["amount": 120, "interval": "year", "plan": "pro"])),
            (0, try change(StandardEvent.subscriptionCancelled, "2024-03-01", [:])),
            (1, try change(StandardEvent.subscriptionStarted, "2024-01-01", ["amount": 10, "plan": "basic"])),
            (1, try change(StandardEvent.subscriptionRenewed, "2024-02-01", ["amount": 10])),
            (2, try change(StandardEvent.subscriptionStarted, "2024-01-01", ["amount": 10, "plan": "basic"])),
            (2, try change(StandardEvent.subscriptionRenewed, "2024-02-01", ["amount": 15])),
        ]
        let s = SubscriptionSpans(changes: changes, asOf: AnalyticsFixture.day("2024-05-01"))
        #expect(s.spans.count == 4)
        let pro = try #require(s.spans.first { $0.customer == 0 })
        #expect(pro.monthlyAmount == 10)
        #expect(s.plans[Int(pro.plan)] == "pro")
        #expect(pro.cancelledDay == AnalyticsFixture.day("2024-03-01"))
        #expect(pro.endDay == AnalyticsFixture.day("2025-01-15"))
        let basic = s.spans.filter { $0.customer == 1 }
        #expect(basic.count == 1)
        // Renewed Feb 1 for a month, no renewal since: lapsed at the end of the paid month.
        #expect(basic.first?.endDay == AnalyticsFixture.day("2024-03-01"))
        let upgraded = s.spans.filter { $0.customer == 2 }
        #expect(upgraded.map(\.monthlyAmount) == [10, 15])
        #expect(upgraded.map(\.endDay) == [AnalyticsFixture.day("2024-02-01"), AnalyticsFixture.day("2024-03-01")])
    }
}
