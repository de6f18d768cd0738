/// One subscription of one customer over time, the input of contractual churn, MRR and
/// per-plan survival.
public struct SubscriptionSpan: Sendable, Hashable, Codable {
    /// Dense customer index, as in the ``ActivitySnapshot``.
    public var customer: Int32
    /// Plan id in ``SubscriptionSpans/plans``.
    public var plan: UInt16
    /// First day the subscription is active (days since 1970-01-01 UTC).
    public var startDay: Int32
    /// First day it is no longer active; `nil` while it runs.
    public var endDay: Int32?
    /// Recurring revenue per month in the account currency (a yearly price ÷ 12, a quarterly ÷ 3).
    public var monthlyAmount: Double
    /// Day the customer asked to cancel, if they did (the span may run on to the paid-up date).
    public var cancelledDay: Int32?

    public init(
        customer: Int32, plan: UInt16, startDay: Int32, endDay: Int32? = nil, monthlyAmount: Double,
        cancelledDay: Int32? = nil
    ) {
        precondition(endDay.map { $0 > startDay } ?? true, "a subscription ends after it starts")
        self.customer = customer
        self.plan = plan
        self.startDay = startDay
        self.endDay = endDay
        self.monthlyAmount = monthlyAmount
        self.cancelledDay = cancelledDay
    }
}
