import Foundation

/// Shared likelihood and prediction kernels of the BG/NBD and MBG/NBD models.
///
/// Both models: while alive, purchases follow a Poisson process with rate λ ~ Gamma(r, α) (shape r,
/// rate α: mean r/α purchases per time unit); after each repeat purchase the customer drops out with
/// probability p ~ Beta(a, b). The MBG/NBD (Batislam, Denizel & Filiztekin 2007) also lets the
/// customer drop out right after the first purchase, at time 0.
enum BetaGeometricFamily {
    /// Total log-likelihood Σ wᵢ ln L(r, α, a, b | xᵢ, t_xᵢ, Tᵢ) and, if asked, its gradient with
    /// respect to (ln r, ln α, ln a, ln b).
    ///
    /// BG/NBD (Fader, Hardie & Lee 2005, eq. 6): ln L = A₁ + A₂ + ln(e^{A₃} + δ_{x>0} e^{A₄}) with
    /// A₁ = ln Γ(r+x) − ln Γ(r) + r ln α, A₂ = ln B(a, b+x) − ln B(a, b), A₃ = −(r+x) ln(α+T),
    /// A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x). MBG/NBD: B(a, b+x+1), a/(b+x), and A₄ for every x.
    static func logLikelihood(
        _ d: RFMPatterns, r: Double, alpha: Double, a: Double, b: Double, modified: Bool,
        gradient: inout [Double], wantGradient: Bool = true
    ) -> Double {
        let shift = modified ? 1.0 : 0.0
        let logAlpha = log(alpha)
        let lgR = SpecialFunctions.logGamma(r), lgB = SpecialFunctions.logGamma(b)
        let lgAB = SpecialFunctions.logGamma(a + b)
        let psiR = SpecialFunctions.digamma(r), psiB = SpecialFunctions.digamma(b)
        let psiAB = SpecialFunctions.digamma(a + b)
        let logA = log(a)

        let nx = d.distinctFrequency.count
        var constant = [Double](repeating: 0, count: nx)
        var dR = constant, dA = constant, dB = constant, logC = constant, invC = constant
        for k in 0..<nx {
            let x = Double(d.distinctFrequency[k])
            constant[k] = SpecialFunctions.logGamma(r + x) - lgR + r * logAlpha + lgAB
                + SpecialFunctions.logGamma(b + x + shift) - lgB - SpecialFunctions.logGamma(a + b + x + shift)
            if wantGradient {
                let psiABX = SpecialFunctions.digamma(a + b + x + shift)
                dR[k] = SpecialFunctions.digamma(r + x) - psiR + logAlpha
                dA[k] = psiAB - psiABX
                dB[k] = psiAB + SpecialFunctions.digamma(b + x + shift) - psiB - psiABX
            }
            if modified || x > 0 {
                logC[k] = logA - log(b + x - 1 + shift)
                invC[k] = 1 / (b + x - 1 + shift)
            } else {
                logC[k] = -.infinity
                invC[k] = 0
            }
        }
        // Per distinct age and recency: ln(α+T), 1/(α+T), ln(α+t_x), 1/(α+t_x).
        let ageTerms = d.distinctAge.flatMap { [log(alpha + $0), 1 / (alpha + $0)] }
        let recencyTerms = d.distinctRecency.flatMap { [log(alpha + $0), 1 / (alpha + $0)] }
        // Per distinct x: constant, ln C, 1/C and the x-only gradient parts.
        var xTable = [Double](repeating: 0, count: 6 * nx)
        for k in 0..<nx {
            xTable[6 * k] = constant[k]
            xTable[6 * k + 1] = logC[k]
            xTable[6 * k + 2] = invC[k]
            xTable[6 * k + 3] = dR[k]
            xTable[6 * k + 4] = dA[k]
            xTable[6 * k + 5] = dB[k]
        }
        let xTerms = xTable

        // Lanes: 0 Σw ln L, 1 ∂r, 2 ∂α (pattern part), 3 Σwπ, 4 ∂a (x part), 5 ∂b, 6 Σw.
        let sums = BTYDParallel.sum(count: d.count) { range in
            var total = 0.0, gr = 0.0, gAlpha = 0.0, ga = 0.0, gb = 0.0, weightSum = 0.0, weightedPi = 0.0
            d.frequency.withUnsafeBufferPointer { freq in
            d.weight.withUnsafeBufferPointer { weight in
            d.frequencyIndex.withUnsafeBufferPointer { fi in
            d.ageIndex.withUnsafeBufferPointer { ai in
            d.recencyIndex.withUnsafeBufferPointer { ri in
            xTerms.withUnsafeBufferPointer { xt in
            ageTerms.withUnsafeBufferPointer { at in
            recencyTerms.withUnsafeBufferPointer { rt in
                for i in range {
                    let k = 6 * Int(fi[i]), ta = 2 * Int(ai[i])
                    let w = weight[i]
                    let rx = r + Double(freq[i])
                    let logAge = at[ta], invAge = at[ta + 1]
                    let a3 = -rx * logAge
                    var pi = 0.0
                    var lse = a3
                    let logCk = xt[k + 1]
                    if logCk > -.infinity {
                        let tr = 2 * Int(ri[i])
                        let logRecency = rt[tr], invRecency = rt[tr + 1]
                        let diff = logCk - rx * (logRecency - logAge)
                        // ln(e^{A3} + e^{A4}) = A3 + ln(1 + e^{diff}), taken from the larger side.
                        if diff > 0 {
                            let q = 1 + exp(-diff)
                            lse = a3 + diff + log(q)
                            pi = 1 / q
                        } else {
                            let e = exp(diff), q = 1 + e
                            lse = a3 + log(q)
                            pi = e / q
                        }
                        if wantGradient {
                            gr -= w * pi * (logRecency - logAge)
                            gAlpha -= w * rx * pi * (invRecency - invAge)
                            weightedPi += w * pi
                            gb -= w * pi * xt[k + 2]
                        }
                    }
                    total += w * (xt[k] + lse)
                    if wantGradient {
                        weightSum += w
                        gr += w * (xt[k + 3] - logAge)
                        gAlpha -= w * rx * invAge
                        ga += w * xt[k + 4]
                        gb += w * xt[k + 5]
                    }
                }
            }}}}}}}}
            return SIMD8(total, gr, gAlpha, weightedPi, ga, gb, weightSum, 0)
        }
        if wantGradient {
            // Pattern-independent parts: ∂/∂α of r ln α, and π/a gathered as Σ wπ.
            let gAlpha = sums[2] + sums[6] * r / alpha
            let ga = sums[4] + sums[3] / a
            gradient = [sums[1] * r, gAlpha * alpha, ga * a, sums[5] * b]
        }
        return sums[0]
    }

