import Foundation

/// The rules of a `promo_code` step, for documents and for definitions built in code.
extension JourneyDefinitionRules {
    func check(_ promo: JourneyPromoCode, path: String) throws(JourneyDefinitionError) {
        switch promo.source {
        case .pool(let name):
            guard JourneyPromoCode.isValidPoolName(name) else {
                throw JourneyDefinitionError(
                    at: path + ".pool", "a pool name has 1 to \(JourneyPromoCode.maximumPoolNameLength) characters, without control characters")
            }
        case .generate(let prefix, let length):
            guard JourneyPromoCode.isValidPrefix(prefix) else {
                throw JourneyDefinitionError(
                    at: path + ".generate.prefix", "a prefix has 0 to \(JourneyPromoCode.maximumPrefixLength) letters, digits, - and _")
            }
            let range = JourneyPromoCode.generatedLengthRange
            guard range.contains(length) else {
                throw JourneyDefinitionError(at: path + ".generate.length", "a generated code has \(range.lowerBound) to \(range.upperBound) random characters")
            }
        }
        let days = JourneyPromoCode.expiresDaysRange
        guard days.contains(promo.expiresDays) else {
            throw JourneyDefinitionError(at: path + ".expires_days", "a code expires \(days.lowerBound) to \(days.upperBound) days after it is given")
        }
        if let offer = promo.offer, offer.count > JourneyPromoCode.maximumOfferLength {
            throw JourneyDefinitionError(at: path + ".offer", "an offer has at most \(JourneyPromoCode.maximumOfferLength) characters")
        }
    }
}
