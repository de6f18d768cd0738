/// Every customer's events, held column by column for analytics over millions of events: the
/// input of every metric in this folder.
///
/// Customers are dense indices `0..<customerCount` (the store maps its own ids to them). Each
/// customer's events are contiguous and sorted by day (compressed sparse rows: an offsets array
/// plus three columns). Memory: **10 bytes per event** (day `Int32`, type `UInt16`, value
/// `Float32`) plus **12 bytes per customer** (an `Int` offset and an `Int32` first-seen day);
/// 10 M events over 1 M customers take about 112 MB. After ``appending(_:)`` a small sorted delta
/// (same 10 bytes per event, plus 4 bytes per customer for the delta index) sits beside the base
/// columns until ``compacted()`` merges it.
///
/// A value type: refreshing returns a new snapshot that shares the unchanged columns with the old
/// one, so readers of the old snapshot are never disturbed.
public struct ActivitySnapshot: Sendable {
    /// Names of the event type ids used in this snapshot.
    public internal(set) var eventTypes: EventTypeTable
    /// Number of customers (indices `0..<customerCount`), including those without events.
    public internal(set) var customerCount: Int
    /// First-seen day per customer (days since 1970-01-01 UTC): the store's value when it gave
    /// one, else the customer's first event; ``noDay`` for a customer never seen.
    public internal(set) var firstSeenDays: [Int32]
    /// Earliest and latest event day, `nil` when there are no events.
    public internal(set) var dayRange: ClosedRange<Int32>?
    /// The days reports cover by default: ``dayRange`` without far outliers (see
    /// ``reportRange(days:dayRange:)``); `nil` when there are no events.
    public internal(set) var reportRange: ClosedRange<Int32>?

    /// Events of customers `0..<base.slotCount`, slot = customer.
    var base: EventColumns
    /// Events appended since the last compaction, slot = position in `deltaCustomers`.
    var delta: EventColumns
    /// Customers with appended events, ascending.
    var deltaCustomers: [Int32]
    /// Per customer: its slot in `delta`, or −1. Empty while the delta is empty.
    var deltaSlot: [Int32]

    /// Marks an unknown day (a customer never seen).
    public static let noDay = Int32.max

    init(eventTypes: EventTypeTable, customerCount: Int, firstSeenDays: [Int32], base: EventColumns) {
        self.eventTypes = eventTypes
        self.customerCount = customerCount
        self.firstSeenDays = firstSeenDays
        self.base = base
        delta = .empty
        deltaCustomers = []
        deltaSlot = []
        dayRange = base.days.isEmpty ? nil : (base.days.min()!...base.days.max()!)
        reportRange = Self.reportRange(days: base.days, dayRange: dayRange)
    }

    /// A snapshot of no customers.
    public init(eventTypes: EventTypeTable = .standard) {
        self.init(eventTypes: eventTypes, customerCount: 0, firstSeenDays: [], base: .empty)
    }

    /// Total number of events.
    public var eventCount: Int { base.eventCount + delta.eventCount }

    /// Events appended since the last ``compacted()``.
    public var deltaEventCount: Int { delta.eventCount }

    /// Whether the delta has grown enough (an eighth of the base, or a million events) that
    /// metrics would run noticeably faster after ``compacted()``; the store's refresher should
    /// then compact off the request path.
    public var needsCompaction: Bool {
        delta.eventCount > max(base.eventCount / 8, 65_536) || delta.eventCount > 1_000_000
    }

    /// Bytes held by the event and customer columns.
    public var memoryFootprint: Int {
        let perEvent = 4 + 2 + 4
        return eventCount * perEvent + base.offsets.count * 8 + delta.offsets.count * 8
            + firstSeenDays.count * 4 + deltaSlot.count * 4 + deltaCustomers.count * 4
    }

    /// Number of events of `customer`.
    public func eventCount(of customer: Int) -> Int {
        var n = 0
        if customer < base.slotCount { n += base.offsets[customer + 1] - base.offsets[customer] }
        if !deltaSlot.isEmpty, customer < deltaSlot.count, deltaSlot[customer] >= 0 {
            let s = Int(deltaSlot[customer])
            n += delta.offsets[s + 1] - delta.offsets[s]
        }
        return n
    }

    /// One event of a customer, as returned by ``events(of:)``.
    public struct Event: Sendable, Hashable, Codable {
        /// Days since 1970-01-01 UTC.
        public var day: Int32
        /// Id in ``ActivitySnapshot/eventTypes``.
        public var type: UInt16
        /// Revenue carried by the event (0 if none).
        public var value: Float32
    }

    /// The events of `customer` sorted by day: for timelines and tests, not for hot loops.
    public func events(of customer: Int) -> [Event] {
        var out: [Event] = []
        scan(customer..<(customer + 1)) { _, ev in
            for i in 0..<ev.count { out.append(Event(day: ev.days[i], type: ev.types[i], value: ev.values[i])) }
        }
        return out
    }

    /// Customer ranges for the workers of a metric, about equal in events each.
    func workRanges() -> [Range<Int>] {
        let parts = ParallelWork.workerCount(events: eventCount)
        var ranges = ParallelWork.balancedRanges(offsets: base.offsets, parts: parts)
        // Customers that exist only in the delta go to the last worker.
        if customerCount > base.slotCount {
            let last = ranges.removeLast()
            ranges.append(last.lowerBound..<customerCount)
        }
        return ranges
    }
}
