import Foundation

/// The JSON a channel receives for a journey's message or webhook step: who (the customer's id
/// and traits), what (the template, the topic), why (the journey, its version and step, the
/// triggering event), the idempotency key a receiver deduplicates on, and the latest promo code
/// the enrolment received (`promo_code`: `code`, `expires_at`, `offer`), if any.
public enum JourneyMessagePayload {
    public static func make(
        key: String, journey: String, version: Int, step: String, send: JourneySend?, userId: String, traits: [String: JSONValue],
        trigger: JSONValue, createdAt: Date, promoCode: JourneyPromoCode.Issued? = nil
    ) -> JSONValue {
        var o: [String: JSONValue] = [
            "message_id": .string(key), "journey": .string(journey), "journey_version": .number(Double(version)), "step": .string(step),
            "customer": ["user_id": .string(userId), "traits": .object(traits)], "trigger": trigger,
            "created_at": .string(ISO8601Timestamp.format(createdAt)),
        ]
        if let send {
            o["channel"] = .string(send.channel)
            o["template"] = .string(send.template)
            o["topic"] = .string(send.topic)
            o["transactional"] = .bool(send.transactional)
        }
        if let promoCode { o["promo_code"] = promoCode.json }
        return .object(o)
    }
}
