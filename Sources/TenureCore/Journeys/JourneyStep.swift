import Foundation

/// One step of a journey: what it does, and where the customer goes next.
public struct JourneyStep: Sendable, Hashable {
    /// The step's name, unique in its journey: what reports and errors call it.
    public var id: String
    public var action: Action
    /// The step to go to after this one (nil: the next in the list; after the last, the journey
    /// ends). Branches, splits and event waits name their own next steps.
    public var next: String?

    public init(id: String, _ action: Action, next: String? = nil) {
        self.id = id
        self.action = action
        self.next = next
    }

    public enum Action: Sendable, Hashable {
        /// Waits, then goes on.
        case wait(JourneyWait)
        /// Goes to `then` when the customer matches the segment expression now, else to `otherwise`.
        case branch(condition: SegmentExpression, then: String, otherwise: String)
        /// Sends each customer down one path, chosen at random with the given shares (they sum
        /// to 1); the choice is a stable hash of the enrolment and the step, so a retried step
        /// chooses the same path.
        case split([JourneySplitPath])
        /// Hands a message to a channel (through the outbox).
        case send(JourneySend)
        /// Sets the customer's traits (recorded as an identify event in the log).
        case updateTraits([String: JSONValue])
        /// Calls a webhook with the customer and the journey (through the outbox, like a message).
        case webhook(url: String)
        /// Ends the journey here.
        case exit
        /// Gives the customer a promo code (from a pool, or generated); later sends carry it.
        case promoCode(JourneyPromoCode)
    }

    /// The step ids this step may go to besides `next`.
    public var branches: [String] {
        switch action {
        case .branch(_, let then, let otherwise): [then, otherwise]
        case .split(let paths): paths.map(\.next)
        case .wait(let wait): wait.event.map { [$0.then, $0.timeout] } ?? []
        case .send, .updateTraits, .webhook, .exit, .promoCode: []
        }
    }

    /// The step's kind, as the document names it.
    public var kind: String {
        switch action {
        case .wait: "wait"
        case .branch: "branch"
        case .split: "split"
        case .send: "send"
        case .updateTraits: "update_traits"
        case .webhook: "webhook"
        case .exit: "exit"
        case .promoCode: "promo_code"
        }
    }
}

/// One path of a random split.
public struct JourneySplitPath: Sendable, Hashable {
    /// The share of customers who take this path, in (0, 1].
    public var share: Double
    public var next: String
    public init(share: Double, next: String) {
        self.share = share
        self.next = next
    }
}

/// A message a step sends: which channel, which template, and whether it is marketing.
public struct JourneySend: Sendable, Hashable {
    /// A channel configured in the server (`webhook`, later `email`, `push`, `inbox`).
    public var channel: String
    /// The template the channel renders (the messaging issue's templates; a webhook receives
    /// its name with the customer's data).
    public var template: String
    /// The subscription topic, for opt-outs by topic (`marketing` unless given).
    public var topic: String
    /// A receipt or a service message: never blocked by marketing caps, but never sent to a
    /// customer who opted out of the channel either.
    public var transactional: Bool
    /// When frequency caps leave room for fewer messages than compete, higher goes first (a
    /// win-back at 10 beats a newsletter at 0), 0 ... 100.
    public var priority: Int
    /// Whether a capped message waits for the cap to free (true, the default) or is dropped.
    public var deferWhenCapped: Bool

    public init(
        channel: String, template: String, topic: String = "marketing", transactional: Bool = false, priority: Int = 0, deferWhenCapped: Bool = true
    ) {
        self.channel = channel
        self.template = template
        self.topic = topic
        self.transactional = transactional
        self.priority = priority
        self.deferWhenCapped = deferWhenCapped
    }
}

/// How long a wait step waits.
public struct JourneyWait: Sendable, Hashable {
    /// A fixed duration, in seconds (0 when the wait is only for a time of day or an event).
    public var seconds: Double
    /// Then, until this time of day in the customer's time zone (their `timezone` trait, else
    /// the business's): minutes after midnight, 0 ..< 1440.
    public var untilMinuteOfDay: Int?
    /// Or until the customer sends this event, at most `seconds` (the timeout).
    public var event: EventWait?

    public struct EventWait: Sendable, Hashable {
        public var name: String
        public var filter: [SegmentPropertyCondition]
        /// The step after the event arrived.
        public var then: String
        /// The step after the timeout.
        public var timeout: String
        public init(name: String, filter: [SegmentPropertyCondition] = [], then: String, timeout: String) {
            self.name = name
            self.filter = filter
            self.then = then
            self.timeout = timeout
        }
    }

    public init(seconds: Double = 0, untilMinuteOfDay: Int? = nil, event: EventWait? = nil) {
        self.seconds = seconds
        self.untilMinuteOfDay = untilMinuteOfDay
        self.event = event
    }

    /// When a wait that starts at `start` is over, for a customer in `timeZone`: after the
    /// duration, then at the next `untilMinuteOfDay` (the same day when still ahead).
    public func due(after start: Date, in timeZone: TimeZone) -> Date {
        let afterDuration = start.addingTimeInterval(seconds)
        guard let minute = untilMinuteOfDay else { return afterDuration }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let day = calendar.startOfDay(for: afterDuration)
        // Walk forward day by day (at most a few: daylight-saving days may lack the minute).
        for offset in 0..<4 {
            guard let date = calendar.date(byAdding: .day, value: offset, to: day),
                let at = calendar.date(bySettingHour: minute / 60, minute: minute % 60, second: 0, of: date)
            else { continue }
            if at >= afterDuration { return at }
        }
        return afterDuration.addingTimeInterval(86_400)
    }
}
