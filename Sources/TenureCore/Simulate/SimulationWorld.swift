import Foundation

/// Everything the generator needs that does not change from one customer to the next, computed
/// once per simulation: period bounds in seconds, cumulative weights, and the JSON values of
/// catalogue items and pages, so the hot loop only copies references.
struct SimulationWorld: Sendable {
    let configuration: SimulationConfiguration
    let parameters: SimulationParameters
    /// Period bounds, in seconds since the reference date. Nothing is emitted at or after `lastT`.
    let startT: Double
    let endT: Double
    let lastT: Double
    let logGrowth: Double
    let idWidth: Int
    let messageIdPrefix: String
    let currency: JSONValue

    let channels: WeightedTable
    let channelNames: [JSONValue]
    let places: WeightedTable
    let plans: WeightedTable

    let productPrices: [Int]
    /// `productJSON[product][quantity - 1]` for quantities 1…4.
    let productJSON: [[JSONValue]]
    let productPageProperties: [[String: JSONValue]]
    let cheapestProduct: Int
    /// Replenishable products and their nominal cycles in days.
    let replenishables: [(product: Int, days: Double)]

    let pageNames: [String]
    let pageProperties: [[String: JSONValue]]
    let productPageIndex: Int?
    let checkoutPageProperties: [String: JSONValue]
    let screenNames: [String]
    let checkoutScreen: String
    let applicationOpenedProperties: [String: JSONValue] = ["from_background": false, "build": "1.0"]
    /// Message context per platform and place (`contexts[platform][place]`), with the IANA time zone.
    let contexts: [[[String: JSONValue]]]

    let couponCodes: [JSONValue]
    let lowercasedFirstNames: [String]
    let lowercasedLastNames: [String]
    let complaintTopics: [JSONValue]
    let monthlyInterval: JSONValue = "month"
    let yearlyInterval: JSONValue = "year"

    init(configuration: SimulationConfiguration) {
        self.configuration = configuration
        let p = configuration.parameters
        parameters = p
        startT = configuration.start.timeIntervalSinceReferenceDate
        endT = configuration.end.timeIntervalSinceReferenceDate
        lastT = endT - 1
        logGrowth = Foundation.log(p.acquisitionGrowth)
        idWidth = max(7, String(configuration.customers).count)
        messageIdPrefix = "sim-\(configuration.seed)-"
        currency = .string(configuration.currency)

        channels = WeightedTable(p.channels.map(\.weight))
        channelNames = p.channels.map { .string($0.name) }
        places = WeightedTable(SimulationVocabulary.places.map(\.weight))
        plans = WeightedTable(p.plans.isEmpty ? [1] : p.plans.map(\.weight))

        productPrices = p.catalogue.map(\.priceCents)
        productJSON = p.catalogue.map { product in
            (1...4).map { quantity in
                .object([
                    "product_id": .string(product.id), "sku": .string(product.sku), "name": .string(product.name),
                    "category": .string(product.category), "price": .number(Double(product.priceCents) / 100),
                    "quantity": .number(Double(quantity)),
                ])
            }
        }
        productPageProperties = p.catalogue.map { product in
            ["path": .string("/products/\(product.sku.lowercased())"), "title": .string(product.name),
             "product_id": .string(product.id), "category": .string(product.category)]
        }
        cheapestProduct = p.catalogue.indices.min { p.catalogue[$0].priceCents < p.catalogue[$1].priceCents } ?? 0
        replenishables = p.catalogue.indices.compactMap { i in p.catalogue[i].replenishmentDays.map { (i, $0) } }

        pageNames = p.pages
        pageProperties = p.pages.map { name in
            ["path": .string("/" + name.lowercased().replacingOccurrences(of: " ", with: "-")), "title": .string(name)]
        }
        productPageIndex = p.pages.firstIndex(of: "Product")
        checkoutPageProperties = ["path": "/checkout", "title": "Checkout"]
        screenNames = p.screens
        checkoutScreen = p.screens.contains("Shop") ? "Shop" : "Checkout"
        let library: JSONValue = ["name": "tenure-simulator", "version": "1.0"]
        contexts = CustomerTruth.Platform.allCases.map { platform in
            let base: [String: JSONValue] =
                switch platform {
                case .web: ["library": library, "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15"]
                case .ios: ["library": library, "os": ["name": "iOS", "version": "18.2"], "app": ["name": "Tenure Demo", "build": "1.0"]]
                case .android: ["library": library, "os": ["name": "Android", "version": "15"], "app": ["name": "Tenure Demo", "build": "1.0"]]
                }
            return SimulationVocabulary.places.map { place in
                var context = base
                context["timezone"] = .string(place.timeZone)
                return context
            }
        }
        lowercasedFirstNames = SimulationVocabulary.firstNames.map { $0.lowercased() }
        lowercasedLastNames = SimulationVocabulary.lastNames.map { $0.lowercased() }
        couponCodes = p.coupons.map { .string($0.code) }
        complaintTopics = p.complaintTopics.isEmpty ? ["other"] : p.complaintTopics.map { .string($0) }
    }

    /// An independent random stream per customer, so any customer can be generated alone, in any
    /// order or in parallel, with the same result.
    func customerSeed(_ index: Int) -> UInt64 {
        var z = configuration.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(truncatingIfNeeded: index &+ 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31) ^ configuration.seed.rotatedLeft(17)
    }

    /// Signup time of customer `index`: customers are spread over the period in signup order with
    /// a signup rate growing exponentially by `acquisitionGrowth` (stratified, so index order is
    /// signup order).
    func signupTime(index: Int, jitter: Double) -> Double {
        let u = (Double(index) + jitter) / Double(configuration.customers)
        let s = abs(logGrowth) < 1e-9 ? u : Foundation.log1p(u * Foundation.expm1(logGrowth)) / logGrowth
        return min(startT + s * (endT - startT), lastT - 3600)
    }

    /// The customer number zero-padded to the id width: `0000123` for index 122.
    func digits(_ index: Int) -> String {
        var bytes = [UInt8](repeating: 48, count: idWidth)
        var v = index + 1
        var i = idWidth - 1
        while v > 0 && i >= 0 {
            bytes[i] = UInt8(48 + v % 10)
            v /= 10
            i -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}


extension UInt64 {
    fileprivate func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}
