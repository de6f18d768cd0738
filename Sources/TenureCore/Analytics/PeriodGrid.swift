/// The consecutive calendar periods (days, weeks, months or quarters) that cover a date range:
/// the rows or columns of every per-period metric. The first period is the one holding
/// `range.first` and the last the one holding `range.last`, whole periods in both cases (a monthly
/// grid over 2024-01-15…2024-03-10 has January, February and March in full).
public struct PeriodGrid: Sendable, Hashable, Codable {
    /// One period of a grid.
    public struct Period: Sendable, Hashable, Codable {
        /// Position in the grid, from 0.
        public var index: Int
        /// Human label: `2024-03`, `2024-Q1`, or the first day for days and weeks.
        public var label: String
        /// First day of the period (days since 1970-01-01 UTC).
        public var startDay: Int32
        /// Last day of the period, inclusive.
        public var endDay: Int32
    }

    public let unit: PeriodUnit
    public let range: DayRange
    /// The ``PeriodUnit/ordinal(of:)`` of the first period.
    public let firstOrdinal: Int
    public let periods: [Period]

    public init(unit: PeriodUnit, range: DayRange) {
        self.unit = unit
        self.range = range
        let first = unit.ordinal(of: range.first), last = unit.ordinal(of: range.last)
        firstOrdinal = first
        periods = (first...last).map { o in
            let start = unit.startDay(ofOrdinal: o)
            return Period(
                index: o - first, label: unit.label(startDay: start), startDay: start,
                endDay: unit.startDay(ofOrdinal: o + 1) - 1)
        }
    }

    public var count: Int { periods.count }

    /// The grid position of the period holding `day`: negative before the grid, `count` or more
    /// after it.
    public func index(of day: Int32) -> Int { unit.ordinal(of: day) - firstOrdinal }

    /// The first day of the period at grid position `index` (which may lie outside the grid).
    public func startDay(ofIndex index: Int) -> Int32 { unit.startDay(ofOrdinal: index + firstOrdinal) }

    /// A day → grid-position table for hot loops, covering `days` (plus the grid itself).
    func lookup(covering days: ClosedRange<Int32>?) -> PeriodLookup {
        PeriodLookup(grid: self, covering: days)
    }
}

/// A precomputed day → grid-position table: one array read per event instead of calendar
/// arithmetic. Days outside the table fall back to ``PeriodGrid/index(of:)``.
struct PeriodLookup: Sendable {
    let grid: PeriodGrid
    let tableStart: Int32
    let table: [Int32]
    /// `nextStarts[k]`: first day after grid period k (k in 0..<count).
    let nextStarts: [Int32]

    /// Longest table built (about 55 years of days); wider spans use the slow path at the edges.
    static let maxTableDays = 20_000

    init(grid: PeriodGrid, covering days: ClosedRange<Int32>?) {
        self.grid = grid
        var lo = grid.periods.first!.startDay, hi = grid.periods.last!.endDay
        if let days {
            lo = min(lo, days.lowerBound)
            hi = max(hi, days.upperBound)
        }
        if Int(hi) - Int(lo) + 1 > Self.maxTableDays {
            // Keep the grid and the most recent history in the table.
            lo = max(lo, Int32(clamping: Int(hi) - Self.maxTableDays + 1))
        }
        tableStart = lo
        var t = [Int32](repeating: 0, count: Int(hi) - Int(lo) + 1)
        var d = lo
        var ordinal = grid.unit.ordinal(of: lo)
        var nextStart = grid.unit.startDay(ofOrdinal: ordinal + 1)
        for i in t.indices {
            if d >= nextStart {
                ordinal += 1
                nextStart = grid.unit.startDay(ofOrdinal: ordinal + 1)
            }
            t[i] = Int32(ordinal - grid.firstOrdinal)
            d += 1
        }
        table = t
        nextStarts = grid.periods.map { $0.endDay + 1 }
    }

    /// The first day after the period at grid position `k` (which may lie outside the grid).
    @inline(__always)
    func nextStart(ofIndex k: Int) -> Int32 {
        if k >= 0 && k < nextStarts.count { return nextStarts[k] }
        return grid.startDay(ofIndex: k + 1)
    }

    @inline(__always)
    func index(of day: Int32) -> Int {
        let i = Int(day) - Int(tableStart)
        if i >= 0 && i < table.count { return Int(table[i]) }
        return grid.index(of: day)
    }
}
