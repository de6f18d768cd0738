import Foundation

/// The regularized incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b) for a, b > 0 and
/// 0 ≤ x ≤ 1, the CDF of a Beta(a, b) variable at x.
///
/// Evaluated by its continued fraction (modified Lentz; Numerical Recipes 3rd ed. §6.4) on the
/// side where it converges fast, and by the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) on the other.
/// The caller passes both x and 1 − x, so a value near 1 keeps its precision in the complement,
/// and both the value and its complement are returned: the smaller of the two is computed
/// directly, never as 1 minus something, so tail probabilities keep their relative precision.
enum RegularizedIncompleteBeta {
    /// I_x(a, b) and 1 − I_x(a, b). `complement` must equal 1 − x; `logX`, `logComplement` and
    /// `logBeta` (ln x, ln(1 − x), ln B(a, b)) default to direct evaluation, and a caller that
    /// knows them more precisely passes them: with a shape of 10⁶, a relative error of 10⁻¹⁶ in
    /// ln x or of 10⁻¹³ in ln B would otherwise cost half the digits of the result. NaN for
    /// invalid arguments.
    static func evaluate(
        x: Double, complement y: Double, a: Double, b: Double,
        logX: Double? = nil, logComplement: Double? = nil, logBeta: Double? = nil
    ) -> (value: Double, complement: Double) {
        guard a > 0, b > 0, a.isFinite, b.isFinite, x >= 0, y >= 0, x <= 1, y <= 1 else { return (.nan, .nan) }
        if x == 0 { return (0, 1) }
        if y == 0 { return (1, 0) }
        // ln of x^a (1 − x)^b / B(a, b), the front factor of both continued fractions.
        let logFront = a * (logX ?? Foundation.log(x)) + b * (logComplement ?? Foundation.log(y))
            - (logBeta ?? SpecialFunctions.logBeta(a, b))
        let front = Foundation.exp(logFront)
        if x < (a + 1) / (a + b + 2) {
            let value = front * continuedFraction(x: x, a: a, b: b) / a
            return (value, 1 - value)
        }
        let complement = front * continuedFraction(x: y, a: b, b: a) / b
        return (1 - complement, complement)
    }

    /// The continued fraction of B(x; a, b) (NR's `betacf`), converging for x < (a + 1) / (a + b + 2)
    /// in O(√max(a, b)) terms.
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300, epsilon = 1e-16
        let qab = a + b, qap = a + 1, qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        // Large shape parameters need O(√a) terms; the bound only stops a runaway on bad input.
        let limit = 1_000 + Int(min(10 * max(a, b).squareRoot(), 1e7))
        var m = 1
        while m <= limit {
            let dm = Double(m), m2 = 2 * dm
            var aa = dm * (b - dm) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < epsilon { break }
            m += 1
        }
        return h
    }
}
