import Testing
import TenureCore

@Suite("Cohort retention matrix")
struct CohortRetentionTests {
    // Jan cohort: c0 (Jan, Feb, Apr) and c1 (Jan, Mar). Feb cohort: c2 (Feb, Mar).
    // c3 first appears in Dec 2023: outside the range for first-time cohorts.
    static let snapshot = AnalyticsFixture.snapshot([
        (0, "2024-01-05", AnalyticsFixture.open, 0), (0, "2024-02-10", AnalyticsFixture.order, 10), (0, "2024-04-01", AnalyticsFixture.open, 0),
        (1, "2024-01-20", AnalyticsFixture.order, 5), (1, "2024-03-03", AnalyticsFixture.open, 0),
        (2, "2024-02-02", AnalyticsFixture.open, 0), (2, "2024-02-20", AnalyticsFixture.order, 7), (2, "2024-03-15", AnalyticsFixture.open, 0),
        (3, "2023-12-02", AnalyticsFixture.open, 0), (3, "2024-01-10", AnalyticsFixture.open, 0),
    ])
    static let range = DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-04-30"))

    @Test("first-time cohorts, exact periods, with revenue and incomplete periods")
    func firstTimeExact() {
        let m = CohortRetentionQuery(range: Self.range, asOf: AnalyticsFixture.day("2024-04-15")).run(on: Self.snapshot)
        #expect(m.cohorts.map(\.period.label) == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(m.cohorts.map(\.size) == [2, 1, 0, 0])
        #expect(m.cohorts[0].counts == [2, 1, 1, 1])
        #expect(m.cohorts[0].percentages == [100, 50, 50, 50])
        #expect(m.cohorts[0].revenue == [5, 10, 0, 0])
        #expect(m.cohorts[0].incomplete == [false, false, false, true])
        #expect(m.cohorts[1].counts == [1, 1, 0])
        #expect(m.cohorts[1].revenue == [7, 0, 0])
        #expect(m.cohorts[3].counts == [0])
    }

    @Test("on or after: a customer counts in every period up to their last return")
    func onOrAfter() {
        let m = CohortRetentionQuery(mode: .onOrAfter, range: Self.range, asOf: AnalyticsFixture.day("2024-04-15")).run(on: Self.snapshot)
        #expect(m.cohorts[0].counts == [2, 2, 2, 1])
        #expect(m.cohorts[1].counts == [1, 1, 0])
    }

    @Test("recurring cohorts: every active period is a cohort the customer belongs to")
    func recurring() {
        let m = CohortRetentionQuery(cohortType: .recurring, range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")).run(on: Self.snapshot)
        // Jan: c0, c1, c3. Feb: c0, c2. Mar: c1, c2. Apr: c0.
        #expect(m.cohorts.map(\.size) == [3, 2, 2, 1])
        // Jan cohort returns: Feb c0; Mar c1; Apr c0.
        #expect(m.cohorts[0].counts == [3, 1, 1, 1])
        // Feb cohort: Mar c2; Apr c0.
        #expect(m.cohorts[1].counts == [2, 1, 1])
        #expect(m.cohorts[2].counts == [2, 0])
        #expect(m.cohorts[0].revenue == [5, 10, 0, 0])
        #expect(m.cohorts[1].revenue == [17, 0, 0])
        #expect(m.cohorts[0].incomplete == [false, false, false, false])
    }

    @Test("start and return events can differ: first purchase, then any purchase")
    func purchaseCohorts() {
        let m = CohortRetentionQuery(
            startEvent: .purchases, returnEvent: .purchases, range: Self.range, asOf: AnalyticsFixture.day("2024-04-30")
        ).run(on: Self.snapshot)
        // First orders: c1 Jan; c0 Feb; c2 Feb. Nobody orders again.
        #expect(m.cohorts.map(\.size) == [1, 2, 0, 0])
        #expect(m.cohorts[1].counts == [2, 0, 0])
        // Revenue after the cohort's start period still counts; the Jan open of c0 is before its cohort.
        #expect(m.cohorts[1].revenue == [17, 0, 0])
    }

    @Test("weekly cohorts with returns in the same week ignored")
    func weekly() {
        let s = AnalyticsFixture.snapshot([
            (0, "2024-01-01", AnalyticsFixture.open, 0), (0, "2024-01-07", AnalyticsFixture.open, 0), (0, "2024-01-08", AnalyticsFixture.open, 0),
            (1, "2024-01-07", AnalyticsFixture.open, 0), (1, "2024-01-21", AnalyticsFixture.open, 0),
        ])
        let m = CohortRetentionQuery(
            unit: .week, range: DayRange(first: AnalyticsFixture.day("2024-01-01"), last: AnalyticsFixture.day("2024-01-21"))
        ).run(on: s)
        #expect(m.cohorts[0].counts == [2, 1, 1])
    }
}
