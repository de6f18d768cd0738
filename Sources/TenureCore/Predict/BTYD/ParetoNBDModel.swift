import Foundation

/// The Pareto/NBD model (Schmittlein, Morrison & Colombo 1987, "Counting Your Customers", Management
/// Science 33(1)), likelihood and expressions per Fader & Hardie (2005), "A Note on Deriving the
/// Pareto/NBD Model and Related Expressions".
///
/// Parameterization: while alive a customer buys at Poisson rate λ ~ Gamma(shape r, rate α); the
/// unobserved lifetime is exponential with rate μ ~ Gamma(shape s, rate β). α and β are in the time
/// unit of the data (x repeat purchases, recency t_x and age T).
public struct ParetoNBDModel: BTYDModel, Equatable {
    public static let parameterNames = ["r", "alpha", "s", "beta"]
    public let r: Double
    public let alpha: Double
    public let s: Double
    public let beta: Double

    /// Precondition: all parameters positive and finite.
    public init(r: Double, alpha: Double, s: Double, beta: Double) {
        precondition([r, alpha, s, beta].allSatisfy { $0 > 0 && $0.isFinite }, "Pareto/NBD parameters must be positive")
        self.r = r
        self.alpha = alpha
        self.s = s
        self.beta = beta
    }

    public init(parameters p: [Double]) {
        precondition(p.count == 4, "Pareto/NBD has 4 parameters (r, alpha, s, beta)")
        self.init(r: p[0], alpha: p[1], s: p[2], beta: p[3])
    }

    public var parameters: [Double] { [r, alpha, s, beta] }

    // MARK: Fitting

    public static func fit(_ data: RFMPatterns, options: BTYDFitOptions = .init()) throws(BTYDError) -> BTYDFit<Self> {
        let warnings = try MaximumLikelihood.checkRepeatBuyers(data)
        let likelihood = ParetoNBDLikelihood(data)
        let scale = max(data.distinctAge.max() ?? 1, 1e-9) / 10
        let logScale = log(scale)
        let problem = LikelihoodProblem(
            names: parameterNames,
            lowerLog: [-16, logScale - 16, -16, logScale - 16],
            upperLog: [16, logScale + 16, 16, logScale + 16],
            starts: [[1, scale, 1, scale], [0.5, scale * 2, 0.5, scale * 2], [0.3, scale / 2, 2, scale * 8]],
            totalWeight: data.customerCount, patternCount: data.count,
            evaluate: { phi, g in
                likelihood.evaluate(r: exp(phi[0]), alpha: exp(phi[1]), s: exp(phi[2]), beta: exp(phi[3]),
                                    gradient: &g, wantGradient: true)
            },
            boundaryMeaning: { name, atUpper in
                switch (name, atUpper) {
                case ("s", false), ("beta", true):
                    "The dropout rate μ concentrates at 0: the data show no evidence of customers becoming inactive, "
                        + "so P(alive) ≈ 1; consider a longer observation window."
                case ("r", true), ("alpha", true):
                    "The purchase rate shows no heterogeneity across customers (r and α grow together)."
                case ("s", true), ("beta", false):
                    "The dropout rate shows no heterogeneity across customers (s and β grow together)."
                default:
                    "The likelihood keeps increasing towards this edge of the parameter space."
                }
            })
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
        return ParetoNBDLikelihood(data).evaluate(r: r, alpha: alpha, s: s, beta: beta, gradient: &unused, wantGradient: false)
    }

    /// Total log-likelihood and its gradient with respect to (ln r, ln α, ln s, ln β).
    public func logLikelihoodGradient(_ data: RFMPatterns) -> (value: Double, gradient: [Double]) {
        var g: [Double] = []
        let value = ParetoNBDLikelihood(data).evaluate(r: r, alpha: alpha, s: s, beta: beta, gradient: &g, wantGradient: true)
        return (value, g)
    }

    // MARK: Predictions

    /// ln of the two bracket terms of the likelihood (without the common factor).
    private func bracketTerms(x: Int, tx: Double, T: Double) -> (Double, Double) {
        let xx = Double(x)
        let t1 = -(r + xx) * log(alpha + T) - s * log(beta + T)
        let f1 = ParetoNBDLikelihood.logF(x: xx, t: tx, r: r, alpha: alpha, s: s, beta: beta).0
        let f2 = ParetoNBDLikelihood.logF(x: xx, t: T, r: r, alpha: alpha, s: s, beta: beta).0
        let t2 = log(s) - log(r + s + xx) + SpecialFunctions.logDiffExp(f1, f2)
        return (t1, t2)
    }

    /// Individual log-likelihood ln L(x, t_x, T).
    public func logLikelihood(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let (t1, t2) = bracketTerms(x: x, tx: tx, T: T)
        let xx = Double(x)
        return SpecialFunctions.logGamma(r + xx) - SpecialFunctions.logGamma(r) + r * log(alpha) + s * log(beta)
            + SpecialFunctions.logSumExp(t1, t2)
    }

    /// P(alive at T | x, t_x, T) = Γ(r+x)αʳβˢ/Γ(r) · (α+T)^{−(r+x)}(β+T)^{−s} / L (Fader & Hardie 2005
    /// note, eq. 24).
    public func probabilityAlive(frequency x: Int, recency tx: Double, age T: Double) -> Double {
        let (t1, t2) = bracketTerms(x: x, tx: tx, T: T)
        return exp(t1 - SpecialFunctions.logSumExp(t1, t2))
    }

