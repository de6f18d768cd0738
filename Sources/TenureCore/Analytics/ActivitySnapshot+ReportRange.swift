extension ActivitySnapshot {
    /// The share of events at either end that may be left out of ``reportRange`` as outliers.
    static let outlierShare = 0.0005
    /// How far (days) outliers must lie beyond the rest to be left out.
    static let outlierGapDays: Int32 = 366
    /// The longest default report range: reports refuse ranges over 20 years.
    static let longestReportDays: Int32 = 366 * 20

    /// The days a report covers by default: the data's days without far outliers. An end keeps
    /// its oldest (or newest) event unless the events beyond the middle 99.9 % (at the old end at
    /// least one event, never half of them) lie more than a year past the rest (one event dated 1970 in a shop that opened in 2024 does not stretch every report
    /// over 56 years); at most the newest 20 years. `nil` without events.
    ///
    /// The quantiles are read from an evenly strided sample of at most 65,536 event days, so this
    /// costs microseconds on millions of events.
    static func reportRange(days: [Int32], dayRange: ClosedRange<Int32>?) -> ClosedRange<Int32>? {
        guard let dayRange else { return nil }
        let stride = max(1, days.count / 65_536)
        var sample: [Int32] = []
        sample.reserveCapacity(days.count / stride + 1)
        var i = 0
        while i < days.count {
            sample.append(days[i])
            i += stride
        }
        sample.sort()
        var first = dayRange.lowerBound, last = dayRange.upperBound
        if !sample.isEmpty {
            // At the old end at least one event may be an outlier (never half of them); at the new
            // end only the share: the newest events say what "now" is, and the door refuses times
            // more than a day ahead.
            let share = Int((Double(sample.count) * outlierShare).rounded(.down))
            let low = sample[min(max(1, share), (sample.count - 1) / 2)], high = sample[sample.count - 1 - share]
            if Int64(low) - Int64(first) > Int64(outlierGapDays) { first = low }
            if Int64(last) - Int64(high) > Int64(outlierGapDays) { last = high }
        }
        if Int64(last) - Int64(first) > Int64(longestReportDays) { first = last - longestReportDays }
        return first...last
    }
}
