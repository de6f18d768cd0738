/// What puts a customer into a journey.
///
/// Event-like triggers (an event, a segment entry or exit, a cancellation) enrol a customer once
/// per triggering event: the event's message id makes the enrolment exactly-once. Segment entry
/// and exit are the `Segment Entered` / `Segment Exited` events the segment service records, so
/// the same path serves both; inactivity and churn-risk crossings are written as segments (for
/// example `count("Order Completed", last 60 days) = 0 and count("Order Completed", ever) >= 1`)
/// and triggered on entry.
public enum JourneyTrigger: Sendable, Hashable {
    /// A tracked event whose properties pass every test of `filter` (empty: any).
    case event(name: String, filter: [SegmentPropertyCondition])
    /// The customer entered the saved segment of this name.
    case segmentEntered(String)
    /// The customer left the saved segment of this name.
    case segmentExited(String)
    /// The customer cancelled a subscription (`Subscription Cancelled`), optionally only for
    /// some plans or reasons (`filter`).
    case cancellation(filter: [SegmentPropertyCondition])

    /// The stored event that fires the trigger, and the property tests it must pass.
    public var event: (name: String, filter: [SegmentPropertyCondition]) {
        switch self {
        case .event(let name, let filter): (name, filter)
        case .segmentEntered(let segment):
            (StandardEvent.segmentEntered, [SegmentPropertyCondition("segment", .compare(.equal, .string(segment)))])
        case .segmentExited(let segment):
            (StandardEvent.segmentExited, [SegmentPropertyCondition("segment", .compare(.equal, .string(segment)))])
        case .cancellation(let filter): (StandardEvent.subscriptionCancelled, filter)
        }
    }

    /// Whether an event of this name and these properties fires the trigger.
    public func fires(name: String, properties: [String: JSONValue], asOf day: Int32) -> Bool {
        let (wanted, filter) = event
        return name == wanted && filter.allSatisfy { $0.holds(properties: properties, asOf: day) }
    }

    /// The saved segment the trigger names, if any (it must exist when the journey is saved).
    public var segment: String? {
        switch self {
        case .segmentEntered(let s), .segmentExited(let s): s
        case .event, .cancellation: nil
        }
    }
}
