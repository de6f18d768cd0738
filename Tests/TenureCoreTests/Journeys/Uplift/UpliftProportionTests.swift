import Foundation
import TenureCore
import Testing

@Suite("Uplift of a proportion: Newcombe and Wald intervals, pooled z-test")
struct UpliftProportionTests {
    typealias Counts = BinaryOutcomeCounts

    /// Newcombe (1998), "Interval estimation for the difference between independent proportions:
    /// comparison of eleven methods", Statistics in Medicine 17:873–890, Table II: the eight
    /// worked examples, method 10 (hybrid score) and method 1 (Wald), to 4 decimals.
    static let newcombeTableII: [(t: Counts, c: Counts, difference: Double, method10: (Double, Double), wald: (Double, Double))] = [
        (Counts(customers: 70, successes: 56), Counts(customers: 80, successes: 48), 0.2, (0.0524, 0.3339), (0.0575, 0.3425)),
        (Counts(customers: 10, successes: 9), Counts(customers: 10, successes: 3), 0.6, (0.1705, 0.8090), (0.2605, 0.9395)),
        (Counts(customers: 7, successes: 6), Counts(customers: 7, successes: 2), 0.5714, (0.0582, 0.8062), (0.1481, 0.9947)),
        (Counts(customers: 56, successes: 5), Counts(customers: 29, successes: 0), 0.0893, (-0.0381, 0.1926), (0.0146, 0.1640)),
        (Counts(customers: 10, successes: 0), Counts(customers: 20, successes: 0), 0, (-0.1611, 0.2775), (0, 0)),
        (Counts(customers: 10, successes: 0), Counts(customers: 10, successes: 0), 0, (-0.2775, 0.2775), (0, 0)),
        (Counts(customers: 10, successes: 10), Counts(customers: 20, successes: 0), 1, (0.6791, 1), (1, 1)),
        (Counts(customers: 10, successes: 10), Counts(customers: 10, successes: 0), 1, (0.6075, 1), (1, 1)),
    ]

    @Test("Newcombe's Table II: the hybrid score and Wald intervals of his eight examples")
    func newcombeWorkedExamples() throws {
        for row in Self.newcombeTableII {
            let hybrid = UpliftEstimate.proportions(treatment: row.t, control: row.c)
            let wald = UpliftEstimate.proportions(treatment: row.t, control: row.c, method: .wald)
            let label = "\(row.t.successes)/\(row.t.customers) − \(row.c.successes)/\(row.c.customers)"
            let uplift = try #require(hybrid.uplift)
            #expect(abs(uplift - row.difference) < 5e-5, "\(label)")
            let h = try #require(hybrid.interval), w = try #require(wald.interval)
            #expect(abs(h.lower - row.method10.0) < 5e-5 && abs(h.upper - row.method10.1) < 5e-5, "\(label): \(h)")
            #expect(abs(w.lower - row.wald.0) < 5e-5 && abs(w.upper - row.wald.1) < 5e-5, "\(label): \(w)")
            #expect(hybrid.method == .newcombe && wald.method == .wald)
            #expect(hybrid.isAvailable && hybrid.pValue != nil)
        }
    }

    /// Fagerland, Lydersen & Laake (2017), Statistical Analysis of Contingency Tables, ch. 4:
    /// Perondi et al. (2004), 7/34 against 1/34, Newcombe hybrid score 0.0189 to 0.3404; and the
    /// tea-tasting table 3/4 against 1/4, Pearson's χ² = 2.000, P = 0.15730, which the pooled
    /// z-test equals (z² = χ²).
    @Test("Fagerland et al.'s examples: Perondi's interval and the tea-tasting p-value")
    func contingencyTableExamples() throws {
        let perondi = UpliftEstimate.proportions(
            treatment: Counts(customers: 34, successes: 7), control: Counts(customers: 34, successes: 1))
        let interval = try #require(perondi.interval)
        #expect(abs(try #require(perondi.uplift) - 0.1765) < 5e-5)
        #expect(abs(interval.lower - 0.0189) < 5e-5 && abs(interval.upper - 0.3404) < 5e-5)
        #expect(perondi.isSignificant)

        let tea = UpliftEstimate.proportions(treatment: Counts(customers: 4, successes: 3), control: Counts(customers: 4, successes: 1))
        let z = try #require(tea.testStatistic)
        #expect(abs(z * z - 2) < 1e-12)
        #expect(abs(try #require(tea.pValue) - 0.15730) < 5e-6)
        #expect(!tea.isSignificant)
    }

