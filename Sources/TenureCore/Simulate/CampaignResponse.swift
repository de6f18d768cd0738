import Foundation

/// The simulator's known truth about what a retention campaign does: for a customer who was sent
/// a message at time t (or held out of it), the probability of ordering within the goal window
/// (`windowDays` after t), by the customer's ``CampaignResponseType``. Pure and exact, so a
/// journey's measured uplift can be checked against the true one.
///
/// The customer's own chance of ordering in the window, uncontacted, is the BTYD baseline
///
///     p₀ = 1 − exp(−λ · windowDays)   while alive at t (signed up, not yet dropped out),
///     p₀ = lapsedReturn               after dropout,
///
/// with λ the customer's purchase rate (``CustomerTruth/purchaseRate``, per day); before signup
/// the customer cannot be contacted and both probabilities are 0. The types then give (control →
/// treated):
///
/// - persuadable: p₀ → p₀ + persuasion · (1 − p₀) (the message converts a share of the non-buyers);
/// - sure thing: max(p₀, sureThingFloor), unchanged by the message;
/// - lost cause: min(p₀, lostCauseCeiling), unchanged;
/// - sleeping dog: q = max(p₀, sleepingDogFloor) → q · (1 − annoyance).
///
/// The true uplift of a customer is P(order | treated) − P(order | control); of a set of customers,
/// its mean (the average treatment effect a randomized holdout estimates).
public struct CampaignResponse: Sendable, Hashable {
    /// The goal window after the message, in days (> 0).
    public var windowDays: Double
    /// Share of a persuadable customer's chance of not ordering that the message turns into an order (0…1).
    public var persuasion: Double
    /// Share of a sleeping dog's chance of ordering that the message destroys (0…1).
    public var annoyance: Double
    /// A sure thing orders in the window with at least this probability.
    public var sureThingFloor: Double
    /// A lost cause orders in the window with at most this probability.
    public var lostCauseCeiling: Double
    /// A sleeping dog left alone orders with at least this probability.
    public var sleepingDogFloor: Double
    /// The chance that a customer who already dropped out orders in a window anyway.
    public var lapsedReturn: Double

    public init(
        windowDays: Double = 14, persuasion: Double = 0.35, annoyance: Double = 0.6, sureThingFloor: Double = 0.6,
        lostCauseCeiling: Double = 0.02, sleepingDogFloor: Double = 0.3, lapsedReturn: Double = 0.03
    ) {
        self.windowDays = windowDays
        self.persuasion = persuasion
        self.annoyance = annoyance
        self.sureThingFloor = sureThingFloor
        self.lostCauseCeiling = lostCauseCeiling
        self.sleepingDogFloor = sleepingDogFloor
        self.lapsedReturn = lapsedReturn
    }

    /// The customer's chance of ordering within the window after `time` with no message, p₀ above.
    public func baseline(_ truth: CustomerTruth, at time: Date) -> Double {
        guard time >= truth.signup else { return 0 }
        if let churn = truth.churnDate, churn <= time { return Self.unit(lapsedReturn) }
        let exposure = max(0, truth.purchaseRate.isFinite ? truth.purchaseRate : 0) * max(0, windowDays.isFinite ? windowDays : 0)
        return -Foundation.expm1(-exposure)
    }

    /// The probability (0…1) that the customer orders within `windowDays` after `time`, when sent
    /// the message (`treated`) or held out of it.
    public func probability(_ truth: CustomerTruth, at time: Date, treated: Bool) -> Double {
        guard time >= truth.signup else { return 0 }
        let p0 = baseline(truth, at: time)
        switch truth.campaignResponse {
        case .persuadable: return treated ? Self.unit(p0 + Self.unit(persuasion) * (1 - p0)) : p0
        case .sureThing: return max(p0, Self.unit(sureThingFloor))
        case .lostCause: return min(p0, Self.unit(lostCauseCeiling))
        case .sleepingDog:
            let q = max(p0, Self.unit(sleepingDogFloor))
            return treated ? q * (1 - Self.unit(annoyance)) : q
        }
    }

    /// The customer's true uplift: P(order | treated) − P(order | control), −1…1.
    public func uplift(_ truth: CustomerTruth, at time: Date) -> Double {
        probability(truth, at: time, treated: true) - probability(truth, at: time, treated: false)
    }

    /// The true average uplift of these customers, each contacted (or held out) at their own time:
    /// the exact expected value of treated minus control conversion in a randomized experiment
    /// over them; 0 for none.
    public func averageUplift(_ customers: some Sequence<(truth: CustomerTruth, time: Date)>) -> Double {
        var total = 0.0, n = 0
        for (truth, time) in customers {
            total += uplift(truth, at: time)
            n += 1
        }
        return n > 0 ? total / Double(n) : 0
    }

    /// Clamps to 0…1; NaN counts as 0.
    static func unit(_ x: Double) -> Double { x.isNaN ? 0 : min(max(x, 0), 1) }
}
