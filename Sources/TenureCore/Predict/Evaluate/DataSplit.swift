import Foundation

/// Seeded splits of customers into training and test sets, stratified on the churn label so every
/// part keeps the overall churn rate.
public enum DataSplit {
    /// One train/test partition of row indices (both sorted ascending).
    public struct Fold: Sendable, Codable, Equatable {
        public var train: [Int]
        public var test: [Int]
    }

    /// Stratified k-fold: the rows of each class are shuffled with `seed` and dealt round-robin into
    /// `k` folds, so fold sizes per class differ by at most one. Fold `i` tests on part `i` and trains on the rest.
    public static func stratifiedKFold(labels: [Bool], k: Int, seed: UInt64) throws(LearnError) -> [Fold] {
        guard k >= 2 else { throw .invalidOption("cross-validation needs at least 2 folds, got \(k)") }
        let positives = labels.indices.filter { labels[$0] }
        let negatives = labels.indices.filter { !labels[$0] }
        let minority = min(positives.count, negatives.count)
        guard minority >= k else { throw .tooFewRowsForFolds(folds: k, minorityCount: minority) }
        var generator = SeededGenerator(seed: seed)
        var part = [Int](repeating: 0, count: labels.count)
        for group in [positives, negatives] {
            var shuffled = group
            shuffled.shuffle(using: &generator)
            for (position, row) in shuffled.enumerated() { part[row] = position % k }
        }
        return (0..<k).map { f in
            Fold(train: labels.indices.filter { part[$0] != f }, test: labels.indices.filter { part[$0] == f })
        }
    }

    /// Stratified holdout: a `testFraction` of each class (rounded) goes to the test set.
    public static func holdout(labels: [Bool], testFraction: Double, seed: UInt64) throws(LearnError) -> Fold {
        guard testFraction > 0, testFraction < 1 else {
            throw .invalidOption("the test fraction must be between 0 and 1, got \(testFraction)")
        }
        var generator = SeededGenerator(seed: seed)
        var isTest = [Bool](repeating: false, count: labels.count)
        for cls in [true, false] {
            var group = labels.indices.filter { labels[$0] == cls }
            group.shuffle(using: &generator)
            let take = Int((Double(group.count) * testFraction).rounded())
            for row in group.prefix(take) { isTest[row] = true }
        }
        return Fold(train: labels.indices.filter { !isTest[$0] }, test: labels.indices.filter { isTest[$0] })
    }
}
