import Foundation

/// Metrics of a churn score against observed outcomes (`true` = churned). Scores may be any real
/// numbers for the ranking metrics (AUC, average precision, lift); the probability metrics (Brier,
/// log loss, calibration) need probabilities in [0, 1].
///
/// Definitions follow scikit-learn 1.x (`roc_auc_score`, `average_precision_score`,
/// `brier_score_loss`, `log_loss`), checked against it in `ClassificationMetricsTests`.
public enum ClassificationMetrics {
    /// Area under the ROC curve: the probability that a random churner scores above a random
    /// non-churner, ties counting one half (Mann–Whitney U with average ranks). NaN when a class is absent.
    public static func rocAUC(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "one score per label")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSumPositives = 0.0, positives = 0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let averageRank = Double(start + end) / 2 + 1
            for k in start...end where labels[order[k]] {
                rankSumPositives += averageRank
                positives += 1
            }
            start = end + 1
        }
        let negatives = labels.count - positives
        guard positives > 0, negatives > 0 else { return .nan }
        let u = rankSumPositives - Double(positives) * Double(positives + 1) / 2
        return u / (Double(positives) * Double(negatives))
    }

    /// Average precision, AP = Σₙ (Rₙ − Rₙ₋₁) Pₙ over the distinct score thresholds from highest to
    /// lowest (tied scores enter together), as scikit-learn's `average_precision_score`. NaN without churners.
    public static func averagePrecision(scores: [Double], labels: [Bool]) -> Double {
        precondition(scores.count == labels.count, "one score per label")
        let totalPositives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard totalPositives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var ap = 0.0, truePositives = 0, seen = 0, previousRecall = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            for k in start...end where labels[order[k]] { truePositives += 1 }
            seen += end - start + 1
            let recall = Double(truePositives) / Double(totalPositives)
            let precision = Double(truePositives) / Double(seen)
            ap += (recall - previousRecall) * precision
            previousRecall = recall
            start = end + 1
        }
        return ap
    }

    /// Brier score: mean squared difference between probability and outcome (0 is perfect).
    public static func brierScore(probabilities: [Double], labels: [Bool]) -> Double {
        precondition(probabilities.count == labels.count, "one probability per label")
        guard !labels.isEmpty else { return .nan }
        var s = 0.0
        for (p, y) in zip(probabilities, labels) {
            let d = p - (y ? 1 : 0)
            s += d * d
        }
        return s / Double(labels.count)
    }

    /// Mean negative log-likelihood in nats, probabilities clipped to [ε, 1 − ε] with ε the double
    /// machine epsilon (2.2e-16), as scikit-learn ≥ 1.5.
    public static func logLoss(probabilities: [Double], labels: [Bool]) -> Double {
        precondition(probabilities.count == labels.count, "one probability per label")
        guard !labels.isEmpty else { return .nan }
        var s = 0.0
        for (p, y) in zip(probabilities, labels) {
            let q = min(max(p, Double.ulpOfOne), 1 - Double.ulpOfOne)
            s -= y ? log(q) : log1p(-q)
        }
        return s / Double(labels.count)
    }

    /// Lift in the top `fraction` of customers by score: churn rate among them ÷ overall churn rate.
    /// A tie group straddling the cut counts in proportion to the part of it inside.
    public static func lift(scores: [Double], labels: [Bool], topFraction fraction: Double = 0.1) -> Double {
        precondition(scores.count == labels.count, "one score per label")
        let n = labels.count
        let totalPositives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard n > 0, totalPositives > 0, fraction > 0 else { return .nan }
        let take = min(Double(n), fraction * Double(n))
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var taken = 0.0, positivesTaken = 0.0
        var start = 0
        while start < n && taken < take {
            var end = start
            while end + 1 < n && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let size = Double(end - start + 1)
            var groupPositives = 0.0
            for k in start...end where labels[order[k]] { groupPositives += 1 }
            let share = min(1, (take - taken) / size)
            taken += share * size
            positivesTaken += share * groupPositives
            start = end + 1
        }
        return (positivesTaken / take) / (Double(totalPositives) / Double(n))
    }

    /// Calibration table: customers sorted by predicted probability and cut into `bins` groups of
    /// (nearly) equal size; for each, the mean predicted probability and the observed churn rate.
    public static func calibration(probabilities: [Double], labels: [Bool], bins: Int = 10) -> [CalibrationBin] {
        precondition(probabilities.count == labels.count, "one probability per label")
        let n = labels.count
        guard n > 0, bins > 0 else { return [] }
        let order = probabilities.indices.sorted { probabilities[$0] < probabilities[$1] }
        var out: [CalibrationBin] = []
        for b in 0..<bins {
            let lo = b * n / bins, hi = (b + 1) * n / bins
            guard hi > lo else { continue }
            var sumP = 0.0, positives = 0
            for k in lo..<hi {
                sumP += probabilities[order[k]]
                if labels[order[k]] { positives += 1 }
            }
            out.append(CalibrationBin(
                count: hi - lo, meanPredicted: sumP / Double(hi - lo),
                observedRate: Double(positives) / Double(hi - lo),
                minPredicted: probabilities[order[lo]], maxPredicted: probabilities[order[hi - 1]]))
        }
        return out
    }

    /// All the metrics of probabilities against outcomes.
    public static func evaluate(probabilities: [Double], labels: [Bool]) -> ClassificationReport {
        ClassificationReport(
            count: labels.count, positives: labels.reduce(0) { $0 + ($1 ? 1 : 0) },
            rocAUC: rocAUC(scores: probabilities, labels: labels),
            averagePrecision: averagePrecision(scores: probabilities, labels: labels),
            liftTopDecile: lift(scores: probabilities, labels: labels, topFraction: 0.1),
            brierScore: brierScore(probabilities: probabilities, labels: labels),
            logLoss: logLoss(probabilities: probabilities, labels: labels),
            calibration: calibration(probabilities: probabilities, labels: labels, bins: 10))
    }
}
