import Foundation
import TenureCore
import Testing

/// The uplift statistics against their reference implementations on seeded, generated cases:
/// statsmodels 0.15 (`confint_proportions_2indep(method="newcomb" | "wald", compare="diff")`,
/// `proportions_ztest`, `ttest_ind(usevar="unequal")`, `CompareMeans.tconfint_diff`), scipy
/// (`stats.t.ppf`, `stats.t.sf`) and scikit-uplift 0.5 (`qini_curve`, `perfect_qini_curve`,
/// `qini_auc_score`).
@Suite("Uplift statistics: cross-check against statsmodels, scipy and scikit-uplift")
struct UpliftCrossCheckTests {
    struct ProportionCase: Codable {
        var x1: Int, n1: Int, x2: Int, n2: Int, level: Double
    }

    struct MeanCase: Codable {
        var treatment: [Double], control: [Double], level: Double
    }

    struct QuantileCase: Codable {
        var df: Double, p: Double
    }

    struct SurvivalCase: Codable {
        var df: Double, t: Double
    }

    struct StatisticsInput: Codable {
        var proportions: [ProportionCase], means: [MeanCase], quantiles: [QuantileCase], survivals: [SurvivalCase]
    }

    struct StatisticsOutput: Codable {
        struct Proportion: Codable {
            var newcombe: [Double], wald: [Double], z: Double?, p: Double?
        }

        struct Mean: Codable {
            var t: Double, p: Double, df: Double, interval: [Double]
        }

        var proportions: [Proportion], means: [Mean], quantiles: [Double], survivals: [Double]
    }

    static let degreesOfFreedom: [Double] = [
        0.3, 0.7, 1, 1.5, 2, 2.5, 3, 5, 7.3, 10, 17.776, 30, 99, 100, 101, 250, 1_000, 4_321.5, 1e5, 1e6, 1e8,
    ]

    /// 300 pairs of groups from 1 to 200,000 customers, a tenth of them with no or only successes.
    static func proportionCases() -> [ProportionCase] {
        var g = SeededGenerator(seed: 13)
        let levels = [0.8, 0.9, 0.95, 0.99]
        func size() -> Int {
            switch Int.random(in: 0..<3, using: &g) {
            case 0: Int.random(in: 1...30, using: &g)
            case 1: Int.random(in: 31...2_000, using: &g)
            default: Int.random(in: 2_001...200_000, using: &g)
            }
        }
        func successes(_ n: Int) -> Int {
            let u = g.nextUnitInterval()
            if u < 0.05 { return 0 }
            if u < 0.1 { return n }
            let p = g.nextUnitInterval()
            return min(n, max(0, Int((Double(n) * p).rounded())))
        }
        return (0..<300).map { _ in
            let n1 = size(), n2 = size()
            return ProportionCase(x1: successes(n1), n1: n1, x2: successes(n2), n2: n2, level: levels.randomElement(using: &g)!)
        }
    }

    /// 40 pairs of revenue samples (2 to 400 customers): zero-inflated log-normal spend, or
    /// normal values with unequal spreads.
    static func meanCases() -> [MeanCase] {
        var g = SeededGenerator(seed: 17)
        func sample(_ n: Int, skewed: Bool, scale: Double) -> [Double] {
            (0..<n).map { _ in
                skewed
                    ? (g.nextUnitInterval() < 0.35 ? g.nextLogNormal(mu: 3.2, sigma: 0.9) : 0)
                    : 50 + scale * g.nextStandardNormal()
            }
        }
        return (0..<40).map { i in
            let skewed = i % 2 == 0
            let t = sample(Int.random(in: 2...400, using: &g), skewed: skewed, scale: Double.random(in: 1...30, using: &g))
            let c = sample(Int.random(in: 2...400, using: &g), skewed: skewed, scale: Double.random(in: 1...30, using: &g))
            return MeanCase(treatment: t, control: c, level: [0.9, 0.95, 0.99][i % 3])
        }
    }

    static func close(_ a: Double, _ b: Double, relative: Double, absolute: Double = 1e-300) -> Bool {
        abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
    }

