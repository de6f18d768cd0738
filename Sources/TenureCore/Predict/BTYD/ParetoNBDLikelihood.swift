import Foundation

/// The Pareto/NBD log-likelihood and its gradient (Fader & Hardie 2005, "A Note on Deriving the
/// Pareto/NBD Model and Related Expressions", eqs. 20–22; Schmittlein, Morrison & Colombo 1987).
///
/// L(r, α, s, β | x, t_x, T) = Γ(r+x) αʳ βˢ / Γ(r) · [ (α+T)^{−(r+x)} (β+T)^{−s} + s/(r+s+x) · A₀ ], with
/// A₀ = F(t_x) − F(T) and, for α ≥ β, F(t) = ₂F₁(r+s+x, s+1; r+s+x+1; (α−β)/(α+t)) / (α+t)^{r+s+x};
/// for α < β, F(t) = ₂F₁(r+s+x, r+x; r+s+x+1; (β−α)/(β+t)) / (β+t)^{r+s+x}.
///
/// Evaluation: Euler's transformation turns both ₂F₁ into ₂F₁(1, b; c; z) with b < c — a series of
/// positive, decreasing terms — so that
///   α ≥ β: ln F(t) = −s ln(β+t) − (r+x) ln(α+t) + ln ₂F₁(1, r+x; r+s+x+1; z),
///   α < β: ln F(t) = (1−r−x) ln(α+t) − (s+1) ln(β+t) + ln ₂F₁(1, s+1; r+s+x+1; z),
/// everything stays in log space (ln A₀ by log-diff-exp, the bracket by log-sum-exp), and the
/// derivatives of the series in b, c and z are summed alongside it (exact analytic gradient).
struct ParetoNBDLikelihood {
    let data: RFMPatterns
    /// (x, t) pairs whose ln F(t) is needed, shared by patterns.
    let pairFrequency: [Double]
    let pairTime: [Double]
    let recencyPair: [Int32]
    let agePair: [Int32]

    init(_ d: RFMPatterns) {
        data = d
        // Pair keys: distinct-x index (high bits) and the time's bit pattern, interned through a
        // second table of distinct times.
        let times = d.distinctRecency + d.distinctAge
        let (_, timeIndex) = RFMPatterns.intern(times.map(\.bitPattern)) { $0 }
        let ageOffset = d.distinctRecency.count
        var keys: [UInt64] = []
        keys.reserveCapacity(2 * d.count)
        for i in 0..<d.count {
            let xi = UInt64(d.frequencyIndex[i]) << 32
            keys.append(xi | UInt64(timeIndex[Int(d.recencyIndex[i])]))
        }
        for i in 0..<d.count {
            let xi = UInt64(d.frequencyIndex[i]) << 32
            keys.append(xi | UInt64(timeIndex[ageOffset + Int(d.ageIndex[i])]))
        }
        let (distinct, pairIndex) = RFMPatterns.intern(keys) { $0 }
        // Recover each pair's (x, t) from its first occurrence.
        var pairX = [Double](repeating: 0, count: distinct.count), pairT = pairX
        var seen = [Bool](repeating: false, count: distinct.count)
        for j in 0..<keys.count {
            let p = Int(pairIndex[j])
            if seen[p] { continue }
            seen[p] = true
            let i = j < d.count ? j : j - d.count
            pairX[p] = Double(d.frequency[i])
            pairT[p] = j < d.count ? d.recency[i] : d.age[i]
        }
        pairFrequency = pairX
        pairTime = pairT
        recencyPair = Array(pairIndex[0..<d.count])
        agePair = Array(pairIndex[d.count...])
    }

