import Foundation

/// The message a retention team should send an at-risk customer, chosen by simple rules.
public enum RetentionAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The customer's last subscription event is a cancellation: ask why.
    case exitSurvey = "exit survey"
    /// Valuable and likely to leave: worth a discount.
    case winBackOffer = "win-back offer with promo code"
    /// The next purchase is overdue compared with the customer's own rhythm.
    case replenishmentReminder = "replenishment reminder"
    /// Browsing without buying lately.
    case browseAbandonmentOffer = "browse abandonment offer"
    /// None of the above.
    case checkInMessage = "check-in message"

    /// Thresholds of the rules, applied in the order of the cases above (first match wins).
    public struct Rules: Sendable, Hashable, Codable {
        /// Churn risk (0…1) from which a high-value customer gets a win-back offer.
        public var highRisk: Double
        /// CLV quantile (0…1) among the scored customers from which a customer is "high value".
        public var highValueQuantile: Double
        /// A purchase is overdue when days since the last one exceed this multiple of the customer's
        /// mean days between purchases (needs at least one repeat purchase).
        public var overdueFactor: Double
        /// Sessions in the last 30 days, without a purchase in them, that count as browsing.
        public var browseSessions: Int

        public init(highRisk: Double = 0.5, highValueQuantile: Double = 0.8, overdueFactor: Double = 1.5, browseSessions: Int = 3) {
            self.highRisk = highRisk
            self.highValueQuantile = highValueQuantile
            self.overdueFactor = overdueFactor
            self.browseSessions = browseSessions
        }

        /// The action for one customer. `meanPurchaseGapDays` is nil without repeat purchases.
        public func action(
            subscriptionCancelled: Bool, risk: Double, clv: Double, highValueCLV: Double,
            daysSinceLastPurchase: Double?, meanPurchaseGapDays: Double?, sessions30d: Int, orders30d: Int
        ) -> RetentionAction {
            if subscriptionCancelled { return .exitSurvey }
            if risk >= highRisk, clv >= highValueCLV, clv > 0 { return .winBackOffer }
            if let since = daysSinceLastPurchase, let gap = meanPurchaseGapDays, gap > 0, since > overdueFactor * gap {
                return .replenishmentReminder
            }
            if sessions30d >= browseSessions, orders30d == 0 { return .browseAbandonmentOffer }
            return .checkInMessage
        }
    }
}
