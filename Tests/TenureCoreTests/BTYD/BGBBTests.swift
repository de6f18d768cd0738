import Foundation
import Testing
import TenureCore

@Suite("BG/BB")
struct BGBBTests {
    /// Fader, Hardie & Shang (2010), "Customer-Base Analysis in a Discrete-Time Noncontractual Setting",
    /// Marketing Science 29(6), Table 2: α = 1.204, β = 0.750, γ = 0.657, δ = 2.783, LL = −33,225.6 on
    /// the 11,104 donors of the 1995 cohort over 6 opportunities (donations.csv as shipped with
    /// lifetimes). lifetimes 0.11.3: α = 1.203522, β = 0.749716, γ = 0.656718, δ = 2.783442.
    @Test("reproduces the published donations fit", BTYDReferenceData.available("cdnow/donations.csv"))
    func donationsFit() throws {
        let rows = try BTYDReferenceData.csvRows("cdnow/donations.csv")
        let fit = try BGBBModel.fit(
            frequency: rows.map { Int($0[0])! }, recency: rows.map { Int($0[1])! }, periods: rows.map { Int($0[2])! },
            weights: rows.map { Double($0[3])! })
        print("BG/BB donations:", fit.parameters, fit.logLikelihood, "SE", fit.standardErrors ?? [])
        #expect(fit.customerCount == 11_104)
        #expect(fit.status.isConverged && fit.warnings.isEmpty)
        #expect(abs(fit.model.alpha - 1.204) < 0.0005 && abs(fit.model.beta - 0.750) < 0.0005)
        #expect(abs(fit.model.gamma - 0.657) < 0.0005 && abs(fit.model.delta - 2.783) < 0.0005)
        #expect(abs(fit.logLikelihood - -33_225.6) < 0.05)
    }

    @Test("predictions agree with the published closed forms")
    func closedForms() {
        let m = BGBBModel(alpha: 1.204, beta: 0.750, gamma: 0.657, delta: 2.783)
        func beta(_ a: Double, _ b: Double) -> Double { exp(btydLogGamma(a) + btydLogGamma(b) - btydLogGamma(a + b)) }
        // Hand-computed likelihood for x = 1, t_x = 2, n = 3 (FHS 2010 eq. 5): the i = 0 term only.
        let survivedAll: Double = beta(m.alpha + 1, m.beta + 2) / beta(m.alpha, m.beta) * beta(m.gamma, m.delta + 3) / beta(m.gamma, m.delta)
        let diedAtThree: Double = beta(m.alpha + 1, m.beta + 1) / beta(m.alpha, m.beta) * beta(m.gamma + 1, m.delta + 2) / beta(m.gamma, m.delta)
        let l = survivedAll + diedAtThree
        #expect(abs(m.logLikelihood(frequency: 1, recency: 2, periods: 3) - log(l)) < 1e-12)
        // FHS 2010 eq. 13 with its (γ − 1) form.
        let (x, tx, n, future) = (3.0, 5, 6.0, 5.0)
        let (g, d) = (m.gamma, m.delta)
        let likelihood = exp(m.logLikelihood(frequency: 3, recency: tx, periods: 6))
        let transact: Double = beta(m.alpha + x + 1, m.beta + n - x) / beta(m.alpha, m.beta)
        let lead: Double = d / (g - 1) * exp(btydLogGamma(g + d) - btydLogGamma(1 + d))
        let now: Double = exp(btydLogGamma(1 + d + n) - btydLogGamma(g + d + n))
        let later: Double = exp(btydLogGamma(1 + d + n + future) - btydLogGamma(g + d + n + future))
        let eq13 = transact * lead * (now - later) / likelihood
        #expect(abs(m.conditionalExpectedPurchases(inNext: 5, frequency: 3, recency: tx, periods: 6) - eq13) < 1e-12)
        // FHS 2010 eq. 8: E[X(n)] = α/(α+β) · δ/(γ−1) · [1 − Γ(γ+δ)Γ(1+δ+n)/(Γ(γ+δ+n)Γ(1+δ))].
        let ratio: Double = exp(btydLogGamma(g + d) + btydLogGamma(1 + d + 6) - btydLogGamma(g + d + 6) - btydLogGamma(1 + d))
        let eq8: Double = m.alpha / (m.alpha + m.beta) * d / (g - 1) * (1 - ratio)
        #expect(abs(m.expectedPurchases(inFirst: 6) - eq8) < 1e-12)
        // FHS 2010 eq. 11: P(alive at n+1).
        let transactionPart: Double = beta(m.alpha + 3, m.beta + 3) / beta(m.alpha, m.beta)
        let survivalPart: Double = beta(g, d + 7) / beta(g, d)
        let eq11 = transactionPart * survivalPart / exp(m.logLikelihood(frequency: 3, recency: 5, periods: 6))
        #expect(abs(m.probabilityAlive(frequency: 3, recency: 5, periods: 6) - eq11) < 1e-12)
        // x = t_x = n: the customer transacted at the last opportunity.
        #expect(m.probabilityAlive(frequency: 6, recency: 6, periods: 6) > m.probabilityAlive(frequency: 1, recency: 1, periods: 6))
    }
}
