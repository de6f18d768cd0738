/// When a customer who reorders the same thing will run out: the usual interval is the median
/// of the gaps between their orders, and the run-out day is the last order plus that interval.
///
/// Orders are counted by day: several orders on one day are one purchase (a gap of zero days
/// says nothing about how long a pack lasts). The median is the middle gap, or the mean of the
/// two middle ones for an even count; the run-out day adds it rounded half up to whole days.
public struct ReplenishmentForecast: Sendable, Hashable {
    /// The usual days between orders (the median gap), at least 1.
    public var intervalDays: Double
    /// The day of the last order (days since 1970-01-01 UTC).
    public var lastOrderDay: Int32
    /// The predicted run-out day: ``lastOrderDay`` plus ``intervalDays`` rounded.
    public var runsOutOn: Int32
    /// The distinct order days the forecast was made from.
    public var orders: Int

    public init(intervalDays: Double, lastOrderDay: Int32, runsOutOn: Int32, orders: Int) {
        self.intervalDays = intervalDays
        self.lastOrderDay = lastOrderDay
        self.runsOutOn = runsOutOn
        self.orders = orders
    }

    /// The forecast from a customer's order days (in any order, repeats allowed), or `nil` with
    /// fewer than `minOrders` distinct days (and always fewer than two).
    public init?(orderDays: some Collection<Int32>, minOrders: Int = 2) {
        var days = Array(orderDays)
        days.sort()
        var distinct: [Int32] = []
        distinct.reserveCapacity(days.count)
        for d in days where distinct.last != d { distinct.append(d) }
        guard distinct.count >= max(2, minOrders), let last = distinct.last else { return nil }
        var gaps: [Int64] = []
        gaps.reserveCapacity(distinct.count - 1)
        for i in 1..<distinct.count { gaps.append(Int64(distinct[i]) - Int64(distinct[i - 1])) }
        gaps.sort()
        let mid = gaps.count / 2
        let median = gaps.count % 2 == 1 ? Double(gaps[mid]) : Double(gaps[mid - 1] + gaps[mid]) / 2
        let runsOut = Int64(last) + Int64(median.rounded(.toNearestOrAwayFromZero))
        self.init(intervalDays: median, lastOrderDay: last, runsOutOn: Int32(clamping: runsOut), orders: distinct.count)
    }

    /// The day a trigger `daysBefore` the run-out fires.
    public func firingDay(daysBefore: Int) -> Int32 {
        Int32(clamping: Int64(runsOutOn) - Int64(daysBefore))
    }
}
