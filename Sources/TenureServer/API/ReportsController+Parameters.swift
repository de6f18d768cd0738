import Foundation
import Hummingbird
import TenureCore
import TenureStore

/// Query-parameter parsing for ``ReportsController``: every bad value is a 400
/// `invalid_parameter` naming the parameter and what it must be (the value itself is never echoed).
extension ReportsController {
    struct Parameters {
        var store: StoreSnapshot
        var snapshot: ActivitySnapshot
        var unit: PeriodUnit
        var range: DayRange
    }

    /// The admin check, the current snapshot, and the common `unit`, `from` and `through`.
    func parameters(_ request: Request) async throws -> Parameters {
        _ = try await authenticator.require(.admin, headers: request.headers)
        let query = request.uri.queryParameters
        let unit: PeriodUnit = try Self.choice(
            "unit", query["unit"], Dictionary(uniqueKeysWithValues: PeriodUnit.allCases.map { ($0.rawValue, $0) }), default: .month)
        let stored = try await cache.current()
        let snapshot = stored.activity
        guard let data = snapshot.reportRange else {
            throw APIError(status: .notFound, code: "no_data", message: "the store has no events yet")
        }
        // By default the data's days without far outliers (`ActivitySnapshot.reportRange`), so an
        // odd old event cannot push the default past the 20-year limit.
        let explicitFirst = try Self.day("from", query["from"]), explicitLast = try Self.day("through", query["through"])
        let last = explicitLast ?? data.upperBound
        let first = explicitFirst ?? (explicitLast == nil ? data.lowerBound : min(max(data.lowerBound, last - 366 * 20), last))
        guard first <= last else { throw Self.bad("from", "a day on or before `through` (\(DayNumber.isoString(last)))") }
        guard Int64(last) - Int64(first) <= 366 * 20 else {
            throw Self.bad("from", "at most 20 years before `through`: narrow the range with `from` and `through`")
        }
        return Parameters(store: stored, snapshot: snapshot, unit: unit, range: DayRange(first: first, last: last))
    }

    static func bad(_ field: String, _ expected: String) -> APIError {
        APIError(status: .badRequest, code: "invalid_parameter", message: "`\(field)` must be \(expected)", field: field)
    }

    /// A date parameter (YYYY-MM-DD) as a day number, `nil` when absent.
    static func day(_ name: String, _ text: Substring?) throws -> Int32? {
        guard let text else { return nil }
        guard text.count <= 40, let date = ISO8601Timestamp.parse(String(text)), date >= ValuePolicy.earliestAllowed,
            date.timeIntervalSince1970 < 1e11
        else { throw bad(name, "a date such as 2026-01-31, from 1900 on") }
        return DayNumber.day(of: date)
    }

    /// A number of days from 1 to 3650, `nil` when absent.
    static func days(_ name: String, _ text: Substring?) throws -> Int32? {
        guard let text else { return nil }
        guard text.count <= 5, let days = Int32(text), days > 0, days <= 3650 else { throw bad(name, "a number of days from 1 to 3650") }
        return days
    }

    /// One of the named values, `fallback` when absent.
    static func choice<T>(_ name: String, _ text: Substring?, _ options: [String: T], default fallback: T) throws -> T {
        guard let text else { return fallback }
        guard let value = options[String(text)] else { throw bad(name, "one of " + options.keys.sorted().joined(separator: ", ")) }
        return value
    }

    /// An event selector: `any`, `purchase`, or names of received events, comma-separated.
    static func events(_ name: String, _ text: Substring?, default fallback: EventSelection, in table: EventTypeTable) throws -> EventSelection {
        guard let text else { return fallback }
        guard text.count <= 1_000, let selection = EventSelection.parse(String(text), in: table) else {
            throw bad(name, "`any`, `purchase`, or the names of events received so far (comma-separated), such as `Order Completed`")
        }
        return selection
    }
}
