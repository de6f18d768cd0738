/// The inactivity trigger, `{"inactivity": {"days": 30, "event": "Order Completed", "where": FILTER}}`:
/// fires when a customer who has had a qualifying event has had none for ``days`` days, once per
/// inactivity spell (key `inactive:<day of the last qualifying event>`).
public struct JourneyInactivityTrigger: Sendable, Hashable {
    /// Days without a qualifying event, 1 to 3650: a customer whose last one was on day L fires
    /// on their local day L + days.
    public var days: Int
    /// The qualifying event's name; `nil` for any tracked event (identify calls and the segment
    /// service's `Segment Entered` / `Segment Exited` do not count as activity).
    public var event: String?
    /// Property tests the qualifying event must pass (empty: any); only with ``event``.
    public var filter: [SegmentPropertyCondition]

    public init(days: Int, event: String? = nil, filter: [SegmentPropertyCondition] = []) {
        self.days = days
        self.event = event
        self.filter = filter
    }
}
