import Foundation
import TenureCore
import Testing

@Suite("Uplift of a mean: Welch's t interval and test")
struct UpliftMeanTests {
    /// Student's (1908) sleep data, the extra hours of sleep with two drugs (Cushny & Peebles),
    /// as R ships it in `datasets::sleep`. R's `t.test(extra ~ group, data = sleep)` (Welch)
    /// prints t = −1.8608, df = 17.776, p-value = 0.07939, 95 percent confidence interval
    /// −3.3654832 0.2054832, means 0.75 and 2.33.
    static let sleepGroup1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    static let sleepGroup2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]

    @Test("Student's sleep data: R's Welch t-test to its printed digits")
    func sleepData() throws {
        let e = UpliftEstimate.means(
            treatment: MeanOutcomeSummary(values: Self.sleepGroup1), control: MeanOutcomeSummary(values: Self.sleepGroup2))
        let interval = try #require(e.interval)
        #expect(e.method == .welch && e.isAvailable)
        let treated = try #require(e.treatment.value), control = try #require(e.control.value)
        #expect(abs(treated - 0.75) < 1e-12 && abs(control - 2.33) < 1e-12)
        #expect(abs(try #require(e.uplift) + 1.58) < 1e-12)
        #expect(abs(try #require(e.testStatistic) + 1.8608) < 5e-5)
        #expect(abs(try #require(e.degreesOfFreedom) - 17.776) < 5e-4)
        #expect(abs(try #require(e.pValue) - 0.07939) < 5e-6)
        #expect(abs(interval.lower + 3.3654832) < 5e-8 && abs(interval.upper - 0.2054832) < 5e-8)
        #expect(!e.isSignificant)
    }

    @Test("the summary of values: Welford's mean and n − 1 variance, stable for a large offset")
    func summary() {
        let s = MeanOutcomeSummary(values: [2, 4, 4, 4, 5, 5, 7, 9])
        #expect(s.customers == 8 && s.mean == 5 && abs(s.variance - 32.0 / 7) < 1e-14)
        let shifted = MeanOutcomeSummary(values: [2, 4, 4, 4, 5, 5, 7, 9].map { $0 + 1e9 })
        #expect(abs(shifted.variance - 32.0 / 7) < 1e-6)
        #expect(MeanOutcomeSummary(values: [3]).variance == 0)
    }

    @Test("significance is p < 1 − level, and a larger level widens the interval")
    func significanceAgreesWithPValue() throws {
        let control = MeanOutcomeSummary(customers: 400, mean: 20, variance: 900)
        for shift in stride(from: -8.0, through: 8.0, by: 0.5) {
            let treatment = MeanOutcomeSummary(customers: 350, mean: 20 + shift, variance: 1_600)
            let e = UpliftEstimate.means(treatment: treatment, control: control)
            let p = try #require(e.pValue)
            if abs(p - 0.05) > 1e-9 { #expect(e.isSignificant == (p < 0.05), "shift \(shift): p = \(p)") }
            let wide = try #require(UpliftEstimate.means(treatment: treatment, control: control, confidenceLevel: 0.99).interval)
            let narrow = try #require(e.interval)
            #expect(wide.lower < narrow.lower && wide.upper > narrow.upper)
        }
    }

    @Test("degrees of freedom: n − 1 of the only varying group, and n₁ + n₂ − 2 for equal variances and sizes")
    func degreesOfFreedom() throws {
        let flat = MeanOutcomeSummary(customers: 30, mean: 5, variance: 0)
        let varying = MeanOutcomeSummary(customers: 12, mean: 7, variance: 4)
        #expect(abs(try #require(UpliftEstimate.means(treatment: varying, control: flat).degreesOfFreedom) - 11) < 1e-12)
        let a = MeanOutcomeSummary(customers: 25, mean: 1, variance: 2), b = MeanOutcomeSummary(customers: 25, mean: 2, variance: 2)
        #expect(abs(try #require(UpliftEstimate.means(treatment: a, control: b).degreesOfFreedom) - 48) < 1e-9)
        // Tiny variances do not underflow ν.
        let tinyA = MeanOutcomeSummary(customers: 25, mean: 1, variance: 1e-300)
        let tinyB = MeanOutcomeSummary(customers: 25, mean: 1, variance: 1e-300)
        #expect(abs(try #require(UpliftEstimate.means(treatment: tinyA, control: tinyB).degreesOfFreedom) - 48) < 1e-9)
    }

    @Test("too few customers, no variance, NaN or infinite values: not available, with the means kept where they exist")
    func unavailable() throws {
        let ok = MeanOutcomeSummary(customers: 10, mean: 3, variance: 1)
        let cases: [(UpliftEstimate, UpliftEstimate.Unavailability)] = [
            (.means(treatment: MeanOutcomeSummary(values: []), control: ok), .emptyTreatment),
            (.means(treatment: ok, control: MeanOutcomeSummary(values: [])), .emptyControl),
            (.means(treatment: MeanOutcomeSummary(values: [4]), control: ok), .tooFewCustomers),
            (.means(treatment: MeanOutcomeSummary(values: [4, 4, 4]), control: MeanOutcomeSummary(values: [2, 2])), .noVariance),
            (.means(treatment: MeanOutcomeSummary(values: [1, .nan, 3]), control: ok), .invalidValues),
            (.means(treatment: MeanOutcomeSummary(values: [1, .infinity]), control: ok), .invalidValues),
            (.means(treatment: MeanOutcomeSummary(customers: 5, mean: 1, variance: -1), control: ok), .invalidValues),
            (.means(treatment: MeanOutcomeSummary(customers: -5, mean: 1, variance: 1), control: ok), .invalidCounts),
            (.means(treatment: ok, control: ok, confidenceLevel: 0), .invalidConfidenceLevel),
        ]
        for (estimate, reason) in cases {
            #expect(estimate.unavailable == reason, "\(reason)")
            #expect(!estimate.isAvailable && !estimate.isSignificant && estimate.interval == nil && estimate.pValue == nil)
            _ = try JSONEncoder().encode(estimate)
        }
        #expect(cases[2].0.uplift == 1, "one treated customer: the difference of means is still shown")
        #expect(cases[3].0.uplift == 2)
    }

    @Test("a million customers per group: ν in the millions, interval ≈ the normal one")
    func largeGroups() throws {
        let t = MeanOutcomeSummary(customers: 1_000_000, mean: 12.3, variance: 400)
        let c = MeanOutcomeSummary(customers: 1_200_000, mean: 12.1, variance: 380)
        let e = UpliftEstimate.means(treatment: t, control: c)
        let interval = try #require(e.interval), se = try #require(e.standardError)
        #expect(try #require(e.degreesOfFreedom) > 1e6)
        #expect(abs((interval.upper - 0.2) / se - 1.959963984540054) < 1e-5)
        #expect(e.isSignificant)
    }
}