    @Test("groups with no or only successes give finite intervals and p = 1, never NaN")
    func extremeRates() throws {
        for (t, c) in [(Counts(customers: 10, successes: 0), Counts(customers: 10, successes: 0)),
                       (Counts(customers: 10, successes: 10), Counts(customers: 25, successes: 25)),
                       (Counts(customers: 1, successes: 1), Counts(customers: 1, successes: 0))] {
            for method in UpliftEstimate.ProportionMethod.allCases {
                let e = UpliftEstimate.proportions(treatment: t, control: c, method: method)
                let interval = try #require(e.interval)
                #expect(interval.lower.isFinite && interval.upper.isFinite && interval.lower <= interval.upper)
                #expect(interval.lower >= -1 && interval.upper <= 1)
                let p = try #require(e.pValue)
                #expect(p >= 0 && p <= 1)
                // An estimate always encodes: JSONEncoder refuses NaN and infinity.
                _ = try JSONEncoder().encode(e)
            }
        }
        let same = UpliftEstimate.proportions(treatment: Counts(customers: 10, successes: 0), control: Counts(customers: 30, successes: 0))
        #expect(same.pValue == 1 && same.testStatistic == 0 && !same.isSignificant)
        #expect(same.relativeUplift == nil, "no relative uplift over a control rate of 0")
    }

    @Test("an empty group, impossible counts or a bad level make the estimate say it is not available")
    func unavailable() throws {
        let some = Counts(customers: 50, successes: 5)
        let cases: [(UpliftEstimate, UpliftEstimate.Unavailability)] = [
            (.proportions(treatment: Counts(customers: 0, successes: 0), control: some), .emptyTreatment),
            (.proportions(treatment: some, control: Counts(customers: 0, successes: 0)), .emptyControl),
            (.proportions(treatment: Counts(customers: 5, successes: 6), control: some), .invalidCounts),
            (.proportions(treatment: some, control: Counts(customers: -3, successes: 0)), .invalidCounts),
            (.proportions(treatment: some, control: some, confidenceLevel: 1), .invalidConfidenceLevel),
            (.proportions(treatment: some, control: some, confidenceLevel: .nan), .invalidConfidenceLevel),
        ]
        for (estimate, reason) in cases {
            #expect(estimate.unavailable == reason)
            #expect(!estimate.isAvailable && !estimate.isSignificant)
            #expect(estimate.interval == nil && estimate.pValue == nil)
            #expect(!reason.description.isEmpty)
            // The level is kept as given; everything computed is finite or nil.
            if estimate.confidenceLevel.isFinite { _ = try JSONEncoder().encode(estimate) }
        }
        let emptyControl = cases[1].0
        #expect(emptyControl.treatment.value == 0.1 && emptyControl.control.value == nil && emptyControl.uplift == nil)
    }

    @Test("a typical journey: 0.10 against 0.13 on 2,000 customers each is significant, and the level widens the interval")
    func typicalJourney() throws {
        let t = Counts(customers: 2_000, successes: 260), c = Counts(customers: 2_000, successes: 200)
        let e95 = UpliftEstimate.proportions(treatment: t, control: c)
        let e99 = UpliftEstimate.proportions(treatment: t, control: c, confidenceLevel: 0.99)
        #expect(abs(try #require(e95.uplift) - 0.03) < 1e-15)
        #expect(abs(try #require(e95.relativeUplift) - 0.3) < 1e-12)
        #expect(e95.treatment.value == 0.13 && e95.control.value == 0.1)
        let i95 = try #require(e95.interval), i99 = try #require(e99.interval)
        #expect(i99.lower < i95.lower && i99.upper > i95.upper)
        let p = try #require(e95.pValue)
        #expect(e95.isSignificant && p < 0.01)
        // Large groups: Newcombe and Wald agree closely.
        let wald = try #require(UpliftEstimate.proportions(treatment: t, control: c, method: .wald).interval)
        #expect(abs(wald.lower - i95.lower) < 5e-4 && abs(wald.upper - i95.upper) < 5e-4)
    }

    @Test("huge counts do not overflow")
    func hugeCounts() throws {
        let big = Int.max / 2
        let e = UpliftEstimate.proportions(
            treatment: Counts(customers: big, successes: big / 2), control: Counts(customers: big, successes: big / 3))
        let interval = try #require(e.interval)
        #expect(interval.lower.isFinite && interval.upper.isFinite && e.isSignificant)
    }

    @Test("counting flags gives the same counts")
    func countsFromFlags() {
        let counts = Counts(outcomes: [true, false, false, true, true])
        #expect(counts == Counts(customers: 5, successes: 3) && counts.rate == 0.6)
        #expect(Counts(outcomes: []).rate == nil)
    }
}