    /// E[X(t)] = (r β)/(α (s−1)) · [1 − (β/(β+t))^{s−1}] (Schmittlein et al. 1987; finite limit at s = 1).
    public func expectedPurchases(in t: Double) -> Double {
        guard t > 0 else { return 0 }
        return r / alpha * beta * -SpecialFunctions.expm1OverEpsilon(s - 1, -log1p(t / beta))
    }

    /// E[Y(t) | x, t_x, T] = (r+x)(β+T)/((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive)
    /// (Fader & Hardie 2005 note, eq. 27).
    public func conditionalExpectedPurchases(in t: Double, frequency x: Int, recency tx: Double, age T: Double) -> Double {
        guard t > 0 else { return 0 }
        let xx = Double(x)
        return probabilityAlive(frequency: x, recency: tx, age: T) * (r + xx) / (alpha + T) * (beta + T)
            * -SpecialFunctions.expm1OverEpsilon(s - 1, -log1p(t / (beta + T)))
    }

    /// P(X(t) = n) for a customer who just made a first purchase: the negative binomial count times the
    /// probability of surviving past t, plus the mixture integral over a death time τ in (0, t]
    /// (Fader, Hardie & Lee 2006 note "Deriving an Expression for P(X(t) = x) under the Pareto/NBD
    /// Model"), the latter evaluated by Gauss–Legendre quadrature (relative error about 1e-12).
    public func probabilityOfPurchases(_ n: Int, in t: Double) -> Double {
        Self.probabilityOfPurchases(n, t: t, r: r, alpha: alpha, s: s, beta: beta)
    }

    /// P(Y(t) = n | x, t_x, T): a customer alive at T has posterior λ ~ Gamma(r+x, α+T), μ ~ Gamma(s, β+T)
    /// and restarts a Pareto/NBD process, so this is
    /// P(alive)·P_{Pareto/NBD(r+x, α+T, s, β+T)}(X(t) = n) + δ_{n=0}(1 − P(alive)).
    public func conditionalProbabilityOfPurchases(
        _ n: Int, in t: Double, frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let p = Self.probabilityOfPurchases(n, t: t, r: r + Double(x), alpha: alpha + T, s: s, beta: beta + T)
        return alive * p + (n == 0 ? 1 - alive : 0)
    }

    static func probabilityOfPurchases(_ n: Int, t: Double, r: Double, alpha: Double, s: Double, beta: Double) -> Double {
        precondition(n >= 0, "a purchase count cannot be negative")
        let nn = Double(n)
        let logCoefficient = SpecialFunctions.logGamma(r + nn) - SpecialFunctions.logGamma(r) - SpecialFunctions.logGamma(nn + 1)
        func logNB(_ tau: Double) -> Double {
            if tau == 0 { return n == 0 ? 0 : -.infinity }
            return logCoefficient + r * log(alpha / (alpha + tau)) + nn * log(tau / (alpha + tau))
        }
        guard t > 0 else { return n == 0 ? 1 : 0 }
        let survived = exp(logNB(t) + s * log(beta / (beta + t)))
        let died = GaussLegendre.integrate(from: 0, to: t, panels: 32) { tau in
            exp(log(s) + s * log(beta) - (s + 1) * log(beta + tau) + logNB(tau))
        }
        return survived + died
    }

    /// DERT, discounted expected residual transactions (Fader, Hardie & Lee 2005, "RFM and CLV: Using
    /// Iso-Value Curves for Customer Base Analysis", JMR 42(4), eq. 2):
    /// DERT = αʳ βˢ δ^{s−1} Γ(r+x+1) Ψ(s, s; δ(β+T)) / (Γ(r) (α+T)^{r+x+1} L(r, α, s, β | x, t_x, T)),
    /// with Ψ the confluent hypergeometric function of the second kind (Tricomi U). Equivalently
    /// P(alive)·(r+x)(β+T)/(α+T)·(δ(β+T))^{s−1}·U(s, s, δ(β+T)), which is how it is evaluated.
    ///
    /// - Parameter continuousDiscountRate: δ per time unit of the model, continuously compounded; for a
    ///   discount rate d per period of L time units use δ = ln(1 + d)/L.
    /// Multiply by the expected margin per transaction (Gamma-Gamma) for the residual CLV.
    public func discountedExpectedResidualTransactions(
        continuousDiscountRate delta: Double, frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        precondition(delta > 0, "DERT needs a positive discount rate (it is infinite without discounting)")
        let z = delta * (beta + T)
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        return alive * (r + Double(x)) * (beta + T) / (alpha + T)
            * exp((s - 1) * log(z) + TricomiU.logUaa(a: s, z: z))
    }

    /// Discounted expected purchases over the next `periods` periods of `periodLength` time units,
    /// Σ_k [E(Y(k·L)) − E(Y((k−1)·L))] / (1 + discountRate)^k (the horizon version of DERT).
    public func discountedExpectedPurchases(
        periods: Int, discountRate: Double, periodLength: Double = 1,
        frequency x: Int, recency tx: Double, age T: Double
    ) -> Double {
        let alive = probabilityAlive(frequency: x, recency: tx, age: T)
        let xx = Double(x)
        return alive * BetaGeometricFamily.discountedSum(periods: periods, periodLength: periodLength, discountRate: discountRate) { t in
            (r + xx) / (alpha + T) * (beta + T) * -SpecialFunctions.expm1OverEpsilon(s - 1, -log1p(t / (beta + T)))
        }
    }
}
