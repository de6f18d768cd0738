/// How long after their last qualifying activity a non-contractual customer still counts as
/// active, and where that number came from.
public struct InactivityWindow: Sendable, Hashable, Codable {
    /// How the window was chosen.
    public enum Derivation: Sendable, Hashable, Codable {
        /// Given by the caller.
        case fixed
        /// The given percentile (0–1) of the gaps, in days, between consecutive qualifying-activity
        /// days of the same customer, over `gapCount` gaps (nearest-rank percentile).
        case gapPercentile(percentile: Double, gapCount: Int)
        /// Too few repeat activities (`gapCount` gaps) to measure; a default was used.
        case fallback(gapCount: Int)
    }

    /// A customer stays active until this many days after their last qualifying activity: with a
    /// window of 30 days, activity on day `d` keeps them active through day `d + 29` and they are
    /// lost on day `d + 30` if nothing happens in between.
    public var days: Int32
    public var derivation: Derivation
    /// One sentence for people: the number and how it was derived.
    public var explanation: String

    /// A window of `days` days chosen by the caller.
    public static func fixed(days: Int32) -> InactivityWindow {
        precondition(days >= 1, "an inactivity window is at least one day")
        return InactivityWindow(days: days, derivation: .fixed, explanation: "\(days) days, as configured")
    }

    /// Fewer gaps than this and the percentile is not trusted.
    public static let minimumGaps = 20
    /// The window used when the data has too few repeat activities.
    public static let fallbackDays: Int32 = 90
    /// Gaps are histogrammed up to this many days; longer gaps count in the last bucket.
    static let maximumGapDays = 3_660

    /// The `percentile` (0–1, default 0.9) of the inter-activity gaps of `activity` events up to
    /// `asOf`: 90 % of the time a customer who comes back does so within this many days.
    public static func derived(
        from snapshot: ActivitySnapshot, activity: EventSelection = .purchases, percentile: Double = 0.9,
        asOf: Int32? = nil
    ) -> InactivityWindow {
        precondition(percentile > 0 && percentile <= 1, "percentile is a fraction in (0, 1]")
        let asOf = asOf ?? snapshot.reportRange?.upperBound ?? 0
        let mask = activity.mask()
        let ranges = snapshot.workRanges()
        let histograms = ParallelWork.map(ranges.count) { part in
            var h = [Int](repeating: 0, count: maximumGapDays + 1)
            snapshot.scan(ranges[part]) { _, ev in
                var last = Int32.min
                for i in 0..<ev.count where mask.contains(ev.types[i]) {
                    let d = ev.days[i]
                    if d > asOf { break }
                    if last != Int32.min && d > last { h[min(Int(d - last), maximumGapDays)] += 1 }
                    last = d
                }
            }
            return h
        }
        var h = histograms[0]
        for other in histograms.dropFirst() { for i in h.indices { h[i] += other[i] } }
        let n = h.reduce(0, +)
        if n < minimumGaps {
            return InactivityWindow(
                days: fallbackDays, derivation: .fallback(gapCount: n),
                explanation: "\(fallbackDays) days by default: only \(n) repeat activities to learn from")
        }
        // Nearest rank: the smallest gap g with at least ⌈p·n⌉ gaps ≤ g.
        let rank = Int((percentile * Double(n)).rounded(.up))
        var seen = 0, gap = 1
        for g in 1...maximumGapDays {
            seen += h[g]
            if seen >= rank {
                gap = g
                break
            }
        }
        let pct = (percentile * 100).rounded() == percentile * 100 ? String(Int(percentile * 100)) : String(percentile * 100)
        return InactivityWindow(
            days: Int32(gap), derivation: .gapPercentile(percentile: percentile, gapCount: n),
            explanation: "\(gap) days: the \(pct)th percentile of \(n) gaps between a customer's consecutive activity days")
    }
}
