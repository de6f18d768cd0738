import Foundation

/// Log-space special functions used by the BTYD likelihoods. Arguments are positive reals.
enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (re-entrant `lgamma_r`, so it is safe to call from several threads).
    @inline(__always)
    static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    @inline(__always)
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// Digamma ψ(x) = d ln Γ(x) / dx for x > 0: upward recurrence to x ≥ 10, then the asymptotic
    /// series (Abramowitz & Stegun 6.3.18) to x⁻¹⁴; absolute error below 1e-15.
    static func digamma(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == .infinity ? .infinity : .nan }
        var value = 0.0
        var z = x
        while z < 10 {
            value -= 1 / z
            z += 1
        }
        let inverse = 1 / z, inverse2 = inverse * inverse
        // Bernoulli terms B_2k / (2k z^2k): 1/12, 1/120, 1/252, 1/240, 1/132, 691/32760, 1/12.
        let series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2
            * (1.0 / 240 - inverse2 * (1.0 / 132 - inverse2 * (691.0 / 32760 - inverse2 / 12))))))
        return value + log(z) - 0.5 * inverse - series
    }

    /// ln(eᵃ + eᵇ) without overflow; −∞ when both are −∞.
    @inline(__always)
    static func logSumExp(_ a: Double, _ b: Double) -> Double {
        let high = max(a, b), low = min(a, b)
        if high == -.infinity { return -.infinity }
        return high + log1p(exp(low - high))
    }

    /// ln(eᵃ − eᵇ) for a ≥ b; −∞ when a == b.
    @inline(__always)
    static func logDiffExp(_ a: Double, _ b: Double) -> Double {
        if b == -.infinity { return a }
        let d = b - a
        if d >= 0 { return -.infinity }
        // ln(1 − eᵈ): log(−expm1(d)) near 0, log1p(−eᵈ) far from it (Mächler 2012).
        return a + (d > -0.693_147_180_559_945_3 ? log(-expm1(d)) : log1p(-exp(d)))
    }

    /// ln Σ exp(terms), −∞ for an empty or all −∞ list.
    static func logSumExp(_ terms: [Double]) -> Double {
        guard let high = terms.max(), high > -.infinity else { return -.infinity }
        if high == .infinity { return .infinity }
        var sum = 0.0
        for t in terms { sum += exp(t - high) }
        return high + log(sum)
    }

    /// (exp(ε·L) − 1) / ε, with its limit L at ε = 0.
    @inline(__always)
    static func expm1OverEpsilon(_ epsilon: Double, _ l: Double) -> Double {
        let product = epsilon * l
        if abs(product) < 1e-300 || epsilon == 0 { return l }
        return expm1(product) / epsilon
    }
}
