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

/// The message types the simulator emits, as small integers for counting in the hot loop.
enum EventCode: Int, CaseIterable, Sendable {
    case identify, page, screen, applicationOpened, orderCompleted, subscriptionStarted, subscriptionRenewed
    case subscriptionCancelled, surveyResponded, complaintOpened, complaintResolved, unsubscribed

    var kind: Message.Kind {
        switch self {
        case .identify: .identify
        case .page: .page
        case .screen: .screen
        default: .track
        }
    }

    /// The `track` event name; for other kinds, the kind.
    var name: String {
        switch self {
        case .identify: "identify"
        case .page: "page"
        case .screen: "screen"
        case .applicationOpened: StandardEvent.applicationOpened
        case .orderCompleted: StandardEvent.orderCompleted
        case .subscriptionStarted: StandardEvent.subscriptionStarted
        case .subscriptionRenewed: StandardEvent.subscriptionRenewed
        case .subscriptionCancelled: StandardEvent.subscriptionCancelled
        case .surveyResponded: StandardEvent.surveyResponded
        case .complaintOpened: StandardEvent.complaintOpened
        case .complaintResolved: StandardEvent.complaintResolved
        case .unsubscribed: StandardEvent.unsubscribed
        }
    }
}

/// Per-code message counts and money, in minor units.
struct EventTally: Sendable, Hashable {
    private var counts = [Int](repeating: 0, count: EventCode.allCases.count)
    var revenueCents = 0
    var subscriptionCents = 0

    subscript(code: EventCode) -> Int {
        get { counts[code.rawValue] }
        set { counts[code.rawValue] = newValue }
    }

    var total: Int { counts.reduce(0, +) }

    mutating func add(_ other: EventTally) {
        for i in counts.indices { counts[i] += other.counts[i] }
        revenueCents += other.revenueCents
        subscriptionCents += other.subscriptionCents
    }

    mutating func reset() {
        for i in counts.indices { counts[i] = 0 }
        revenueCents = 0
        subscriptionCents = 0
    }
}
