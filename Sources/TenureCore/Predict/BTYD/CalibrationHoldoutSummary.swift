import Foundation

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
            throw .invalidArgument(
                "calibration end day \(calibrationEndDay) must be before observation end day \(observationEndDay)")
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
