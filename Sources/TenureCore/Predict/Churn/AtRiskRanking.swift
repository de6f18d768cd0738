import Foundation

/// The customers most worth saving now: churn risk from a gradient-boosted model, value from
/// BG/NBD + Gamma-Gamma, ranked by expected loss = risk × CLV, each with its reasons and an action.
///
/// The model is trained at `cutoff − horizon` with labels from `(cutoff − horizon, cutoff]`, which
/// are fully observed, then applied to features at the cutoff. Customers scored are those eligible
/// for the label at the cutoff (e.g. purchased in the lookback window, or subscribed).
///
/// P(alive) and CLV come from BG/NBD and Gamma-Gamma fitted on `purchases` on or before the cutoff,
/// in weeks. CLV = E[purchases in the next `clvHorizonWeeks` weeks] × E[spend per purchase],
/// **undiscounted** and at full revenue (no margin), in the currency of the event values.
public struct AtRiskRanking: Sendable {
    public var label: ChurnLabel
    /// The day to score at; `nil` means the snapshot's last day.
    public var cutoffDay: Int32?
    /// How far ahead CLV looks, in weeks.
    public var clvHorizonWeeks: Double
    /// How many customers to return.
    public var limit: Int
    public var features: ChurnFeatures
    /// Events whose values feed the lifetime-value models.
    public var purchases: EventSelection
    public var options: GradientBoostedTreesModel.Options
    public var rules: RetentionAction.Rules

    public init(
        label: ChurnLabel = .noPurchase(), cutoffDay: Int32? = nil, clvHorizonWeeks: Double = 52, limit: Int = 100,
        features: ChurnFeatures = ChurnFeatures(), purchases: EventSelection = .purchases,
        options: GradientBoostedTreesModel.Options = ChurnBacktest.defaultOptions,
        rules: RetentionAction.Rules = RetentionAction.Rules()
    ) {
        self.label = label
        self.cutoffDay = cutoffDay
        self.clvHorizonWeeks = clvHorizonWeeks
        self.limit = limit
        self.features = features
        self.purchases = purchases
        self.options = options
        self.rules = rules
    }

    /// Trains (see ``ChurnModelFile/train(on:attributes:label:cutoffDay:features:learner:boostedTrees:logisticRegression:backtest:)``),
    /// scores and ranks.
    public func run(on snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil) throws(ChurnPredictionError) -> AtRiskReport {
        let model = try ChurnModelFile.train(
            on: snapshot, attributes: attributes, label: label, cutoffDay: cutoffDay, features: features,
            boostedTrees: options, backtest: false)
        return try rank(snapshot, attributes: attributes, using: model)
    }

    /// Scores with a trained (or loaded) model and ranks; `label` and `features` come from the model.
    public func rank(
        _ snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil, using model: ChurnModelFile
    ) throws(ChurnPredictionError) -> AtRiskReport {
        guard let range = snapshot.dayRange else { throw .emptySnapshot }
        let cutoff = cutoffDay ?? range.upperBound
        let scores = try model.score(snapshot, attributes: attributes, cutoffDay: cutoff, topReasons: 3)
        let customers = scores.customers, scored = scores.scored
        let x = scores.features
        typealias C = ChurnFeatures.Column
        // The action rules read columns by name (a loaded model may order or omit them).
        let columnIndex = Dictionary(C.allCases.compactMap { c in x.featureIndex(named: c.name).map { (c, $0) } }) { a, _ in a }
        func feature(_ row: Int, _ column: C) -> Float { columnIndex[column].map { x[row, $0] } ?? .nan }
        func count(_ row: Int, _ column: C) -> Int { feature(row, column).isNaN ? 0 : Int(feature(row, column)) }
        let value = try CustomerValue(snapshot: snapshot, cutoffDay: cutoff, purchases: purchases, horizonWeeks: clvHorizonWeeks)

        let clvs = customers.map { value.clv(of: $0) }
        let sortedCLV = clvs.sorted()
        let q = min(max(rules.highValueQuantile, 0), 1)
        let highValueCLV = sortedCLV[min(sortedCLV.count - 1, Int(q * Double(sortedCLV.count)))]

        var entries: [AtRiskCustomer] = []
        entries.reserveCapacity(customers.count)
        for (i, customer) in customers.enumerated() {
            let risk = scored.probabilities[i], clv = clvs[i]
            let sinceSubscription = feature(i, .daysSinceLastSubscriptionEvent)
            let sincePurchase = feature(i, .daysSinceLastPurchase)
            let action = rules.action(
                subscriptionCancelled: !sinceSubscription.isNaN && feature(i, .subscriptionActive) == 0,
                risk: risk, clv: clv, highValueCLV: highValueCLV,
                daysSinceLastPurchase: sincePurchase.isNaN ? nil : Double(sincePurchase),
                meanPurchaseGapDays: value.meanPurchaseGapDays(of: customer),
                sessions30d: count(i, .sessions30d), orders30d: count(i, .orders30d))
            entries.append(AtRiskCustomer(
                customer: customer, churnRisk: risk, probabilityAlive: value.probabilityAlive(of: customer),
                predictedCLV: clv, expectedLoss: risk * clv, reasons: scored.reasons(row: i, in: x), action: action))
        }
        entries.sort { ($0.expectedLoss, $1.customer) > ($1.expectedLoss, $0.customer) }
        return AtRiskReport(
            cutoffDay: cutoff, trainCutoffDay: model.trainCutoffDay, horizonDays: model.label.horizonDays,
            clvHorizonWeeks: clvHorizonWeeks, scoredCount: entries.count, trainCount: model.trainCount,
            customers: Array(entries.prefix(max(0, limit))))
    }
}

/// One at-risk customer.
public struct AtRiskCustomer: Sendable, Codable, Equatable {
    /// Snapshot customer index.
    public var customer: Int
    /// Probability (0…1) of churning within the label's horizon.
    public var churnRisk: Double
    /// BG/NBD probability that the customer is still active; `nil` without a purchase.
    public var probabilityAlive: Double?
    /// Undiscounted expected revenue over the CLV horizon (currency of the event values).
    public var predictedCLV: Double
    /// churnRisk × predictedCLV.
    public var expectedLoss: Double
    /// Up to three features raising the risk most (TreeSHAP), with the customer's values.
    public var reasons: [FeatureContributions.Reason]
    public var action: RetentionAction
}

/// The ranked list of ``AtRiskRanking``.
public struct AtRiskReport: Sendable, Codable, Equatable {
    public var cutoffDay: Int32
    /// Where the model was trained (cutoff − horizon).
    public var trainCutoffDay: Int32
    public var horizonDays: Int32
    public var clvHorizonWeeks: Double
    /// Customers scored before keeping the top ones.
    public var scoredCount: Int
    /// Customers the model was trained on.
    public var trainCount: Int
    /// The top customers by expected loss, largest first.
    public var customers: [AtRiskCustomer]
}
