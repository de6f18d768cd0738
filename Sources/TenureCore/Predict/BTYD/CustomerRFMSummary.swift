import Foundation

/// Per-customer frequency / recency / age / monetary value computed from transactions, with the
/// semantics of lifetimes 0.11.3 `summary_data_from_transaction_data(freq="D", freq_multiplier=k)`:
///
/// - transactions are bucketed by day; several transactions on one day count as one purchase whose
///   value is their sum;
/// - `frequency` = number of distinct purchase days − 1 (repeat purchases);
/// - `recency` = (last purchase day − first purchase day) in `unit`;
/// - `age` (T) = (observation end day − first purchase day) in `unit`;
/// - `monetaryValue` = mean of the per-day totals of the repeat purchase days (first purchase day
///   excluded), 0 for customers without repeat purchases;
/// - transactions after the observation end day are ignored; customers whose first purchase is after
///   it do not appear.
///
/// Days: integers (any epoch) or `Date`s mapped to UTC calendar days
/// (⌊secondsSince1970 / 86400⌋). Pass day numbers to use another calendar or time zone.
public struct CustomerRFMSummary: Sendable {
    /// Customer indices as given, ascending, one per customer with a purchase by the observation end.
    public let customers: [Int]
    public let frequency: [Int]
    public let recency: [Double]
    public let age: [Double]
    /// Mean value of the repeat purchase days (currency of the input); 0 when frequency is 0.
    public let monetaryValue: [Double]
    /// Day number of each customer's first purchase.
    public let firstPurchaseDay: [Int]
    public let unit: BTYDTimeUnit

    public var count: Int { customers.count }

    /// Collapsed (frequency, recency, age) patterns for fitting.
    public func patterns() throws(BTYDError) -> RFMPatterns {
        try RFMPatterns(validatedFrequency: frequency, recency: recency, age: age, weights: nil)
    }

    /// Summarizes transactions given as day numbers. `values` may be nil (monetary value then 0).
    /// Throws on mismatched lengths, non-finite values or a non-positive unit.
    public init(
        customers: [Int], days: [Int], values: [Double]? = nil, observationEndDay: Int, unit: BTYDTimeUnit
    ) throws(BTYDError) {
        let grouped = try DailyPurchases(customers: customers, days: days, values: values, lastDay: observationEndDay, unit: unit)
        var ids: [Int] = [], xs: [Int] = [], ts: [Double] = [], ages: [Double] = [], ms: [Double] = [], firsts: [Int] = []
        let unitDays = unit.days
        for c in 0..<grouped.customerIDs.count {
            let range = grouped.range(of: c)
            let first = grouped.days[range.lowerBound], last = grouped.days[range.upperBound - 1]
            ids.append(grouped.customerIDs[c])
            xs.append(range.count - 1)
            ts.append(Double(last - first) / unitDays)
            ages.append(Double(observationEndDay - first) / unitDays)
            firsts.append(first)
            var total = 0.0
            for k in (range.lowerBound + 1)..<range.upperBound { total += grouped.totals[k] }
            ms.append(range.count > 1 ? total / Double(range.count - 1) : 0)
        }
        self.customers = ids
        frequency = xs
        recency = ts
        age = ages
        monetaryValue = ms
        firstPurchaseDay = firsts
        self.unit = unit
    }

    /// Summarizes transactions given as `Date`s (UTC days).
    public init(
        customers: [Int], dates: [Date], values: [Double]? = nil, observationEnd: Date, unit: BTYDTimeUnit
    ) throws(BTYDError) {
        try self.init(
            customers: customers, days: dates.map(Self.utcDay), values: values,
            observationEndDay: Self.utcDay(observationEnd), unit: unit)
    }

    /// ⌊secondsSince1970 / 86400⌋.
    public static func utcDay(_ date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }
}