    /// Σ wᵢ ln Lᵢ; fills ∂/∂(ln r, ln α, ln s, ln β) when `wantGradient`.
    func evaluate(r: Double, alpha: Double, s: Double, beta: Double, gradient: inout [Double], wantGradient: Bool) -> Double {
        let d = data
        var logF = [Double](repeating: 0, count: pairTime.count)
        var dLogF = [SIMD4<Double>](repeating: .zero, count: pairTime.count)
        for j in 0..<pairTime.count {
            (logF[j], dLogF[j]) = Self.logF(x: pairFrequency[j], t: pairTime[j], r: r, alpha: alpha, s: s, beta: beta)
        }
        let lgR = SpecialFunctions.logGamma(r), psiR = SpecialFunctions.digamma(r)
        let logAlpha = log(alpha), logBeta = log(beta), logS = log(s)
        let xConstant = d.distinctFrequency.map { SpecialFunctions.logGamma(r + Double($0)) - lgR + r * logAlpha + s * logBeta }
        let xDigamma = wantGradient ? d.distinctFrequency.map { SpecialFunctions.digamma(r + Double($0)) - psiR } : []
        let logAlphaAge = d.distinctAge.map { log(alpha + $0) }, logBetaAge = d.distinctAge.map { log(beta + $0) }

        var total = 0.0
        var g = SIMD4<Double>.zero
        for i in 0..<d.count {
            let k = Int(d.frequencyIndex[i]), ta = Int(d.ageIndex[i])
            let w = d.weight[i]
            let x = Double(d.frequency[i]), rx = r + x
            let t1 = -rx * logAlphaAge[ta] - s * logBetaAge[ta]
            let p1 = Int(recencyPair[i]), p2 = Int(agePair[i])
            let logA0 = SpecialFunctions.logDiffExp(logF[p1], logF[p2])
            let t2 = logS - log(rx + s) + logA0
            let lse = SpecialFunctions.logSumExp(t1, t2)
            total += w * (xConstant[k] + lse)
            guard wantGradient else { continue }
            let pi2 = t2 == -.infinity ? 0 : exp(t2 - lse), pi1 = 1 - pi2
            // ∂K: K = ln Γ(r+x) − ln Γ(r) + r ln α + s ln β.
            var gi = SIMD4<Double>(xDigamma[k] + logAlpha, r / alpha, logBeta, s / beta)
            let age = d.age[i]
            gi += pi1 * SIMD4<Double>(-logAlphaAge[ta], -rx / (alpha + age), -logBetaAge[ta], -s / (beta + age))
            if pi2 > 0 {
                // ∂ ln A₀ = (∂F₁ − ω ∂F₂)/(1 − ω), ω = F₂/F₁ (in log space).
                let omega = exp(logF[p2] - logF[p1])
                let dA0 = (dLogF[p1] - omega * dLogF[p2]) / (1 - omega)
                let inverse = 1 / (rx + s)
                gi += pi2 * (SIMD4<Double>(-inverse, 0, 1 / s - inverse, 0) + dA0)
            }
            g += w * gi
        }
        if wantGradient { gradient = [g[0] * r, g[1] * alpha, g[2] * s, g[3] * beta] }
        return total
    }

    /// ln F(t) and its gradient in (r, α, s, β) (see the type's documentation).
    static func logF(x: Double, t: Double, r: Double, alpha: Double, s: Double, beta: Double) -> (Double, SIMD4<Double>) {
        let rx = r + x, c = rx + s + 1
        let logAlphaT = log(alpha + t), logBetaT = log(beta + t)
        // Near z = 1 the series can need ~40/(1−z) terms; past a budget, integrate instead.
        if alpha >= beta {
            let z = (alpha - beta) / (alpha + t)
            guard let series = HypergeometricSeries.oneBC(b: rx, c: c, z: z, maxTerms: 400) else {
                return logFByQuadrature(x: x, t: t, r: r, alpha: alpha, s: s, beta: beta)
            }
            let value = -s * logBetaT - rx * logAlphaT + log(series.value)
            let dz = series.dz / series.value, db = series.db / series.value, dc = series.dc / series.value
            let gradient = SIMD4<Double>(
                -logAlphaT + db + dc,
                -rx / (alpha + t) + dz * (beta + t) / ((alpha + t) * (alpha + t)),
                -logBetaT + dc,
                -s / (beta + t) - dz / (alpha + t))
            return (value, gradient)
        } else {
            let z = (beta - alpha) / (beta + t)
            guard let series = HypergeometricSeries.oneBC(b: s + 1, c: c, z: z, maxTerms: 400) else {
                return logFByQuadrature(x: x, t: t, r: r, alpha: alpha, s: s, beta: beta)
            }
            let value = (1 - rx) * logAlphaT - (s + 1) * logBetaT + log(series.value)
            let dz = series.dz / series.value, db = series.db / series.value, dc = series.dc / series.value
            let gradient = SIMD4<Double>(
                -logAlphaT + dc,
                (1 - rx) / (alpha + t) - dz / (beta + t),
                -logBetaT + db + dc,
                -(s + 1) / (beta + t) + dz * (alpha + t) / ((beta + t) * (beta + t)))
            return (value, gradient)
        }
    }
}