    @Test("intervals, p-values and t quantiles equal statsmodels' and scipy's")
    func statistics() throws {
        let proportions = Self.proportionCases(), means = Self.meanCases()
        let probabilities = [1e-10, 1e-4, 0.001, 0.01, 0.025, 0.05, 0.1, 0.25, 0.4, 0.6, 0.9, 0.95, 0.975, 0.99, 0.999]
        let quantiles = Self.degreesOfFreedom.flatMap { df in probabilities.map { QuantileCase(df: df, p: $0) } }
        let ts = [-8.0, -1.96, -0.3, 0.01, 0.5, 1, 1.96, 2.5, 4, 8, 20, 100]
        let survivals = Self.degreesOfFreedom.flatMap { df in ts.map { SurvivalCase(df: df, t: $0) } }
        let input = StatisticsInput(proportions: proportions, means: means, quantiles: quantiles, survivals: survivals)
        guard let peer = try UpliftCrossCheck.run(.statistics, input, as: StatisticsOutput.self) else { return }
        try #require(peer.proportions.count == proportions.count && peer.means.count == means.count)
        try #require(peer.quantiles.count == quantiles.count && peer.survivals.count == survivals.count)

        for (c, reference) in zip(proportions, peer.proportions) {
            let label = "\(c.x1)/\(c.n1) − \(c.x2)/\(c.n2) at \(c.level)"
            let t = BinaryOutcomeCounts(customers: c.n1, successes: c.x1), k = BinaryOutcomeCounts(customers: c.n2, successes: c.x2)
            let newcombe = UpliftEstimate.proportions(treatment: t, control: k, confidenceLevel: c.level)
            let wald = UpliftEstimate.proportions(treatment: t, control: k, confidenceLevel: c.level, method: .wald)
            let n = try #require(newcombe.interval), w = try #require(wald.interval)
            #expect(abs(n.lower - reference.newcombe[0]) < 1e-12 && abs(n.upper - reference.newcombe[1]) < 1e-12,
                    "\(label): Newcombe \(n), statsmodels \(reference.newcombe)")
            // statsmodels does not clip the Wald interval to the possible differences [−1, 1].
            let clipped = reference.wald.map { min(1, max(-1, $0)) }
            #expect(abs(w.lower - clipped[0]) < 1e-12 && abs(w.upper - clipped[1]) < 1e-12, "\(label): Wald \(w), statsmodels \(clipped)")
            let p = try #require(newcombe.pValue), z = try #require(newcombe.testStatistic)
            if let referenceP = reference.p, let referenceZ = reference.z {
                #expect(Self.close(p, referenceP, relative: 1e-9, absolute: 1e-15), "\(label): p \(p), statsmodels \(referenceP)")
                #expect(Self.close(z, referenceZ, relative: 1e-12), "\(label): z \(z), statsmodels \(referenceZ)")
            } else {
                #expect(p == 1 && z == 0, "\(label): statsmodels has no z-test when every customer has the same outcome")
            }
        }

        for (i, (c, reference)) in zip(means, peer.means).enumerated() {
            let e = UpliftEstimate.means(
                treatment: MeanOutcomeSummary(values: c.treatment), control: MeanOutcomeSummary(values: c.control), confidenceLevel: c.level)
            let interval = try #require(e.interval)
            let t = try #require(e.testStatistic), p = try #require(e.pValue), df = try #require(e.degreesOfFreedom)
            #expect(Self.close(t, reference.t, relative: 1e-10), "case \(i): t \(t), statsmodels \(reference.t)")
            #expect(Self.close(df, reference.df, relative: 1e-10), "case \(i): df \(df), statsmodels \(reference.df)")
            #expect(Self.close(p, reference.p, relative: 1e-9, absolute: 1e-15), "case \(i): p \(p), statsmodels \(reference.p)")
            #expect(Self.close(interval.lower, reference.interval[0], relative: 1e-10), "case \(i): \(interval), statsmodels \(reference.interval)")
            #expect(Self.close(interval.upper, reference.interval[1], relative: 1e-10), "case \(i): \(interval), statsmodels \(reference.interval)")
        }

