import Foundation

/// The kinds of business the simulator can play.
public enum SimulationProfile: String, Sendable, Hashable, CaseIterable, Codable {
    /// A direct-to-consumer tea, coffee and wellness brand: replenishable products, subscribe-and-save,
    /// BG/NBD dropout.
    case d2c
    /// A general online store: wide catalogue and price range, Pareto/NBD exponential lifetimes.
    case ecommerce
    /// A subscription box: monthly or yearly plans with add-on orders, sBG cancellation at renewal.
    case subscription
    /// A free-to-play mobile game: many sessions, few in-app purchases, exponential lifetimes,
    /// no purchase at install.
    case gaming

    /// The profile's parameters. All the numbers that distinguish the profiles live here.
    public var parameters: SimulationParameters {
        switch self {
        case .d2c: Self.d2cParameters
        case .ecommerce: Self.ecommerceParameters
        case .subscription: Self.subscriptionParameters
        case .gaming: Self.gamingParameters
        }
    }
}

extension SimulationProfile {
    private typealias P = SimulationParameters.Product

    private static let webChannels: [SimulationParameters.Weighted] = [
        .init("organic_search", 30), .init("paid_search", 20), .init("paid_social", 20),
        .init("referral", 10), .init("email", 8), .init("affiliate", 7), .init("direct", 5),
    ]

    private static let webPages = ["Home", "Category", "Product", "Product", "Cart", "Account", "Blog"]
    private static let appScreens = ["Home", "Browse", "Product", "Cart", "Account"]

    private static let d2cParameters = SimulationParameters(
        // Mean λ 0.018/day ≈ one order every 8 weeks; CDNOW-like heterogeneity (r < 1).
        purchaseRate: .init(shape: 0.9, rate: 50),
        dropout: .afterPurchase(.init(a: 1.0, b: 3.0)),
        firstOrderAtSignup: true,
        spend: .init(p: 6, q: 4, gamma: 22),  // mean order revenue 44
        catalogue: [
            P(id: "p-tea-monthly", sku: "TEA-MON-01", name: "Monthly Tea Pack", category: "Tea", priceCents: 2400, replenishmentDays: 30),
            P(id: "p-coffee-1kg", sku: "COF-BEAN-1K", name: "Coffee Beans 1kg", category: "Coffee", priceCents: 1950, replenishmentDays: 21),
            P(id: "p-vitamins", sku: "VIT-DAILY-60", name: "Daily Vitamins", category: "Wellness", priceCents: 2900, replenishmentDays: 60),
            P(id: "p-protein", sku: "PRO-WHEY-1K", name: "Protein Powder", category: "Wellness", priceCents: 3900, replenishmentDays: 45),
            P(id: "p-matcha", sku: "TEA-MATCHA-100", name: "Ceremonial Matcha", category: "Tea", priceCents: 2200, replenishmentDays: 40),
            P(id: "p-sampler", sku: "TEA-SAMPLER", name: "Tea Sampler", category: "Tea", priceCents: 1500),
            P(id: "p-teapot", sku: "WARE-TEAPOT", name: "Glass Teapot", category: "Teaware", priceCents: 3500),
            P(id: "p-mug", sku: "WARE-MUG", name: "Travel Mug", category: "Teaware", priceCents: 2200),
            P(id: "p-whisk", sku: "WARE-WHISK", name: "Matcha Whisk", category: "Teaware", priceCents: 1200),
            P(id: "p-honey", sku: "PAN-HONEY", name: "Wildflower Honey", category: "Pantry", priceCents: 950),
            P(id: "p-gift", sku: "GIFT-BOX", name: "Gift Box", category: "Gifts", priceCents: 4500),
        ],
        acquisitionGrowth: 3,
        channels: webChannels,
        sessionsPerDay: 0.05, sessionShape: 2,
        appShare: 0.3, anonymousFirstShare: 0.2,
        replenisherShare: 0.5, subscribeAndSaveShare: 0.4,
        couponRate: 0.15, shippingCents: 495, freeShippingThresholdCents: 5000, taxRate: 0.0825,
        warningWindowDays: 42, engagementFloor: 0.15,
        npsIntervalDays: 90, surveyResponseRate: 0.3, satisfactionMean: 8,
        complaintsPerDay: 0.002, complaintChurnMultiplier: 5,
        complaintTopics: ["delivery delay", "damaged item", "wrong item", "product quality", "billing", "subscription change"],
        marketingOptInShare: 0.65, unsubscribeAtChurn: 0.3, unsubscribePerYear: 0.05,
        coupons: [.init(code: "WELCOME10", percentOff: 0.10), .init(code: "TEA15", percentOff: 0.15), .init(code: "VIP20", percentOff: 0.20)],
        pages: webPages, screens: appScreens,
        campaignResponses: .init(persuadable: 0.3, sureThing: 0.25, lostCause: 0.3, sleepingDog: 0.15)
    )

