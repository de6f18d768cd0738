import Foundation
import TenureCore

/// Where promo codes are kept: pools of uploaded codes, codes given by journeys' `promo_code`
/// steps (with the step commit, see ``JourneyStore/commitSteps(_:at:)``) and their redemptions
/// (with the event cursor, see ``JourneyStore/processEvents(journeys:limit:at:globalControlShare:)``).
public protocol PromoCodeStore: Sendable {
    /// Adds the codes to the pool (created when new), all or none: a code already stored, in
    /// this pool or any other, or given as a generated code, refuses the upload with its line.
    func uploadPromoCodes(_ codes: PromoCodeList, pool: String, at time: Date) async throws -> PromoCodeUpload

    /// Every pool with its counts, by name.
    func promoPools() async throws -> [PromoPoolSummary]

    /// The codes a journey gave, in the order given.
    func issuedPromoCodes(journeyId: Int64) async throws -> [IssuedPromoCode]
}

/// What an upload added.
public struct PromoCodeUpload: Sendable, Hashable, Codable {
    /// The pool's name.
    public var pool: String
    /// Codes added by this upload.
    public var added: Int
    /// The pool's codes after it, given or not.
    public var total: Int
    /// The pool's codes not given yet.
    public var remaining: Int

    public init(pool: String, added: Int, total: Int, remaining: Int) {
        self.pool = pool
        self.added = added
        self.total = total
        self.remaining = remaining
    }
}

/// A pool's codes: uploaded, given, redeemed (before expiry) and still to give.
public struct PromoPoolSummary: Sendable, Hashable, Codable {
    public var name: String
    /// Codes uploaded into the pool.
    public var total: Int
    /// Codes given to customers by journeys.
    public var issued: Int
    /// Given codes redeemed before they expired.
    public var redeemed: Int
    /// Codes not given yet.
    public var remaining: Int

    public init(name: String, total: Int, issued: Int, redeemed: Int, remaining: Int) {
        self.name = name
        self.total = total
        self.issued = issued
        self.redeemed = redeemed
        self.remaining = remaining
    }
}

/// A code a journey step gave, and what became of it.
public struct IssuedPromoCode: Sendable, Hashable {
    /// The code as given.
    public var code: String
    /// The pool it came from (nil: generated).
    public var pool: String?
    public var enrolmentId: Int64
    /// The enrolment's step sequence that gave it (with the enrolment, its identity).
    public var sequence: Int
    /// The store customer given it.
    public var customerId: Int64
    public var issuedAt: Date
    public var expiresAt: Date
    /// The step's offer text.
    public var offer: String?
    /// When an `Order Completed` event first carried it as its coupon (the event's time).
    public var redeemedAt: Date?
    /// That event's message id.
    public var redeemedBy: String?
    /// That event's customer.
    public var redeemedByCustomer: Int64?
    /// The first use came after the code expired (it does not count as redeemed).
    public var redeemedAfterExpiry: Bool
    /// The first use was by a customer other than the one given the code.
    public var redeemedByOtherCustomer: Bool

    public init(
        code: String, pool: String?, enrolmentId: Int64, sequence: Int, customerId: Int64, issuedAt: Date, expiresAt: Date, offer: String?,
        redeemedAt: Date?, redeemedBy: String?, redeemedByCustomer: Int64?, redeemedAfterExpiry: Bool, redeemedByOtherCustomer: Bool
    ) {
        self.code = code
        self.pool = pool
        self.enrolmentId = enrolmentId
        self.sequence = sequence
        self.customerId = customerId
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.offer = offer
        self.redeemedAt = redeemedAt
        self.redeemedBy = redeemedBy
        self.redeemedByCustomer = redeemedByCustomer
        self.redeemedAfterExpiry = redeemedAfterExpiry
        self.redeemedByOtherCustomer = redeemedByOtherCustomer
    }
}

/// Why an upload of promo codes was refused.
public enum PromoCodeStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The pool's name is blank, too long or has control characters.
    case invalidPoolName(String)
    /// A code of the upload is already stored (`unit` `line` is where it is in the upload).
    case alreadyStored(code: String, unit: String, line: Int, pool: String?)

    public var description: String {
        switch self {
        case .invalidPoolName:
            "pool: a pool name has 1 to \(JourneyPromoCode.maximumPoolNameLength) characters, without control characters"
        case .alreadyStored(let code, let unit, let line, let pool):
            "\(unit) \(line): the code \"\(code)\" is already stored (\(pool.map { "in the pool \"\($0)\"" } ?? "as a generated code")); nothing was uploaded"
        }
    }
}
