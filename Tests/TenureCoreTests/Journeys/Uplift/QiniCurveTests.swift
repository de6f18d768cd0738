import Foundation
import TenureCore
import Testing

@Suite("Qini curve and coefficient")
struct QiniCurveTests {
    /// Six customers worked by hand, highest score first: T1 C0 T1 C1 T0 C0 (T = treated, C =
    /// control, 1 = converted). Q(k) = Y_t − Y_c·N_t/N_c: 1, 1, 2, 2 − 1·2/2 = 1, 2 − 1·3/2 = ½,
    /// 2 − 1·3/3 = 1. Trapezoids of width ⅙: area = (½ + 1 + 1½ + 1½ + ¾ + ¾)/6 = 1; random = ½.
    /// The perfect ranking (treated converters, the rest, the control converter) has points
    /// (⅓, 2), (⅚, 2), (1, 1) and area ⅓ + 1 + ¼ = 19/12; coefficient ½ / (19/12 − ½) = 6/13.
    static let scores = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    static let treated = [true, false, true, false, true, false]
    static let outcomes = [true, false, true, true, false, false]

    @Test("a hand-worked curve: points, areas and coefficient")
    func handWorked() throws {
        let curve = try QiniCurve(scores: Self.scores, treated: Self.treated, outcomes: Self.outcomes)
        #expect(curve.points.map(\.customers) == [0, 1, 2, 3, 4, 5, 6])
        #expect(curve.points.map(\.incrementalConversions) == [0, 1, 1, 2, 1, 0.5, 1])
        #expect(curve.points.map(\.treated) == [0, 1, 1, 2, 2, 3, 3] && curve.points.map(\.control) == [0, 0, 1, 1, 2, 2, 3])
        #expect(curve.points.last?.fraction == 1)
        #expect(abs(curve.area - 1) < 1e-15 && curve.randomArea == 0.5)
        #expect(abs(curve.perfectArea - 19.0 / 12) < 1e-15)
        #expect(abs(try #require(curve.coefficient) - 6.0 / 13) < 1e-15)
        #expect(abs(curve.areaAboveRandom - 0.5) < 1e-15)
        #expect(curve.customerCount == 6 && curve.treatedCount == 3 && curve.controlCount == 3)
        #expect(curve.incrementalConversions(atFraction: 0.5) == 2)
        #expect(abs(curve.incrementalConversions(atFraction: 0.25) - 1) < 1e-15)
        #expect(abs(curve.incrementalConversions(atFraction: 7.0 / 12) - 1.5) < 1e-12)
        #expect(curve.incrementalConversions(atFraction: 2) == 1 && curve.incrementalConversions(atFraction: -1) == 0)
    }

    @Test("the perfect ranking scores 1, the reversed one below 0, a constant score exactly 0")
    func extremes() throws {
        let perfectScores = zip(Self.treated, Self.outcomes).map { t, y in y ? (t ? 1.0 : -1.0) : 0 }
        let perfect = try QiniCurve(scores: perfectScores, treated: Self.treated, outcomes: Self.outcomes)
        #expect(abs(try #require(perfect.coefficient) - 1) < 1e-15)
        let reversed = try QiniCurve(scores: perfectScores.map { -$0 }, treated: Self.treated, outcomes: Self.outcomes)
        #expect(try #require(reversed.coefficient) < 0)
        let constant = try QiniCurve(scores: [Double](repeating: 3, count: 6), treated: Self.treated, outcomes: Self.outcomes)
        #expect(constant.points.map(\.customers) == [0, 6])
        #expect(constant.coefficient == 0)
    }

    @Test("tied customers are targeted together, whatever their order in the input")
    func ties() throws {
        let scores = [0.5, 0.5, 0.5, 0.2, 0.2, 0.9]
        let treated = [true, false, true, false, true, false], outcomes = [true, true, false, false, true, true]
        let curve = try QiniCurve(scores: scores, treated: treated, outcomes: outcomes)
        #expect(curve.points.map(\.customers) == [0, 1, 4, 6])
        let order = [4, 2, 5, 0, 3, 1]
        let shuffled = try QiniCurve(
            scores: order.map { scores[$0] }, treated: order.map { treated[$0] }, outcomes: order.map { outcomes[$0] })
        #expect(shuffled == curve)
    }

    @Test("no customers or no conversions: no coefficient; bad input: a typed error")
    func degenerate() throws {
        let empty = try QiniCurve(scores: [], treated: [], outcomes: [])
        #expect(empty.points.count == 1 && empty.area == 0 && empty.coefficient == nil)
        let none = try QiniCurve(scores: [1, 2, 3], treated: [true, false, true], outcomes: [false, false, false])
        #expect(none.coefficient == nil && none.area == 0)
        #expect(throws: UpliftModelError.countMismatch(rows: 2, of: "outcomes", count: 1)) {
            try QiniCurve(scores: [1, 2], treated: [true, false], outcomes: [true])
        }
        #expect(throws: UpliftModelError.nonFiniteScore(row: 1)) {
            try QiniCurve(scores: [1, .nan], treated: [true, false], outcomes: [true, false])
        }
    }
}