    private static let ecommerceParameters = SimulationParameters(
        purchaseRate: .init(shape: 0.6, rate: 45),  // mean λ 0.013/day ≈ 0.4 orders a month
        dropout: .exponentialLifetime(.init(shape: 1.2, rate: 300)),  // mean μ 0.004/day
        firstOrderAtSignup: true,
        spend: .init(p: 5, q: 3.5, gamma: 35),  // mean order revenue 70
        catalogue: [
            P(id: "e-earbuds", sku: "ELEC-EARBUDS", name: "Wireless Earbuds", category: "Electronics", priceCents: 7900),
            P(id: "e-charger", sku: "ELEC-CHARGER", name: "USB-C Charger", category: "Electronics", priceCents: 2500),
            P(id: "e-speaker", sku: "ELEC-SPEAKER", name: "Bluetooth Speaker", category: "Electronics", priceCents: 5900),
            P(id: "e-tshirt", sku: "APP-TEE", name: "Cotton T-Shirt", category: "Apparel", priceCents: 1800),
            P(id: "e-jeans", sku: "APP-JEANS", name: "Slim Jeans", category: "Apparel", priceCents: 4900),
            P(id: "e-sneakers", sku: "APP-SNEAK", name: "Running Sneakers", category: "Apparel", priceCents: 8900),
            P(id: "e-lamp", sku: "HOME-LAMP", name: "Desk Lamp", category: "Home", priceCents: 3400),
            P(id: "e-towels", sku: "HOME-TOWEL", name: "Bath Towel Set", category: "Home", priceCents: 2900),
            P(id: "e-shampoo", sku: "BEA-SHAMPOO", name: "Shampoo 500ml", category: "Beauty", priceCents: 1200, replenishmentDays: 45),
            P(id: "e-coffee", sku: "GRO-COFFEE", name: "Coffee Beans 1kg", category: "Grocery", priceCents: 1900, replenishmentDays: 21),
            P(id: "e-petfood", sku: "PET-FOOD-5K", name: "Dry Dog Food 5kg", category: "Pet", priceCents: 3600, replenishmentDays: 28),
            P(id: "e-detergent", sku: "HOME-DETERG", name: "Laundry Detergent", category: "Household", priceCents: 1500, replenishmentDays: 40),
            P(id: "e-razors", sku: "BEA-RAZOR8", name: "Razor Blades 8-pack", category: "Beauty", priceCents: 2100, replenishmentDays: 60),
            P(id: "e-book", sku: "BOOK-NOVEL", name: "Paperback Novel", category: "Books", priceCents: 1400),
        ],
        acquisitionGrowth: 2,
        channels: webChannels,
        sessionsPerDay: 0.04, sessionShape: 1.5,
        appShare: 0.4, anonymousFirstShare: 0.2,
        replenisherShare: 0.3, subscribeAndSaveShare: 0,
        couponRate: 0.12, shippingCents: 599, freeShippingThresholdCents: 3500, taxRate: 0.07,
        warningWindowDays: 42, engagementFloor: 0.15,
        npsIntervalDays: 120, surveyResponseRate: 0.2, satisfactionMean: 7.5,
        complaintsPerDay: 0.0015, complaintChurnMultiplier: 5,
        complaintTopics: ["delivery delay", "damaged item", "missing item", "refund", "product quality", "account access"],
        marketingOptInShare: 0.55, unsubscribeAtChurn: 0.25, unsubscribePerYear: 0.06,
        coupons: [.init(code: "WELCOME10", percentOff: 0.10), .init(code: "SAVE15", percentOff: 0.15), .init(code: "FLASH20", percentOff: 0.20)],
        pages: webPages, screens: appScreens,
        campaignResponses: .init(persuadable: 0.25, sureThing: 0.2, lostCause: 0.4, sleepingDog: 0.15)
    )

