import Foundation

/// The MBG/NBD model of Batislam, Denizel & Filiztekin (2007), "Empirical validation and comparison
/// of models for customer base analysis", International Journal of Research in Marketing 24(3).
///
/// As BG/NBD (λ ~ Gamma(shape r, rate α) per time unit; dropout probability p ~ Beta(a, b) after each
/// purchase), except that a customer may also drop out right after the first purchase, at time 0.
/// One-time buyers are then not assumed alive, which fixes BG/NBD's P(alive) = 1 for x = 0.
public struct MBGNBDModel: BTYDModel, Equatable {
    public static let parameterNames = ["r", "alpha", "a", "b"]
    public let r: Double
    public let alpha: Double
    public let a: Double
    public let b: Double

    /// Precondition: all parameters positive and finite.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        precondition([r, alpha, a, b].allSatisfy { $0 > 0 && $0.isFinite }, "MBG/NBD parameters must be positive")
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    public init(parameters p: [Double]) {
        precondition(p.count == 4, "MBG/NBD has 4 parameters (r, alpha, a, b)")
        self.init(r: p[0], alpha: p[1], a: p[2], b: p[3])
    }

    public var parameters: [Double] { [r, alpha, a, b] }

    /// Maximum-likelihood fit on collapsed patterns. Likelihood (Batislam et al. 2007):
    /// L = B(a, b+x+1)/B(a,b) · Γ(r+x)αʳ/Γ(r) · [(α+T)^{−(r+x)} + a/(b+x) (α+t_x)^{−(r+x)}].
    public static func fit(_ data: RFMPatterns, options: BTYDFitOptions = .init()) throws(BTYDError) -> BTYDFit<Self> {
        let warnings = try MaximumLikelihood.checkRepeatBuyers(data)
        let problem = BetaGeometricFamily.problem(
            data, modified: true, boundaryMeaning: BetaGeometricFamily.boundaryMeaning)
        return try MaximumLikelihood.fit(problem, options: options, warnings: warnings)
    }

    public static func fit(
        frequency: [Int], recency: [Double], age: [Double], weights: [Double]? = nil,
        options: BTYDFitOptions = .init()
    ) throws(BTYDError) -> BTYDFit<Self> {
        try fit(RFMPatterns(frequency: frequency, recency: recency, age: age, weights: weights), options: options)
    }

    public func logLikelihood(_ data: RFMPatterns) -> Double {
        var unused: [Double] = []
        return BetaGeometricFamily.logLikelihood(
            data, r: r, alpha: alpha, a: a, b: b, modified: true, gradient: &unused, wantGradient: false)
    }

    /// Total log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b).
    public func logLikelihoodGradient(_ data: RFMPatterns) -> (value: Double, gradient: [Double]) {
        var g: [Double] = []
        let value = BetaGeometricFamily.logLikelihood(data, r: r, alpha: alpha, a: a, b: b, modified: true, gradient: &g)
        return (value, g)
    }

    /// P(alive at T | x, t_x, T) = 1 / (1 + a/(b+x) ((α+T)/(α+t_x))^{r+x}), for every x including 0.
    public func probabilityAlive(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xx = Double(x)
        let logRatio = log(a) - log(b + xx) + (r + xx) * (log(alpha + T) - log(alpha + tx))
        return logRatio > 0 ? exp(-logRatio) / (1 + exp(-logRatio)) : 1 / (1 + exp(logRatio))
    }

    /// E[X(t)] after a first purchase at time 0: b/(a+b) (survives time 0) times the BG/NBD expectation
    /// with b+1, i.e. b/(a−1)·[1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))] — the x = 0, T = 0 case of the
    /// conditional expectation below. Checked against simulation and lifetimes 0.11.3.
    public func expectedPurchases(in t: Double) -> Double {
        conditionalExpectedPurchases(in: t, frequency: 0, recency: 0, age: 0)
    }

    /// E[Y(t) | x, t_x, T] = P(alive) · E_{BG/NBD(r+x, α+T, a, b+x+1)}[X(t)] (Batislam et al. 2007).
    public func conditionalExpectedPurchases(in t: Double, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xx = Double(x)
        return probabilityAlive(frequency: x, recency: tx, age: T)
            * BetaGeometricFamily.expectedPurchases(t: t, r: r + xx, alpha: alpha + T, a: a, b: b + xx + 1)
    }

    /// P(X(t) = n) after a first purchase at time 0.
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        conditionalProbabilityOfPurchases(n, in: t, frequency: 0, recency: 0, age: 0)
    }

    /// P(Y(t) = n | x, t_x, T) = P(alive)·P_{BG/NBD(r+x, α+T, a, b+x+1)}(X(t)=n) + δ_{n=0}(1 − P(alive)).
    public func conditionalProbabilityOfPurchases(
        _ n: Int, in t: Double, frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let xx = Double(x)
        let p = BetaGeometricFamily.probabilityOfPurchases(n, t: t, r: r + xx, alpha: alpha + T, a: a, b: b + xx + 1)
        return alive * p + (n == 0 ? 1 - alive : 0)
    }

    /// Discounted expected purchases over the next `periods` periods (see `BGNBDModel`).
    public func discountedExpectedPurchases(
        periods: Int, discountRate: Double, periodLength: Double = 1,
        frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let xx = Double(x)
        return alive * BetaGeometricFamily.discountedSum(periods: periods, periodLength: periodLength, discountRate: discountRate) {
            BetaGeometricFamily.expectedPurchases(t: $0, r: r + xx, alpha: alpha + T, a: a, b: b + xx + 1)
        }
    }
}
