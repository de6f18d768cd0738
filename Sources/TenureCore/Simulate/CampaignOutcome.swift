import Foundation

/// What the simulator decided one campaign delivery led to, with the truth behind it.
public struct CampaignOutcome: Sendable, Hashable {
    public var delivery: CampaignDelivery
    /// The customer's campaign-response type (truth).
    public var type: CampaignResponseType
    /// P(order within the window) in the customer's arm, and the customer's true uplift.
    public var probability: Double
    public var trueUplift: Double
    /// When the customer ordered within the window; `nil` when they did not.
    public var orderedAt: Date?

    public init(delivery: CampaignDelivery, type: CampaignResponseType, probability: Double, trueUplift: Double, orderedAt: Date?) {
        self.delivery = delivery
        self.type = type
        self.probability = probability
        self.trueUplift = trueUplift
        self.orderedAt = orderedAt
    }

    /// Whether the customer ordered within the window.
    public var ordered: Bool { orderedAt != nil }
}
