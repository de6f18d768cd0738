import Foundation

/// One group's binary outcome: how many customers the group has, and how many of them had the
/// outcome (converted within the goal window, were retained at day 30, 60 or 90, …).
///
/// Counts are people, not events: a customer who converted twice counts once.
public struct BinaryOutcomeCounts: Sendable, Codable, Equatable, Hashable {
    /// Customers in the group (≥ 0).
    public var customers: Int
    /// Customers with the outcome (0 … `customers`).
    public var successes: Int

    public init(customers: Int, successes: Int) {
        self.customers = customers
        self.successes = successes
    }

    /// Counts one flag per customer (`true` = had the outcome).
    public init(outcomes: some Sequence<Bool>) {
        var customers = 0, successes = 0
        for outcome in outcomes {
            customers += 1
            if outcome { successes += 1 }
        }
        self.init(customers: customers, successes: successes)
    }

    /// Whether the counts can describe a group: none negative, no more successes than customers.
    public var isValid: Bool { customers >= 0 && successes >= 0 && successes <= customers }

    /// The share of customers with the outcome (0…1); `nil` for an empty group or invalid counts.
    public var rate: Double? {
        guard isValid, customers > 0 else { return nil }
        return Double(successes) / Double(customers)
    }
}
