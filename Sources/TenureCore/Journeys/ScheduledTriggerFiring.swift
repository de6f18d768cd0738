/// One customer a scheduled trigger fires for, and the key that makes the enrolment
/// exactly-once (`inactive:2026-11-02`, `date:2026-12-04`, `replenish:2026-10-20`,
/// `risk:2026-12-04T03:00:00.000Z`).
public struct ScheduledTriggerFiring: Sendable, Hashable {
    /// The customer's index in the analytics snapshot evaluated.
    public var customer: Int32
    public var key: String
    /// The forecast a replenishment trigger fired on (for the message's `replenishment`).
    public var replenishment: ReplenishmentForecast?

    public init(customer: Int32, key: String, replenishment: ReplenishmentForecast? = nil) {
        self.customer = customer
        self.key = key
        self.replenishment = replenishment
    }
}
