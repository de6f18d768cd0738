/// The date trigger: `{"date": {"trait": "birthday", "anniversary": true, "offset_days": -7}}`
/// fires on the day the trait's date plus the offset falls (every year with `anniversary`;
/// Feb 29 falls on Feb 28 in other years); `{"date": {"signup": true, "offset_days": 30}}` fires
/// 30 days after the customer's first-seen (signup) day, the one `days_since_signup` counts
/// from. Key `date:<yyyy-mm-dd of the firing day>`; days are the customer's local days (their
/// `timezone` trait, else the business's zone).
public struct JourneyDateTrigger: Sendable, Hashable {
    /// Where the date comes from.
    public enum Source: Sendable, Hashable {
        /// A trait holding a date, `yyyy-mm-dd` or an ISO 8601 timestamp (its date part is used).
        case trait(String)
        /// The customer's first-seen day, as the analytics snapshot holds it.
        case signup
    }

    public var source: Source
    /// Every year on the date's month and day, rather than once on the date itself.
    public var anniversary: Bool
    /// Days added to the date (negative: before it), −3650 to 3650.
    public var offsetDays: Int

    public init(source: Source, anniversary: Bool = false, offsetDays: Int = 0) {
        self.source = source
        self.anniversary = anniversary
        self.offsetDays = offsetDays
    }
}
