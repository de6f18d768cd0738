/// Event rows in any order, column by column: what the store hands over to build an
/// ``ActivitySnapshot`` or to refresh one with ``ActivitySnapshot/appending(_:)``.
///
/// Each row is one event: the customer's dense index (the store maps its own ids to 0, 1, 2…),
/// the UTC day (days since 1970-01-01), the event type id from the snapshot's
/// ``EventTypeTable``, and the revenue it carries (order total or payment amount, in the
/// account's currency; 0 for events without revenue).
public struct ActivityEventBatch: Sendable, Hashable {
    public private(set) var customers: [Int32] = []
    public private(set) var days: [Int32] = []
    public private(set) var types: [UInt16] = []
    public private(set) var values: [Float32] = []

    public init() {}

    public init(minimumCapacity: Int) {
        reserveCapacity(minimumCapacity)
    }

    /// Rows given column by column (equal lengths; customers ≥ 0).
    public init(customers: [Int32], days: [Int32], types: [UInt16], values: [Float32]) {
        precondition(days.count == customers.count && types.count == customers.count && values.count == customers.count)
        precondition(customers.min().map { $0 >= 0 } ?? true, "customer indices are dense and start at 0")
        self.customers = customers
        self.days = days
        self.types = types
        self.values = values
    }

    public mutating func reserveCapacity(_ n: Int) {
        customers.reserveCapacity(n)
        days.reserveCapacity(n)
        types.reserveCapacity(n)
        values.reserveCapacity(n)
    }

    /// Adds one event. `customer` must be ≥ 0.
    public mutating func append(customer: Int32, day: Int32, type: UInt16, value: Float32 = 0) {
        precondition(customer >= 0, "customer indices are dense and start at 0")
        customers.append(customer)
        days.append(day)
        types.append(type)
        values.append(value)
    }

    /// Adds every row of `other`.
    public mutating func append(contentsOf other: ActivityEventBatch) {
        if isEmpty {
            self = other
            return
        }
        customers += other.customers
        days += other.days
        types += other.types
        values += other.values
    }

    public var count: Int { customers.count }
    public var isEmpty: Bool { customers.isEmpty }
}
