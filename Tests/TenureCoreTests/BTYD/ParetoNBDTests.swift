import Foundation
import Testing
import TenureCore

@Suite("Pareto/NBD")
struct ParetoNBDTests {
    /// Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model and Related Expressions"
    /// (and "Implementing the Pareto/NBD Model Given Interval-Censored Data", Excel companion):
    /// r = 0.55, α = 10.58, s = 0.61, β = 11.67, LL = −9595.0 on the CDNOW 39-week calibration data.
    /// lifetimes 0.11.3: r = 0.553282, α = 10.577795, s = 0.606214, β = 11.667994.
    @Test("reproduces the published CDNOW fit", BTYDReferenceData.available("cdnow/cdnow_customers_summary.csv"))
    func cdnowFit() throws {
        let data = try BTYDReferenceData.cdnowSummary()
        let fit = try ParetoNBDModel.fit(frequency: data.frequency, recency: data.recency, age: data.age)
        print("Pareto/NBD CDNOW:", fit.parameters, fit.logLikelihood, "SE", fit.standardErrors ?? [], fit.status, fit.iterations)
        #expect(fit.status.isConverged)
        #expect(fit.warnings.isEmpty, "\(fit.warnings)")
        #expect(abs(fit.model.r - 0.55) < 0.005 && abs(fit.model.alpha - 10.58) < 0.005)
        #expect(abs(fit.model.s - 0.61) < 0.005 && abs(fit.model.beta - 11.67) < 0.005)
        #expect(abs(fit.logLikelihood - -9595.0) < 0.05)
        #expect(abs(fit.model.r - 0.553282) < 2e-4 && abs(fit.model.s - 0.606214) < 5e-4)
    }

    /// The bracket of the likelihood equals the integral it comes from (Fader & Hardie 2005 note, eq. 19):
    /// L = Γ(r+x)αʳβˢ/Γ(r) [ (α+T)^{−(r+x)}(β+T)^{−s} + ∫_{t_x}^T s (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ ],
    /// on both ₂F₁ branches (α > β, α < β) and at α = β.
    @Test("likelihood matches its defining integral on both hypergeometric branches",
          arguments: [(0.55, 10.58, 0.61, 11.67), (0.55, 11.67, 0.61, 10.58), (2.0, 5.0, 1.5, 5.0), (0.3, 40.0, 3.0, 0.5),
                     (0.3, 0.5, 0.2, 9000.0), (1.5, 9000.0, 0.4, 0.5)])
    func likelihoodIntegral(parameters: (Double, Double, Double, Double)) {
        let (r, alpha, s, beta) = parameters
        let model = ParetoNBDModel(r: r, alpha: alpha, s: s, beta: beta)
        for (x, tx, T) in [(0, 0.0, 38.86), (2, 30.43, 38.86), (7, 5.0, 20.0), (40, 12.0, 39.0)] {
            let xx = Double(x)
            let steps = 20_000
            let h = (T - tx) / Double(steps)
            var integral = 0.0
            for k in 0...steps {  // Simpson's rule
                let tau = tx + Double(k) * h
                let f = s * pow(alpha + tau, -(r + xx)) * pow(beta + tau, -(s + 1))
                integral += f * (k == 0 || k == steps ? 1 : (k % 2 == 1 ? 4 : 2))
            }
            integral *= h / 3
            let bracket = pow(alpha + T, -(r + xx)) * pow(beta + T, -s) + integral
            let expected = btydLogGamma(r + xx) - btydLogGamma(r) + r * log(alpha) + s * log(beta) + log(bracket)
            let actual = model.logLikelihood(frequency: x, recency: tx, age: T)
            #expect(abs(actual - expected) < 1e-9, "x=\(x) t_x=\(tx) T=\(T): \(actual) vs \(expected)")
        }
    }

