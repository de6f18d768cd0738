/// The replenishment trigger, `{"replenishment": {"event": "Order Completed", "where": FILTER,
/// "days_before": 10, "min_orders": 2}}`: fires ``daysBefore`` days before the day the customer
/// is predicted to run out (``ReplenishmentForecast``), once per last order (key
/// `replenish:<day of the last order>`).
public struct JourneyReplenishmentTrigger: Sendable, Hashable {
    /// The order event's name.
    public var event: String
    /// Property tests an order must pass to count (`category = "tea"`; empty: every order).
    public var filter: [SegmentPropertyCondition]
    /// Days before the predicted run-out to fire, 0 to 365.
    public var daysBefore: Int
    /// Orders (on distinct days) needed before a forecast is made, 2 to 100; 2 by default, so at
    /// least one interval.
    public var minOrders: Int

    public init(event: String, filter: [SegmentPropertyCondition] = [], daysBefore: Int, minOrders: Int = 2) {
        self.event = event
        self.filter = filter
        self.daysBefore = daysBefore
        self.minOrders = minOrders
    }
}
