import Foundation

/// The time unit of recency, age and every time-scale parameter (α, β) of a BTYD model.
public enum BTYDTimeUnit: Sendable, Equatable {
    case days
    case weeks
    /// A unit of the given number of days (30 for "months" of 30 days, 365.25 for years, …).
    case custom(days: Double)

    /// Length of the unit in days.
    public var days: Double {
        switch self {
        case .days: 1
        case .weeks: 7
        case .custom(let days): days
        }
    }
}

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

/// Calibration-period summaries plus holdout-period counts, with the semantics of lifetimes 0.11.3
/// `calibration_and_holdout_data(freq="D", freq_multiplier=k)`:
///
/// - `calibration`: `CustomerRFMSummary` of the transactions on or before the calibration end day,
///   observed until that day (frequency_cal, recency_cal, T_cal, monetary_value_cal);
/// - `holdoutFrequency`: distinct purchase days in (calibration end, observation end] — all of them
///   are repeat purchases, since only customers seen in calibration are kept;
/// - `holdoutMonetaryValue`: mean per-day total in the holdout, 0 without holdout purchases
///   (difference: lifetimes averages the raw transaction values here, not per-day totals);
/// - `holdoutDuration`: (observation end − calibration end) in `unit`, the same for everyone.
public struct CalibrationHoldoutSummary: Sendable {
    public let calibration: CustomerRFMSummary
    public let holdoutFrequency: [Int]
    public let holdoutMonetaryValue: [Double]
    public let holdoutDuration: Double

    public init(
        customers: [Int], days: [Int], values: [Double]? = nil, calibrationEndDay: Int, observationEndDay: Int,
        unit: BTYDTimeUnit
    ) throws(BTYDError) {
        guard calibrationEndDay < observationEndDay else {
            throw .invalidRow(
                index: 0, reason: "calibration end day \(calibrationEndDay) must be before observation end day \(observationEndDay)")
        }
        let grouped = try DailyPurchases(customers: customers, days: days, values: values, lastDay: observationEndDay, unit: unit)
        var keep = [Bool](repeating: false, count: customers.count)
        for i in 0..<customers.count where days[i] <= calibrationEndDay { keep[i] = true }
        let calibrationIndices = (0..<customers.count).filter { keep[$0] }
        calibration = try CustomerRFMSummary(
            customers: calibrationIndices.map { customers[$0] }, days: calibrationIndices.map { days[$0] },
            values: values.map { v in calibrationIndices.map { v[$0] } }, observationEndDay: calibrationEndDay, unit: unit)
        var frequency = [Int](repeating: 0, count: calibration.count)
        var monetary = [Double](repeating: 0, count: calibration.count)
        // Both customer lists are ascending: merge.
        var j = 0
        for c in 0..<grouped.customerIDs.count {
            let id = grouped.customerIDs[c]
            while j < calibration.count && calibration.customers[j] < id { j += 1 }
            guard j < calibration.count && calibration.customers[j] == id else { continue }
            var count = 0, total = 0.0
            for k in grouped.range(of: c) where grouped.days[k] > calibrationEndDay {
                count += 1
                total += grouped.totals[k]
            }
            frequency[j] = count
            monetary[j] = count > 0 ? total / Double(count) : 0
        }
        holdoutFrequency = frequency
        holdoutMonetaryValue = monetary
        holdoutDuration = Double(observationEndDay - calibrationEndDay) / unit.days
    }

    public init(
        customers: [Int], dates: [Date], values: [Double]? = nil, calibrationEnd: Date, observationEnd: Date,
        unit: BTYDTimeUnit
    ) throws(BTYDError) {
        try self.init(
            customers: customers, days: dates.map(CustomerRFMSummary.utcDay), values: values,
            calibrationEndDay: CustomerRFMSummary.utcDay(calibrationEnd),
            observationEndDay: CustomerRFMSummary.utcDay(observationEnd), unit: unit)
    }
}

/// Transactions grouped by customer (ascending) and day (ascending), with per-day value totals.
struct DailyPurchases {
    var customerIDs: [Int] = []
    /// Start offset of each customer's days, plus a final end offset.
    var starts: [Int] = []
    var days: [Int] = []
    var totals: [Double] = []

    func range(of customer: Int) -> Range<Int> { starts[customer]..<starts[customer + 1] }

    init(customers: [Int], days inputDays: [Int], values: [Double]?, lastDay: Int, unit: BTYDTimeUnit) throws(BTYDError) {
        let n = customers.count
        guard inputDays.count == n, values.map({ $0.count == n }) ?? true else {
            throw .mismatchedLengths(
                "customers \(n), days \(inputDays.count)" + (values.map { ", values \($0.count)" } ?? ""))
        }
        guard unit.days > 0 && unit.days.isFinite else {
            throw .invalidRow(index: 0, reason: "time unit must be a positive number of days, got \(unit.days)")
        }
        if let values, let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .invalidRow(index: bad, reason: "transaction value \(values[bad]) is not finite")
        }
        var order = (0..<n).filter { inputDays[$0] <= lastDay }
        order.sort { customers[$0] != customers[$1] ? customers[$0] < customers[$1] : inputDays[$0] < inputDays[$1] }
        for i in order {
            let c = customers[i], d = inputDays[i], v = values?[i] ?? 0
            if customerIDs.last != c {
                customerIDs.append(c)
                starts.append(days.count)
                days.append(d)
                totals.append(v)
            } else if days.last == d {
                totals[totals.count - 1] += v
            } else {
                days.append(d)
                totals.append(v)
            }
        }
        starts.append(days.count)
    }
}
