/// The events of one ``SegmentEventSource``, as three parallel columns in arrival order:
/// the customer (snapshot index), the UTC day and the summed property's value (NaN when the
/// event has none, or when the source sums nothing). 16 bytes an event; appending new events is
/// just appending, so a refresh after 10,000 events costs 10,000 appends.
///
/// Filters with relative dates (`where renewal_date > 30 days ago`) are resolved on the day the
/// facts are gathered, ``asOf``; the store gathers them again when that day passes.
public struct SegmentEventFacts: Sendable {
    public private(set) var customers: [Int32] = []
    public private(set) var days: [Int32] = []
    public private(set) var values: [Double] = []
    /// The day relative dates in the filter were resolved on.
    public var asOf: Int32

    public init(asOf: Int32) {
        self.asOf = asOf
    }

    public var count: Int { customers.count }

    /// Adds one matching event.
    public mutating func append(customer: Int32, day: Int32, value: Double = .nan) {
        customers.append(customer)
        days.append(day)
        values.append(value)
    }

    /// Adds an event of the source's name: it is kept when its properties pass the filter.
    public mutating func append(customer: Int32, day: Int32, properties: [String: JSONValue], of source: SegmentEventSource) {
        guard source.matches(properties: properties, asOf: asOf) else { return }
        append(customer: customer, day: day, value: source.value(properties: properties))
    }

    /// Adds `other`'s events after these (the events that arrived since, gathered on the same day).
    public mutating func append(contentsOf other: SegmentEventFacts) {
        customers += other.customers
        days += other.days
        values += other.values
    }

    public mutating func reserveCapacity(_ n: Int) {
        customers.reserveCapacity(n)
        days.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// Bytes held by the columns.
    public var memoryFootprint: Int { customers.capacity * 4 + days.capacity * 4 + values.capacity * 8 }
}
