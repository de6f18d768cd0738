import Foundation
import TenureCore

/// Timings for `tenure bench analytics`: every metric on a snapshot (``SyntheticActivity``'s of
/// any size, or a store's), whose events `ActivitySnapshot.forEachCSVChunk` exports so DuckDB can
/// be timed on identical data by `scripts/crosscheck/analytics_duckdb.py bench`.
public enum AnalyticsBenchmark {
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

    /// The settings used by ``run(on:runs:)`` and by the DuckDB side of the benchmark: the whole
    /// data range, monthly, purchases as activity, a fixed 60-day window, scoring on the last day.
    public static func range(of snapshot: ActivitySnapshot) -> DayRange {
        let r = snapshot.dayRange ?? SyntheticActivity.firstDay...SyntheticActivity.firstDay
        return DayRange(first: r.lowerBound, last: r.upperBound)
    }

    /// The inactivity window (days) of the churn and lifetime measurements, DuckDB's too.
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
        let batch = SyntheticActivity.makeRefreshBatch(for: snapshot, seed: 7)
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
