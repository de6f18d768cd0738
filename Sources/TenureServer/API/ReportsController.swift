import Foundation
import HTTPTypes
import Hummingbird
import TenureCore
import TenureStore

/// Retention reports as JSON (admin key): `/api/v1/reports/cohorts`, `churn`, `rfm`,
/// `lifecycle`, `purchases`, `stickiness`, `clv`, `lifetime` (`grouping=none|cohort|plan`),
/// `mrr` and `subscriptions/churn` (contractual). Query parameters: `unit` (day, week, month, quarter),
/// `from` and `through` (YYYY-MM-DD; default the data's first and last day), and for churn
/// `window` (days; default derived from the data), for cohorts `mode=on_or_after`.
public struct ReportsController: Sendable {
    let cache: SnapshotCache
    let authenticator: APIKeyAuthenticator

    public init(cache: SnapshotCache, authenticator: APIKeyAuthenticator) {
        self.cache = cache
        self.authenticator = authenticator
    }

    struct Parameters {
        var store: StoreSnapshot
        var snapshot: ActivitySnapshot
        var unit: PeriodUnit
        var range: DayRange
    }

    public func addRoutes(to router: Router<TenureRequestContext>) {
        let group = router.group("/api/v1/reports")
        group.get("/cohorts") { request, _ in
            let p = try await parameters(request)
            let onOrAfter = request.uri.queryParameters["mode"].map { $0 == "on_or_after" } ?? false
            return try AdminController.encode(
                CohortRetentionQuery(startEvent: .purchases, returnEvent: .purchases, mode: onOrAfter ? .onOrAfter : .exact, unit: p.unit, range: p.range)
                    .run(on: p.snapshot))
        }
        group.get("/churn") { request, _ in
            let p = try await parameters(request)
            var window: Int32?
            if let text = request.uri.queryParameters["window"] {
                guard let days = Int32(text), days > 0, days <= 3650 else { throw Self.bad("window", "a number of days from 1 to 3650") }
                window = days
            }
            return try AdminController.encode(NonContractualChurnQuery(windowDays: window, unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/rfm") { request, _ in
            let p = try await parameters(request)
            let report = RFMQuery(asOf: p.range.last).run(on: p.snapshot)
            return try AdminController.encode(RFMSummary(asOf: DayNumber.isoString(report.asOf), segments: report.summary, grid: report.grid))
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
            let query = CustomerLifetimeQuery(grouping: grouping, asOf: p.range.last)
            if case .plan = grouping {
                return try AdminController.encode(query.run(on: p.store.subscriptions(asOf: p.range.last)))
            }
            return try AdminController.encode(query.run(on: p.snapshot))
        }
        group.get("/clv") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(HistoricalCLVQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/stickiness") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(StickinessQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
        group.get("/purchases") { request, _ in
            let p = try await parameters(request)
            return try AdminController.encode(PurchaseMetricsQuery(unit: p.unit, range: p.range).run(on: p.snapshot))
        }
    }

    struct RFMSummary: Encodable {
        var asOf: String
        var segments: [RFMReport.SegmentSummary]
        var grid: [[Int]]
    }

    private func parameters(_ request: Request) async throws -> Parameters {
        _ = try await authenticator.require(.admin, headers: request.headers)
        let query = request.uri.queryParameters
        var unit = PeriodUnit.month
        if let text = query["unit"] {
            guard let parsed = PeriodUnit(rawValue: String(text)) else { throw Self.bad("unit", "one of day, week, month, quarter") }
            unit = parsed
        }
        let stored = try await cache.current()
        let snapshot = stored.activity
        guard let data = snapshot.dayRange else {
            throw APIError(status: .notFound, code: "no_data", message: "the store has no events yet")
        }
        func day(_ name: String) throws -> Int32? {
            guard let text = query[Substring(name)] else { return nil }
            guard let date = ISO8601Timestamp.parse(String(text)) else { throw Self.bad(name, "a date such as 2026-01-31") }
            return Int32((date.timeIntervalSince1970 / 86_400).rounded(.down))
        }
        let first = try day("from") ?? data.lowerBound
        let last = try day("through") ?? data.upperBound
        guard first <= last, last - first <= 366 * 20 else { throw Self.bad("from", "a day before `through`, at most 20 years apart") }
        return Parameters(store: stored, snapshot: snapshot, unit: unit, range: DayRange(first: first, last: last))
    }

    static func bad(_ field: String, _ expected: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_parameter", message: "`\(field)` must be \(expected)", field: field)
    }
}
