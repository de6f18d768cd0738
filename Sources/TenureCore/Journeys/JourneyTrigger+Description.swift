extension JourneyTrigger {
    /// The trigger in words, for `tenure journeys show` and the dashboard: "when a customer has
    /// had no "Order Completed" for 30 days (once per spell)".
    public var sentence: String {
        func filtered(_ filter: [SegmentPropertyCondition]) -> String {
            filter.isEmpty ? "" : " where " + filter.map(\.description).joined(separator: " and ")
        }
        func days(_ n: Int) -> String { n == 1 ? "1 day" : "\(n) days" }
        switch self {
        case .event(let name, let filter):
            return "on each \"\(name)\" event\(filtered(filter))"
        case .segmentEntered(let s):
            return "when a customer enters the segment \"\(s)\""
        case .segmentExited(let s):
            return "when a customer leaves the segment \"\(s)\""
        case .cancellation(let filter):
            return "when a customer cancels a subscription\(filtered(filter))"
        case .inactivity(let t):
            let what = t.event.map { "\"\($0)\"\(filtered(t.filter))" } ?? "tracked event"
            return "when a customer who has had a \(what) has had none for \(days(t.days)) (once per spell of inactivity)"
        case .date(let t):
            let anchor: String
            switch t.source {
            case .trait(let name):
                anchor = t.anniversary ? "the month and day of the trait \"\(name)\" (Feb 29: Feb 28 in other years)" : "the date in the trait \"\(name)\""
            case .signup: anchor = "the customer's signup (first-seen) day"
            }
            let when = t.offsetDays == 0 ? "on \(anchor)" : t.offsetDays > 0 ? "\(days(t.offsetDays)) after \(anchor)" : "\(days(-t.offsetDays)) before \(anchor)"
            return (t.anniversary ? "every year, " : "") + when + ", on the customer's local day"
        case .replenishment(let t):
            return "\(days(t.daysBefore)) before a customer is predicted to run out, from the median interval between their \"\(t.event)\"\(filtered(t.filter)) orders (at least \(t.minOrders) orders; once per last order)"
        case .churnRiskAbove(let threshold):
            return "when a customer's churn risk rises to \(threshold) or more at a scoring (once per crossing)"
        }
    }
}
