import Foundation

/// The `promo_code` step in the journey document: `{"pool": NAME}` or
/// `{"generate": {"prefix": "WB-", "length": 8}}`, with optional `expires_days` and `offer`.
extension JourneyDefinition {
    static func promoCode(_ value: JSONValue?, at path: String) throws(JourneyDefinitionError) -> JourneyPromoCode {
        let o = try JourneyDocumentObject(
            value, at: path, what: #"a promo code such as {"pool": "WINBACK20", "expires_days": 30} or {"generate": {"prefix": "WB-", "length": 8}}"#)
        try o.allowOnly(["pool", "generate", "expires_days", "offer"])
        let source: JourneyPromoCode.Source
        switch (o.has("pool"), o.has("generate")) {
        case (true, false):
            source = .pool(try o.string("pool"))
        case (false, true):
            let g = try JourneyDocumentObject(o.members["generate"], at: o.sub("generate"), what: #"a generated code such as {"prefix": "WB-", "length": 8}"#)
            try g.allowOnly(["prefix", "length"])
            let range = JourneyPromoCode.generatedLengthRange
            source = .generate(prefix: try g.optionalString("prefix") ?? "", length: try g.integer("length", in: range))
        default:
            throw JourneyDefinitionError(at: path, "needs exactly one of pool (an uploaded pool's name) or generate")
        }
        let days = o.has("expires_days") ? try o.integer("expires_days", in: JourneyPromoCode.expiresDaysRange) : JourneyPromoCode.defaultExpiresDays
        return JourneyPromoCode(source, expiresDays: days, offer: try o.optionalString("offer"))
    }

    static func json(_ promo: JourneyPromoCode) -> JSONValue {
        var o: [String: JSONValue] = ["expires_days": .number(Double(promo.expiresDays))]
        switch promo.source {
        case .pool(let name): o["pool"] = .string(name)
        case .generate(let prefix, let length): o["generate"] = ["prefix": .string(prefix), "length": .number(Double(length))]
        }
        if let offer = promo.offer { o["offer"] = .string(offer) }
        return .object(o)
    }
}
