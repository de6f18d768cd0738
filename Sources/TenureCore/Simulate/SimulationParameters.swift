import Foundation

/// Everything that makes one simulated business differ from another: its catalogue, prices, the
/// BTYD parameters of its customers and the mix of non-purchase events. `SimulationProfile.parameters`
/// holds the four built-in sets; tests and experiments may tweak a copy.
///
/// Time is in days throughout: purchase rates are per day, the Gamma rate `α` is in days.
/// Money is in the configuration's currency; catalogue prices are in minor units (cents).
public struct SimulationParameters: Sendable, Hashable {
    /// Latent purchase rate λ (purchases per day while alive) ~ Gamma(shape r, rate α): mean r/α.
    public var purchaseRate: GammaParameters
    /// How and when a customer stops buying for good.
    public var dropout: DropoutModel
    /// Whether the customer's first order happens at signup (the BTYD "trial" purchase at time 0,
    /// not counted among the repeat purchases). Gaming players install without buying.
    public var firstOrderAtSignup: Bool
    /// Order value heterogeneity (Fader & Hardie's Gamma-Gamma): per-order revenue z ~ Gamma(p, ν)
    /// around the customer's mean p/ν, with ν ~ Gamma(q, γ). Population mean order revenue is pγ/(q−1).
    public var spend: GammaGammaParameters
    public var catalogue: [Product]
    /// Plans for the `subscription` profile, or for d2c subscribe-and-save (price taken from the product).
    public var plans: [Plan]
    /// Share of subscribers on a yearly plan (billed 10× the monthly amount).
    public var yearlyPlanShare: Double
    /// Signup rate at the end of the period ÷ at its start (> 1: a growing business).
    public var acquisitionGrowth: Double
    /// Acquisition channels with their relative weights.
    public var channels: [Weighted]
    /// Mean sessions per day of an engaged customer (Gamma heterogeneity with shape `sessionShape`).
    public var sessionsPerDay: Double
    public var sessionShape: Double
    /// Share of customers who use the app (`Application Opened` + `screen`) rather than the web site (`page`).
    public var appShare: Double
    /// Share of customers who browse anonymously before signing up (identity merge on identify).
    public var anonymousFirstShare: Double
    /// Share of eligible customers (purchase cycle near a replenishable product's) who become replenishers.
    public var replenisherShare: Double
    /// Share of monthly-cycle replenishers who take a subscribe-and-save subscription instead.
    public var subscribeAndSaveShare: Double
    /// Share of orders with a coupon (first orders: twice as likely).
    public var couponRate: Double
    public var shippingCents: Int
    /// Orders whose subtotal after discount reaches this value ship free.
    public var freeShippingThresholdCents: Int
    /// Sales tax on (subtotal − discount).
    public var taxRate: Double
    /// Engagement, survey scores and complaints change over this many days before dropout.
    public var warningWindowDays: Double
    /// Session rate right at dropout, as a fraction of the customer's usual rate.
    public var engagementFloor: Double
    /// Days between NPS invitations, and the share of invitations answered.
    public var npsIntervalDays: Double
    public var surveyResponseRate: Double
    /// Mean of a customer's latent NPS score (0–10) when things are fine.
    public var satisfactionMean: Double
    /// Complaints per day in normal times, and the multiplier inside the warning window.
    public var complaintsPerDay: Double
    public var complaintChurnMultiplier: Double
    public var complaintTopics: [String]
    public var marketingOptInShare: Double
    /// Probability that a churning opted-in customer unsubscribes near dropout, and the yearly
    /// probability that a staying one does.
    public var unsubscribeAtChurn: Double
    public var unsubscribePerYear: Double
    public var coupons: [Coupon]
    public var pages: [String]
    public var screens: [String]
    /// How customers react to retention campaigns: the shares of persuadables, sure things, lost
    /// causes and sleeping dogs, and how behaviour tilts them.
    public var campaignResponses: CampaignResponseMix

