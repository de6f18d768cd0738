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
    /// How many of the returned customers, from the top, get their TreeSHAP reasons; `nil` means
    /// all of them. Everyone scored gets a risk, CLV, expected loss and action; explaining costs far
    /// more than scoring, so a million-customer ranking explains only the customers it shows and
    /// explains anyone else on demand (``ChurnModelFile/reasons(_:attributes:cutoffDay:customers:topReasons:)``).
    public var explainedCount: Int?
    public var features: ChurnFeatures
    /// Events whose values feed the lifetime-value models.
    public var purchases: EventSelection
    public var options: GradientBoostedTreesModel.Options
    public var rules: RetentionAction.Rules

    public init(
        label: ChurnLabel = .noPurchase(), cutoffDay: Int32? = nil, clvHorizonWeeks: Double = 52, limit: Int = 100,
        features: ChurnFeatures = ChurnFeatures(), purchases: EventSelection = .purchases,
        options: GradientBoostedTreesModel.Options = ChurnBacktest.defaultOptions,
        rules: RetentionAction.Rules = RetentionAction.Rules(), explainedCount: Int? = nil
    ) {
        self.label = label
        self.cutoffDay = cutoffDay
        self.clvHorizonWeeks = clvHorizonWeeks
        self.limit = limit
        self.features = features
        self.purchases = purchases
        self.options = options
        self.rules = rules
        self.explainedCount = explainedCount
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
    ///
    /// Every eligible customer is scored (churn probability from the model's trees), valued and
    /// ranked; only the first ``explainedCount`` of the returned customers get TreeSHAP reasons,
    /// computed after ranking, so the cost of explaining does not grow with the shop.
    public func rank(
        _ snapshot: ActivitySnapshot, attributes: CustomerAttributes? = nil, using model: ChurnModelFile
    ) throws(ChurnPredictionError) -> AtRiskReport {
        guard let range = snapshot.reportRange else { throw .emptySnapshot }
        let cutoff = cutoffDay ?? range.upperBound
        let eligible = model.label.eligibility(in: snapshot, cutoffDay: cutoff)
        let table = model.features.table(from: snapshot, cutoffDay: cutoff, attributes: attributes)
        let rows = table.customers.indices.filter { eligible[table.customers[$0]] }
        guard !rows.isEmpty else { throw .noEligibleCustomers(cutoffDay: cutoff) }
        let x = model.aligned(table.matrix.rows(rows))
        let customers = rows.map { table.customers[$0] }
        let probabilities: [Double]
        do throws(LearnError) {
            probabilities = try model.model.predictProbabilities(x)
        } catch {
            throw .model(error)
        }
        typealias C = ChurnFeatures.Column
        // The action rules read columns by name (a loaded model may order or omit them).
        let columnIndex = Dictionary(C.allCases.compactMap { c in x.featureIndex(named: c.name).map { (c, $0) } }) { a, _ in a }
        func feature(_ row: Int, _ column: C) -> Float { columnIndex[column].map { x[row, $0] } ?? .nan }
        func count(_ row: Int, _ column: C) -> Int { feature(row, column).isNaN ? 0 : Int(feature(row, column)) }
        let value = try CustomerValue(snapshot: snapshot, cutoffDay: cutoff, purchases: purchases, horizonWeeks: clvHorizonWeeks)

        let clvs = value.clvs(of: customers)
        let sortedCLV = clvs.sorted()
        let q = min(max(rules.highValueQuantile, 0), 1)
        let highValueCLV = sortedCLV[min(sortedCLV.count - 1, Int(q * Double(sortedCLV.count)))]

        // Rank rows by expected loss (largest first, ties by customer), then build the kept entries.
        let order = customers.indices.sorted { a, b in
            let la = probabilities[a] * clvs[a], lb = probabilities[b] * clvs[b]
            return la != lb ? la > lb : customers[a] < customers[b]
        }
        let kept = Array(order.prefix(max(0, limit)))
        let explained = Array(kept.prefix(max(0, explainedCount ?? kept.count)))
        let explainedX = explained.isEmpty ? nil : x.rows(explained)
        var reasons: ScoredCustomers?
        if let explainedX {
            do throws(LearnError) {
                reasons = try model.model.score(explainedX, topReasons: 3)
            } catch {
                throw .model(error)
            }
        }
        var entries: [AtRiskCustomer] = []
        entries.reserveCapacity(kept.count)
        for (n, i) in kept.enumerated() {
            let customer = customers[i], risk = probabilities[i], clv = clvs[i]
            let sinceSubscription = feature(i, .daysSinceLastSubscriptionEvent)
            let sincePurchase = feature(i, .daysSinceLastPurchase)
            let action = rules.action(
                subscriptionCancelled: !sinceSubscription.isNaN && feature(i, .subscriptionActive) == 0,
                risk: risk, clv: clv, highValueCLV: highValueCLV,
                daysSinceLastPurchase: sincePurchase.isNaN ? nil : Double(sincePurchase),
                meanPurchaseGapDays: value.meanPurchaseGapDays(of: customer),
                sessions30d: count(i, .sessions30d), orders30d: count(i, .orders30d))
            var why: [FeatureContributions.Reason] = []
            if let reasons, let explainedX, n < explained.count { why = reasons.reasons(row: n, in: explainedX) }
            entries.append(AtRiskCustomer(
                customer: customer, churnRisk: risk, probabilityAlive: value.probabilityAlive(of: customer),
                predictedCLV: clv, expectedLoss: risk * clv, reasons: why, action: action))
        }
        var scores = CustomerScores(asOf: cutoff, customerCount: snapshot.customerCount)
        for (i, customer) in customers.enumerated() {
            scores.churnRisk[customer] = probabilities[i]
            scores.clv[customer] = clvs[i]
            scores.expectedLoss[customer] = probabilities[i] * clvs[i]
            if let p = value.probabilityAlive(of: customer) { scores.probabilityAlive[customer] = p }
        }
        return AtRiskReport(
            cutoffDay: cutoff, trainCutoffDay: model.trainCutoffDay, horizonDays: model.label.horizonDays,
            clvHorizonWeeks: clvHorizonWeeks, scoredCount: customers.count, trainCount: model.trainCount,
            customers: entries, scores: scores)
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
    /// Up to three features raising the risk most (TreeSHAP), with the customer's values; empty
    /// when none raises it, or beyond the ranking's ``AtRiskRanking/explainedCount``.
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
    /// Every scored customer's risk, P(alive), CLV and expected loss (not kept in the JSON form:
    /// a million customers' scores are rebuilt by the next scoring run).
    public var scores: CustomerScores?

    enum CodingKeys: String, CodingKey {
        case cutoffDay, trainCutoffDay, horizonDays, clvHorizonWeeks, scoredCount, trainCount, customers
    }
}
