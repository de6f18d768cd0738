import Foundation
import HTTPTypes
import Hummingbird
import TenureCore
import TenureStore

/// Retention reports as JSON (admin key), under `/api/v1/reports/`:
///
/// - `cohorts`: cohort retention matrix (counts, percentages, revenue and incomplete flags per
///   cell). `start` and `return`: `purchase` (default), `any`, or event names (comma-separated,
///   e.g. `Session Started`); `kind=first_time|recurring`; `mode=exact|on_or_after`.
/// - `churn` (`window` in days, default derived from the data) and `subscriptions/churn`
///   (contractual): churn and retention rate per period.
/// - `rfm` (`lookback` in days, default all history): segments with counts and revenue share, and
///   the R × FM grid; `rfm/movement?from=…&to=…`: customers moving between segments.
/// - `lifecycle`, `purchases`, `stickiness` (`activity`: an event selector as for cohorts,
///   default `any`), `clv`, `lifetime` (`grouping=none|cohort|plan`), `mrr` (MRR movements, revenue
///   churn and net revenue retention). `lifetime` also takes `window` (days, as for `churn`).
///
/// Common parameters: `unit` (day, week, month, quarter), `from` and `through` (YYYY-MM-DD; default
/// the data's first and last day). A bad parameter answers 400 with `invalid_parameter` naming it.
public struct ReportsController: Sendable {
    let cache: SnapshotCache
    let authenticator: APIKeyAuthenticator

    public init(cache: SnapshotCache, authenticator: APIKeyAuthenticator) {
        self.cache = cache
        self.authenticator = authenticator
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/reports")
        group.get("/cohorts") { request, _ in
            let p = try await parameters(request)
            let query = request.uri.queryParameters
            let kind: CohortRetentionQuery.CohortType = try Self.choice(
                "kind", query["kind"], ["first_time": .firstTime, "recurring": .recurring], default: .firstTime)
            let mode: CohortRetentionQuery.ReturnMode = try Self.choice(
                "mode", query["mode"], ["exact": .exact, "on_or_after": .onOrAfter], default: .exact)
            return try AdminController.encode(
                CohortRetentionQuery(
                    startEvent: try Self.events("start", query["start"], default: .purchases, in: p.snapshot.eventTypes),
                    returnEvent: try Self.events("return", query["return"], default: .purchases, in: p.snapshot.eventTypes),
                    cohortType: kind, mode: mode, unit: p.unit, range: p.range, asOf: p.range.last
                ).run(on: p.snapshot))
        }
        group.get("/churn") { request, _ in
            let p = try await parameters(request)
            let window = try Self.days("window", request.uri.queryParameters["window"])
            return try AdminController.encode(NonContractualChurnQuery(windowDays: window, unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/rfm") { request, _ in
            let p = try await parameters(request)
            let lookback = try Self.days("lookback", request.uri.queryParameters["lookback"])
            let report = RFMQuery(asOf: p.range.last, lookbackDays: lookback).run(on: p.snapshot)
            return try AdminController.encode(RFMSummary(report))
        }
        group.get("/rfm/movement") { request, _ in
            let p = try await parameters(request)
            let query = request.uri.queryParameters
            guard let from = try Self.day("from", query["from"]) else { throw Self.bad("from", "the first scoring date, such as 2026-01-31") }
            let to = try Self.day("to", query["to"]) ?? p.range.last
            guard from < to else { throw Self.bad("from", "a day before `to`") }
            let lookback = try Self.days("lookback", query["lookback"])
            let matrix = RFMTransitionMatrix(
                snapshot: p.snapshot, query: RFMQuery(asOf: to, lookbackDays: lookback), from: from, to: to)
            return try AdminController.encode(RFMMovement(matrix))
        }
        group.get("/lifecycle") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(LifecycleQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/subscriptions/churn") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(
                ContractualChurnQuery(unit: p.unit, range: p.range, asOf: p.range.last).run(on: p.store.subscriptions(asOf: p.range.last)))
        }
        group.get("/mrr") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(
                RecurringRevenueQuery(unit: p.unit, range: p.range, asOf: p.range.last).run(on: p.store.subscriptions(asOf: p.range.last)))
        }
        group.get("/lifetime") { request, _ in
            let p = try await parameters(request)
            let grouping: CustomerLifetimeQuery.Grouping
            switch request.uri.queryParameters["grouping"] {
            case nil, "none": grouping = .none
            case "cohort": grouping = .cohort(p.unit)
            case "plan": grouping = .plan
            default: throw Self.bad("grouping", "none, cohort or plan")
            }
            let window = try Self.days("window", request.uri.queryParameters["window"])
            let query = CustomerLifetimeQuery(grouping: grouping, asOf: p.range.last)
            if case .plan = grouping {
                return try AdminController.encode(query.run(on: p.store.subscriptions(asOf: p.range.last)))
            }
            return try AdminController.encode(query.run(on: p.snapshot, windowDays: window))
        }
        group.get("/clv") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(HistoricalCLVQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/stickiness") { request, _ in
            let p = try await parameters(request)
            let activity = try Self.events("activity", request.uri.queryParameters["activity"], default: .any, in: p.snapshot.eventTypes)
            return try AdminController.encode(StickinessQuery(activity: activity, unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/purchases") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(PurchaseMetricsQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
    }
}
