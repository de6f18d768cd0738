import Foundation
import Testing
import TenureCore

@Suite("Scheduled triggers over the snapshot")
struct ScheduledTriggerEvaluatorTests {
    static let utc = TimeZone(identifier: "UTC")!

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int32 { DayNumber.day(year: y, month: m, day: d) }

    /// Noon UTC on a civil date.
    static func noon(_ y: Int, _ m: Int, _ d: Int) -> Date { DayNumber.date(of: day(y, m, d)).addingTimeInterval(12 * 3600) }

    static func snapshot(_ events: [(customer: Int32, day: Int32, name: String)], customers: Int) -> ActivitySnapshot {
        var b = ActivitySnapshotBuilder(customerCount: customers)
        for e in events { b.add(customer: e.customer, day: e.day, typeName: e.name) }
        return b.build()
    }

    static func population(customers: Int, traits: [Int: [String: JSONValue]], names: Set<String>) -> SegmentPopulation {
        var table = SegmentTraitTable(customerCount: customers, names: names.union(["timezone"]))
        for (c, t) in traits { table.set(customer: c, traits: t) }
        return SegmentPopulation(customerCount: customers, asOf: 0, traits: table)
    }

    func keys(_ firings: [ScheduledTriggerFiring]) -> [Int32: String] {
        Dictionary(uniqueKeysWithValues: firings.map { ($0.customer, $0.key) })
    }

    @Test("inactivity fires on the 30th day after the last qualifying event, not the 29th, up to the catch-up days late, never later; identify calls are not activity")
    func inactivity() {
        let last = Self.day(2025, 5, 10)
        let snapshot = Self.snapshot([(0, last - 40, "Order Completed"), (0, last, "Order Completed"), (1, last + 5, "Order Completed"),
                                      (2, last, "page"), (2, last + 20, "identify")], customers: 4)
        let population = Self.population(customers: 4, traits: [:], names: [])
        let orders = JourneyTrigger.inactivity(JourneyInactivityTrigger(days: 30, event: "Order Completed"))
        let any = JourneyTrigger.inactivity(JourneyInactivityTrigger(days: 30))
        func at(_ d: Int32, _ t: JourneyTrigger) -> [Int32: String] {
            keys(ScheduledTriggerEvaluator(snapshot: snapshot, population: population, now: DayNumber.date(of: d).addingTimeInterval(60), defaultTimeZone: Self.utc).firings(t))
        }
        #expect(at(last + 29, orders).isEmpty)
        #expect(at(last + 30, orders) == [0: "inactive:2025-05-10"])
        #expect(at(last + 30 + ScheduledTriggerEvaluator.catchUpDays, orders) == [0: "inactive:2025-05-10"])
        #expect(at(last + 31 + ScheduledTriggerEvaluator.catchUpDays, orders) == [:])
        #expect(at(last + 35, orders) == [1: "inactive:2025-05-15"])
        // Any tracked event: customer 2's page view counts, their identify does not.
        #expect(at(last + 30, any) == [0: "inactive:2025-05-10", 2: "inactive:2025-05-10"])
    }