        for (c, reference) in zip(quantiles, peer.quantiles) {
            let mine = StudentTDistribution(degreesOfFreedom: c.df).quantile(c.p)
            #expect(Self.close(mine, reference, relative: 1e-10), "t quantile ν = \(c.df), p = \(c.p): \(mine), scipy \(reference)")
        }
        for (c, reference) in zip(survivals, peer.survivals) {
            let mine = StudentTDistribution(degreesOfFreedom: c.df).survival(c.t)
            #expect(Self.close(mine, reference, relative: 1e-10), "t survival ν = \(c.df), t = \(c.t): \(mine), scipy \(reference)")
        }
    }

    struct QiniCase: Codable {
        var scores: [Double], treated: [Bool], outcomes: [Bool]
    }

    struct QiniOutput: Codable {
        var customers: [Int], incremental: [Double], auc: Double, perfectAuc: Double, coefficient: Double?
    }

    /// Four generated journeys: distinct scores; scores rounded to one decimal (many ties); one
    /// score for everyone (the random baseline); and 90 % treated with the top of the ranking
    /// treated only, so the control rate is undefined at first.
    static func qiniCases() -> [QiniCase] {
        var g = SeededGenerator(seed: 29)
        func journey(_ n: Int, treatedShare: Double, score: (Double) -> Double) -> QiniCase {
            var c = QiniCase(scores: [], treated: [], outcomes: [])
            for _ in 0..<n {
                let x = g.nextStandardNormal(), treated = g.nextUnitInterval() < treatedShare
                // True uplift grows with x: 0.05 + 0.15·sigmoid(2x) on a base rate of 0.1.
                let base = 0.1, lift = 0.15 / (1 + exp(-2 * x))
                c.scores.append(score(x + 0.5 * g.nextStandardNormal()))
                c.treated.append(treated)
                c.outcomes.append(g.nextUnitInterval() < base + (treated ? lift : 0))
            }
            return c
        }
        var unbalanced = journey(1_000, treatedShare: 0.9) { $0 }
        for i in 0..<unbalanced.scores.count where unbalanced.scores[i] > 1.5 { unbalanced.treated[i] = true }
        return [
            journey(2_000, treatedShare: 0.5) { $0 },
            journey(1_500, treatedShare: 0.3) { ($0 * 10).rounded() / 10 },
            journey(800, treatedShare: 0.5) { _ in 0.25 },
            unbalanced,
        ]
    }

    @Test("Qini curves, areas and coefficients equal scikit-uplift's, ties included")
    func qini() throws {
        let cases = Self.qiniCases()
        guard let peer = try UpliftCrossCheck.run(.qini, cases, as: [QiniOutput].self) else { return }
        try #require(peer.count == cases.count)
        for (i, (c, reference)) in zip(cases, peer).enumerated() {
            let curve = try QiniCurve(scores: c.scores, treated: c.treated, outcomes: c.outcomes)
            let n = Double(curve.customerCount)
            #expect(curve.points.map(\.customers) == reference.customers, "case \(i): the points sit at the same tie ends")
            for (point, q) in zip(curve.points, reference.incremental) {
                #expect(abs(point.incrementalConversions - q) < 1e-9, "case \(i) at \(point.customers): \(point.incrementalConversions), sklift \(q)")
            }
            #expect(Self.close(curve.area * n, reference.auc, relative: 1e-10, absolute: 1e-9), "case \(i): area × N \(curve.area * n), sklift \(reference.auc)")
            #expect(Self.close(curve.perfectArea * n, reference.perfectAuc, relative: 1e-10), "case \(i): perfect area")
            let coefficient = try #require(curve.coefficient), referenceCoefficient = try #require(reference.coefficient)
            #expect(abs(coefficient - referenceCoefficient) < 1e-10, "case \(i): Qini coefficient \(coefficient), sklift \(referenceCoefficient)")
        }
    }
}
