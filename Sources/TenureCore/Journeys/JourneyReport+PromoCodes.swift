import Foundation

extension JourneyReport {
    /// What became of a journey's promo codes. A code counts as redeemed when an `Order
    /// Completed` event carried it as its `coupon` before it expired (the first use only); a use
    /// after expiry is counted apart, as is a use by a customer other than the one given it.
    public struct PromoCodes: Sendable, Codable, Hashable {
        /// Codes given to customers (treatment arm only: held-out customers get none).
        public var issued: Int
        /// Codes redeemed before they expired.
        public var redeemed: Int
        /// Redeemed over issued, in 0 ... 1; nil before any code is given.
        public var redemptionRate: Double?
        /// Codes first used after they expired (not counted as redeemed).
        public var usedAfterExpiry: Int
        /// Codes first used by a customer other than the one given them (counted as redeemed
        /// when in time, and flagged).
        public var usedByOtherCustomer: Int
        /// Promo-code steps that gave nothing because their pool had no unused code left.
        public var poolExhausted: Int

        public init(issued: Int = 0, redeemed: Int = 0, usedAfterExpiry: Int = 0, usedByOtherCustomer: Int = 0, poolExhausted: Int = 0) {
            self.issued = max(0, issued)
            self.redeemed = max(0, redeemed)
            self.usedAfterExpiry = max(0, usedAfterExpiry)
            self.usedByOtherCustomer = max(0, usedByOtherCustomer)
            self.poolExhausted = max(0, poolExhausted)
            redemptionRate = self.issued > 0 ? min(1, Double(self.redeemed) / Double(self.issued)) : nil
        }
    }
}