    /// Natural-scale starts and log-scale bounds; the time scale α is centred on the data's ages.
    static func problem(
        _ d: RFMPatterns, modified: Bool, boundaryMeaning: @escaping (String, Bool) -> String
    ) -> LikelihoodProblem {
        let scale = max(d.distinctAge.max() ?? 1, 1e-9) / 10
        let logScale = log(scale)
        return LikelihoodProblem(
            names: ["r", "alpha", "a", "b"],
            lowerLog: [-16, logScale - 16, -16, -16],
            upperLog: [16, logScale + 16, 16, 16],
            starts: [
                [1, scale, 1, 1], [0.3, scale * 0.5, 0.8, 2.5], [2, scale * 4, 2, 8], [0.5, scale, 0.1, 0.1],
            ],
            totalWeight: d.customerCount, patternCount: d.count,
            evaluate: { phi, g in
                logLikelihood(d, r: exp(phi[0]), alpha: exp(phi[1]), a: exp(phi[2]), b: exp(phi[3]),
                              modified: modified, gradient: &g)
            },
            boundaryMeaning: boundaryMeaning)
    }

    static func boundaryMeaning(_ name: String, _ atUpper: Bool) -> String {
        switch (name, atUpper) {
        case ("a", false), ("b", true):
            "The dropout probability p concentrates at 0: the data show no evidence of customers becoming "
                + "inactive, so P(alive) ≈ 1 and the model reduces to an NBD; consider a longer observation window."
        case ("a", true), ("b", false):
            "The dropout probability concentrates at 1 (or has no heterogeneity): nearly every customer leaves "
                + "after a purchase; check that frequency counts repeat purchases only."
        case ("r", true), ("alpha", true):
            "The purchase rate shows no heterogeneity across customers (r and α grow together with r/α fixed)."
        default:
            "The likelihood keeps increasing towards this edge of the parameter space."
        }
    }

    // MARK: - Predictions

