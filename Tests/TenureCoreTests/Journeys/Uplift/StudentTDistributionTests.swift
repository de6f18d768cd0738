import Foundation
import TenureCore
import Testing

@Suite("Student t and normal distributions")
struct StudentTDistributionTests {
    /// Two-sided critical values t_{ν, 0.975} and t_{ν, 0.995} from Abramowitz & Stegun (1964),
    /// Table 26.10, and the normal's z_{0.975} and z_{0.995} (Table 26.1).
    @Test("quantiles equal the published table of critical values")
    func publishedQuantiles() {
        let table: [(nu: Double, t975: Double, t995: Double)] = [
            (1, 12.706205, 63.656741), (2, 4.302653, 9.924843), (3, 3.182446, 5.840909), (5, 2.570582, 4.032143),
            (10, 2.228139, 3.169273), (30, 2.042272, 2.749996), (120, 1.979930, 2.617421),
        ]
        for row in table {
            let t = StudentTDistribution(degreesOfFreedom: row.nu)
            #expect(abs(t.quantile(0.975) - row.t975) < 1e-6, "ν = \(row.nu)")
            #expect(abs(t.quantile(0.995) - row.t995) < 1e-6, "ν = \(row.nu)")
            #expect(abs(t.quantile(0.025) + row.t975) < 1e-6, "ν = \(row.nu)")
        }
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < 1e-14)
        #expect(abs(StandardNormal.quantile(0.995) - 2.5758293035489) < 1e-12)
        #expect(abs(StudentTDistribution(degreesOfFreedom: .infinity).quantile(0.975) - 1.959963984540054) < 1e-14)
    }

    /// P(T > t) computed with mpmath 1.3.0 at 40 digits, `betainc(ν/2, 1/2, 0, ν/(ν+t²),
    /// regularized=True) / 2`: small, fractional, Welch-sized and very large ν, where a plain
    /// continued fraction loses half its digits.
    @Test("tail probabilities match 40-digit values from mpmath to 12 digits")
    func highPrecisionTails() {
        let reference: [(nu: Double, t: Double, survival: Double)] = [
            (0.5, 3.0, 0.18365407799297172), (2.5, 1.5, 0.12391822654314813),
            (17.776473516178495, 2.1, 0.025138036400455913), (100.0, 2.0, 0.02410608936556684),
            (4000.0, 1.96, 0.025032559558874866), (1_000_000.0, 1.96, 0.024998033792634895),
            (1_000_000.0, 6.0, 9.8692490617721733e-10), (1_000_000_000.0, 1.96, 0.024997895286864798),
            (3.5, 40.0, 4.3832205546865099e-6),
        ]
        for row in reference {
            let t = StudentTDistribution(degreesOfFreedom: row.nu)
            let survival = t.survival(row.t), lower = t.cdf(-row.t)
            #expect(abs(survival - row.survival) <= 1e-12 * row.survival, "ν = \(row.nu), t = \(row.t): \(survival)")
            #expect(abs(lower - row.survival) <= 1e-12 * row.survival, "ν = \(row.nu), t = −\(row.t): \(lower)")
            #expect(abs(t.cdf(row.t) - (1 - row.survival)) < 1e-15)
        }
    }

    @Test("the CDF inverts the quantile across degrees of freedom and tails")
    func roundTrip() {
        for nu in [0.3, 0.5, 1, 1.5, 2, 2.5, 3, 4.7, 9, 17.776, 60, 250, 4_000, 1e6, 1e9, 1e12] {
            let t = StudentTDistribution(degreesOfFreedom: nu)
            for p in [1e-12, 1e-6, 0.001, 0.025, 0.1, 0.3, 0.49, 0.5, 0.51, 0.7, 0.9, 0.975, 0.999999] {
                let x = t.quantile(p)
                #expect(x.isFinite, "ν = \(nu), p = \(p)")
                let back = p < 0.5 ? t.cdf(x) : t.survival(x)
                let target = p < 0.5 ? p : 1 - p
                #expect(abs(back - target) <= 1e-12 * target, "ν = \(nu), p = \(p): quantile \(x), back \(back)")
            }
        }
    }

    @Test("closed forms: the Cauchy distribution (ν = 1) and ν = 2")
    func closedForms() {
        let cauchy = StudentTDistribution(degreesOfFreedom: 1)
        for x in [-30.0, -1, 0.2, 3, 1e6] {
            #expect(abs(cauchy.cdf(x) - (0.5 + atan(x) / Double.pi)) < 1e-14)
        }
        let two = StudentTDistribution(degreesOfFreedom: 2)
        for x in [-5.0, -0.5, 0.7, 8] {
            #expect(abs(two.cdf(x) - (0.5 + x / (2 * (2 + x * x).squareRoot()))) < 1e-14)
        }
        #expect(two.survival(1e100) > 0 && two.survival(1e200) == 0)
    }

    @Test("invalid arguments give NaN, infinite ones the limits")
    func invalidArguments() {
        #expect(StudentTDistribution(degreesOfFreedom: 0).quantile(0.9).isNaN)
        #expect(StudentTDistribution(degreesOfFreedom: -3).cdf(1).isNaN)
        #expect(StudentTDistribution(degreesOfFreedom: .nan).survival(1).isNaN)
        #expect(StudentTDistribution(degreesOfFreedom: 5).quantile(1.5).isNaN)
        #expect(StudentTDistribution(degreesOfFreedom: 5).cdf(.nan).isNaN)
        #expect(StudentTDistribution(degreesOfFreedom: 5).quantile(1) == .infinity)
        #expect(StudentTDistribution(degreesOfFreedom: 5).quantile(0) == -.infinity)
        #expect(StudentTDistribution(degreesOfFreedom: 5).cdf(.infinity) == 1)
        #expect(StudentTDistribution(degreesOfFreedom: 5).cdf(-.infinity) == 0)
        #expect(StandardNormal.quantile(-0.1).isNaN)
    }
}
