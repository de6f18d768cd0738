import Foundation

/// The BG/BB ("beta-geometric / beta-Bernoulli") model for discrete transaction opportunities
/// (Fader, Hardie & Shang 2010, "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
/// Marketing Science 29(6)).
///
/// Parameterization: at each of n opportunities after the first transaction (a donation drive, a
/// yearly event, a weekly draw…) an alive customer transacts with probability p ~ Beta(α, β) and,
/// at the start of each opportunity, becomes inactive with probability θ ~ Beta(γ, δ). Data per
/// customer: x transactions in the n opportunities, t_x the opportunity of the last one (0 when x = 0).
/// All three are whole numbers; time is counted in opportunities, not calendar units.
public struct BGBBModel: BTYDModel, Equatable {
    public static let parameterNames = ["alpha", "beta", "gamma", "delta"]
    public let alpha: Double
    public let beta: Double
    public let gamma: Double
    public let delta: Double

    /// Precondition: all parameters positive and finite.
    public init(alpha: Double, beta: Double, gamma: Double, delta: Double) {
        precondition([alpha, beta, gamma, delta].allSatisfy { $0 > 0 && $0.isFinite }, "BG/BB parameters must be positive")
        self.alpha = alpha
        self.beta = beta
        self.gamma = gamma
        self.delta = delta
    }

    public init(parameters p: [Double]) {
        precondition(p.count == 4, "BG/BB has 4 parameters (alpha, beta, gamma, delta)")
        self.init(alpha: p[0], beta: p[1], gamma: p[2], delta: p[3])
    }

    public var parameters: [Double] { [alpha, beta, gamma, delta] }

    /// Validates whole-number (x, t_x, n) with x ≤ t_x ≤ n and collapses them (age holds n).
    public static func patterns(
        frequency: [Int], recency: [Int], periods: [Int], weights: [Double]? = nil
    ) throws(BTYDError) -> RFMPatterns {
        let count = frequency.count
        guard recency.count == count, periods.count == count else {
            throw .mismatchedLengths("frequency \(count), recency \(recency.count), periods \(periods.count)")
        }
        for i in 0..<count where frequency[i] > recency[i] || (frequency[i] > 0 && recency[i] == 0) {
            throw .invalidRow(
                index: i, reason: "\(frequency[i]) transactions cannot happen by opportunity \(recency[i]); "
                    + "BG/BB needs x ≤ t_x and t_x ≥ 1 when x ≥ 1")
        }
        return try RFMPatterns(
            frequency: frequency, recency: recency.map(Double.init), age: periods.map(Double.init), weights: weights)
    }

    /// Maximum-likelihood fit (FHS 2010, eq. 5):
    /// L = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
    ///   + Σ_{i=0}^{n−t_x−1} B(α+x, β+t_x−x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ), summed in log space.
    public static func fit(_ data: RFMPatterns, options: BTYDFitOptions = .init()) throws(BTYDError) -> BTYDFit<Self> {
        for i in 0..<data.count
        where data.recency[i] != data.recency[i].rounded() || data.age[i] != data.age[i].rounded()
            || Double(data.frequency[i]) > data.recency[i]
        {
            throw .invalidRow(
                index: i, reason: "BG/BB needs whole-number recency and periods with frequency ≤ recency; "
                    + "build the data with BGBBModel.patterns(frequency:recency:periods:)")
        }
        let warnings = try MaximumLikelihood.checkRepeatBuyers(data)
        let problem = LikelihoodProblem(
            names: parameterNames, lowerLog: [-16, -16, -16, -16], upperLog: [16, 16, 16, 16],
            starts: [[1, 1, 1, 1], [0.5, 0.5, 0.5, 2], [2, 2, 0.3, 3]],
            totalWeight: data.customerCount, patternCount: data.count,
            evaluate: { phi, g in
                logLikelihood(data, alpha: exp(phi[0]), beta: exp(phi[1]), gamma: exp(phi[2]), delta: exp(phi[3]),
                              gradient: &g, wantGradient: true)
            },
            boundaryMeaning: { name, atUpper in
                switch (name, atUpper) {
                case ("gamma", false), ("delta", true):
                    "The dropout probability θ concentrates at 0: no evidence of customers becoming inactive."
                case ("alpha", true), ("beta", true):
                    "The transaction probability shows no heterogeneity across customers."
                case ("gamma", true), ("delta", false):
                    "The dropout probability shows no heterogeneity across customers (or concentrates at 1)."
                default:
                    "The likelihood keeps increasing towards this edge of the parameter space."
                }
            })
        return try MaximumLikelihood.fit(problem, options: options, warnings: warnings)
    }

