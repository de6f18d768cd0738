import Foundation

/// One customer's part in a campaign, as the response model reads it: who, when, and whether
/// they were sent the message (treated) or held out of it (control).
public struct CampaignDelivery: Sendable, Hashable {
    /// The customer's user id, as the simulator named them (`c0000123`).
    public var userId: String
    /// When the message was delivered, or when the held-out customer would have received it;
    /// the goal window starts here.
    public var time: Date
    /// Whether the customer was sent the message (false: held out).
    public var treated: Bool

    public init(userId: String, time: Date, treated: Bool) {
        self.userId = userId
        self.time = time
        self.treated = treated
    }
}
