import TenureCore

/// A customer about to enter a journey, from an event or a scheduled trigger: what
/// ``SQLiteStore/enter(_:journey:_:at:globalControlShare:)`` checks and records.
struct SQLiteJourneyEntry {
    /// The store customer id.
    var customer: Int64
    var userId: String
    /// Unique per journey: the event's message id, or a scheduled firing's key and customer.
    var triggerMessage: String
    /// Events after this sequence number count for the goal and for waits.
    var triggerSequence: Int64
    /// Kept with the enrolment for its messages.
    var trigger: JSONValue
}