    private static let subscriptionParameters = SimulationParameters(
        purchaseRate: .init(shape: 0.5, rate: 60),  // add-on orders: mean λ 0.008/day
        dropout: .atRenewal(.init(a: 1.0, b: 7.0)),  // mean monthly cancellation 12.5%
        firstOrderAtSignup: false,
        spend: .init(p: 4, q: 4, gamma: 15),  // add-on order revenue, mean 20
        catalogue: [
            P(id: "s-extra-box", sku: "BOX-EXTRA", name: "Extra Box", category: "Boxes", priceCents: 1999),
            P(id: "s-snacks", sku: "ADD-SNACKS", name: "Snack Pack", category: "Add-ons", priceCents: 999),
            P(id: "s-spices", sku: "ADD-SPICE", name: "Spice Set", category: "Add-ons", priceCents: 1499),
            P(id: "s-hoodie", sku: "MERCH-HOOD", name: "Logo Hoodie", category: "Merch", priceCents: 4500),
            P(id: "s-gift", sku: "GIFT-CARD-25", name: "Gift Card", category: "Gifts", priceCents: 2500),
        ],
        plans: [.init(name: "basic", monthlyCents: 999, weight: 45), .init(name: "standard", monthlyCents: 1599, weight: 40), .init(name: "premium", monthlyCents: 2499, weight: 15)],
        yearlyPlanShare: 0.15,
        acquisitionGrowth: 2.5,
        channels: webChannels,
        sessionsPerDay: 0.08, sessionShape: 2,
        appShare: 0.6, anonymousFirstShare: 0.2,
        replenisherShare: 0, subscribeAndSaveShare: 0,
        couponRate: 0.1, shippingCents: 0, freeShippingThresholdCents: 0, taxRate: 0.07,
        warningWindowDays: 42, engagementFloor: 0.15,
        npsIntervalDays: 90, surveyResponseRate: 0.3, satisfactionMean: 7.8,
        complaintsPerDay: 0.002, complaintChurnMultiplier: 5,
        complaintTopics: ["late delivery", "billing", "box contents", "cancellation", "account access"],
        marketingOptInShare: 0.6, unsubscribeAtChurn: 0.3, unsubscribePerYear: 0.05,
        coupons: [.init(code: "BOXFRIEND10", percentOff: 0.10), .init(code: "ADDON15", percentOff: 0.15)],
        pages: ["Home", "My Box", "Add-ons", "Account", "Billing"], screens: ["Home", "My Box", "Add-ons", "Recipes", "Account"],
        campaignResponses: .init(persuadable: 0.2, sureThing: 0.35, lostCause: 0.25, sleepingDog: 0.2)
    )

    private static let gamingParameters = SimulationParameters(
        purchaseRate: .init(shape: 0.25, rate: 25),  // in-app purchases: mean λ 0.01/day, most players never pay
        dropout: .exponentialLifetime(.init(shape: 0.9, rate: 45)),  // mean μ 0.02/day
        firstOrderAtSignup: false,
        spend: .init(p: 2.5, q: 3, gamma: 10),  // mean purchase 12.5
        catalogue: [
            P(id: "g-gems-s", sku: "GEMS-100", name: "Handful of Gems", category: "Currency", priceCents: 199),
            P(id: "g-gems-m", sku: "GEMS-550", name: "Pouch of Gems", category: "Currency", priceCents: 499),
            P(id: "g-gems-l", sku: "GEMS-1200", name: "Chest of Gems", category: "Currency", priceCents: 999),
            P(id: "g-gems-xl", sku: "GEMS-6500", name: "Vault of Gems", category: "Currency", priceCents: 4999),
            P(id: "g-starter", sku: "BUNDLE-START", name: "Starter Bundle", category: "Bundles", priceCents: 299),
            P(id: "g-skin", sku: "SKIN-DRAGON", name: "Dragon Skin", category: "Cosmetics", priceCents: 799),
            P(id: "g-pass", sku: "PASS-SEASON", name: "Season Pass", category: "Passes", priceCents: 999, replenishmentDays: 42),
        ],
        acquisitionGrowth: 2,
        channels: [.init("app_store_search", 35), .init("paid_social", 30), .init("video_ads", 20), .init("referral", 10), .init("cross_promo", 5)],
        sessionsPerDay: 0.25, sessionShape: 1.2,
        appShare: 1, anonymousFirstShare: 0.2,
        replenisherShare: 0.3, subscribeAndSaveShare: 0,
        couponRate: 0.03, shippingCents: 0, freeShippingThresholdCents: 0, taxRate: 0,
        warningWindowDays: 21, engagementFloor: 0.15,
        npsIntervalDays: 60, surveyResponseRate: 0.1, satisfactionMean: 7.2,
        complaintsPerDay: 0.001, complaintChurnMultiplier: 5,
        complaintTopics: ["payment failed", "lost progress", "bug", "cheating player", "account access"],
        marketingOptInShare: 0.4, unsubscribeAtChurn: 0.2, unsubscribePerYear: 0.05,
        coupons: [.init(code: "COMEBACK20", percentOff: 0.20)],
        pages: ["Home", "News", "Shop"], screens: ["Lobby", "Level", "Level", "Level", "Shop", "Leaderboard", "Inventory"],
        campaignResponses: .init(persuadable: 0.2, sureThing: 0.15, lostCause: 0.5, sleepingDog: 0.15)
    )
}
