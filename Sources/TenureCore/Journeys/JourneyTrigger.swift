/// What puts a customer into a journey.
///
/// Event-like triggers (an event, a segment entry or exit, a cancellation) enrol a customer once
/// per triggering event: the event's message id makes the enrolment exactly-once. Segment entry
/// and exit are the `Segment Entered` / `Segment Exited` events the segment service records, so
/// the same path serves both.
///
/// Scheduled triggers (inactivity, a date, replenishment, a churn-risk crossing) are not events:
/// the scheduler evaluates them over the analytics snapshot (``ScheduledTriggerEvaluator``) and
/// each firing carries a key (`inactive:2026-11-02`, `date:2026-12-04`, `replenish:…`, `risk:…`)
/// that makes the enrolment exactly-once per customer and key.
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
    /// No qualifying event for a number of days.
    case inactivity(JourneyInactivityTrigger)
    /// A date trait or the signup day, once or every year, with an offset.
    case date(JourneyDateTrigger)
    /// Days before the customer's predicted run-out of what they reorder.
    case replenishment(JourneyReplenishmentTrigger)
    /// The customer's latest churn risk (0 to 1) reached this threshold while at the previous
    /// scoring it was below it or the customer was unscored.
    case churnRiskAbove(Double)

    /// Whether the scheduler evaluates the trigger over the snapshot rather than on events.
    public var isScheduled: Bool { event == nil }

    /// The stored event that fires the trigger, and the property tests it must pass; `nil` for
    /// a scheduled trigger.
    public var event: (name: String, filter: [SegmentPropertyCondition])? {
        switch self {
        case .event(let name, let filter): (name, filter)
        case .segmentEntered(let segment):
            (StandardEvent.segmentEntered, [SegmentPropertyCondition("segment", .compare(.equal, .string(segment)))])
        case .segmentExited(let segment):
            (StandardEvent.segmentExited, [SegmentPropertyCondition("segment", .compare(.equal, .string(segment)))])
        case .cancellation(let filter): (StandardEvent.subscriptionCancelled, filter)
        case .inactivity, .date, .replenishment, .churnRiskAbove: nil
        }
    }

    /// Whether an event of this name and these properties fires the trigger.
    public func fires(name: String, properties: [String: JSONValue], asOf day: Int32) -> Bool {
        guard let (wanted, filter) = event else { return false }
        return name == wanted && filter.allSatisfy { $0.holds(properties: properties, asOf: day) }
    }

    /// The saved segment the trigger names, if any (it must exist when the journey is saved).
    public var segment: String? {
        switch self {
        case .segmentEntered(let s), .segmentExited(let s): s
        case .event, .cancellation, .inactivity, .date, .replenishment, .churnRiskAbove: nil
        }
    }
}