    public init(
        purchaseRate: GammaParameters, dropout: DropoutModel, firstOrderAtSignup: Bool,
        spend: GammaGammaParameters, catalogue: [Product], plans: [Plan] = [], yearlyPlanShare: Double = 0,
        acquisitionGrowth: Double, channels: [Weighted], sessionsPerDay: Double, sessionShape: Double,
        appShare: Double, anonymousFirstShare: Double, replenisherShare: Double, subscribeAndSaveShare: Double,
        couponRate: Double, shippingCents: Int, freeShippingThresholdCents: Int, taxRate: Double,
        warningWindowDays: Double, engagementFloor: Double, npsIntervalDays: Double, surveyResponseRate: Double,
        satisfactionMean: Double, complaintsPerDay: Double, complaintChurnMultiplier: Double,
        complaintTopics: [String], marketingOptInShare: Double, unsubscribeAtChurn: Double,
        unsubscribePerYear: Double, coupons: [Coupon], pages: [String], screens: [String],
        campaignResponses: CampaignResponseMix = CampaignResponseMix(persuadable: 0.25, sureThing: 0.25, lostCause: 0.35, sleepingDog: 0.15)
    ) {
        self.purchaseRate = purchaseRate
        self.dropout = dropout
        self.firstOrderAtSignup = firstOrderAtSignup
        self.spend = spend
        self.catalogue = catalogue
        self.plans = plans
        self.yearlyPlanShare = yearlyPlanShare
        self.acquisitionGrowth = acquisitionGrowth
        self.channels = channels
        self.sessionsPerDay = sessionsPerDay
        self.sessionShape = sessionShape
        self.appShare = appShare
        self.anonymousFirstShare = anonymousFirstShare
        self.replenisherShare = replenisherShare
        self.subscribeAndSaveShare = subscribeAndSaveShare
        self.couponRate = couponRate
        self.shippingCents = shippingCents
        self.freeShippingThresholdCents = freeShippingThresholdCents
        self.taxRate = taxRate
        self.warningWindowDays = warningWindowDays
        self.engagementFloor = engagementFloor
        self.npsIntervalDays = npsIntervalDays
        self.surveyResponseRate = surveyResponseRate
        self.satisfactionMean = satisfactionMean
        self.complaintsPerDay = complaintsPerDay
        self.complaintChurnMultiplier = complaintChurnMultiplier
        self.complaintTopics = complaintTopics
        self.marketingOptInShare = marketingOptInShare
        self.unsubscribeAtChurn = unsubscribeAtChurn
        self.unsubscribePerYear = unsubscribePerYear
        self.coupons = coupons
        self.pages = pages
        self.screens = screens
        self.campaignResponses = campaignResponses
    }
}

extension SimulationParameters {
    /// Gamma(shape, rate) with mean shape/rate. For purchase rates the rate is in days.
    public struct GammaParameters: Sendable, Hashable {
        public var shape: Double
        public var rate: Double
        public var mean: Double { shape / rate }
        public var variance: Double { shape / (rate * rate) }
        public init(shape: Double, rate: Double) {
            self.shape = shape
            self.rate = rate
        }
    }

    /// Beta(a, b) with mean a/(a+b).
    public struct BetaParameters: Sendable, Hashable {
        public var a: Double
        public var b: Double
        public var mean: Double { a / (a + b) }
        public var variance: Double { a * b / ((a + b) * (a + b) * (a + b + 1)) }
        public init(a: Double, b: Double) {
            self.a = a
            self.b = b
        }
    }

    /// Fader & Hardie (2013) Gamma-Gamma spend model: z ~ Gamma(p, ν), ν ~ Gamma(q, γ).
    public struct GammaGammaParameters: Sendable, Hashable {
        public var p: Double
        public var q: Double
        public var gamma: Double
        /// Population mean of the customers' mean order revenue, pγ/(q−1) (needs q > 1).
        public var populationMean: Double { p * gamma / (q - 1) }
        public init(p: Double, q: Double, gamma: Double) {
            self.p = p
            self.q = q
            self.gamma = gamma
        }
    }

    /// The way customers leave. Ground truth records the customer's draw as `dropout`.
    public enum DropoutModel: Sendable, Hashable {
        /// BG/NBD (Fader, Hardie & Lee 2005): after each repeat purchase the customer becomes inactive
        /// with probability p ~ Beta(a, b); the dropout moment is that purchase.
        case afterPurchase(BetaParameters)
        /// Pareto/NBD (Schmittlein et al. 1987): an exponential lifetime from signup with rate
        /// μ ~ Gamma(s, β), μ per day.
        case exponentialLifetime(GammaParameters)
        /// Contractual sBG (Fader & Hardie 2007): at each renewal the subscriber cancels with
        /// probability θ ~ Beta(a, b); the cancellation is asked for during the last paid period.
        case atRenewal(BetaParameters)

        /// Short name used in the ground-truth CSV: `bg`, `pareto` or `sbg`.
        public var name: String {
            switch self {
            case .afterPurchase: "bg"
            case .exponentialLifetime: "pareto"
            case .atRenewal: "sbg"
            }
        }
    }

    /// One catalogue item.
    public struct Product: Sendable, Hashable {
        public var id: String
        public var sku: String
        public var name: String
        public var category: String
        public var priceCents: Int
        /// For replenishable products (tea, coffee, vitamins): the typical days between re-orders.
        public var replenishmentDays: Double?

        public init(id: String, sku: String, name: String, category: String, priceCents: Int, replenishmentDays: Double? = nil) {
            self.id = id
            self.sku = sku
            self.name = name
            self.category = category
            self.priceCents = priceCents
            self.replenishmentDays = replenishmentDays
        }
    }

    /// A subscription plan billed monthly (yearly plans cost 10 months).
    public struct Plan: Sendable, Hashable {
        public var name: String
        public var monthlyCents: Int
        public var weight: Double
        public init(name: String, monthlyCents: Int, weight: Double) {
            self.name = name
            self.monthlyCents = monthlyCents
            self.weight = weight
        }
    }

    /// A coupon code and the share of the subtotal it takes off.
    public struct Coupon: Sendable, Hashable {
        public var code: String
        public var percentOff: Double
        public init(code: String, percentOff: Double) {
            self.code = code
            self.percentOff = percentOff
        }
    }

    /// A name with a relative weight, for categorical draws.
    public struct Weighted: Sendable, Hashable {
        public var name: String
        public var weight: Double
        public init(_ name: String, _ weight: Double) {
            self.name = name
            self.weight = weight
        }
    }
}
