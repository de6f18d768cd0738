import Foundation

/// Counts over a simulation run: how many customers, messages of each kind and events of each
/// name, orders and money. Summaries of parts of a run (for example chunks generated in parallel)
/// add up with `merge`.
public struct SimulationSummary: Sendable, Hashable {
    public private(set) var customers = 0
    /// Customers who dropped out before the end.
    public private(set) var churned = 0
    /// Customers who browsed anonymously before signing up.
    public private(set) var anonymousFirst = 0
    var tally = EventTally()

    public init() {}

    /// All messages emitted.
    public var messages: Int { tally.total }
    /// Messages per kind (identify, track, page, screen).
    public var messagesByKind: [Message.Kind: Int] {
        var counts: [Message.Kind: Int] = [:]
        for code in EventCode.allCases where tally[code] > 0 { counts[code.kind, default: 0] += tally[code] }
        return counts
    }
    /// `track` events per event name ("Order Completed", "Application Opened", …).
    public var eventsByName: [String: Int] {
        var counts: [String: Int] = [:]
        for code in EventCode.allCases where code.kind == .track && tally[code] > 0 { counts[code.name] = tally[code] }
        return counts
    }
    /// `Order Completed` events.
    public var orders: Int { tally[.orderCompleted] }
    /// Sum of the orders' `revenue` (after discount, before shipping and tax), in the configured currency.
    public var orderRevenue: Double { Double(tally.revenueCents) / 100 }
    /// Sum of the amounts of `Subscription Started` and `Subscription Renewed`.
    public var subscriptionRevenue: Double { Double(tally.subscriptionCents) / 100 }

    /// Adds one generated customer.
    public mutating func add(_ customer: SimulatedCustomer) {
        customers += 1
        if customer.truth.churned { churned += 1 }
        if customer.truth.anonymousId != nil { anonymousFirst += 1 }
        tally.add(customer.tally)
    }

    /// Adds the counts of another summary, for runs split into chunks.
    public mutating func merge(_ other: SimulationSummary) {
        customers += other.customers
        churned += other.churned
        anonymousFirst += other.anonymousFirst
        tally.add(other.tally)
    }
}
