import Foundation
import TenureCore
import Testing

/// The estimators on simulated journeys with a known true uplift: 100 seeded experiments each,
/// whose 95 % intervals must cover the truth at least 90 times (the bar; 95 is expected,
/// and 90 is 2.3 standard deviations below it).
@Suite("Uplift estimates on simulated journeys with a known true uplift")
struct UpliftCoverageTests {
    static let runs = 100
    static let customersPerArm = 2_000

    static func conversions(_ n: Int, rate: Double, _ g: inout SeededGenerator) -> BinaryOutcomeCounts {
        var successes = 0
        for _ in 0..<n where g.nextUnitInterval() < rate { successes += 1 }
        return BinaryOutcomeCounts(customers: n, successes: successes)
    }

    @Test("conversion 0.10 → 0.13: both intervals cover +0.03 in ≥ 90 of 100 runs, and most runs detect it")
    func proportionCoverage() {
        let truth = 0.03
        var covered: [UpliftEstimate.ProportionMethod: Int] = [:], significant = 0, total = 0.0
        for run in 0..<Self.runs {
            var g = SeededGenerator(seed: 10_000 + UInt64(run))
            let control = Self.conversions(Self.customersPerArm, rate: 0.10, &g)
            let treatment = Self.conversions(Self.customersPerArm, rate: 0.13, &g)
            for method in UpliftEstimate.ProportionMethod.allCases {
                let e = UpliftEstimate.proportions(treatment: treatment, control: control, method: method)
                if e.interval?.contains(truth) == true { covered[method, default: 0] += 1 }
                if method == .newcombe {
                    if e.isSignificant { significant += 1 }
                    total += e.uplift ?? .nan
                }
            }
        }
        #expect(covered[.newcombe, default: 0] >= 90, "Newcombe covered the truth in \(covered[.newcombe, default: 0]) of 100")
        #expect(covered[.wald, default: 0] >= 90, "Wald covered the truth in \(covered[.wald, default: 0]) of 100")
        // Power at n = 2,000 per arm is about 85 %.
        #expect(significant >= 70, "only \(significant) of 100 runs found the uplift significant")
        #expect(abs(total / Double(Self.runs) - truth) < 0.003, "mean estimate \(total / Double(Self.runs))")
    }

    /// 2,000 A/A runs: a calibrated 5 % test is significant in 100 ± 9.7 of them; 71…129 allows
    /// 3 standard deviations either way, and the lower bound catches a test too timid to find
    /// anything.
    @Test("no true uplift (0.10 against 0.10): about 5 % of 2,000 runs are significant")
    func proportionFalsePositives() {
        var significant = 0, small = 0
        for run in 0..<2_000 {
            var g = SeededGenerator(seed: 20_000 + UInt64(run))
            let control = Self.conversions(Self.customersPerArm, rate: 0.10, &g)
            let treatment = Self.conversions(Self.customersPerArm, rate: 0.10, &g)
            let e = UpliftEstimate.proportions(treatment: treatment, control: control)
            if e.isSignificant { significant += 1 }
            if let p = e.pValue, p < 0.05 { small += 1 }
        }
        #expect((71...129).contains(significant) && (71...129).contains(small),
                "\(significant) significant, \(small) with p < 0.05 of 2,000 A/A runs")
    }

    /// Revenue per customer over the window: a customer buys with probability 0.30 (control) or
    /// 0.33 (treated) and then spends LogNormal(μ = 3.5, σ = 0.8), mean e^(3.5 + 0.32) ≈ 45.60 in
    /// the shop's currency; everyone else spends 0. True uplift = 0.03 · e^3.82 ≈ 1.368 per customer.
    @Test("revenue per customer, skewed and zero-inflated: Welch's interval covers the true +1.37 in ≥ 90 of 100 runs")
    func meanCoverage() {
        let spend = exp(3.5 + 0.8 * 0.8 / 2), truth = 0.03 * spend
        func revenue(_ n: Int, buyRate: Double, _ g: inout SeededGenerator) -> MeanOutcomeSummary {
            MeanOutcomeSummary(values: (0..<n).map { _ in g.nextUnitInterval() < buyRate ? g.nextLogNormal(mu: 3.5, sigma: 0.8) : 0 })
        }
        var covered = 0, total = 0.0
        for run in 0..<Self.runs {
            var g = SeededGenerator(seed: 30_000 + UInt64(run))
            let control = revenue(Self.customersPerArm, buyRate: 0.30, &g)
            let treatment = revenue(Self.customersPerArm, buyRate: 0.33, &g)
            let e = UpliftEstimate.means(treatment: treatment, control: control)
            if e.interval?.contains(truth) == true { covered += 1 }
            total += e.uplift ?? .nan
        }
        #expect(covered >= 90, "Welch covered the truth in \(covered) of 100")
        // The standard error of one run is about 1.0; of the mean of 100, about 0.1.
        #expect(abs(total / Double(Self.runs) - truth) < 0.35, "mean estimate \(total / Double(Self.runs)), truth \(truth)")
    }
}