    public static func fit(
        frequency: [Int], recency: [Int], periods: [Int], weights: [Double]? = nil, options: BTYDFitOptions = .init()
    ) throws(BTYDError) -> BTYDFit<Self> {
        try fit(patterns(frequency: frequency, recency: recency, periods: periods, weights: weights), options: options)
    }

    public func logLikelihood(_ data: RFMPatterns) -> Double {
        var unused: [Double] = []
        return Self.logLikelihood(data, alpha: alpha, beta: beta, gamma: gamma, delta: delta, gradient: &unused, wantGradient: false)
    }

    /// Total log-likelihood and its gradient with respect to (ln α, ln β, ln γ, ln δ).
    public func logLikelihoodGradient(_ data: RFMPatterns) -> (value: Double, gradient: [Double]) {
        var g: [Double] = []
        let value = Self.logLikelihood(data, alpha: alpha, beta: beta, gamma: gamma, delta: delta, gradient: &g, wantGradient: true)
        return (value, g)
    }

    static func logLikelihood(
        _ d: RFMPatterns, alpha: Double, beta: Double, gamma: Double, delta: Double,
        gradient: inout [Double], wantGradient: Bool
    ) -> Double {
        typealias F = SpecialFunctions
        let lbAB = F.logBeta(alpha, beta), lbGD = F.logBeta(gamma, delta)
        let psiAB = F.digamma(alpha + beta), psiGD = F.digamma(gamma + delta)
        let psiA = F.digamma(alpha), psiB = F.digamma(beta), psiG = F.digamma(gamma), psiD = F.digamma(delta)
        let lgG = F.logGamma(gamma), lgG1 = F.logGamma(gamma + 1), psiG1 = F.digamma(gamma + 1)
        var total = 0.0
        var g = SIMD4<Double>.zero
        var logTerms: [Double] = [], extras: [SIMD4<Double>] = []
        for i in 0..<d.count {
            let x = Double(d.frequency[i]), tx = d.recency[i], n = d.age[i], w = d.weight[i]
            let common = F.logGamma(alpha + x) - lbAB - lbGD
            logTerms.removeAll(keepingCapacity: true)
            extras.removeAll(keepingCapacity: true)
            logTerms.append(common + F.logGamma(beta + n - x) - F.logGamma(alpha + beta + n)
                + lgG + F.logGamma(delta + n) - F.logGamma(gamma + delta + n))
            if wantGradient {
                let psiABN = F.digamma(alpha + beta + n), psiGDN = F.digamma(gamma + delta + n)
                extras.append(SIMD4(-psiABN, F.digamma(beta + n - x) - psiABN, psiG - psiGDN, F.digamma(delta + n) - psiGDN))
            }
            let count = Int(n - tx)
            if count > 0 {
                var u1 = beta + tx - x, u2 = alpha + beta + tx, u3 = delta + tx, u4 = gamma + delta + tx + 1
                var l1 = F.logGamma(u1), l2 = F.logGamma(u2), l3 = F.logGamma(u3), l4 = F.logGamma(u4)
                var p1 = 0.0, p2 = 0.0, p3 = 0.0, p4 = 0.0
                if wantGradient { (p1, p2, p3, p4) = (F.digamma(u1), F.digamma(u2), F.digamma(u3), F.digamma(u4)) }
                for _ in 0..<count {
                    logTerms.append(common + l1 - l2 + lgG1 + l3 - l4)
                    if wantGradient {
                        extras.append(SIMD4(-p2, p1 - p2, psiG1 - p4, p3 - p4))
                        p1 += 1 / u1; p2 += 1 / u2; p3 += 1 / u3; p4 += 1 / u4
                    }
                    l1 += log(u1); l2 += log(u2); l3 += log(u3); l4 += log(u4)
                    u1 += 1; u2 += 1; u3 += 1; u4 += 1
                }
            }
            let lse = F.logSumExp(logTerms)
            total += w * lse
            if wantGradient {
                var gi = SIMD4<Double>(F.digamma(alpha + x) - psiA + psiAB, psiAB - psiB, psiGD - psiG, psiGD - psiD)
                for k in 0..<logTerms.count { gi += exp(logTerms[k] - lse) * extras[k] }
                g += w * gi
            }
        }
        if wantGradient { gradient = [g[0] * alpha, g[1] * beta, g[2] * gamma, g[3] * delta] }
        return total
    }

