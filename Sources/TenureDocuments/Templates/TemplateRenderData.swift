import Foundation
import TenureCore

/// The data a template renders with (see ``TemplateFields``), built from what a message carries.
public enum TemplateRenderData {
    /// Links every message offers: one-click unsubscribe and the preference page.
    public struct Links: Sendable, Hashable {
        public var unsubscribe: String
        public var preferences: String
        public init(unsubscribe: String, preferences: String) {
            self.unsubscribe = unsubscribe
            self.preferences = preferences
        }
    }

    /// From a journey's outgoing message (``JourneyMessagePayload``): the customer's traits with
    /// their id, the triggering event's properties with its name, the promo code and the
    /// replenishment forecast when the journey gave them, the journey and step.
    public static func from(message payload: JSONValue, links: Links?) -> JSONValue {
        var customer = payload["customer"]?["traits"]?.objectValue ?? [:]
        customer["user_id"] = payload["customer"]?["user_id"] ?? .null
        var event = payload["trigger"]?["properties"]?.objectValue ?? [:]
        if let name = payload["trigger"]?["event"] { event["name"] = name }
        var data: [String: JSONValue] = [
            "customer": .object(customer), "event": .object(event),
            "journey": ["name": payload["journey"] ?? .null, "step": payload["step"] ?? .null],
            "message": ["id": payload["message_id"] ?? .null],
        ]
        for key in ["promo_code", "replenishment", "recommendations"] {
            if let v = payload[key], v != .null { data[key] = v }
        }
        if let links {
            data["unsubscribe_url"] = .string(links.unsubscribe)
            data["preferences_url"] = .string(links.preferences)
        }
        return .object(data)
    }

    /// For a preview: a customer's own traits and last event, with sample values for what only a
    /// journey would give (a promo code, recommendations) so every part shows filled in.
    public static func preview(userId: String, traits: [String: JSONValue], lastEvent: (name: String, properties: [String: JSONValue])?, now: Date) -> JSONValue {
        var customer = traits
        customer["user_id"] = .string(userId)
        var event = lastEvent?.properties ?? [:]
        if let lastEvent { event["name"] = .string(lastEvent.name) }
        let expires = ISO8601Timestamp.format(now.addingTimeInterval(30 * 86_400)).prefix(10)
        return .object([
            "customer": .object(customer), "event": .object(event),
            "promo_code": ["code": "PREVIEW-CODE", "expires_at": .string(String(expires)), "offer": "(the journey's offer)"],
            "recommendations": [["name": "(a recommended product)", "url": "https://example.com/product", "price": 10, "image_url": "", "product_id": "preview"]],
            "replenishment": ["interval_days": 30, "runs_out_on": .string(String(expires))],
            "journey": ["name": "(preview)", "step": "(preview)"], "message": ["id": "preview"],
            "unsubscribe_url": "https://example.com/unsubscribe", "preferences_url": "https://example.com/preferences",
        ])
    }
}