    /// E[X(t)] of a BG/NBD process with parameters (r, α, a, b) started alive at time 0 (Fader, Hardie &
    /// Lee 2005, eq. 7): (a+b−1)/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b; a+b−1; t/(α+t))].
    ///
    /// Evaluated through Euler's transformation ₂F₁(A,B;C;z) = (1−z)^{C−A−B} ₂F₁(C−A, C−B; C; z), which
    /// turns the bracket into C·[(1 − (1−z)^ε)/ε − (1−z)^ε G] with ε = a−1, C = a+b−1 and
    /// G = Σ_{k≥1} (C−r)_k (1+ε)_{k−1} / ((C)_k k!) zᵏ: finite and accurate at a = 1, no cancellation.
    static func expectedPurchases(t: Double, r: Double, alpha: Double, a: Double, b: Double) -> Double {
        guard t > 0 else { return 0 }
        let z = t / (alpha + t)
        let logOneMinusZ = -log1p(t / alpha)
        let epsilon = a - 1, c = a + b - 1, p = c - r
        if epsilon * z > 64 {
            // A large `a` (dropout after a purchase likely): the transformed series below would need about ε·z
            // terms, while the direct one, (a+b−1)/(a−1) · [1 − (1−z)^r Σ (r)_k (b)_k / ((c)_k k!) zᵏ],
            // converges in a few because c = a+b−1 is large (all terms positive).
            var term = 1.0, sum = 1.0, k = 0.0
            while k < 2_000_000 {
                let ratio = (r + k) * (b + k) / ((c + k) * (k + 1)) * z
                term *= ratio
                sum += term
                k += 1
                if term <= 1e-17 * sum && ratio < 1 { break }
            }
            return c / epsilon * (1 - exp(r * logOneMinusZ) * sum)
        }
        var term = p * z / c
        var sum = 0.0
        var k = 1.0
        while k < 2_000_000 {
            sum += term
            let ratio = (p + k) * (epsilon + k) / ((c + k) * (k + 1)) * z
            if term == 0 || (abs(term) <= 1e-17 * abs(sum) && abs(ratio) < 1) { break }
            term *= ratio
            k += 1
        }
        return c * (-SpecialFunctions.expm1OverEpsilon(epsilon, logOneMinusZ) - exp(epsilon * logOneMinusZ) * sum)
    }

    /// P(X(t) = n) for a BG/NBD process with parameters (r, α, a, b) (Fader, Hardie & Lee 2005, eq. 8):
    /// B(a,b+n)/B(a,b) · NB(n) + δ_{n>0} B(a+1,b+n−1)/B(a,b) · P(NB ≥ n), where NB is the negative
    /// binomial count of a Gamma(r, α)-mixed Poisson over (0, t].
    static func probabilityOfPurchases(_ n: Int, t: Double, r: Double, alpha: Double, a: Double, b: Double) -> Double {
        precondition(n >= 0, "a purchase count cannot be negative")
        let nn = Double(n)
        let logP = -log1p(t / alpha), logQ = t > 0 ? log(t / (alpha + t)) : -.infinity
        func logNB(_ j: Double) -> Double {
            if j == 0 { return r * logP }
            return SpecialFunctions.logGamma(r + j) - SpecialFunctions.logGamma(r) - SpecialFunctions.logGamma(j + 1)
                + r * logP + j * logQ
        }
        let lbAB = SpecialFunctions.logBeta(a, b)
        let first = exp(SpecialFunctions.logBeta(a, b + nn) - lbAB + logNB(nn))
        guard n > 0 else { return first }
        let tail = negativeBinomialTail(n, r: r, logP: logP, logQ: logQ)
        return first + exp(SpecialFunctions.logBeta(a + 1, b + nn - 1) - lbAB) * tail
    }

    /// P(N ≥ n) for N ~ NB(r, p) with pmf Γ(r+j)/(Γ(r) j!) pʳ qʲ: 1 − head sum when the head is small,
    /// the tail sum otherwise (no cancellation either way).
    static func negativeBinomialTail(_ n: Int, r: Double, logP: Double, logQ: Double) -> Double {
        if logQ == -.infinity { return n == 0 ? 1 : 0 }
        let q = exp(logQ)
        var term = exp(r * logP)  // pmf(0)
        var head = 0.0
        for j in 0..<n {
            head += term
            term *= (r + Double(j)) / Double(j + 1) * q
        }
        if head < 0.5 { return 1 - head }
        // Tail Σ_{j≥n} pmf(j), scaled by pmf(n) taken in log space.
        let nn = Double(n)
        let logStart = SpecialFunctions.logGamma(r + nn) - SpecialFunctions.logGamma(r)
            - SpecialFunctions.logGamma(nn + 1) + r * logP + nn * logQ
        var sum = 0.0, t = 1.0, j = nn
        while j < nn + 10_000_000 {
            sum += t
            let ratio = (r + j) / (j + 1) * q
            t *= ratio
            if t <= 1e-17 * sum && ratio < 1 { break }
            j += 1
        }
        return exp(logStart) * sum
    }

    /// Σ_{k=1}^{periods} [E(k·L) − E((k−1)·L)] / (1+d)^k for an expected-purchases curve E.
    static func discountedSum(
        periods: Int, periodLength: Double, discountRate: Double, expected: (Double) -> Double
    ) -> Double {
        precondition(periods >= 0 && periodLength > 0, "periods must be >= 0 and periodLength > 0")
        precondition(discountRate > -1, "discount rate per period must be > -1")
        var previous = 0.0, total = 0.0, factor = 1.0
        for k in stride(from: 1, through: periods, by: 1) {
            let current = expected(Double(k) * periodLength)
            factor /= 1 + discountRate
            total += (current - previous) * factor
            previous = current
        }
        return total
    }
}
