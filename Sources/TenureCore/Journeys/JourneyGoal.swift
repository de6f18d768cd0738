/// What counts as the journey's success: the customer sends this event within `withinDays` of
/// entering (an order within 14 days). A conversion ends the journey; conversions are counted
/// for held-out customers too, which is what measures the uplift.
public struct JourneyGoal: Sendable, Hashable {
    public var event: String
    public var filter: [SegmentPropertyCondition]
    /// Days after entry, > 0.
    public var withinDays: Int

    public init(event: String, filter: [SegmentPropertyCondition] = [], withinDays: Int) {
        self.event = event
        self.filter = filter
        self.withinDays = withinDays
    }

    /// Whether an event of this name and these properties is a conversion.
    public func converts(name: String, properties: [String: JSONValue], asOf day: Int32) -> Bool {
        name == event && filter.allSatisfy { $0.holds(properties: properties, asOf: day) }
    }
}

/// Who may enter a journey again.
public enum JourneyEntryRule: Sendable, Hashable {
    /// Once in a customer's life.
    case onceEver
    /// Again when the last entry was at least this many days ago.
    case oncePerDays(Int)
    /// Whenever the trigger fires while the customer is not in the journey.
    case whenNotActive

    /// Whether a customer may enter now, given when they entered before (any order) and
    /// whether they are in this journey now.
    public func allows(previousEntries: [Double], active: Bool, now: Double) -> Bool {
        if active { return false }
        switch self {
        case .onceEver: return previousEntries.isEmpty
        case .oncePerDays(let days): return previousEntries.allSatisfy { now - $0 >= Double(days) * 86_400 }
        case .whenNotActive: return true
        }
    }
}