    @Test("a birthday on Feb 29 fires on Feb 28 in a non-leap year and on Feb 29 in a leap year; the offset moves it; a plain date fires once")
    func leapBirthday() {
        let snapshot = Self.snapshot([], customers: 2)
        let population = Self.population(customers: 2, traits: [0: ["birthday": "2000-02-29"], 1: ["birthday": "1990-06-15T08:30:00Z"]], names: ["birthday"])
        func at(_ date: Date, _ t: JourneyDateTrigger) -> [Int32: String] {
            keys(ScheduledTriggerEvaluator(snapshot: snapshot, population: population, now: date, defaultTimeZone: Self.utc).firings(.date(t)))
        }
        let birthday = JourneyDateTrigger(source: .trait("birthday"), anniversary: true)
        #expect(at(Self.noon(2025, 2, 27), birthday) == [:])
        #expect(at(Self.noon(2025, 2, 28), birthday) == [0: "date:2025-02-28"])
        #expect(at(Self.noon(2028, 2, 28), birthday) == [:])
        #expect(at(Self.noon(2028, 2, 29), birthday) == [0: "date:2028-02-29"])
        #expect(at(Self.noon(2025, 6, 15), birthday) == [1: "date:2025-06-15"])
        let weekBefore = JourneyDateTrigger(source: .trait("birthday"), anniversary: true, offsetDays: -7)
        #expect(at(Self.noon(2025, 6, 7), weekBefore) == [:])
        #expect(at(Self.noon(2025, 6, 8), weekBefore) == [1: "date:2025-06-08"])
        #expect(at(Self.noon(2025, 2, 21), weekBefore) == [0: "date:2025-02-21"])
        // Across a new year: a Jan 3 birthday 7 days before is Dec 27 of the year before.
        let january = Self.population(customers: 1, traits: [0: ["birthday": "1980-01-03"]], names: ["birthday"])
        #expect(keys(ScheduledTriggerEvaluator(snapshot: Self.snapshot([], customers: 1), population: january, now: Self.noon(2024, 12, 27), defaultTimeZone: Self.utc)
            .firings(.date(weekBefore))) == [0: "date:2024-12-27"])
        let once = JourneyDateTrigger(source: .trait("birthday"))
        #expect(at(Self.noon(1990, 6, 15), once) == [1: "date:1990-06-15"])
        #expect(at(Self.noon(2025, 6, 15), once) == [:])
    }

    @Test("a customer in another time zone fires on their own local day")
    func timeZones() {
        let snapshot = Self.snapshot([], customers: 3)
        let population = Self.population(
            customers: 3,
            traits: [0: ["birthday": "1990-03-10", "timezone": "Pacific/Auckland"], 1: ["birthday": "1990-03-10"],
                     2: ["birthday": "1990-03-10", "timezone": "Not/AZone"]],
            names: ["birthday"])
        let t = JourneyTrigger.date(JourneyDateTrigger(source: .trait("birthday"), anniversary: true))
        // 12:00 UTC on Mar 9 is 01:00 on Mar 10 in Auckland (UTC+13).
        let early = ScheduledTriggerEvaluator(snapshot: snapshot, population: population, now: Self.noon(2025, 3, 9), defaultTimeZone: Self.utc)
        #expect(keys(early.firings(t)) == [0: "date:2025-03-10"])
        // An invalid zone falls back to the business's: Berlin's Mar 10 begins at 23:00 UTC on Mar 9.
        let berlin = ScheduledTriggerEvaluator(
            snapshot: snapshot, population: population, now: DayNumber.date(of: Self.day(2025, 3, 9)).addingTimeInterval(23.5 * 3600),
            defaultTimeZone: TimeZone(identifier: "Europe/Berlin")!)
        #expect(keys(berlin.firings(t)) == [0: "date:2025-03-10", 1: "date:2025-03-10", 2: "date:2025-03-10"])
    }

    @Test("signup + 30 days counts from the first-seen day")
    func signup() {
        let first = Self.day(2025, 1, 1)
        let snapshot = Self.snapshot([(0, first, "page"), (0, first + 3, "Order Completed"), (1, first + 10, "page")], customers: 3)
        let e = ScheduledTriggerEvaluator(snapshot: snapshot, population: Self.population(customers: 3, traits: [:], names: []),
                                          now: DayNumber.date(of: first + 30), defaultTimeZone: Self.utc)
        #expect(keys(e.firings(.date(JourneyDateTrigger(source: .signup, offsetDays: 30)))) == [0: "date:2025-01-31"])
    }

    @Test("replenishment fires days_before the predicted run-out, from the filtered orders only, with the forecast")
    func replenishment() throws {
        let d = Self.day(2025, 1, 1)
        let snapshot = Self.snapshot([], customers: 2)
        let source = SegmentEventSource(event: "Order Completed", filter: [SegmentPropertyCondition("category", .compare(.equal, .string("tea")))])
        var facts = SegmentEventFacts(asOf: d)
        for (c, day, category) in [(0, d, "tea"), (0, d + 20, "tea"), (0, d + 40, "tea"), (0, d + 45, "coffee"), (1, d, "tea")] as [(Int32, Int32, String)] {
            facts.append(customer: c, day: day, properties: ["category": .string(category)], of: source)
        }
        let population = SegmentPopulation(customerCount: 2, asOf: d, traits: SegmentTraitTable(customerCount: 2, names: []), events: [source: facts])
        let trigger = JourneyTrigger.replenishment(JourneyReplenishmentTrigger(event: "Order Completed", filter: source.filter, daysBefore: 10))
        #expect(ScheduledTriggerEvaluator.requirements(of: [trigger]).eventSources == [source])
        func at(_ day: Int32) -> [ScheduledTriggerFiring] {
            ScheduledTriggerEvaluator(snapshot: snapshot, population: population, now: DayNumber.date(of: day), defaultTimeZone: Self.utc).firings(trigger)
        }
        #expect(at(d + 49).isEmpty)
        let fired = try #require(at(d + 50).first)
        #expect(fired.customer == 0 && fired.key == "replenish:" + DayNumber.isoString(d + 40))
        #expect(fired.replenishment == ReplenishmentForecast(intervalDays: 20, lastOrderDay: d + 40, runsOutOn: d + 60, orders: 3))
    }

    @Test("a churn-risk crossing fires when the latest risk reaches the threshold and the previous was below or unscored")
    func churnCrossing() {
        let snapshot = Self.snapshot([], customers: 5)
        let scoredAt = Date(timeIntervalSince1970: 1_750_000_000)
        let risk = ChurnRiskScorings(latest: [0.7, 0.7, 0.5, 0.6, .nan], scoredAt: scoredAt, previous: [0.5, 0.65, 0.7, .nan])
        let e = ScheduledTriggerEvaluator(snapshot: snapshot, population: Self.population(customers: 5, traits: [:], names: []), now: scoredAt,
                                          defaultTimeZone: Self.utc, risk: risk)
        let key = "risk:" + ISO8601Timestamp.format(scoredAt)
        #expect(keys(e.firings(.churnRiskAbove(0.6))) == [0: key, 3: key])
        let unscored = ScheduledTriggerEvaluator(snapshot: snapshot, population: Self.population(customers: 5, traits: [:], names: []), now: scoredAt, defaultTimeZone: Self.utc)
        #expect(unscored.firings(.churnRiskAbove(0.6)).isEmpty)
    }
}
