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
