import Foundation

/// Predicted uplift from two classifiers, the "two-model" approach or T-learner (Künzel et al.
/// 2019, "Metalearners for estimating heterogeneous treatment effects using machine learning",
/// PNAS 116:4156–4165): one ``GradientBoostedTreesModel`` fitted on the treated customers of a
/// journey and one on its control (held-out) customers, each predicting the probability of the
/// journey's outcome (e.g. its goal conversion). A customer's predicted uplift is
/// P(outcome | treated, x) − P(outcome | control, x), a difference of probabilities in −1…1.
///
/// The training data must come from a randomized assignment (the journey's holdout), so that the
/// two groups differ only by the treatment. Ranking customers by predicted uplift targets the
/// persuadable (high uplift) before the sure things and lost causes (≈ 0) and leaves the sleeping
/// dogs (negative uplift) alone, which ranking by churn risk cannot tell apart; evaluate a
/// ranking with a ``QiniCurve`` on data the models were not trained on.
public struct TLearnerUpliftModel: Sendable, Codable, Equatable {
    /// Smaller trees than churn's default: each arm of a journey is usually a fraction of the
    /// customers the churn model sees, and the control arm a small one.
    public static let defaultOptions = GradientBoostedTreesModel.Options(
        trees: 100, learningRate: 0.05, maxDepth: 3, minChildWeight: 5, rowSubsample: 0.8, seed: 1)

    /// P(outcome | treated, x).
    public let treatedModel: GradientBoostedTreesModel
    /// P(outcome | control, x).
    public let controlModel: GradientBoostedTreesModel
    /// Customers each model was trained on.
    public let treatedCount: Int
    public let controlCount: Int

    public init(treatedModel: GradientBoostedTreesModel, controlModel: GradientBoostedTreesModel, treatedCount: Int, controlCount: Int) {
        self.treatedModel = treatedModel
        self.controlModel = controlModel
        self.treatedCount = treatedCount
        self.controlCount = controlCount
    }

    /// The columns both models read, in order.
    public var features: [FeatureMatrix.Feature] { treatedModel.features }

    /// Fits the two models: rows of `x` with `treated[i]` on the treated model, the others on the
    /// control model, each with `outcomes` as labels and the same `options`.
    ///
    /// An arm whose customers all share one outcome (no control customer converted, say) gets a
    /// constant model at its rate shrunk half a customer towards ½, (successes + ½) / (n + 1),
    /// instead of failing: small holdouts with rare outcomes are common.
    public static func fit(
        _ x: FeatureMatrix, treated: [Bool], outcomes: [Bool], options: GradientBoostedTreesModel.Options = defaultOptions
    ) throws(UpliftModelError) -> TLearnerUpliftModel {
        guard treated.count == x.rowCount else { throw .countMismatch(rows: x.rowCount, of: "treatment flags", count: treated.count) }
        guard outcomes.count == x.rowCount else { throw .countMismatch(rows: x.rowCount, of: "outcomes", count: outcomes.count) }
        var treatedRows: [Int] = [], controlRows: [Int] = []
        for i in 0..<x.rowCount {
            if treated[i] { treatedRows.append(i) } else { controlRows.append(i) }
        }
        guard !treatedRows.isEmpty else { throw .noTreatedCustomers }
        guard !controlRows.isEmpty else { throw .noControlCustomers }
        let treatedModel = try armModel(x, rows: treatedRows, outcomes: outcomes, options: options)
        let controlModel = try armModel(x, rows: controlRows, outcomes: outcomes, options: options)
        return TLearnerUpliftModel(
            treatedModel: treatedModel, controlModel: controlModel, treatedCount: treatedRows.count, controlCount: controlRows.count)
    }

    private static func armModel(
        _ x: FeatureMatrix, rows: [Int], outcomes: [Bool], options: GradientBoostedTreesModel.Options
    ) throws(UpliftModelError) -> GradientBoostedTreesModel {
        let labels = rows.map { outcomes[$0] }
        let positives = labels.reduce(0) { $0 + ($1 ? 1 : 0) }
        if positives == 0 || positives == labels.count {
            let rate = (Double(positives) + 0.5) / (Double(labels.count) + 1)
            return GradientBoostedTreesModel(features: x.features, baseMargin: LogOdds.logit(rate), trees: [])
        }
        do throws(LearnError) {
            return try GradientBoostedTreesModel.fit(x.rows(rows), labels: labels, options: options)
        } catch {
            throw .model(error)
        }
    }

    /// Both probabilities and the uplift for every row of `x` (the training columns, in order).
    public func predict(_ x: FeatureMatrix) throws(UpliftModelError) -> UpliftPredictions {
        do throws(LearnError) {
            let ifTreated = try treatedModel.predictProbabilities(x)
            let ifControl = try controlModel.predictProbabilities(x)
            return UpliftPredictions(ifTreated: ifTreated, ifControl: ifControl)
        } catch {
            throw .model(error)
        }
    }
}
