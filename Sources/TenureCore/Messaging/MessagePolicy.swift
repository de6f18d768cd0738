import Foundation

/// Whether a message may go to a customer now: the frequency caps and quiet hours that keep
/// anyone from being pestered. Pure: the dispatcher passes the customer's recent messages and
/// the clock, and sends, defers or drops as decided.
///
/// - Transactional messages (a receipt, a complaint update) bypass caps and quiet hours; they
///   never bypass an opt-out, which is checked before any policy (see ``MessageConsent``).
/// - A marketing message in the customer's quiet hours waits for their end, in the customer's
///   time zone (their `timezone` trait, else ``defaultTimeZone``).
/// - A marketing message over a cap waits until the cap allows it again when it may be deferred
///   (its journey says so), and is dropped with the cap named otherwise.
/// - When several compete (``arbitrate(_:sent:now:timeZone:)``), the higher priority goes first
///   and takes the slot; a deferrable loser waits, the others are dropped with the reason.
public struct MessagePolicy: Sendable, Hashable, Codable {
    public var caps: [FrequencyCap]
    public var quietHours: QuietHours?
    public var defaultTimeZone: TimeZone

    /// No caps and no quiet hours: every message goes at once.
    public static let none = MessagePolicy(caps: [], quietHours: nil)

    public init(caps: [FrequencyCap], quietHours: QuietHours?, defaultTimeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current) {
        self.caps = caps
        self.quietHours = quietHours
        self.defaultTimeZone = defaultTimeZone
    }

    /// A message that wants to go.
    public struct Candidate: Sendable, Hashable {
        public var channel: String
        public var journey: String?
        public var transactional: Bool
        /// Higher goes first (a win-back beats a newsletter).
        public var priority: Int
        /// Whether a capped message waits (true) or is dropped (false). Quiet hours always defer.
        public var deferrable: Bool

        public init(channel: String, journey: String?, transactional: Bool = false, priority: Int = 0, deferrable: Bool = true) {
            self.channel = channel
            self.journey = journey
            self.transactional = transactional
            self.priority = priority
            self.deferrable = deferrable
        }
    }

    public enum Decision: Sendable, Hashable {
        case send
        /// Try again at `until`.
        case deferred(until: Date, reason: String)
        /// Not sent, for good.
        case dropped(reason: String)
    }

    /// The decision for one message, given the customer's messages before it.
    public func decide(_ candidate: Candidate, sent: [SentMessage], now: Date, timeZone: TimeZone? = nil) -> Decision {
        arbitrate([candidate], sent: sent, now: now, timeZone: timeZone)[0]
    }

    /// Decisions for messages competing for the same customer at once, in the candidates' order.
    public func arbitrate(_ candidates: [Candidate], sent: [SentMessage], now: Date, timeZone: TimeZone? = nil) -> [Decision] {
        let zone = timeZone ?? defaultTimeZone
        var decisions = [Decision](repeating: .send, count: candidates.count)
        // The highest priority first; ties in the order given.
        let order = candidates.indices.sorted { (candidates[$0].priority, -$0) > (candidates[$1].priority, -$1) }
        let quietUntil = quietHours?.end(ofQuietSpanAt: now, in: zone)
        // Only marketing messages inside the longest window count.
        let horizon = caps.map(\.window).max() ?? 0
        var history = sent.filter { !$0.transactional && now.timeIntervalSince($0.at) < horizon && $0.at <= now }
        for i in order {
            let c = candidates[i]
            if c.transactional { continue }
            if let quietUntil {
                decisions[i] = .deferred(until: quietUntil, reason: "quiet hours \(quietHours.map(\.description) ?? "") in \(zone.identifier)")
                continue
            }
            if let (cap, freeAt) = firstCapReached(by: c, history: history, now: now) {
                let reason = "frequency cap \(cap) reached"
                decisions[i] = c.deferrable ? .deferred(until: freeAt, reason: reason) : .dropped(reason: reason)
                continue
            }
            history.append(SentMessage(at: now, channel: c.channel, journey: c.journey))
        }
        return decisions
    }

    /// The first cap the message would break, and when that cap allows a message again (the
    /// moment enough of the messages it counts have left its window).
    private func firstCapReached(by c: Candidate, history: [SentMessage], now: Date) -> (FrequencyCap, Date)? {
        var worst: (FrequencyCap, Date)?
        for cap in caps where cap.covers(channel: c.channel, journey: c.journey) {
            let inWindow = history.filter { cap.covers(channel: $0.channel, journey: $0.journey) && now.timeIntervalSince($0.at) < cap.window }
                .map(\.at).sorted()
            guard inWindow.count >= cap.limit else { continue }
            // With n in the window, n - limit + 1 must leave it: the (n - limit)-th oldest's exit.
            let freeAt = inWindow[inWindow.count - cap.limit].addingTimeInterval(cap.window)
            if let (_, later) = worst, later >= freeAt { continue }
            worst = (cap, freeAt)
        }
        return worst
    }
}