    // MARK: Predictions (x transactions, last at opportunity t_x, in n opportunities)

    /// ln L(x, t_x, n) of one customer.
    public func logLikelihood(frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        var unused: [Double] = []
        let row = try? RFMPatterns(validatedFrequency: [x], recency: [Double(tx)], age: [Double(n)], weights: nil)
        guard let row else { return .nan }
        return Self.logLikelihood(row, alpha: alpha, beta: beta, gamma: gamma, delta: delta, gradient: &unused, wantGradient: false)
    }

    /// P(alive at opportunity n + m | x, t_x, n) = B(α+x, β+n−x)/B(α,β) · B(γ, δ+n+m)/B(γ,δ) / L
    /// (FHS 2010, eq. 11 with m = 1; lifetimes' `conditional_probability_alive(m, …)`).
    public func probabilityAlive(periodsAhead m: Int = 1, frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        let xx = Double(x), nn = Double(n), mm = Double(m)
        let logNumerator = SpecialFunctions.logBeta(alpha + xx, beta + nn - xx) - SpecialFunctions.logBeta(alpha, beta)
            + SpecialFunctions.logBeta(gamma, delta + nn + mm) - SpecialFunctions.logBeta(gamma, delta)
        return exp(logNumerator - logLikelihood(frequency: x, recency: tx, periods: n))
    }

    /// E[X(n, n+m) | x, t_x, n]: expected transactions in the next m opportunities (FHS 2010, eq. 13),
    /// evaluated as (1/L) · B(α+x+1, β+n−x)/B(α,β) · Σ_{j=1}^{m} B(γ, δ+n+j)/B(γ,δ), which avoids
    /// eq. 13's division by γ − 1.
    public func conditionalExpectedPurchases(inNext m: Int, frequency x: Int, recency tx: Int, periods n: Int) -> Double {
        discountedExpectedPurchases(periods: m, discountRate: 0, frequency: x, recency: tx, periods: n)
    }

    /// E[X(n)]: expected transactions in the first n opportunities after the first transaction
    /// (FHS 2010, eq. 8): α/(α+β) · Σ_{j=1}^{n} B(γ, δ+j)/B(γ,δ).
    public func expectedPurchases(inFirst n: Int) -> Double {
        alpha / (alpha + beta) * survivalSum(from: 0, count: n, discountRate: 0)
    }

    /// Σ_{j=1}^{m} E[transaction at opportunity n+j | data] / (1 + discountRate)^j.
    public func discountedExpectedPurchases(
        periods m: Int, discountRate: Double, frequency x: Int, recency tx: Int, periods n: Int
    ) -> Double {
        precondition(m >= 0 && discountRate > -1, "need m ≥ 0 opportunities and a discount rate > −1")
        let xx = Double(x), nn = Double(n)
        let logFactor = SpecialFunctions.logBeta(alpha + xx + 1, beta + nn - xx) - SpecialFunctions.logBeta(alpha, beta)
            - logLikelihood(frequency: x, recency: tx, periods: n)
        return exp(logFactor) * survivalSum(from: n, count: m, discountRate: discountRate)
    }

    /// Σ_{j=1}^{count} B(γ, δ+start+j)/B(γ,δ) / (1+d)^j, by the recurrence
    /// B(γ, δ+k+1) = B(γ, δ+k)·(δ+k)/(γ+δ+k).
    private func survivalSum(from start: Int, count: Int, discountRate: Double) -> Double {
        let s = Double(start)
        var ratio = exp(SpecialFunctions.logBeta(gamma, delta + s + 1) - SpecialFunctions.logBeta(gamma, delta))
        var factor = 1 / (1 + discountRate), total = 0.0
        for j in stride(from: 1, through: count, by: 1) {
            total += ratio * factor
            let k = delta + s + Double(j)
            ratio *= k / (gamma + k)
            factor /= 1 + discountRate
        }
        return total
    }
}
