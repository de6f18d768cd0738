import Foundation
import TenureCore

/// `tenure bench journeys --triggers`: the triggers of 10 active journeys evaluated for every
/// customer of the simulated shop the segment benchmark uses (1,000,000 customers, 10,000,000
/// events over two years by default), as the scheduler does after a snapshot refresh. Nine
/// journeys have scheduled triggers (inactivity three ways, a birthday, a week before it, signup
/// + 30 days, replenishment twice, a churn-risk crossing) evaluated over the snapshot by
/// ``ScheduledTriggerEvaluator``; one has an event trigger, which costs nothing here (it fires
/// on each new event, in the event pass the campaign benchmark times).
///
/// Timed: the candidate computation, from the snapshot, the population and the two scorings to
/// every journey's firings (each customer's local day, every trigger, the firing keys). Not
/// timed: building the population (traits and filtered order facts, which the store reads once
/// per refresh and the segment service shares) and the store's enrolment of the firings.
public enum JourneyTriggersBenchmark {
    public struct Options: Sendable {
        public var customers = 1_000_000
        public var events = 10_000_000
        /// 100,000 customers and 1,000,000 events, at most 2 runs.
        public var quick = false
        public var runs = 5
        public init() {}
    }

    /// The 10 journeys' triggers.
    static let journeys: [(name: String, trigger: JourneyTrigger)] = {
        let tea = [SegmentPropertyCondition("category", .compare(.equal, .string("Tea")))]
        return [
            ("lapsed buyers", .inactivity(JourneyInactivityTrigger(days: 30, event: "Order Completed"))),
            ("gone quiet", .inactivity(JourneyInactivityTrigger(days: 60))),
            ("tea lapsed", .inactivity(JourneyInactivityTrigger(days: 45, event: "Order Completed", filter: tea))),
            ("birthday", .date(JourneyDateTrigger(source: .trait("birthday"), anniversary: true))),
            ("birthday week", .date(JourneyDateTrigger(source: .trait("birthday"), anniversary: true, offsetDays: -7))),
            ("signup + 30", .date(JourneyDateTrigger(source: .signup, offsetDays: 30))),
            ("tea refill", .replenishment(JourneyReplenishmentTrigger(event: "Order Completed", filter: tea, daysBefore: 10))),
            ("reorder", .replenishment(JourneyReplenishmentTrigger(event: "Order Completed", daysBefore: 5, minOrders: 3))),
            ("churn risk", .churnRiskAbove(0.6)),
            ("post-purchase (event)", .event(name: "Order Completed", filter: [])),
        ]
    }()

    public static func measure(_ options: Options, into record: inout BenchRecord) async throws {
        let n = options.quick ? 100_000 : options.customers, m = options.quick ? 1_000_000 : options.events
        print(BenchMachine.summary)
        let load = BenchMachine.loadAverage()
        print("generating \(ProgressLine.grouped(n)) customers and \(ProgressLine.grouped(m)) events…")
        var shop = SegmentBenchShop(customers: n, events: m, seed: 7)
        let triggers = journeys.map(\.trigger)
        var population = shop.population(ScheduledTriggerEvaluator.requirements(of: triggers))
        // Birthdays and time zones, as identify calls would have set them.
        var random = SeededGenerator(seed: 11)
        let zones = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"]
        var traits = population.traits
        for c in 0..<n {
            if Int.random(in: 0..<10, using: &random) < 7 {
                let day = DayNumber.day(year: 1950, month: 1, day: 1) + Int32.random(in: 0..<20_000, using: &random)
                traits.set(customer: c, name: "birthday", .string(DayNumber.isoString(day)))
            }
            if Bool.random(using: &random) { traits.set(customer: c, name: ScheduledTriggerEvaluator.timeZoneTrait, .string(zones.randomElement(using: &random)!)) }
        }
        population.traits = traits
        // The previous scoring: each risk moved a little (some customers were unscored).
        let latest = shop.scores.churnRisk
        let previous = latest.map { $0.isNaN || Double.random(in: 0..<1, using: &random) < 0.1 ? Double.nan : min(1, max(0, $0 + Double.random(in: -0.1...0.1, using: &random))) }
        let now = DayNumber.date(of: shop.asOf).addingTimeInterval(9 * 3600)
        let risk = ChurnRiskScorings(latest: latest, scoredAt: now, previous: previous)

        var times: [Duration] = []
        var firings: [Int] = []
        var each: [Duration] = []
        for _ in 0..<max(1, options.quick ? min(options.runs, 2) : options.runs) {
            let started = ContinuousClock.now
            let evaluator = ScheduledTriggerEvaluator(
                snapshot: shop.snapshot, population: population, now: now, defaultTimeZone: TimeZone(identifier: "Europe/London")!, risk: risk)
            each = [ContinuousClock.now - started]
            firings = triggers.map { trigger in
                let t0 = ContinuousClock.now
                let count = evaluator.firings(trigger).count
                each.append(ContinuousClock.now - t0)
                return count
            }
            times.append(ContinuousClock.now - started)
        }
        let sorted = times.sorted()
        let median = sorted[sorted.count / 2]
        print(String(format: "  local days of every customer: %.0f ms", each[0].milliseconds))
        for (i, (j, count)) in zip(journeys, firings).enumerated() {
            print(String(format: "  %@: %@ firings, %.0f ms", j.name, ProgressLine.grouped(count), each[i + 1].milliseconds))
        }
        print(String(format: "triggers of 10 journeys (9 scheduled, 1 on events) for %@ customers and %@ events: median %.0f ms, slowest %.0f ms (%d runs); %@ firings",
                     ProgressLine.grouped(n), ProgressLine.grouped(m), median.milliseconds, sorted.last!.milliseconds, times.count,
                     ProgressLine.grouped(firings.reduce(0, +))))
        record.add(
            "journeys.triggers", command: options.quick ? "tenure bench journeys --triggers --quick" : "tenure bench journeys --triggers --customers \(n) --events \(m)",
            loadAverageBefore: load,
            figures: [
                "customers": Double(n), "events": Double(m), "journeys": Double(journeys.count), "runs": Double(times.count),
                "median_ms": median.milliseconds, "max_ms": sorted.last!.milliseconds, "firings": Double(firings.reduce(0, +)),
            ])
    }
}
