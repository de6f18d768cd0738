import Foundation

/// How the simulator assigns ``CampaignResponseType``s: base shares per profile, tilted by what the
/// customer did, so the type is learnable from observable behaviour (as real uplift is, partly).
///
/// Each customer's type is drawn with probability ∝ share_k · (0.02 + g_k)^featureStrength, where
/// g_k (0…1) says how well the customer's behaviour at the end of the period fits type k, from
/// logistic ramps on what any store sees:
///
/// - persuadable: lapsed (no order for more than ~60 days) repeat buyers (2+ orders), more so
///   after six months' tenure;
/// - sure thing: ordered in the last ~60 days;
/// - lost cause: lapsed after a single order (or none);
/// - sleeping dog: app customers (iOS, Android; web customers a sixth as often) whose mean order
///   revenue is above the profile's population mean, more so when lapsed.
///
/// With `featureStrength` 0 everyone gets the base shares (and an uplift model has nothing to
/// learn); the realized shares of a population depend on its behaviour.
public struct CampaignResponseMix: Sendable, Hashable {
    /// Base shares of the four types (any positive weights; normalized).
    public var persuadable: Double
    public var sureThing: Double
    public var lostCause: Double
    public var sleepingDog: Double
    /// How strongly the features tilt the draw: 0 gives the base shares to everyone (and nothing
    /// for an uplift model to learn), 1 the documented coefficients.
    public var featureStrength: Double

    public init(persuadable: Double, sureThing: Double, lostCause: Double, sleepingDog: Double, featureStrength: Double = 1) {
        self.persuadable = persuadable
        self.sureThing = sureThing
        self.lostCause = lostCause
        self.sleepingDog = sleepingDog
        self.featureStrength = featureStrength
    }

    /// The observable behaviour a type is drawn from, as of the end of the simulated period.
    public struct Features: Sendable, Hashable {
        /// Days from the last order (or from signup, without one) to the end of the period.
        public var daysSinceLastOrder: Double
        /// Orders in the period.
        public var orders: Int
        /// Mean revenue per order (currency); 0 without an order.
        public var meanOrderRevenue: Double
        /// Days from signup to the end of the period.
        public var tenureDays: Double
        public var platform: CustomerTruth.Platform

        public init(daysSinceLastOrder: Double, orders: Int, meanOrderRevenue: Double, tenureDays: Double, platform: CustomerTruth.Platform) {
            self.daysSinceLastOrder = daysSinceLastOrder
            self.orders = orders
            self.meanOrderRevenue = meanOrderRevenue
            self.tenureDays = tenureDays
            self.platform = platform
        }
    }

    /// The probabilities of the four types (in `CampaignResponseType.allCases` order, summing to
    /// 1) for a customer with these features; `populationMeanRevenue` is the profile's mean order
    /// revenue (currency). Total: non-finite or negative inputs count as 0.
    public func probabilities(_ f: Features, populationMeanRevenue: Double) -> [Double] {
        func finite(_ x: Double) -> Double { x.isFinite ? max(0, x) : 0 }
        func logistic(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
        let lapsed = logistic((finite(f.daysSinceLastOrder) - 60) / 15)
        let repeated = logistic((Double(max(0, f.orders)) - 1.5) / 0.4)
        let loyal = logistic((finite(f.tenureDays) - 180) / 60)
        let revenue = finite(f.meanOrderRevenue), mean = finite(populationMeanRevenue)
        let monetary = revenue > 0 && mean > 0 ? min(max(Foundation.log(revenue / mean), -3), 3) : -1
        let app = f.platform == .web ? 0.15 : 1.0
        let fit = [
            lapsed * repeated * (0.4 + 0.6 * loyal),  // persuadable: lapsed repeat buyers of some standing
            1 - lapsed,  // sure thing: ordered recently
            lapsed * (1 - repeated),  // lost cause: gone after one order
            app * logistic(3 * monetary) * (0.3 + 0.7 * lapsed),  // sleeping dog: big spenders on the app
        ]
        let s = featureStrength.isFinite ? max(0, featureStrength) : 0
        let shares = [persuadable, sureThing, lostCause, sleepingDog].map(finite)
        let weights = zip(shares, fit).map { share, g in share * Foundation.pow(0.02 + g, s) }
        let total = weights.reduce(0, +)
        return total > 0 ? weights.map { $0 / total } : [0.25, 0.25, 0.25, 0.25]
    }

    /// The type for uniform draw `u` in [0, 1).
    public func draw(_ f: Features, populationMeanRevenue: Double, u: Double) -> CampaignResponseType {
        let p = probabilities(f, populationMeanRevenue: populationMeanRevenue)
        var cumulative = 0.0
        for (type, share) in zip(CampaignResponseType.allCases, p) {
            cumulative += share
            if u < cumulative { return type }
        }
        return .sleepingDog
    }
}
