import TenureCore

/// Small hand-written datasets for the analytics tests.
enum AnalyticsFixture {
    static let order = EventTypeTable.orderCompleted
    static let open = EventTypeTable.applicationOpened
    static let page = EventTypeTable.page

    /// Day number of an ISO date; traps on a typo in a test.
    static func day(_ iso: String) -> Int32 {
        guard let d = DayNumber.day(isoString: iso) else { fatalError("bad date \(iso)") }
        return d
    }

    /// A snapshot of `(customer, ISO date, type, value)` rows, in the order given.
    static func snapshot(_ rows: [(Int32, String, UInt16, Float32)], customers: Int = 0) -> ActivitySnapshot {
        var b = ActivitySnapshotBuilder(customerCount: customers)
        for r in rows { b.add(customer: r.0, day: day(r.1), type: r.2, value: r.3) }
        return b.build()
    }

    static func batch(_ rows: [(Int32, String, UInt16, Float32)]) -> ActivityEventBatch {
        var b = ActivityEventBatch()
        for r in rows { b.append(customer: r.0, day: day(r.1), type: r.2, value: r.3) }
        return b
    }
}
