import Foundation

/// A journey step that gives the customer a promo code: the next unused code of an uploaded
/// pool, or a newly generated unique one. Each code is single-use and expires `expiresDays`
/// after it is given; later send steps of the enrolment carry it in their payload
/// (`promo_code`), and an `Order Completed` event whose `coupon` is the code redeems it.
///
/// Document: `{"promo_code": {"pool": "WINBACK20", "expires_days": 30, "offer": "20% off"}}` or
/// `{"promo_code": {"generate": {"prefix": "WB-", "length": 8}, "expires_days": 30}}`.
public struct JourneyPromoCode: Sendable, Hashable {
    /// Where the code comes from.
    public enum Source: Sendable, Hashable {
        /// The next unused code of the uploaded pool with this name (none left: the journey goes
        /// on without a code, and the report counts the pool as exhausted).
        case pool(String)
        /// A new code: `prefix` then `length` random characters of ``alphabet``.
        case generate(prefix: String, length: Int)
    }

    /// A pool's next unused code, or a generated one.
    public var source: Source
    /// Days from the moment the code is given until it expires, 1 ... 3650 (30 unless given).
    public var expiresDays: Int
    /// Free text for templates (`"20% off your next order"`), at most 200 characters.
    public var offer: String?

    public init(_ source: Source, expiresDays: Int = JourneyPromoCode.defaultExpiresDays, offer: String? = nil) {
        self.source = source
        self.expiresDays = expiresDays
        self.offer = offer
    }

    /// Days until a code expires when the step does not say.
    public static let defaultExpiresDays = 30
    /// The days a step may give a code before it expires.
    public static let expiresDaysRange = 1...3650
    /// The number of random characters of a generated code.
    public static let generatedLengthRange = 6...32
    /// Characters of a generated code's prefix, at most.
    public static let maximumPrefixLength = 20
    /// Characters of an offer's text, at most.
    public static let maximumOfferLength = 200
    /// Characters of a pool's name, at most.
    public static let maximumPoolNameLength = 100

    /// The characters of a generated code: upper-case letters and digits without the ambiguous
    /// 0, O, 1 and I (32 characters, so each carries 5 bits of randomness).
    public static let alphabet: [Character] = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")

    /// Whether `prefix` may start a generated code: 0 to 20 letters, digits, `-` and `_` (ASCII).
    public static func isValidPrefix(_ prefix: String) -> Bool {
        prefix.count <= maximumPrefixLength && prefix.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }

    /// Whether `name` may name a pool: 1 to 100 characters, no control characters, not blank.
    public static func isValidPoolName(_ name: String) -> Bool {
        !name.trimmingCharacters(in: .whitespaces).isEmpty && name.count <= maximumPoolNameLength
            && !name.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// A new code: `prefix` and `length` characters drawn from ``alphabet`` with `generator`
    /// (the store passes `SystemRandomNumberGenerator`, a cryptographic source; tests a seeded one).
    public static func generate(prefix: String, length: Int, using generator: inout some RandomNumberGenerator) -> String {
        var code = prefix
        for _ in 0..<max(0, length) {
            // 32 characters: the low 5 bits of a random word are uniform, without modulo bias.
            code.append(alphabet[Int(generator.next() & 31)])
        }
        return code
    }

    /// The form codes are compared in (a coupon typed by a customer, a code in a pool): trimmed
    /// of white space, upper-cased.
    public static func normalized(_ code: String) -> String {
        code.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
    }

    /// The code an enrolment received, as later messages carry it (`promo_code` in the payload).
    public struct Issued: Sendable, Hashable {
        /// The code as the customer types it.
        public var code: String
        /// When it stops counting as redeemed (the step's time plus `expiresDays`).
        public var expiresAt: Date
        /// The step's `offer` text, if it has one.
        public var offer: String?

        public init(code: String, expiresAt: Date, offer: String?) {
            self.code = code
            self.expiresAt = expiresAt
            self.offer = offer
        }

        /// `{"code", "expires_at", "offer"}` (offer only when given), as the payload holds it.
        public var json: JSONValue {
            var o: [String: JSONValue] = ["code": .string(code), "expires_at": .string(ISO8601Timestamp.format(expiresAt))]
            if let offer { o["offer"] = .string(offer) }
            return .object(o)
        }
    }
}
