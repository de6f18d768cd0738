import Foundation

extension TLearnerUpliftModel {
    /// Out-of-sample predicted uplift for every row of a journey's own data, by k-fold
    /// cross-fitting (Chernozhukov et al. 2018, "Double/debiased machine learning for treatment and
    /// structural parameters", Econometrics Journal 21:C1–C68, §3): rows are dealt into `folds`
    /// folds (a seeded shuffle within each arm, so each fold keeps the holdout share), and each
    /// row is scored by a T-learner fitted on the other folds. Feed the scores to a ``QiniCurve``
    /// with the same `treated` and `outcomes` to evaluate the model on customers it did not see.
    ///
    /// `folds` is clamped to 2…10. Throws when an arm is empty or the arrays disagree in length.
    public static func crossFittedUplift(
        _ x: FeatureMatrix, treated: [Bool], outcomes: [Bool], folds: Int = 2, seed: UInt64 = 1,
        options: GradientBoostedTreesModel.Options = defaultOptions
    ) throws(UpliftModelError) -> [Double] {
        let n = x.rowCount
        guard treated.count == n else { throw .countMismatch(rows: n, of: "treatment flags", count: treated.count) }
        guard outcomes.count == n else { throw .countMismatch(rows: n, of: "outcomes", count: outcomes.count) }
        let k = min(max(folds, 2), 10)
        var fold = [Int](repeating: 0, count: n)
        var rng = SeededGenerator(seed: seed)
        for arm in [true, false] {
            var rows = (0..<n).filter { treated[$0] == arm }
            guard !rows.isEmpty else { throw arm ? .noTreatedCustomers : .noControlCustomers }
            // Fisher–Yates, then deal round-robin.
            for i in stride(from: rows.count - 1, to: 0, by: -1) {
                let j = min(i, Int(rng.nextUnitInterval() * Double(i + 1)))
                rows.swapAt(i, j)
            }
            for (position, row) in rows.enumerated() { fold[row] = position % k }
        }
        var scores = [Double](repeating: 0, count: n)
        for f in 0..<k {
            let train = (0..<n).filter { fold[$0] != f }, test = (0..<n).filter { fold[$0] == f }
            guard !test.isEmpty else { continue }
            let model = try fit(x.rows(train), treated: train.map { treated[$0] }, outcomes: train.map { outcomes[$0] }, options: options)
            let predicted = try model.predict(x.rows(test)).uplift
            for (row, score) in zip(test, predicted) { scores[row] = score.isFinite ? score : 0 }
        }
        return scores
    }
}
