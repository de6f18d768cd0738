extension JourneyTrigger {
    /// Checks the trigger's settings (what the document reader checks, for a trigger built in
    /// code); each refusal names the field, such as `trigger.replenishment.days_before`.
    public func validate() throws(JourneyDefinitionError) {
        switch self {
        case .event(let name, _):
            if name.isEmpty { throw JourneyDefinitionError(at: "trigger.event", "the trigger needs an event name") }
        case .segmentEntered(let s), .segmentExited(let s):
            if s.isEmpty { throw JourneyDefinitionError(at: "trigger", "the trigger needs a segment name") }
        case .cancellation:
            break
        case .inactivity(let t):
            guard (1...3650).contains(t.days) else { throw JourneyDefinitionError(at: "trigger.inactivity.days", "must be 1 to 3650 days") }
            if let event = t.event, event.isEmpty { throw JourneyDefinitionError(at: "trigger.inactivity.event", "needs an event name (or leave it out: any tracked event)") }
            if t.event == nil, !t.filter.isEmpty { throw JourneyDefinitionError(at: "trigger.inactivity.where", "a filter needs an event to filter") }
        case .date(let t):
            if case .trait(let name) = t.source, name.isEmpty { throw JourneyDefinitionError(at: "trigger.date.trait", "needs a trait name") }
            guard (-3650...3650).contains(t.offsetDays) else { throw JourneyDefinitionError(at: "trigger.date.offset_days", "must be −3650 to 3650 days") }
        case .replenishment(let t):
            if t.event.isEmpty { throw JourneyDefinitionError(at: "trigger.replenishment.event", "needs the order event's name") }
            guard (0...365).contains(t.daysBefore) else { throw JourneyDefinitionError(at: "trigger.replenishment.days_before", "must be 0 to 365 days") }
            guard (2...100).contains(t.minOrders) else { throw JourneyDefinitionError(at: "trigger.replenishment.min_orders", "must be 2 to 100 orders (two orders make one interval)") }
        case .churnRiskAbove(let threshold):
            guard threshold.isFinite, threshold > 0, threshold <= 1 else {
                throw JourneyDefinitionError(at: "trigger.churn_risk_above", "must be a churn risk above 0 and at most 1, such as 0.6")
            }
        }
    }
}
