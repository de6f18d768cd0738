/// How customers moved between RFM segments from one scoring date to another: a
/// segment × segment table of customer counts.
public struct RFMTransitionMatrix: Sendable, Hashable, Codable {
    /// Row and column labels: the ``RFMSegment`` display names in ``RFMSegment/allCases`` order,
    /// then `"Not scored"` (no purchase yet, or none in the lookback window).
    public var labels: [String]
    public var fromAsOf: Int32
    public var toAsOf: Int32
    /// `counts[from][to]`: customers in segment `from` at the first date and `to` at the second.
    public var counts: [[Int]]

    /// The transitions between two reports (customers scored in neither are left out).
    public init(from: RFMReport, to: RFMReport) {
        let all = RFMSegment.allCases
        let none = all.count
        labels = all.map(\.displayName) + ["Not scored"]
        fromAsOf = from.asOf
        toAsOf = to.asOf
        var m = [[Int]](repeating: [Int](repeating: 0, count: none + 1), count: none + 1)
        var i = 0, j = 0
        while i < from.customers.count || j < to.customers.count {
            let a = i < from.customers.count ? from.customers[i] : Int32.max
            let b = j < to.customers.count ? to.customers[j] : Int32.max
            let row = a <= b ? Int(from.segments[i].code) : none
            let col = b <= a ? Int(to.segments[j].code) : none
            m[row][col] += 1
            if a <= b { i += 1 }
            if b <= a { j += 1 }
        }
        counts = m
    }

    /// Scores the snapshot at both dates with `query`'s settings and compares them.
    public init(snapshot: ActivitySnapshot, query: RFMQuery, from: Int32, to: Int32) {
        var q = query
        q.asOf = from
        let a = q.run(on: snapshot)
        q.asOf = to
        self.init(from: a, to: q.run(on: snapshot))
    }
}
