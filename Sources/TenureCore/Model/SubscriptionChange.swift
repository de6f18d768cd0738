import Foundation

/// A change to a subscription, derived from `Subscription Started`, `Renewed` or `Cancelled`.
public struct SubscriptionChange: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, Codable {
        case started, renewed, cancelled
    }

    public var action: Action
    /// The subscription's id; a customer's only subscription may omit it (then `"default"`).
    public var subscriptionId: String
    public var plan: String?
    /// Amount charged per billing interval, in `currency`.
    public var amount: Double?
    public var currency: String?
    /// Billing interval in months: 1 for monthly, 12 for yearly.
    public var intervalMonths: Int?
    public var reason: String?
    public var at: Date

    public init?(message: Message) {
        guard message.kind == .track, let name = message.name else { return nil }
        switch name {
        case StandardEvent.subscriptionStarted: action = .started
        case StandardEvent.subscriptionRenewed: action = .renewed
        case StandardEvent.subscriptionCancelled: action = .cancelled
        default: return nil
        }
        let p = message.properties
        subscriptionId = p["subscription_id"]?.identifierValue ?? "default"
        plan = p["plan"]?.stringValue
        amount = p["amount"]?.doubleValue ?? p["revenue"]?.doubleValue
        currency = p["currency"]?.stringValue
        switch p["interval"]?.stringValue?.lowercased() {
        case "year", "yearly", "annual", "annually": intervalMonths = 12
        case "quarter", "quarterly": intervalMonths = 3
        case "month", "monthly": intervalMonths = 1
        default: intervalMonths = nil
        }
        reason = p["reason"]?.stringValue
        at = message.timestamp
    }

    /// Monthly recurring revenue this change implies, when the amount is known.
    public var monthlyAmount: Double? {
        amount.map { $0 / Double(intervalMonths ?? 1) }
    }
}