extension ParetoNBDLikelihood {
    /// ln F(t) from its integral form F(t) = (r+s+x) ∫_t^∞ (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ, used where the
    /// series converges slowly (z → 1, one of α, β much larger than the other). With m = min(α, β) and
    /// τ = eʷ − m the integrand is smooth on O(1) scales in w; 16-point Gauss–Legendre panels run until it
    /// has dropped by e⁻⁵⁰. The gradient differentiates under the integral sign with the same nodes.
    static func logFByQuadrature(x: Double, t: Double, r: Double, alpha: Double, s: Double, beta: Double) -> (Double, SIMD4<Double>) {
        let rx = r + x, s1 = s + 1
        let m = min(alpha, beta), da = alpha - m, db = beta - m
        func phi(_ w: Double) -> Double {
            let e = exp(w)
            return w - rx * log(da + e) - s1 * log(db + e)
        }
        let (nodes, weights) = GaussLegendre.rule8
        var nodeW: [Double] = [], nodeWeight: [Double] = [], nodePhi: [Double] = []
        var nodeLogA: [Double] = [], nodeLogB: [Double] = [], nodeInvA: [Double] = [], nodeInvB: [Double] = []
        let transition = log(max(da, db, 1e-300)) + 1
        var left = log(t + m)
        var peak = -Double.infinity
        var panels = 0
        while panels < 10_000 {
            // Panel width: at most 1, and a few local decay lengths 1/|φ'(w)|.
            let e = exp(left)
            let slope = 1 - rx * e / (da + e) - s1 * e / (db + e)
            let width = min(1, max(1e-8, 3 / max(abs(slope), 1e-300)))
            let half = 0.5 * width, mid = left + half
            var panelMax = -Double.infinity
            for k in 0..<nodes.count {
                let w = mid + half * nodes[k]
                let ew = exp(w)
                let ea = da + ew, eb = db + ew
                let la = log(ea), lb = log(eb)
                let value = w - rx * la - s1 * lb
                nodeW.append(w)
                nodeWeight.append(weights[k] * half)
                nodePhi.append(value)
                nodeLogA.append(la)
                nodeLogB.append(lb)
                nodeInvA.append(1 / ea)
                nodeInvB.append(1 / eb)
                panelMax = max(panelMax, value)
            }
            peak = max(peak, panelMax)
            left += width
            panels += 1
            if left > transition && panelMax < peak - 45 && slope < 0 { break }
        }
        var integral = 0.0
        var derivative = SIMD4<Double>.zero
        for j in 0..<nodeW.count {
            let f = nodeWeight[j] * exp(nodePhi[j] - peak)
            integral += f
            let local = SIMD4<Double>(-nodeLogA[j], -rx * nodeInvA[j], -nodeLogB[j], -s1 * nodeInvB[j])
            derivative += f * local
        }
        let c = rx + s
        let gradient = derivative / integral + SIMD4<Double>(1 / c, 0, 1 / c, 0)
        return (log(c) + peak + log(integral), gradient)
    }
}
