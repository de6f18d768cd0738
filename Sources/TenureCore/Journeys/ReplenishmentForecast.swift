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
        var gaps: [Int64] = []
        let forecast = days.withUnsafeBufferPointer { Self(sortedOrderDays: $0, minOrders: minOrders, gaps: &gaps) }
        guard let forecast else { return nil }
        self = forecast
    }

    /// The forecast from order days sorted ascending, with `gaps` as scratch space (for hot
    /// loops over a million customers: no allocation once it has grown).
    init?(sortedOrderDays days: UnsafeBufferPointer<Int32>, minOrders: Int, gaps: inout [Int64]) {
        gaps.removeAll(keepingCapacity: true)
        guard var previous = days.first else { return nil }
        for d in days.dropFirst() where d != previous {
            gaps.append(Int64(d) - Int64(previous))
            previous = d
        }
        let orders = gaps.count + 1
        guard orders >= max(2, minOrders) else { return nil }
        gaps.sort()
        let mid = gaps.count / 2
        let median = gaps.count % 2 == 1 ? Double(gaps[mid]) : Double(gaps[mid - 1] + gaps[mid]) / 2
        let runsOut = Int64(previous) + Int64(median.rounded(.toNearestOrAwayFromZero))
        self.init(intervalDays: median, lastOrderDay: previous, runsOutOn: Int32(clamping: runsOut), orders: orders)
    }

    /// The day a trigger `daysBefore` the run-out fires.
    public func firingDay(daysBefore: Int) -> Int32 {
        Int32(clamping: Int64(runsOutOn) - Int64(daysBefore))
    }
}
