import Foundation

/// Tricomi's confluent hypergeometric function U(a, a, z) (Ψ(a, a; z) in Fader, Hardie & Lee 2005),
/// needed by the Pareto/NBD DERT.
enum TricomiU {
    /// ln U(a, a, z) for a > 0, z > 0, from U(a, a, z) = (1/Γ(a)) ∫₀^∞ e^{−zt} t^{a−1} (1+t)^{−1} dt
    /// (DLMF 13.4.4). With t = eᵘ the integrand exp(a u − z eᵘ − ln(1+eᵘ)) is smooth and decays
    /// doubly exponentially on the right, so the trapezoidal rule converges geometrically; the left
    /// tail below u₀ = −40 is ∫ e^{au} du = e^{a u₀}/a to relative 1e-17, and an Euler–Maclaurin
    /// endpoint correction removes the O(h²) error at u₀.
    static func logUaa(a: Double, z: Double) -> Double {
        precondition(a > 0 && z > 0, "U(a, a, z) here needs a > 0 and z > 0")
        let h = 0.05, u0 = -40.0
        func logIntegrand(_ u: Double) -> Double { a * u - z * exp(u) - log1p(exp(u)) }
        let upper = log(max(50 / z, 1)) + log(1 + a / z) + 5
        let count = Int(((upper - u0) / h).rounded(.up))
        var logs = [Double](repeating: 0, count: count + 1)
        for k in 0...count { logs[k] = logIntegrand(u0 + Double(k) * h) }
        let scale = max(logs.max() ?? 0, a * u0)
        var sum = 0.5 * exp(logs[0] - scale)
        for k in 1...count { sum += exp(logs[k] - scale) }
        sum *= h
        let fu0 = exp(logIntegrand(u0) - scale)
        sum += h * h / 12 * a * fu0  // Euler–Maclaurin: −h²/12 (f'(∞) − f'(u₀)), f'(u₀) ≈ a f(u₀)
        sum += exp(a * u0 - scale) / a
        return scale + log(sum) - SpecialFunctions.logGamma(a)
    }
}
