import Testing
import TenureCore

@Suite("Lifecycle and stickiness")
struct LifecycleAndStickinessTests {
    @Test("PostHog lifecycle: new, returning, resurrecting, dormant (negative)")
    func lifecycle() {
        // Active months: c0 Dec, Jan, Mar; c1 Jan, Feb, Apr; c2 Feb; c3 Oct 2023 only; c4 Nov 2023, Feb.
        let s = AnalyticsFixture.snapshot([
            (0, "2023-12-10", AnalyticsFixture.open, 0), (0, "2024-01-10", AnalyticsFixture.open, 0), (0, "2024-03-10", AnalyticsFixture.page, 0),
            (1, "2024-01-02", AnalyticsFixture.open, 0), (1, "2024-01-03", AnalyticsFixture.open, 0), (1, "2024-02-29", AnalyticsFixture.order, 4),
            (1, "2024-04-01", AnalyticsFixture.open, 0),
            (2, "2024-02-15", AnalyticsFixture.open, 0),
            (3, "2023-10-01", AnalyticsFixture.open, 0),
            (4, "2023-11-30", AnalyticsFixture.open, 0), (4, "2024-02-01", AnalyticsFixture.open, 0),
        ])
        let r = LifecycleQuery(range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-04-30"))).run(on: s)
        #expect(r.rows.map(\.new) == [1, 1, 0, 0])
        #expect(r.rows.map(\.returning) == [1, 1, 0, 0])
        #expect(r.rows.map(\.resurrecting) == [0, 1, 1, 1])
        #expect(r.rows.map(\.dormant) == [0, -1, -3, -1])
        #expect(r.rows.map(\.active) == [2, 3, 1, 1])
        #expect(r.rows.map(\.incomplete) == [false, false, false, true])  // asOf = last event, Apr 1
    }

    @Test("lifecycle of purchases only")
    func purchasesOnly() {
        let s = AnalyticsFixture.snapshot([
            (0, "2024-01-10", AnalyticsFixture.order, 1), (0, "2024-02-10", AnalyticsFixture.open, 0), (0, "2024-03-10", AnalyticsFixture.order, 1),
        ])
        let r = LifecycleQuery(activity: .purchases, range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-03-31")))
            .run(on: s)
        #expect(r.rows.map(\.new) == [1, 0, 0])
        #expect(r.rows.map(\.dormant) == [0, -1, 0])
        #expect(r.rows.map(\.resurrecting) == [0, 0, 1])
    }

    @Test("stickiness counts distinct active days inside the range")
    func stickiness() {
        var rows: [(Int32, String, UInt16, Float32)] = [
            (0, "2024-01-01", AnalyticsFixture.open, 0), (0, "2024-01-01", AnalyticsFixture.page, 0), (0, "2024-01-03", AnalyticsFixture.open, 0),
            (2, "2023-12-31", AnalyticsFixture.open, 0), (2, "2024-01-08", AnalyticsFixture.open, 0),
            (3, "2024-01-07", AnalyticsFixture.open, 0),
        ]
        for d in 2...6 { rows.append((1, "2024-01-0\(d)", AnalyticsFixture.open, 0)) }
        let r = StickinessQuery(range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-01-07"))).run(on: AnalyticsFixture.snapshot(rows))
        #expect(r.periodCount == 7)
        #expect(r.activeCustomers == 3)
        #expect(r.rows.map(\.customers) == [1, 1, 0, 0, 1, 0, 0])
        #expect(r.rows[0].share == 1.0 / 3)
    }
}
