import Foundation

/// Synthetic data and timings for `tenure bench analytics`: builds a realistic snapshot of any
/// size from a seed, times every metric on it, and (with
/// ``ActivitySnapshot/forEachCSVChunk(eventsPerChunk:_:)``) exports the same events so DuckDB
/// can be timed on identical data by `scripts/crosscheck/analytics_duckdb.py bench`.
public enum AnalyticsBenchmark {
    /// First day of synthetic data: 2023-01-01.
    public static let syntheticFirstDay: Int32 = 19_358

    /// Synthetic events as unordered rows: `customers` customers acquired uniformly over `days`
    /// days from ``syntheticFirstDay``, each active for an exponential lifetime (mean 300 days),
    /// exactly `events` events in all (at least one per customer; gamma-distributed activity).
    /// 30 % are `Order Completed` with a whole-number value (log-normal, median 33), the rest app
    /// opens, pages and screens. Requires `events ≥ customers`.
    public static func makeSyntheticBatch(customers: Int, events: Int, seed: UInt64, days: Int = 730) -> ActivityEventBatch {
        precondition(customers > 0 && events >= customers, "need at least one event per customer")
        var rng = SeededGenerator(seed: seed)
        var weights = [Double](repeating: 0, count: customers)
        var total = 0.0
        for c in 0..<customers {
            weights[c] = rng.nextGamma(shape: 0.7, rate: 1)
            total += weights[c]
        }
        let spare = events - customers
        var counts = weights.map { 1 + Int(Double(spare) * $0 / total) }
        var remaining = events - counts.reduce(0, +)
        var c = 0
        while remaining > 0 {
            counts[c % customers] += 1
            remaining -= 1
            c += 1
        }
        var batch = ActivityEventBatch(minimumCapacity: events)
        for c in 0..<customers {
            let acquired = Int(rng.nextUnitInterval() * Double(days))
            let lifetime = rng.nextExponential(rate: 1.0 / 300)
            let end = min(Double(days - 1), Double(acquired) + lifetime)
            let span = end - Double(acquired)
            for e in 0..<counts[c] {
                let day = e == 0 ? acquired : acquired + Int(rng.nextUnitInterval() * (span + 1))
                let u = rng.nextUnitInterval()
                let type: UInt16, value: Float32
                if u < 0.3 || e == 0 && u < 0.6 {
                    type = EventTypeTable.orderCompleted
                    value = Float32(max(1, rng.nextLogNormal(mu: 3.5, sigma: 0.8).rounded()))
                } else if u < 0.75 {
                    type = EventTypeTable.applicationOpened
                    value = 0
                } else if u < 0.9 {
                    type = EventTypeTable.page
                    value = 0
                } else {
                    type = EventTypeTable.screen
                    value = 0
                }
                batch.append(customer: Int32(c), day: syntheticFirstDay + Int32(day), type: type, value: value)
            }
        }
        return batch
    }

    /// The snapshot of ``makeSyntheticBatch(customers:events:seed:days:)``.
    public static func makeSyntheticSnapshot(customers: Int, events: Int, seed: UInt64, days: Int = 730) -> ActivitySnapshot {
        var builder = ActivitySnapshotBuilder(customerCount: customers)
        builder.add(makeSyntheticBatch(customers: customers, events: events, seed: seed, days: days))
        return builder.build()
    }

    /// A refresh batch for `snapshot`: `events` events on its last two days, 1 % of them from
    /// `newCustomers` customers not yet in it, the rest from random existing customers.
    public static func makeRefreshBatch(
        for snapshot: ActivitySnapshot, events: Int = 10_000, newCustomers: Int = 100, seed: UInt64
    ) -> ActivityEventBatch {
        var rng = SeededGenerator(seed: seed)
        let last = snapshot.dayRange?.upperBound ?? syntheticFirstDay
        var batch = ActivityEventBatch(minimumCapacity: events)
        for i in 0..<events {
            let c = i % 100 == 0 && newCustomers > 0
                ? snapshot.customerCount + Int(rng.next() % UInt64(newCustomers))
                : Int(rng.next() % UInt64(max(snapshot.customerCount, 1)))
            let isOrder = rng.nextUnitInterval() < 0.3
            batch.append(
                customer: Int32(c), day: last + Int32(rng.next() % 2) - 1,
                type: isOrder ? EventTypeTable.orderCompleted : EventTypeTable.applicationOpened,
                value: isOrder ? Float32(rng.nextLogNormal(mu: 3.5, sigma: 0.8).rounded()) : 0)
        }
        return batch
    }

