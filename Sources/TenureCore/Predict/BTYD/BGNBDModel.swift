import Foundation

/// The BG/NBD ("beta-geometric / negative binomial distribution") model of Fader, Hardie & Lee (2005),
/// "Counting Your Customers the Easy Way: An Alternative to the Pareto/NBD Model", Marketing Science
/// 24(2).
///
/// Parameterization: while alive a customer buys at Poisson rate λ per time unit, λ ~ Gamma(shape r,
/// rate α) (mean r/α; α is in the time unit of the data); after each repeat purchase the customer
/// becomes inactive with probability p ~ Beta(a, b). Inputs x (repeat purchases), t_x (recency) and T
/// (age) use the same time unit as α.
public struct BGNBDModel: BTYDModel, Equatable {
    public static let parameterNames = ["r", "alpha", "a", "b"]
    public let r: Double
    public let alpha: Double
    public let a: Double
    public let b: Double

    /// Precondition: all parameters positive and finite.
    public init(r: Double, alpha: Double, a: Double, b: Double) {
        precondition([r, alpha, a, b].allSatisfy { $0 > 0 && $0.isFinite }, "BG/NBD parameters must be positive")
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    public init(parameters p: [Double]) {
        precondition(p.count == 4, "BG/NBD has 4 parameters (r, alpha, a, b)")
        self.init(r: p[0], alpha: p[1], a: p[2], b: p[3])
    }

    public var parameters: [Double] { [r, alpha, a, b] }

    // MARK: Fitting

    /// Maximum-likelihood fit on collapsed patterns.
    public static func fit(_ data: RFMPatterns, options: BTYDFitOptions = .init()) throws(BTYDError) -> BTYDFit<Self> {
        let warnings = try MaximumLikelihood.checkRepeatBuyers(data)
        let problem = BetaGeometricFamily.problem(
            data, modified: false, boundaryMeaning: BetaGeometricFamily.boundaryMeaning)
        return try MaximumLikelihood.fit(problem, options: options, warnings: warnings)
    }

    /// Collapses per-customer rows into patterns, then fits.
    public static func fit(
        frequency: [Int], recency: [Double], age: [Double], weights: [Double]? = nil,
        options: BTYDFitOptions = .init()
    ) throws(BTYDError) -> BTYDFit<Self> {
        try fit(RFMPatterns(frequency: frequency, recency: recency, age: age, weights: weights), options: options)
    }

    /// Total log-likelihood Σ wᵢ ln Lᵢ of the data under this model.
    public func logLikelihood(_ data: RFMPatterns) -> Double {
        var unused: [Double] = []
        return BetaGeometricFamily.logLikelihood(
            data, r: r, alpha: alpha, a: a, b: b, modified: false, gradient: &unused, wantGradient: false)
    }

    /// Total log-likelihood and its gradient with respect to (ln r, ln α, ln a, ln b).
    public func logLikelihoodGradient(_ data: RFMPatterns) -> (value: Double, gradient: [Double]) {
        var g: [Double] = []
        let value = BetaGeometricFamily.logLikelihood(data, r: r, alpha: alpha, a: a, b: b, modified: false, gradient: &g)
        return (value, g)
    }

    // MARK: Predictions (x repeat purchases, recency t_x and age T in the model's time unit)

    /// P(alive at T | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}) (FHL 2005, eq. 11 of the
    /// technical appendix).
    public func probabilityAlive(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        guard x > 0 else { return 1 }
        let xx = Double(x)
        let logRatio = log(a) - log(b + xx - 1) + (r + xx) * (log(alpha + T) - log(alpha + tx))
        return logRatio > 0 ? exp(-logRatio) / (1 + exp(-logRatio)) : 1 / (1 + exp(logRatio))
    }

    /// E[X(t)]: expected repeat purchases in (0, t] for a customer who just made a first purchase
    /// (FHL 2005, eq. 9).
    public func expectedPurchases(in t: Double) -> Double {
        BetaGeometricFamily.expectedPurchases(t: t, r: r, alpha: alpha, a: a, b: b)
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in (T, T+t] (FHL 2005, eq. 10).
    public func conditionalExpectedPurchases(in t: Double, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let xx = Double(x)
        return probabilityAlive(frequency: x, recency: tx, age: T)
            * BetaGeometricFamily.expectedPurchases(t: t, r: r + xx, alpha: alpha + T, a: a, b: b + xx)
    }

    /// P(X(t) = n): probability of exactly n repeat purchases in (0, t] (FHL 2005, eq. 8).
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        BetaGeometricFamily.probabilityOfPurchases(n, t: t, r: r, alpha: alpha, a: a, b: b)
    }

    /// P(Y(t) = n | x, t_x, T): probability of exactly n purchases in (T, T+t]. A customer alive at T
    /// has posterior λ ~ Gamma(r+x, α+T), p ~ Beta(a, b+x) and restarts a BG/NBD process, so this is
    /// P(alive)·P_{BG/NBD(r+x, α+T, a, b+x)}(X(t)=n) + δ_{n=0}(1 − P(alive)).
    public func conditionalProbabilityOfPurchases(
        _ n: Int, in t: Double, frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let xx = Double(x)
        let p = BetaGeometricFamily.probabilityOfPurchases(n, t: t, r: r + xx, alpha: alpha + T, a: a, b: b + xx)
        return alive * p + (n == 0 ? 1 - alive : 0)
    }

    /// Discounted expected purchases over the next `periods` periods of `periodLength` time units:
    /// Σ_k [E(Y(k·L)) − E(Y((k−1)·L))] / (1 + discountRate)^k, with `discountRate` per period.
    /// Multiply by the expected margin per purchase for a CLV.
    public func discountedExpectedPurchases(
        periods: Int, discountRate: Double, periodLength: Double = 1,
        frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let xx = Double(x)
        return alive * BetaGeometricFamily.discountedSum(periods: periods, periodLength: periodLength, discountRate: discountRate) {
            BetaGeometricFamily.expectedPurchases(t: $0, r: r + xx, alpha: alpha + T, a: a, b: b + xx)
        }
    }
}
