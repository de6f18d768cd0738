/// Draws an index with probability proportional to its weight.
struct WeightedTable: Sendable {
    private let cumulative: [Double]

    init(_ weights: [Double]) {
        var total = 0.0
        cumulative = weights.map { w in
            total += max(0, w)
            return total
        }
    }

    func pick(_ u: Double) -> Int {
        let target = u * (cumulative.last ?? 0)
        for (i, c) in cumulative.enumerated() where target < c { return i }
        return cumulative.count - 1
    }
}