    /// One timed operation.
    public struct Measurement: Sendable, Hashable, Codable {
        public var name: String
        /// Fastest of the runs, in seconds (wall clock).
        public var bestSeconds: Double
        /// Median of the runs, in seconds (wall clock).
        public var medianSeconds: Double
        /// Least CPU time of the runs, in seconds, summed over all the process's threads: on a
        /// loaded machine it shows the work done where the wall clock also shows the waiting.
        public var bestCPUSeconds: Double
        public var runs: Int
    }

    /// Times `body` `runs` times.
    public static func measure(_ name: String, runs: Int = 5, _ body: () -> Void) -> Measurement {
        let clock = ContinuousClock()
        var times: [Double] = [], cpu: [Double] = []
        for _ in 0..<max(runs, 1) {
            let c = processCPUSeconds()
            let d = clock.measure(body)
            cpu.append(processCPUSeconds() - c)
            times.append(d.inSeconds)
        }
        times.sort()
        return Measurement(
            name: name, bestSeconds: times[0], medianSeconds: times[times.count / 2], bestCPUSeconds: cpu.min()!, runs: times.count)
    }

    /// CPU time used so far by every thread of this process, in seconds.
    /// The settings used by ``run(on:runs:)`` and by the DuckDB side of the benchmark: the whole
    /// data range, monthly, purchases as activity, a fixed 60-day window, scoring on the last day.
    public static func range(of snapshot: ActivitySnapshot) -> DayRange {
        let r = snapshot.dayRange ?? syntheticFirstDay...syntheticFirstDay
        return DayRange(first: r.lowerBound, last: r.upperBound)
    }

    public static let benchmarkWindowDays: Int32 = 60

    /// Times every metric on `snapshot` (whole range, monthly), plus a 10,000-event refresh.
    public static func run(on snapshot: ActivitySnapshot, runs: Int = 5) -> [Measurement] {
        let range = range(of: snapshot)
        var out: [Measurement] = []
        func keep<T>(_ value: T) { withExtendedLifetime(value) {} }
        out.append(measure("cohort retention matrix (monthly, first-time)", runs: runs) {
            keep(CohortRetentionQuery(range: range).run(on: snapshot))
        })
        out.append(measure("cohort retention matrix (monthly, recurring, on or after)", runs: runs) {
            keep(CohortRetentionQuery(cohortType: .recurring, mode: .onOrAfter, range: range).run(on: snapshot))
        })
        out.append(measure("non-contractual churn per month (60-day window)", runs: runs) {
            keep(NonContractualChurnQuery(windowDays: benchmarkWindowDays, range: range).run(on: snapshot))
        })
        out.append(measure("non-contractual churn per month (derived window)", runs: runs) {
            keep(NonContractualChurnQuery(range: range).run(on: snapshot))
        })
        out.append(measure("RFM scores and segments", runs: runs) {
            keep(RFMQuery(asOf: range.last).run(on: snapshot))
        })
        let batch = makeRefreshBatch(for: snapshot, seed: 7)
        out.append(measure("refresh: append 10,000 events", runs: runs) {
            keep(snapshot.appending(batch))
        })
        let refreshed = snapshot.appending(batch)
        out.append(measure("cohort retention matrix after refresh (delta merged on the fly)", runs: runs) {
            keep(CohortRetentionQuery(range: range).run(on: refreshed))
        })
        out.append(measure("compaction after refresh", runs: max(1, runs / 2)) {
            keep(refreshed.compacted())
        })
        out.append(measure("lifecycle per month", runs: runs) {
            keep(LifecycleQuery(range: range).run(on: snapshot))
        })
        out.append(measure("stickiness (months active)", runs: runs) {
            keep(StickinessQuery(unit: .month, range: range).run(on: snapshot))
        })
        out.append(measure("purchase metrics per month (AOV, frequency, repeat rate)", runs: runs) {
            keep(PurchaseMetricsQuery(range: range).run(on: snapshot))
        })
        out.append(measure("historical CLV per customer and monthly cohort", runs: runs) {
            keep(HistoricalCLVQuery(range: range).run(on: snapshot))
        })
        out.append(measure("customer lifetime (Kaplan–Meier, 60-day window, monthly cohorts)", runs: runs) {
            keep(CustomerLifetimeQuery(grouping: .cohort(.month), asOf: range.last).run(on: snapshot, windowDays: benchmarkWindowDays))
        })
        return out
    }
}
