import Foundation

/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "The Gamma-Gamma Model of
/// Monetary Value", note; after Colombo & Jiang 1999).
///
/// Parameterization: a customer's transaction values are Gamma(shape p, rate ν); ν varies across
/// customers as Gamma(shape q, rate γ). γ is in currency units; the population mean spend per
/// transaction is pγ/(q−1) (q > 1). Data are repeat buyers only: x ≥ 1 repeat transactions with mean
/// value m̄ over those repeat transactions (the first purchase excluded). The model assumes spend is
/// independent of purchase frequency; check that correlation on your data.
public struct GammaGammaModel: BTYDModel, Equatable {
    public static let parameterNames = ["p", "q", "gamma"]
    public let p: Double
    public let q: Double
    public let gamma: Double

    /// Precondition: all parameters positive and finite.
    public init(p: Double, q: Double, gamma: Double) {
        precondition([p, q, gamma].allSatisfy { $0 > 0 && $0.isFinite }, "Gamma-Gamma parameters must be positive")
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    public init(parameters v: [Double]) {
        precondition(v.count == 3, "Gamma-Gamma has 3 parameters (p, q, gamma)")
        self.init(p: v[0], q: v[1], gamma: v[2])
    }

    public var parameters: [Double] { [p, q, gamma] }

    /// Weighted unique (x, m̄) patterns of repeat buyers.
    public struct SpendPatterns: Sendable {
        let patterns: RFMPatterns
        /// Rows left out because x = 0 (one-time buyers carry no repeat spend).
        public let excludedOneTimeBuyers: Double
        public var count: Int { patterns.count }
        public var customerCount: Double { patterns.customerCount }

        /// Keeps rows with x ≥ 1 and collapses them. Precondition for kept rows: m̄ > 0 and finite.
        public init(frequency: [Int], monetaryValue: [Double], weights: [Double]? = nil) throws(BTYDError) {
            let n = frequency.count
            guard monetaryValue.count == n, weights.map({ $0.count == n }) ?? true else {
                throw .mismatchedLengths("frequency \(n), monetaryValue \(monetaryValue.count)")
            }
            var xs: [Int] = [], ms: [Double] = [], ws: [Double] = []
            var excluded = 0.0
            for i in 0..<n {
                let w = weights?[i] ?? 1
                guard w >= 0 && w.isFinite else { throw .invalidRow(index: i, reason: "weight \(w) must be finite and non-negative") }
                if frequency[i] < 0 || frequency[i] > Int(Int32.max) {
                    throw .invalidRow(index: i, reason: "frequency \(frequency[i]) is negative or too large")
                }
                if frequency[i] == 0 {
                    excluded += w
                    continue
                }
                let m = monetaryValue[i]
                guard m > 0 && m.isFinite else {
                    throw .invalidRow(
                        index: i, reason: "mean repeat spend \(m) must be positive; drop refunds and zero-value orders "
                            + "before fitting the Gamma-Gamma model")
                }
                xs.append(frequency[i])
                ms.append(m)
                ws.append(w)
            }
            guard excluded > 0 || !xs.isEmpty else { throw .emptyData }
            guard !xs.isEmpty else { throw .noRepeatBuyers(customers: excluded) }
            patterns = try RFMPatterns(validatedFrequency: xs, recency: ms, age: ms, weights: ws)
            excludedOneTimeBuyers = excluded
        }
    }

    /// Maximum-likelihood fit. Individual likelihood (FHL 2005 note, eq. 4):
    /// f(m̄ | x) = Γ(px+q)/(Γ(px)Γ(q)) · γ^q m̄^{px−1} x^{px} / (γ + x m̄)^{px+q}.
    public static func fit(_ data: SpendPatterns, options: BTYDFitOptions = .init()) throws(BTYDError) -> BTYDFit<Self> {
        var warnings: [BTYDWarning] = []
        if data.excludedOneTimeBuyers > 0 {
            warnings.append(BTYDWarning(
                kind: .rowsExcluded,
                message: "\(BTYDError.format(data.excludedOneTimeBuyers)) customers without repeat purchases were "
                    + "left out: the Gamma-Gamma model uses repeat transactions only"))
        }
        let d = data.patterns
        var meanSpend = 0.0
        for i in 0..<d.count { meanSpend += d.weight[i] * d.recency[i] }
        meanSpend /= d.customerCount
        let logMean = log(meanSpend)
        let problem = LikelihoodProblem(
            names: parameterNames,
            lowerLog: [-16, -16, logMean - 20], upperLog: [16, 16, logMean + 20],
            starts: [[2, 3, meanSpend], [1, 1, 1], [6, 4, meanSpend / 2], [20, 20, meanSpend * 20]],
            totalWeight: d.customerCount, patternCount: d.count,
            evaluate: { phi, g in
                logLikelihood(d, p: exp(phi[0]), q: exp(phi[1]), gamma: exp(phi[2]), gradient: &g, wantGradient: true)
            },
            boundaryMeaning: { name, atUpper in
                switch (name, atUpper) {
                case ("q", true), ("gamma", true):
                    "Average spend shows no heterogeneity across customers (q and γ grow together)."
                case ("p", true):
                    "Spend shows no variation within a customer's transactions."
                default:
                    "The likelihood keeps increasing towards this edge of the parameter space."
                }
            })
        return try MaximumLikelihood.fit(problem, options: options, warnings: warnings)
    }

    /// Collapses, excluding one-time buyers with a `.rowsExcluded` warning, then fits.
    public static func fit(
        frequency: [Int], monetaryValue: [Double], weights: [Double]? = nil, options: BTYDFitOptions = .init()
    ) throws(BTYDError) -> BTYDFit<Self> {
        try fit(SpendPatterns(frequency: frequency, monetaryValue: monetaryValue, weights: weights), options: options)
    }

    /// Total log-likelihood of the repeat buyers' mean spends.
    public func logLikelihood(_ data: SpendPatterns) -> Double {
        var unused: [Double] = []
        return Self.logLikelihood(data.patterns, p: p, q: q, gamma: gamma, gradient: &unused, wantGradient: false)
    }

    /// Total log-likelihood and its gradient with respect to (ln p, ln q, ln γ).
    public func logLikelihoodGradient(_ data: SpendPatterns) -> (value: Double, gradient: [Double]) {
        var g: [Double] = []
        let value = Self.logLikelihood(data.patterns, p: p, q: q, gamma: gamma, gradient: &g, wantGradient: true)
        return (value, g)
    }

    static func logLikelihood(
        _ d: RFMPatterns, p: Double, q: Double, gamma: Double, gradient: inout [Double], wantGradient: Bool
    ) -> Double {
        let lgQ = SpecialFunctions.logGamma(q), psiQ = SpecialFunctions.digamma(q)
        let logGammaParameter = log(gamma)
        let nx = d.distinctFrequency.count
        var constant = [Double](repeating: 0, count: nx), dP = constant, dQ = constant
        for k in 0..<nx {
            let x = Double(d.distinctFrequency[k]), px = p * x
            constant[k] = SpecialFunctions.logGamma(px + q) - SpecialFunctions.logGamma(px) - lgQ
                + q * logGammaParameter + px * log(x)
            if wantGradient {
                let psiPXQ = SpecialFunctions.digamma(px + q)
                dP[k] = x * (psiPXQ - SpecialFunctions.digamma(px) + log(x))
                dQ[k] = psiPXQ - psiQ + logGammaParameter
            }
        }
        var total = 0.0, gp = 0.0, gq = 0.0, gg = 0.0
        for i in 0..<d.count {
            let k = Int(d.frequencyIndex[i]), w = d.weight[i]
            let x = Double(d.frequency[i]), m = d.recency[i], px = p * x
            let logM = log(m), logDenominator = log(gamma + x * m)
            total += w * (constant[k] + (px - 1) * logM - (px + q) * logDenominator)
            if wantGradient {
                gp += w * (dP[k] + x * (logM - logDenominator))
                gq += w * (dQ[k] - logDenominator)
                gg += w * (q / gamma - (px + q) / (gamma + x * m))
            }
        }
        if wantGradient { gradient = [gp * p, gq * q, gg * gamma] }
        return total
    }

    /// Population mean spend per transaction, pγ/(q−1); infinite for q ≤ 1.
    public var meanTransactionValue: Double { q > 1 ? p * gamma / (q - 1) : .infinity }

    /// E[M | x, m̄]: expected spend per future transaction of a customer with x repeat transactions
    /// averaging m̄ (FHL 2005 note, eq. 5): p(γ + x m̄)/(px + q − 1), a weighted average of the
    /// population mean and the customer's own mean. x = 0 gives the population mean.
    public func conditionalExpectedAverageSpend(frequency x: Int, monetaryValue m: Double) -> Double {
        let xx = Double(x)
        let denominator = p * xx + q - 1
        return denominator > 0 ? p * (gamma + xx * m) / denominator : .infinity
    }

    /// CLV = discounted expected purchases × expected spend per purchase × margin (a fraction of spend).
    public func customerLifetimeValue(
        discountedExpectedPurchases purchases: Double, frequency x: Int, monetaryValue m: Double, margin: Double = 1
    ) -> Double {
        purchases * conditionalExpectedAverageSpend(frequency: x, monetaryValue: m) * margin
    }
}
