import Foundation

/// The JSON a channel receives for a journey's message or webhook step: who (the customer's id
/// and traits), what (the template, the topic), why (the journey, its version and step, the
/// triggering event or scheduled trigger), the idempotency key a receiver deduplicates on, the
/// latest promo code the enrolment received (`promo_code`: `code`, `expires_at`, `offer`), if
/// any, and for a replenishment trigger its forecast (`replenishment`: `interval_days`, the usual
/// days between orders, and `runs_out_on`, the predicted run-out date `yyyy-mm-dd`).
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
        // A replenishment trigger's forecast ({interval_days, runs_out_on}), for the template.
        if case .object(let t) = trigger, let forecast = t["replenishment"] { o["replenishment"] = forecast }
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
