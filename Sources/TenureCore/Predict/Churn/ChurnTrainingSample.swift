import Foundation

/// How many customers a churn model is trained on at most: above ``maxCustomers`` eligible
/// customers, a seeded uniform random sample of that many (without replacement, in customer
/// order) is trained on instead of everyone.
///
/// Gradient-boosted trees on 200,000 customers are as good as on a million for the twenty-odd
/// behavioural features (the histograms already bin them), and training time grows linearly with
/// rows: on a million-customer shop the sample cuts the model's training by about five times.
/// The same `seed` always draws the same customers from the same training set.
public struct ChurnTrainingSample: Sendable, Hashable, Codable {
    /// Most customers trained on; `Int.max` trains on everyone.
    public var maxCustomers: Int
    /// Seed of the random draw.
    public var seed: UInt64

    public init(maxCustomers: Int, seed: UInt64 = 1) {
        self.maxCustomers = maxCustomers
        self.seed = seed
    }

    /// At most 200,000 customers, seed 1: what `tenure serve`, `tenure model train`, `tenure at-risk`
    /// and the dashboard use.
    public static let standard = ChurnTrainingSample(maxCustomers: 200_000, seed: 1)
    /// Every eligible customer.
    public static let everyone = ChurnTrainingSample(maxCustomers: .max)

    /// The rows (ascending) of a training set of `count` rows to keep: all of them when `count`
    /// is at most ``maxCustomers``, else a uniform random subset of that size.
    public func rows(outOf count: Int) -> [Int] {
        guard count > maxCustomers, maxCustomers >= 0 else { return Array(0..<count) }
        // A partial Fisher–Yates shuffle: the first `maxCustomers` slots are a uniform sample.
        var generator = SeededGenerator(seed: seed)
        var indices = Array(0..<count)
        for i in 0..<maxCustomers {
            let j = i + Int(generator.next() % UInt64(count - i))
            indices.swapAt(i, j)
        }
        return indices.prefix(maxCustomers).sorted()
    }
}

extension ChurnTrainingSet {
    /// This set, or a sample of its customers when it has more than `sample.maxCustomers`.
    public func sampled(_ sample: ChurnTrainingSample) -> ChurnTrainingSet {
        guard labels.count > sample.maxCustomers else { return self }
        let rows = sample.rows(outOf: labels.count)
        var copy = self
        copy.features = ChurnFeatures.Table(
            matrix: features.matrix.rows(rows), customers: rows.map { features.customers[$0] }, cutoffDay: features.cutoffDay)
        copy.labels = rows.map { labels[$0] }
        return copy
    }
}
