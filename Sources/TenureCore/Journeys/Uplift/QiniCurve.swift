import Foundation

/// How well a ranking by predicted uplift finds the customers a journey actually moves, measured
/// on the journey's own randomized treatment and control customers (Radcliffe 2007, "Using
/// control groups to target on predicted lift", Direct Marketing Analytics Journal 3:14–21; the
/// definitions of scikit-uplift's `qini_curve` and `qini_auc_score`).
///
/// Customers are sorted by score, highest first. Targeting the top k gives
///
///     Q(k) = Y_t(k) − Y_c(k) · N_t(k) / N_c(k)
///
/// incremental conversions: the treated customers' conversions Y_t(k) among the top k, less the
/// conversions the N_t(k) treated customers would have had at the control rate Y_c(k)/N_c(k) of
/// the top k (the second term is 0 while no control customer is among them).
///
/// - Ties: customers with equal scores are targeted together, so the curve has one point after
///   each distinct score (and one at (0, 0)), and it does not depend on the order of tied
///   customers in the input. Between points the curve is the straight line (trapezoids). A
///   ranking that gives everyone the same score is the random baseline itself.
/// - Areas use the fraction targeted k/N (0…1) as x and incremental conversions as y, so they are
///   in conversions; scikit-uplift's `auc` of the same curve, with x in customers, is N times
///   larger. The random baseline is the line from (0, 0) to (1, Q(N)), area Q(N)/2. The perfect
///   curve ranks treated converters first, then non-converters, then control converters
///   (scikit-uplift's `perfect_qini_curve(negative_effect=True)`).
/// - ``coefficient`` = (area − random area) / (perfect area − random area), scikit-uplift's
///   `qini_auc_score`: 0 for a random ranking, 1 for the perfect one, negative for a ranking worse
///   than random.
public struct QiniCurve: Sendable, Codable, Equatable {
    /// One point of the curve: the top ``customers`` customers targeted.
    public struct Point: Sendable, Codable, Equatable {
        /// Customers targeted (k), treated and control together.
        public var customers: Int
        /// k / N, 0…1.
        public var fraction: Double
        /// Treated customers among them, N_t(k).
        public var treated: Int
        /// Control customers among them, N_c(k).
        public var control: Int
        /// Q(k), in conversions.
        public var incrementalConversions: Double

        public init(customers: Int, fraction: Double, treated: Int, control: Int, incrementalConversions: Double) {
            self.customers = customers
            self.fraction = fraction
            self.treated = treated
            self.control = control
            self.incrementalConversions = incrementalConversions
        }
    }

    /// From (0, 0) to all N customers, one point per distinct score.
    public let points: [Point]
    /// N.
    public let customerCount: Int
    public let treatedCount: Int
    public let controlCount: Int
    /// Area under the curve, x in fraction targeted, y in incremental conversions.
    public let area: Double
    /// Area under the random baseline, Q(N)/2.
    public let randomArea: Double
    /// Area under the perfect curve.
    public let perfectArea: Double
    /// `(area − randomArea) / (perfectArea − randomArea)`; `nil` when the perfect curve is no
    /// better than random (no conversions at all, for instance).
    public let coefficient: Double?

    /// The area between the curve and the random baseline (Radcliffe's unnormalized Qini), in
    /// conversions.
    public var areaAboveRandom: Double { area - randomArea }

    /// The curve of `scores` (higher = target first; e.g. ``UpliftPredictions/uplift``) given each
    /// customer's treatment flag and binary outcome; the three arrays are parallel.
    public init(scores: [Double], treated: [Bool], outcomes: [Bool]) throws(UpliftModelError) {
        let n = scores.count
        guard treated.count == n else { throw .countMismatch(rows: n, of: "treatment flags", count: treated.count) }
        guard outcomes.count == n else { throw .countMismatch(rows: n, of: "outcomes", count: outcomes.count) }
        if let bad = scores.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteScore(row: bad) }
        let points = Self.points(scores: scores, treated: treated, outcomes: outcomes)
        // The perfect ranking: treated converters (1), everyone else (0), control converters (−1).
        let perfectScores = (0..<n).map { i in outcomes[i] ? (treated[i] ? 1.0 : -1.0) : 0.0 }
        let perfect = Self.points(scores: perfectScores, treated: treated, outcomes: outcomes)
        let treatedCount = treated.reduce(0) { $0 + ($1 ? 1 : 0) }
        self.points = points
        self.customerCount = n
        self.treatedCount = treatedCount
        self.controlCount = n - treatedCount
        self.area = Self.area(points)
        self.randomArea = (points.last?.incrementalConversions ?? 0) / 2
        self.perfectArea = Self.area(perfect)
        let best = perfectArea - randomArea
        self.coefficient = best > 0 ? (area - randomArea) / best : nil
    }

    /// The incremental conversions when the top `fraction` (0…1) of customers is targeted, on the
    /// straight line between the curve's points.
    public func incrementalConversions(atFraction fraction: Double) -> Double {
        guard let last = points.last, fraction.isFinite else { return 0 }
        let f = min(max(fraction, 0), 1)
        guard let upper = points.firstIndex(where: { $0.fraction >= f }) else { return last.incrementalConversions }
        if upper == 0 { return points[0].incrementalConversions }
        let a = points[upper - 1], b = points[upper]
        let width = b.fraction - a.fraction
        return width > 0
            ? a.incrementalConversions + (b.incrementalConversions - a.incrementalConversions) * (f - a.fraction) / width
            : b.incrementalConversions
    }

    /// The curve's points for one ranking (validated input).
    static func points(scores: [Double], treated: [Bool], outcomes: [Bool]) -> [Point] {
        let n = scores.count
        // Highest score first; the order inside a tie does not matter, since only tie ends are points.
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var points = [Point(customers: 0, fraction: 0, treated: 0, control: 0, incrementalConversions: 0)]
        points.reserveCapacity(min(n, 4096) + 1)
        var nt = 0, nc = 0, yt = 0, yc = 0
        for (k, i) in order.enumerated() {
            if treated[i] {
                nt += 1
                if outcomes[i] { yt += 1 }
            } else {
                nc += 1
                if outcomes[i] { yc += 1 }
            }
            if k + 1 < n, scores[order[k + 1]] == scores[i] { continue }
            let q = Double(yt) - (nc > 0 ? Double(yc) * Double(nt) / Double(nc) : 0)
            points.append(Point(customers: k + 1, fraction: Double(k + 1) / Double(n), treated: nt, control: nc,
                                incrementalConversions: q))
        }
        return points
    }

    /// Trapezoidal area under `points`, x in fraction targeted.
    static func area(_ points: [Point]) -> Double {
        var total = 0.0
        for j in points.indices.dropFirst() {
            let a = points[j - 1], b = points[j]
            total += (b.fraction - a.fraction) * (a.incrementalConversions + b.incrementalConversions) / 2
        }
        return total
    }
}