    /// DERT in closed form (Fader, Hardie & Lee 2005, "RFM and CLV", eq. 2) equals the discounted integral
    /// of the expected purchase rate, ∫₀^∞ e^{−δt} dE[Y(t)|·]/dt dt, with
    /// dE/dt = P(alive)(r+x)/(α+T) ((β+T)/(β+T+t))ˢ; and U(1, 1, 1) = e·E₁(1) = 0.596347362323194
    /// (Abramowitz & Stegun, Table 5.1: E₁(1) = 0.219383934395520).
    @Test("DERT equals the discounted expected purchase rate integral")
    func dert() {
        let model = ParetoNBDModel(r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67)
        // 15% a year, weekly: δ = ln(1.15)/52.
        let delta = log(1.15) / 52
        for (x, tx, T) in [(0, 0.0, 38.86), (2, 30.43, 38.86), (10, 35.0, 38.0)] {
            let alive = model.probabilityAlive(frequency: x, recency: tx, age: T)
            let rate = { (t: Double) in
                alive * (model.r + Double(x)) / (model.alpha + T) * pow((model.beta + T) / (model.beta + T + t), model.s)
            }
            // ∫₀^∞ via t = e^u − 1 trapezoid on u ∈ [0, 12].
            var integral = 0.0
            let h = 1e-3
            var u = 0.0
            while u <= 12 {
                let t = exp(u) - 1
                let f = exp(-delta * t) * rate(t) * exp(u)
                integral += (u == 0 ? 0.5 : 1) * f * h
                u += h
            }
            let closed = model.discountedExpectedResidualTransactions(continuousDiscountRate: delta, frequency: x, recency: tx, age: T)
            #expect(abs(closed / integral - 1) < 1e-6, "x=\(x): \(closed) vs \(integral)")
        }
        // U(1,1,1) through a model with s = 1: DERT = P(alive)(r+x)(β+T)/(α+T)·U(1,1,δ(β+T)).
        let unit = ParetoNBDModel(r: 1, alpha: 1, s: 1, beta: 1)
        let d = unit.discountedExpectedResidualTransactions(continuousDiscountRate: 1, frequency: 0, recency: 0, age: 0)
        #expect(abs(d - 0.596347362323194) < 1e-12)
    }

    @Test("expectations and probabilities are consistent")
    func predictionConsistency() {
        let model = ParetoNBDModel(r: 0.55, alpha: 10.58, s: 0.61, beta: 11.67)
        // Σ_n P(X(t) = n) = 1 and Σ_n n P(X(t) = n) = E[X(t)].
        for t in [1.0, 39, 78] {
            var total = 0.0, mean = 0.0
            for n in 0..<400 {
                let p = model.probabilityOfPurchases(n, in: t)
                total += p
                mean += Double(n) * p
            }
            #expect(abs(total - 1) < 1e-9)
            #expect(abs(mean - model.expectedPurchases(in: t)) < 1e-6 * max(1, mean))
        }
        // Conditional versions, for a customer with history.
        var total = 0.0, mean = 0.0
        for n in 0..<600 {
            let p = model.conditionalProbabilityOfPurchases(n, in: 39, frequency: 4, recency: 30, age: 38.86)
            total += p
            mean += Double(n) * p
        }
        #expect(abs(total - 1) < 1e-9)
        #expect(abs(mean - model.conditionalExpectedPurchases(in: 39, frequency: 4, recency: 30, age: 38.86)) < 1e-6)
        // A customer who just bought (t_x = T) is alive for sure.
        #expect(abs(model.probabilityAlive(frequency: 3, recency: 20, age: 20) - 1) < 1e-12)
        // Expected purchases at s = 1 (the s−1 singularity) is finite and continuous.
        let atOne = ParetoNBDModel(r: 1, alpha: 2, s: 1, beta: 3).expectedPurchases(in: 5)
        let nearOne = ParetoNBDModel(r: 1, alpha: 2, s: 1 + 1e-9, beta: 3).expectedPurchases(in: 5)
        #expect(abs(atOne - 1.0 / 2 * 3 * log(8.0 / 3)) < 1e-12 && abs(atOne - nearOne) < 1e-8)
    }
}
